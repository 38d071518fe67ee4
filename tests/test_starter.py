"""`sitegen init`: a new content repository that checks, builds and deploys as written.

The CI files are tested by running them as far as this machine can: each `sitegen` command of
each step runs against the new site, and the paths the steps hand on (the Pages artifact, the
cache) are the ones those commands use.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from jsonschema import Draft7Validator

from sitegen.authoring import starter
from sitegen.cli import main
from sitegen.load.yamlsafe import load_yaml

ACTION = re.compile(r"^actions/[a-z-]+@v\d+$")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def yaml_file(path: Path):
    """Parsed as YAML 1.2 (as GitHub and GitLab read it: `on` stays a key, not True)."""
    parsed = load_yaml(path.read_text(encoding="utf-8"), str(path))
    assert parsed.ok, [d.format_text() for d in parsed.diagnostics]
    return parsed.data


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "my-site"
    result = run("init", str(target), "--pip", "qingzhi-sitegen @ git+https://git.example.org/league/sitegen.git@v0.1.0")
    assert result.exit_code == 0, result.output
    return target


def test_init_writes_a_site_that_checks_and_builds_at_once(site: Path) -> None:
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == sorted(
        [
            ".github/workflows/sitegen.yml", ".gitignore", ".gitlab-ci.yml", ".vscode/extensions.json",
            ".vscode/settings.json", "README.md", "sitegen.yaml",
            "content/associations/330106.yaml", "content/pages/about.md",
            "content/projects/shili-xiangmu.yaml", "content/stories/shili-shiji.md",
            *(f".schemas/{n}.schema.json" for n in ("association", "project", "story", "page", "sitegen")),
        ]
    )  # fmt: skip
    checked = run("check", "-s", str(site))
    assert checked.exit_code == 0 and "0 个错误，0 个警告" in checked.stderr, checked.output
    built = run("build", "-s", str(site), "-q")
    assert built.exit_code == 0, built.output
    assert (site / "output/index.html").is_file() and (site / "output/about/index.html").is_file()
    assert (site / "output/stories/shili-shiji/index.html").is_file()
    assert run("schema", "-s", str(site)).exit_code == 0  # the schemas written are the site's own


def test_every_record_has_its_schema_and_passes_it(site: Path) -> None:
    settings = json.loads((site / ".vscode/settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    for schema_path, globs in settings.items():
        schema = json.loads((site / schema_path).read_text(encoding="utf-8"))
        matched = [p for p in site.rglob("*.yaml") if any(fnmatch.fnmatch(p.relative_to(site).as_posix(), g) for g in globs)]
        assert matched, schema_path
        for path in matched:
            lines = path.read_text(encoding="utf-8").splitlines()
            assert lines[0].startswith("# yaml-language-server: $schema=")
            assert (path.parent / lines[0].split("=", 1)[1]).resolve() == (site / schema_path).resolve()
            errors = list(Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER).iter_errors(yaml_file(path)))
            assert not errors, (path, [e.message for e in errors])
    extensions = json.loads((site / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert extensions["recommendations"] == ["redhat.vscode-yaml"]


def test_gitignore_keeps_generated_files_out(site: Path) -> None:
    ignored = (site / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"output/", ".sitegen-cache/", "public/"} <= set(ignored)
    assert ".schemas/" not in ignored  # editors need them in every clone


def commands(script: str | list[str], env: dict[str, str]) -> list[list[str]]:
    """Shell lines of a CI step with variables expanded, split as the shell would."""
    lines = script if isinstance(script, list) else script.strip().splitlines()
    result = []
    for line in lines:
        for name, value in env.items():
            line = line.replace(name, value)
        result.append(shlex.split(line))
    return result


def run_in(site: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Run one CI command: sitegen through its CLI here; pip must install the marked variable."""
    if argv[:2] == ["pip", "install"]:
        assert argv[2:] == ["<SITEGEN_PIP>"], argv
        return
    assert argv[0] == "sitegen", argv
    monkeypatch.chdir(site)
    result = run(*argv[1:])
    assert result.exit_code == 0, (argv, result.output)


