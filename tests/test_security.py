"""One test per attack from the security issue: hostile Markdown and YAML, paths, kills, encodings.

Each test builds (or checks) a real site through `sitegen.build`; SECURITY.md names them.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import xml.dom.minidom
from pathlib import Path

import pytest
from conftest import build_ok, copy_site

from sitegen.build import build, check
from sitegen.write import writer

STORY = Path("content/stories/story-1.md")
FRONT = "---\ntitle: 事迹 1\ndate: 2021-01-15\nassociation: \"330106\"\nproject: xihu-jinhui\n---\n"


def errors(result, code: str | None = None):
    return [d for d in result.diagnostics if d.is_error and (code is None or d.code == code)]


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def all_output(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file())


# --- 2. Hostile Markdown -------------------------------------------------------------------

HOSTILE_LINES = {
    "script": "<script>alert(1)</script>",
    "onerror": '<img src="/img/a.svg" onerror="alert(2)">',  # an image of the site: only onerror is wrong
    "mixed-case-js-link": "[a](JaVaScRiPt:alert(3))",
    "entity-js-link": '<a href="&#106;avascript:alert(4)">b</a>',
    "entity-js-markdown": "[c](&#x6A;avascript:alert(5))",
    "tab-js-link": '<a href="java&#9;script:alert(6)">d</a>',
    "data-link": "[e](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)",
    "vbscript-link": '<a href="VBScript:msgbox(8)">f</a>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "style": "<style>body{display:none}</style>",
    "svg-script": "<svg><script>alert(9)</script></svg>",
    "onclick": '<p onclick="alert(10)">g</p>',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_LINES))
def test_hostile_markdown_is_removed_with_a_warning_at_its_line(name: str, small_site: Path, tmp_path: Path) -> None:
    body = f"第一段。\n\n{HOSTILE_LINES[name]}\n\n最后一段。\n"
    (small_site / STORY).write_text(FRONT + body, encoding="utf-8")
    out = tmp_path / "out"
    result = build_ok(small_site, out)
    warnings = [d for d in result.diagnostics if d.code == "unsafe-html" and d.path.endswith("story-1.md")]
    assert warnings and all(d.line == 9 for d in warnings), [d.format_text() for d in result.diagnostics]
    page = (out / "stories/story-1/index.html").read_text(encoding="utf-8").lower()
    assert "最后一段" in page
    for needle in ("alert(", "javascript:", "vbscript:", "data:text", "onerror", "onclick", "<iframe", "<style>body"):
        assert needle not in page, needle


def test_no_hostile_markup_anywhere_in_the_output(small_site: Path, tmp_path: Path) -> None:
    body = "\n\n".join(HOSTILE_LINES.values()) + "\n"
    (small_site / STORY).write_text(FRONT + body, encoding="utf-8")
    out = tmp_path / "out"
    build_ok(small_site, out)
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".csv", ".js"):
            text = path.read_text(encoding="utf-8").lower()
            for needle in ("alert(", "javascript:", "vbscript:", "onerror", "onclick", "<iframe"):
                assert needle not in text, (path, needle)


TITLE = '"><script>alert(1)</script></title><img src=x onerror=alert(2)> & \'q\' \u2028 </script>'


def test_hostile_titles_are_escaped_in_html_feed_sitemap_and_data(small_site: Path, tmp_path: Path) -> None:
    text = (small_site / STORY).read_text(encoding="utf-8")
    (small_site / STORY).write_text(text.replace("title: 事迹 1", f"title: {json.dumps(TITLE)}"), encoding="utf-8")
    project = small_site / "content/projects/xihu-jinhui.yaml"
    project.write_text(
        project.read_text(encoding="utf-8").replace("summary: 为辖区空巢老人提供上门服务。", f"summary: {json.dumps(TITLE)}"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build_ok(small_site, out)
    for path in out.rglob("*"):
        if not path.is_file() or path.suffix not in (".html", ".xml", ".json", ".js", ".csv"):
            continue
        raw = path.read_text(encoding="utf-8")
        if path.suffix in (".html", ".xml", ".js"):
            # Inline <script> data (JSON-LD, search index) must not be closed early either.
            assert "<script>alert" not in raw and "<img src=x" not in raw and "</title><img" not in raw, path
        if path.suffix == ".xml":
            xml.dom.minidom.parseString(raw.encode())  # still well-formed
        if path.suffix == ".json":
            json.loads(raw)
    page = (out / "stories/story-1/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)" in page or "\\u003cscript" in page
    data = json.loads((out / "data/projects.json").read_text(encoding="utf-8"))
    assert any(item.get("summary") == TITLE for item in data)  # escaped for HTML only, data exact


# --- 3. YAML that attacks the loader --------------------------------------------------------

ASSOC = Path("content/associations/330110.yaml")
YAML_ATTACKS = {
    "billion-laughs": "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)),
    "deep-flow-nesting": "teams: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "deep-mapping-nesting": "teams: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
    "deep-block-nesting": "".join("  " * i + f"k{i}:\n" for i in range(2_000)) + "  " * 2_000 + "v\n",
    "huge-scalar": "name: " + "x" * 20_000_000 + "\n",
    "duplicate-keys": 'region: "330110"\nname: 甲\nname: 乙\n',
    "python-object-tag": "name: !!python/object/apply:os.system ['touch /tmp/sitegen-pwned']\n",
    "python-name-tag": "name: !!python/name:os.system\n",
    "custom-local-tag": "name: !evil x\n",
    "merge-key": "base: {a: 1}\n<<: {name: x}\n",
}


@pytest.mark.parametrize("name", sorted(YAML_ATTACKS))
def test_yaml_attacks_are_located_errors_quickly(name: str, small_site: Path) -> None:
    (small_site / ASSOC).write_text(YAML_ATTACKS[name], encoding="utf-8")
    started = time.perf_counter()
    result = check(small_site)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, elapsed  # about 0.1 s locally; generous bound against slow CI
    found = [d for d in errors(result) if d.path.endswith("330110.yaml")]
    assert found, [d.format_text() for d in result.diagnostics]
    assert all(d.line >= 1 and d.column >= 1 for d in found)
    assert not Path("/tmp/sitegen-pwned").exists()


def test_no_yaml_tag_constructs_an_object() -> None:
    from sitegen.load.yamlsafe import load_yaml

    for tag in ("!!python/object:os.system", "!!python/object/new:list", "!!set", "!!binary", "!!timestamp", "!!omap"):
        result = load_yaml(f"a: {tag} {{}}\n", "f.yaml")
        assert not result.ok, tag
        assert result.data is None or result.data.get("a") is None, tag


# --- 4. Paths --------------------------------------------------------------------------------

PATH_ATTACKS = ["../../etc/passwd", "/etc/passwd", "C:/Windows/win.ini", "C:\\Windows\\win.ini", "img/a.svg\x00.png",
                "img/../../sitegen.yaml", "\\\\server\\share\\a.png", "file:///etc/passwd"]  # fmt: skip


@pytest.mark.parametrize("bad", PATH_ATTACKS)
def test_image_paths_cannot_leave_static(bad: str, small_site: Path, tmp_path: Path) -> None:
    project = small_site / "content/projects/xihu-jinhui.yaml"
    project.write_text(
        project.read_text(encoding="utf-8").replace("images: [img/a.svg]", f"images: [{json.dumps(bad)}]"),
        encoding="utf-8",
    )
    result = build(small_site, tmp_path / "out")
    assert [d for d in errors(result) if d.path.endswith("xihu-jinhui.yaml") and d.line == 8]
    assert not (tmp_path / "out").exists()


def test_image_symlink_out_of_static_is_refused(small_site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    (small_site / "static/img/leak.png").symlink_to(secret)
    project = small_site / "content/projects/xihu-jinhui.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("img/a.svg", "img/leak.png"), encoding="utf-8")
    result = build(small_site, tmp_path / "out")
    assert errors(result)
    assert not (tmp_path / "out").exists() or b"secret" not in b"".join(tree(tmp_path / "out").values())


# A NUL byte cannot be part of a file name on POSIX systems, so it needs no case here.
@pytest.mark.parametrize("name", ["a..b", "a b", "C:x", "UPPER", "-x", "a%2e%2e"])
def test_bad_slugs_are_refused(name: str, small_site: Path, tmp_path: Path) -> None:
    (small_site / "content/pages" / f"{name}.md").write_text("---\ntitle: x\n---\n正文\n", encoding="utf-8")
    result = build(small_site, tmp_path / "out")
    assert [d for d in errors(result, "file-name")]
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("where", ["src", "content", "root", "home", "parent"])
def test_dangerous_out_is_a_usage_error(where: str, small_site: Path) -> None:
    out = {"src": small_site, "content": small_site / "content/x", "root": Path("/"), "home": Path.home(),
           "parent": small_site.parent}[where]  # fmt: skip
    before = tree(small_site)
    proc = subprocess.run(
        [sys.executable, "-c", "from sitegen.cli import main; main()", "build", "--src", str(small_site), "-o", str(out)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "输出目录不能" in proc.stderr and "Traceback" not in proc.stderr
    assert tree(small_site) == before


# --- 5. Crashes, kills, full disks -------------------------------------------------------------


def _big_site(tmp_path: Path, stories: int) -> Path:
    src = copy_site("small", tmp_path)
    text = (src / STORY).read_text(encoding="utf-8")
    body = "\n\n正文。" * 40
    for i in range(stories):
        (src / f"content/stories/bulk-{i:04d}.md").write_text(
            text.replace("事迹 1", f"批量事迹 {i}") + body, encoding="utf-8"
        )
    return src


def test_sigkill_mid_build_leaves_previous_output_intact(tmp_path: Path) -> None:
    """Killed at random moments (tests/test_writer_kills.py kills at every phase of the writer):
    OUT is always the previous site or the new one, whole."""
    src = _big_site(tmp_path, 300)
    out = tmp_path / "out"
    build_ok(src, out)
    command = [sys.executable, "-c", "from sitegen.cli import main; main()", "build", "--src", str(src), "-o", str(out), "-q"]
    rng = random.Random(1)
    killed = 0
    for attempt in range(3):
        previous = tree(out)
        # A changed story makes each build write new files, not only link the old ones.
        (src / STORY).write_text((src / STORY).read_text(encoding="utf-8") + f"\n第 {attempt} 次修改。\n", encoding="utf-8")
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))  # a rebuild takes 1–3 s here
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed += 1
        child.wait(timeout=240)
        seen = tree(out)
        proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert seen in (previous, tree(out)), f"half-written after {time.monotonic() - started:.1f} s"
    assert killed
    assert "第 2 次修改" in (out / "stories/story-1/index.html").read_text(encoding="utf-8")
    leftovers = [p.name for p in tmp_path.iterdir() if ".sitegen-" in p.name]
    assert not leftovers, leftovers


def _cannot_write_here(monkeypatch: pytest.MonkeyPatch, errno_: int) -> None:
    def refuse(*args, **kwargs):
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr(os, "link", refuse)
    monkeypatch.setattr(Path, "write_bytes", refuse)
    monkeypatch.setattr(writer.tree, "create", refuse)
    monkeypatch.setattr(writer.tree, "link", refuse)


@pytest.mark.parametrize("errno_name", ["ENOSPC", "EROFS", "EACCES"])
def test_full_disk_or_read_only_out_is_a_clear_error(
    errno_name: str, small_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    out = tmp_path / "out"
    build_ok(small_site, out)
    before = tree(out)
    (small_site / STORY).write_text((small_site / STORY).read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    _cannot_write_here(monkeypatch, getattr(errno, errno_name))
    result = build(small_site, out)
    found = errors(result, "output")
    assert found and "Traceback" not in found[0].message
    monkeypatch.undo()
    assert tree(out) == before
    assert not [p for p in tmp_path.iterdir() if ".sitegen-new" in p.name]
    build_ok(small_site, out)


def test_read_only_out_parent_is_a_clear_cli_error(small_site: Path, tmp_path: Path) -> None:
    # Root ignores chmod, so the parent of OUT is made a file: no one can create anything in it.
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", "from sitegen.cli import main; main()", "build", "--src", str(small_site), "-o", str(blocker / "out")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "output" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert blocker.read_text(encoding="utf-8") == "not a directory"


# --- 6. Encodings -----------------------------------------------------------------------------

PROBLEM_STORY = FRONT.replace("project: xihu-jinhui\n", "project: xihu-jinhui\nvolunteer: {name: 13812345678}\n") + (
    "第一段。\n\n<script>x</script>\n\n联系 139 1234 5678。\n"
)


@pytest.mark.parametrize("variant", ["bom", "crlf", "cr", "mixed", "bom-crlf"])
def test_bom_and_line_endings_give_identical_output_and_positions(variant: str, tmp_path: Path) -> None:
    def encode(text: str) -> bytes:
        if variant in ("crlf", "bom-crlf"):
            text = text.replace("\n", "\r\n")
        elif variant == "cr":
            text = text.replace("\n", "\r")
        elif variant == "mixed":
            lines = text.split("\n")
            text = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines[:-1])) + lines[-1]
        data = text.encode("utf-8")
        return (b"\xef\xbb\xbf" + data) if variant.startswith("bom") else data

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = copy_site("small", tmp_path / "a")
    other = copy_site("small", tmp_path / "b")
    good = (plain / STORY).read_text(encoding="utf-8") + "\n第二段。\n\n<iframe></iframe>\n"
    (plain / STORY).write_text(good, encoding="utf-8")
    (other / STORY).write_bytes(encode(good))
    for name in ("content/associations/330106.yaml", "content/projects/xihu-jinhui.yaml", "sitegen.yaml"):
        (other / name).write_bytes(encode((plain / name).read_text(encoding="utf-8")))
    a, b = build_ok(plain, tmp_path / "out-a"), build_ok(other, tmp_path / "out-b")
    assert tree(tmp_path / "out-a") == tree(tmp_path / "out-b")
    assert [(d.line, d.column, d.code) for d in a.diagnostics] == [(d.line, d.column, d.code) for d in b.diagnostics]
    # Errors too: the same privacy and unsafe-html positions.
    (plain / STORY).write_text(PROBLEM_STORY, encoding="utf-8")
    (other / STORY).write_bytes(encode(PROBLEM_STORY))
    a, b = check(plain), check(other)
    spots = [(d.line, d.column, d.code) for d in a.diagnostics]
    assert ("privacy" in {c for _, _, c in spots}) and spots == [(d.line, d.column, d.code) for d in b.diagnostics]


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_gbk_files_are_a_located_error_with_a_resave_hint(codec: str, small_site: Path) -> None:
    (small_site / STORY).write_bytes((FRONT + "第一段。\n").encode(codec))
    found = [d for d in errors(check(small_site), "encoding") if d.path.endswith("story-1.md")]
    assert found and found[0].line == 2 and "UTF-8" in found[0].message and "GB" in found[0].message


def test_nul_byte_is_a_located_error(small_site: Path) -> None:
    (small_site / STORY).write_bytes((FRONT + "第一段\x00。\n").encode("utf-8"))
    found = [d for d in errors(check(small_site), "encoding") if d.path.endswith("story-1.md")]
    assert found and (found[0].line, found[0].column) == (7, 4) and "UTF-8" in found[0].message


def test_oversized_file_is_a_located_error(small_site: Path) -> None:
    (small_site / STORY).write_bytes(FRONT.encode() + b"a" * (3 * 1024 * 1024))
    found = [d for d in errors(check(small_site), "size") if d.path.endswith("story-1.md")]
    assert found and "KB" in found[0].message


# --- 1. Privacy, end to end -------------------------------------------------------------------

PRIVATE = {
    "id-18": ("11010519491231002X", "110*************2X"),
    "id-18-lower-x": ("11010519491231002x", "110*************2x"),
    "id-15": ("110105491231002", "110**********02"),
    "mobile": ("13812345678", "138******78"),
    "mobile-spaces": ("138 1234 5678", "138******78"),
    "mobile-dashes": ("138-1234-5678", "138******78"),
    "bank-card-16": ("4111111111111111", "411***********11"),
    "bank-card-19": ("6212 2612 0200 0000 001", "621**************01"),
}


@pytest.mark.parametrize("name", sorted(PRIVATE))
@pytest.mark.parametrize("where", ["body", "front-matter", "draft", "association-text"])
def test_personal_numbers_are_located_masked_errors(name: str, where: str, small_site: Path, tmp_path: Path) -> None:
    from sitegen.domain.privacy import luhn

    number, masked = PRIVATE[name]
    if name.startswith("bank"):
        assert luhn(number.replace(" ", ""))
    if where == "association-text":
        target, line, column = small_site / "content/associations/330106.yaml", 4, 16
        text = target.read_text(encoding="utf-8").replace("supervisor: 共青团杭州市西湖区委员会", f"supervisor: 团委 {number}")
    else:
        target = small_site / STORY
        front = FRONT.replace("---\n", "---\ndraft: true\n", 1) if where == "draft" else FRONT
        if where == "front-matter":
            front = front.replace("title: 事迹 1", f"title: 事迹 {number}")
            line, column = 2, 11
        else:
            line, column = 10 if where == "draft" else 9, 5
        text = front + "\n正文。\n" + ("" if where == "front-matter" else f"联系人 {number} 。\n")
    target.write_text(text, encoding="utf-8")
    result = build(small_site, tmp_path / "out")
    hits = errors(result, "privacy")
    assert [(d.path.endswith(target.name), d.line, d.column) for d in hits] == [(True, line, column)], [
        d.format_text() for d in result.diagnostics
    ]
    assert masked in hits[0].message
    assert number not in hits[0].message and number.replace(" ", "").replace("-", "") not in hits[0].message
    assert not (tmp_path / "out").exists()  # nothing published


def test_mobile_in_contact_phone_and_allowed_numbers_pass(small_site: Path, tmp_path: Path) -> None:
    assoc = small_site / "content/associations/330106.yaml"
    assoc.write_text(assoc.read_text(encoding="utf-8").replace("0571-87000000", "138 1234 5678"), encoding="utf-8")
    build_ok(small_site, tmp_path / "out")
    # The same number anywhere else is an error, until privacy.allow lists it.
    text = (small_site / STORY).read_text(encoding="utf-8")
    (small_site / STORY).write_text(text + "\n热线 13812345678，卡 4111-1111-1111-1111。\n", encoding="utf-8")
    assert len(errors(check(small_site), "privacy")) == 2
    config = small_site / "sitegen.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + 'privacy:\n  allow: ["138-1234-5678", "4111111111111111"]\n', encoding="utf-8"
    )
    assert not errors(check(small_site))


# --- 7. Dev server ----------------------------------------------------------------------------


def test_serve_binds_to_loopback_by_default() -> None:
    import inspect

    from sitegen.cli import main
    from sitegen.serve.server import DevServer

    host = next(p for p in main.commands["serve"].params if p.name == "host")
    assert host.default == "127.0.0.1"
    default = inspect.signature(DevServer).parameters.get("host")
    assert default is None or default.default in (inspect.Parameter.empty, "127.0.0.1")


def test_security_md_names_only_tests_that_exist() -> None:
    import re

    from conftest import ROOT

    page = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    for name in re.findall(r"`(test_\w+)`", page):
        assert f"def {name}(" in sources, name
    for path in re.findall(r"`(tests/\w+\.py)`", page):
        assert (ROOT / path).is_file(), path
