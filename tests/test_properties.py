"""Property-based: random and mutated YAML, front matter and Markdown never crash the pipeline.

load + validate + link + render (`check`) may only end in a clean site or in diagnostics, each
located at line >= 1 and column >= 1, and always quickly. Sized to run in well under 30 s.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import SITES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import check
from sitegen.load.yamlsafe import load_yaml

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

TOKENS = [
    "\n", ": ", "- ", "  ", "'", '"', "{", "}", "[", "]", ",", "#", "&a ", "*a", "!!str ", "!!python/object ", "!x ",
    "? ", "|", ">", "~", "null", "true", "no", "9:30", "0571", "1e999", ".nan", "2021-02-30", "2021-01-01", "---\n",
    "...\n", "\t", "\r\n", "\r", "\ufeff", "\u2028", "<<: ", "%YAML 1.2\n", "title", "region", "330106", "😀", "测试",
    "<script>", "javascript:", "](", "13812345678", "11010519491231002X", "\\", "%", "@", "`",
]  # fmt: skip

yamlish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=40).map("".join)
markdownish = st.lists(
    st.one_of(
        st.sampled_from(["\n", "# ", "```", "`", "*", "_", "[a](", ")", "![i](", "<", ">", "&", "&#106;", "<img ",
                         "onerror=", "<svg>", "</", "|", "---", "> ", "1. ", "{#id}", "{: .c}", "\\"]),  # fmt: skip
        st.text(max_size=10),
    ),
    max_size=60,
).map("".join)


def _site(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(SITES / "small", src)
    return src


def _assert_clean_outcome(src: Path) -> None:
    started = time.perf_counter()
    result = check(src)  # must not raise
    assert time.perf_counter() - started < 20
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1 and diagnostic.message


@SETTINGS
@given(text=yamlish)
def test_random_yaml_is_a_value_or_located_diagnostics(text: str) -> None:
    result = load_yaml(text, "f.yaml")
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1


@SETTINGS
@given(text=yamlish)
def test_random_association_yaml_never_crashes(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    src = _site(tmp_path_factory.mktemp("assoc"))
    (src / "content/associations/330110.yaml").write_text('region: "330110"\n' + text, encoding="utf-8")
    _assert_clean_outcome(src)


@SETTINGS
@given(front=yamlish, body=markdownish)
def test_random_front_matter_and_markdown_never_crash(front: str, body: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    src = _site(tmp_path_factory.mktemp("story"))
    (src / "content/stories/story-2.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    (src / "content/pages/about.md").write_text(f"---\ntitle: 关于\n---\n{body}", encoding="utf-8")
    _assert_clean_outcome(src)


FILES = [
    "content/associations/330106.yaml", "content/projects/xihu-jinhui.yaml", "content/stories/story-1.md",
    "content/pages/about.md", "sitegen.yaml",
]  # fmt: skip


@SETTINGS
@given(
    which=st.sampled_from(FILES),
    position=st.floats(0, 1),
    action=st.sampled_from(["insert", "delete", "truncate", "replace-byte"]),
    payload=st.one_of(st.sampled_from(TOKENS), st.binary(max_size=6).map(lambda b: b.decode("latin-1"))),
)
def test_mutated_demo_records_never_crash(
    which: str, position: float, action: str, payload: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    src = _site(tmp_path_factory.mktemp("mutated"))
    path = src / which
    data = path.read_bytes()
    at = int(position * len(data))
    raw = payload.encode("utf-8")
    if action == "insert":
        data = data[:at] + raw + data[at:]
    elif action == "delete":
        data = data[:at] + data[at + len(raw) + 1 :]
    elif action == "truncate":
        data = data[:at]
    else:
        data = data[:at] + (raw[:1] or b"\xff") + data[at + 1 :]
    path.write_bytes(data)
    _assert_clean_outcome(src)