def test_github_workflow_checks_prs_and_builds_and_deploys_main(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workflow = yaml_file(site / ".github/workflows/sitegen.yml")
    assert set(workflow["on"]) == {"pull_request", "push", "workflow_dispatch"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    pip = workflow["env"]["SITEGEN_PIP"]
    assert pip == "${{ vars.SITEGEN_PIP || 'qingzhi-sitegen @ git+https://git.example.org/league/sitegen.git@v0.1.0' }}"
    jobs = workflow["jobs"]
    assert set(jobs) == {"check", "build", "deploy"}
    assert jobs["check"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["build"]["if"] == "github.event_name != 'pull_request'"
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    env = {'"$SITEGEN_PIP"': "<SITEGEN_PIP>", "${{ steps.pages.outputs.base_url }}": "https://league.github.io/my-site"}
    ran = []
    uses = {}
    for name in ("check", "build", "deploy"):
        for step in jobs[name]["steps"]:
            if "uses" in step:
                assert ACTION.match(step["uses"]), step["uses"]
                uses[step["uses"].split("@")[0]] = step
            for argv in commands(step.get("run", ""), env):
                run_in(site, argv, monkeypatch)
                ran.append((name, argv[:2]))
    assert ("check", ["sitegen", "check"]) in ran and ("build", ["sitegen", "build"]) in ran
    check_step = next(s for s in jobs["check"]["steps"] if s.get("run", "").startswith("sitegen check"))
    assert check_step["run"] == "sitegen check --format github"
    # The cache keeps what build keeps; the artifact is what build wrote, under the Pages path.
    assert uses["actions/cache"]["with"]["path"] == ".sitegen-cache"
    assert uses["actions/configure-pages"]["id"] == "pages"
    artifact = site / uses["actions/upload-pages-artifact"]["with"]["path"]
    assert (artifact / "index.html").is_file()
    assert 'href="/my-site/' in (artifact / "index.html").read_text(encoding="utf-8")
    assert "actions/deploy-pages" in uses


def test_gitlab_ci_checks_merge_requests_and_publishes_pages(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ci = yaml_file(site / ".gitlab-ci.yml")
    assert ci["variables"]["SITEGEN_PIP"] == "qingzhi-sitegen @ git+https://git.example.org/league/sitegen.git@v0.1.0"
    assert ci["default"]["cache"]["paths"] == [".cache/pip/", ".sitegen-cache/"]
    assert ci["check"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert ci["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    env = {'"$SITEGEN_PIP"': "<SITEGEN_PIP>", "$CI_PAGES_URL": "https://league.gitlab.io/my-site"}
    for job in ("check", "pages"):
        for argv in commands(ci["default"]["before_script"] + ci[job]["script"], env):
            run_in(site, argv, monkeypatch)
    assert ci["pages"]["artifacts"]["paths"] == ["public"]
    assert (site / "public/index.html").is_file()
    assert 'href="/my-site/' in (site / "public/index.html").read_text(encoding="utf-8")


def test_init_never_overwrites(tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep", encoding="utf-8")
    result = run("init", str(busy))
    assert result.exit_code == 2 and "不是空的" in result.output
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]
    fresh_clone = tmp_path / "clone"
    (fresh_clone / ".git").mkdir(parents=True)
    assert run("init", str(fresh_clone)).exit_code == 0
    assert (fresh_clone / "sitegen.yaml").is_file()


def test_init_options_and_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(starter, "installed_from", lambda: starter.RELEASE_PIP)  # as from a local checkout
    result = run("init", str(tmp_path / "qionghai"), "--region", "469002", "--base-url", "https://example.org/volunteer/")
    assert result.exit_code == 0, result.output
    assert "qingzhi-sitegen==" in result.stderr and "SITEGEN_PIP" in result.stderr  # says where CI installs from
    config = (tmp_path / "qionghai/sitegen.yaml").read_text(encoding="utf-8")
    assert 'title: "琼海市青年志愿者协会"' in config and 'base_url: "https://example.org/volunteer/"' in config
    assert (tmp_path / "qionghai/content/associations/469002.yaml").is_file()
    assert run("check", "-s", str(tmp_path / "qionghai")).exit_code == 0
    assert run("init", str(tmp_path / "a"), "--region", "339999").exit_code == 2
    assert run("init", str(tmp_path / "b"), "--base-url", "example.org").exit_code == 2
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_init_asks_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.cli import authoring

    monkeypatch.setattr(authoring, "interactive", lambda: True)
    result = run("init", str(tmp_path / "s"), input="460105\n\n\n")  # region, title, hosts (the default pair)
    assert result.exit_code == 0, result.output
    assert "海南省海口市秀英区" in result.output
    assert 'title: "海口市秀英区青年志愿者协会"' in (tmp_path / "s/sitegen.yaml").read_text(encoding="utf-8")


class FakeDistribution:
    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (
            {"url": "https://token:x@github.com/league/sitegen", "vcs_info": {"vcs": "git", "commit_id": "a" * 40, "requested_revision": "main"}},
            f"qingzhi-sitegen @ git+https://github.com/league/sitegen@{'a' * 40}",
        ),
        (
            {"url": "https://example.org/dist/qingzhi_sitegen-0.1.0-py3-none-any.whl", "archive_info": {}},
            "qingzhi-sitegen @ https://example.org/dist/qingzhi_sitegen-0.1.0-py3-none-any.whl",
        ),
        ({"url": "file:///home/me/sitegen", "dir_info": {"editable": True}}, starter.RELEASE_PIP),
        (None, starter.RELEASE_PIP),
    ],
)
def test_ci_installs_the_sitegen_installed_here(direct_url, expected, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip's record of where sitegen came from (PEP 610) becomes CI's install line; never a bare
    `sitegen` (that name on PyPI is another project), never credentials; from a local checkout,
    this version of `qingzhi-sitegen` from the package index."""
    text = json.dumps(direct_url) if direct_url is not None else None
    monkeypatch.setattr(starter.metadata, "distribution", lambda name: FakeDistribution(text))
    assert starter.installed_from() == expected


def test_pre_commit_hook_runs_check_on_content_changes() -> None:
    hooks = yaml_file(ROOT / ".pre-commit-hooks.yaml")
    assert len(hooks) == 1
    hook = hooks[0]
    assert hook["id"] == "sitegen-check" and hook["language"] == "python"
    assert hook["entry"] == "sitegen check" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ("sitegen.yaml", "content/associations/330106.yaml", "content/stories/a.md"):
        assert files.search(path), path
    for path in ("README.md", "static/img/a.png", "docs/content/x.md"):
        assert not files.search(path), path
    assert run(*shlex.split(hook["entry"])[1:], "-s", str(ROOT)).exit_code == 0


def test_a_new_county_site_is_about_its_county_and_calm(site: Path) -> None:
    """`init --region R` writes `scope: [R]`; the starter's home page shows the county's status,
    not a national 0.0%, no empty volunteer figure, no row of 0-project brands, and its
    checklist shows what the ledger does not record yet as a to-do, not as failures."""
    from conftest import text_of

    from sitegen.load.records import load_config

    config, _ = load_config(site)
    assert config is not None and config.scope == ["330106"]
    built = run("build", "-s", str(site), "-q")
    assert built.exit_code == 0, built.output
    out = site / "output"
    home = text_of(out / "index.html")
    figures = home.split("关键数据")[1].split("最新典型事迹")[0]
    assert "%" not in figures and "已建" in figures and "注册志愿者" not in figures
    assert "0 个项目" not in home and "其他品牌：" in home
    assert "北京市" not in text_of(out / "coverage/index.html") and not (out / "regions").exists()
    association = text_of(out / "associations/330106/index.html")
    assert "台账未登记" in association and "补全台账后得分会随之更新" in association
