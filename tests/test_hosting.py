"""Publishing to mainland hosts: every pipeline file `init --host` / `deploy-config` writes runs.

The deploy scripts (`deploy/<host>.sh`) run for real under `sh` against stand-ins of the cloud
tools (tests/hosting_fakes/fake_cli.py: they check each call against the tool's documented
syntax, record it, and keep "buckets" as folders), rsync copies into a folder and a real Nginx
serves it with the generated server block. The CI files are parsed and each of their shell steps
is run the same way. No credential is ever real.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from sitegen.authoring import hosting
from sitegen.cli import main

FAKE = Path(__file__).parent / "hosting_fakes" / "fake_cli.py"
TOOLS = ("ossutil", "aliyun", "coscli", "tccli", "edgeone", "curl", "pip", "apt-get", "npm", "python3")
SECRETS = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-test", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret-test",
    "TENCENTCLOUD_SECRET_ID": "AKID-test", "TENCENTCLOUD_SECRET_KEY": "key-test", "EDGEONE_API_TOKEN": "token-test",
}  # fmt: skip
SETTINGS = {
    "oss": {"OSS_BUCKET": "volunteer-site", "OSS_REGION": "cn-hangzhou"},
    "cos": {"COS_BUCKET": "volunteer-1250000000", "COS_REGION": "ap-guangzhou"},
    "edgeone": {"EDGEONE_PROJECT": "volunteer"},
    "nginx": {},
}
BASE = "https://www.example.org/volunteer/"
HASHED = re.compile(r"^volunteer/assets/img/.+-[0-9a-f]{8}-\d+w\.\w+$")


class Site:
    """A site made by `sitegen init --host …`, with the fakes on PATH."""

    def __init__(self, root: Path, host: str, ci: str = "none", search: bool = False, photo: bool = True) -> None:
        self.root = root / "site"
        self.cloud = root / "cloud"
        self.log = root / "calls.jsonl"
        result = CliRunner().invoke(main, ["init", str(self.root), "--host", host, "--ci", ci, "--base-url", BASE, "--pip", "qingzhi-sitegen==0.1.0"])
        assert result.exit_code == 0, result.output
        if photo:  # resized into assets/img/ with hashed names (immutable)
            self._add_photo()
        if not search:
            config = self.root / "sitegen.yaml"
            config.write_text(config.read_text(encoding="utf-8") + "search: false\n", encoding="utf-8")
        bin_dir = root / "bin"
        bin_dir.mkdir()
        for tool in TOOLS:
            (bin_dir / tool).write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" {tool} "$@"\n', encoding="utf-8")
            (bin_dir / tool).chmod(0o755)
        sitegen_bin = Path(shutil.which("sitegen") or Path(sys.executable).parent / "sitegen").parent
        self.env = {
            "PATH": os.pathsep.join([str(bin_dir), str(sitegen_bin), "/usr/bin", "/bin", "/usr/sbin", "/sbin"]),
            "HOME": str(root),
            "LANG": "C.UTF-8",
            "FAKE_LOG": str(self.log),
            "FAKE_CLOUD": str(self.cloud),
            **SECRETS,
            **SETTINGS[host],
        }

    def _add_photo(self) -> None:
        (self.root / "static/img").mkdir(parents=True)
        Image.new("RGB", (1000, 600), (200, 40, 40)).save(self.root / "static/img/photo.jpg", quality=60)
        project = self.root / "content/projects/shili-xiangmu.yaml"
        project.write_text(project.read_text(encoding="utf-8").replace("# images: [img/projects/example.jpg]", "images: [img/photo.jpg]"), encoding="utf-8")

    def run(self, command: str, **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["sh", "-c", command], cwd=self.root, env={**self.env, **env}, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"$ {command}\n{done.stdout}\n{done.stderr}"
        return done

    def calls(self) -> list[dict]:
        if not self.log.exists():
            return []
        calls = [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]
        self.log.unlink()
        return calls

    def published(self) -> set[str]:
        return {"volunteer/" + p.relative_to(self.root / "output").as_posix() for p in (self.root / "output").rglob("*") if p.is_file()}

    def edit_story(self) -> None:
        story = self.root / "content/stories/shili-shiji.md"
        story.write_text(story.read_text(encoding="utf-8") + "\n补充的一段话。\n", encoding="utf-8")


def bucket(site: Site, name: str) -> dict[str, dict]:
    root = site.cloud / name
    return {
        p.relative_to(root / "objects").as_posix(): json.loads((root / "meta" / (p.relative_to(root / "objects").as_posix() + ".json")).read_text())
        for p in (root / "objects").rglob("*")
        if p.is_file()
    }


def group_of(call: dict) -> str:
    return next(part for part in call["args"][1].split("/") if part in ("immutable", "assets", "search", "html"))


# --- Alibaba Cloud OSS ---------------------------------------------------------------------


def test_oss_uploads_in_order_sets_cache_headers_deletes_stale_and_refreshes_the_cdn(tmp_path: Path) -> None:
    site = Site(tmp_path, "oss", search=True)
    site.run("sh deploy/oss.sh")
    calls = site.calls()
    uploads = [c for c in calls if c["tool"] == "ossutil" and c["args"][0] == "cp"]
    assert [group_of(c) for c in uploads] == ["immutable", "assets", "search", "html"]
    tools = [c["tool"] + ":" + c["args"][0] for c in calls if c["tool"] in ("ossutil", "aliyun")]
    assert tools == ["ossutil:cp"] * 4 + ["ossutil:sync", "aliyun:cdn"]  # delete after upload, refresh last

    objects = bucket(site, "volunteer-site")
    assert set(objects) == site.published()
    for key, meta in objects.items():
        expected = "public, max-age=31536000, immutable" if HASHED.match(key) else "no-cache"
        assert meta["Cache-Control"] == expected, key
    assert any(HASHED.match(k) for k in objects) and "volunteer/index.html" in objects and "volunteer/pagefind/pagefind-entry.json" in objects

    (refresh,) = [c for c in calls if c["tool"] == "aliyun"]
    assert refresh["type"] == "File" and BASE in refresh["paths"] and BASE + "stories/shili-shiji/" in refresh["paths"]

    site.run("sh deploy/oss.sh")  # nothing changed: nothing to refresh
    assert not [c for c in site.calls() if c["tool"] == "aliyun"]

    site.edit_story()
    site.run("sh deploy/oss.sh")
    (refresh,) = [c for c in site.calls() if c["tool"] == "aliyun"]
    assert BASE + "stories/shili-shiji/" in refresh["paths"]
    assert BASE + "coverage/" not in refresh["paths"]  # pages the edit did not touch

    (site.root / "content/pages/about.md").unlink()
    site.run("sh deploy/oss.sh")
    calls = site.calls()
    (refresh,) = [c for c in calls if c["tool"] == "aliyun"]
    assert BASE + "about/" in refresh["paths"]  # gone: the CDN must forget it too
    deleted = next(c for c in calls if c["args"][0] == "sync")["deleted"]
    assert "volunteer/about/index.html" in deleted and set(bucket(site, "volunteer-site")) == site.published()


def test_oss_refreshes_the_directory_when_too_much_changed_and_keeps_failed_refreshes(tmp_path: Path) -> None:
    site = Site(tmp_path, "oss")
    site.run("sh deploy/oss.sh", CDN_MAX_URLS="5")
    (refresh,) = [c for c in site.calls() if c["tool"] == "aliyun"]
    assert refresh["type"] == "Directory" and refresh["paths"] == [BASE]

    site.edit_story()
    failing = subprocess.run(["sh", "deploy/oss.sh"], cwd=site.root, env={**site.env, "ALIBABA_CLOUD_ACCESS_KEY_ID": ""}, capture_output=True, text=True)
    assert failing.returncode == 1 and "ALIBABA_CLOUD_ACCESS_KEY_ID" in failing.stderr  # refused before building
    site.env["PATH"] = site.env["PATH"].replace(str(tmp_path / "bin"), str(tmp_path / "nobin"), 1)  # aliyun missing
    failing = subprocess.run(["sh", "deploy/oss.sh"], cwd=site.root, env=site.env, capture_output=True, text=True)
    assert failing.returncode == 1 and "找不到命令 ossutil" in failing.stderr and "tools" in failing.stderr


def test_oss_website_and_policy(tmp_path: Path) -> None:
    site = Site(tmp_path, "oss", photo=False)
    site.run("sh deploy/oss.sh website")
    xml = (site.cloud / "volunteer-site/website.xml").read_text(encoding="utf-8")
    assert "<Suffix>index.html</Suffix>" in xml and "<Key>volunteer/404.html</Key>" in xml and "<SupportSubDir>true</SupportSubDir>" in xml
    policy = json.loads(site.run("sh deploy/oss.sh policy").stdout)
    resources = [r for s in policy["Statement"] for r in s["Resource"]]
    assert "acs:oss:*:*:volunteer-site/volunteer/*" in resources and "acs:oss:*:*:*" not in resources
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert {"oss:PutObject", "oss:DeleteObject", "oss:ListObjects", "cdn:RefreshObjectCaches"} <= actions
    assert not any(a.endswith(":*") for a in actions)  # least privilege: no wildcards


# --- Tencent Cloud COS ---------------------------------------------------------------------


@pytest.mark.parametrize("cdn", ["tencent", "edgeone"])
def test_cos_uploads_in_order_and_purges(tmp_path: Path, cdn: str) -> None:
    site = Site(tmp_path, "cos")
    site.run("sh deploy/cos.sh", CDN=cdn, TEO_ZONE_ID="zone-test")
    calls = site.calls()
    syncs = [c for c in calls if c["tool"] == "coscli"]
    assert [group_of(c) for c in syncs[:-1]] == ["immutable", "assets", "html"]  # no search index on this site
    assert "--delete" in syncs[-1]["args"]
    objects = bucket(site, "volunteer-1250000000")
    assert set(objects) == site.published()
    for key, meta in objects.items():
        assert meta["Cache-Control"] == ("public, max-age=31536000, immutable" if HASHED.match(key) else "no-cache"), key
    (purge,) = [c for c in calls if c["tool"] == "tccli"]
    assert purge["action"] == ("CreatePurgeTask" if cdn == "edgeone" else "PurgeUrlsCache") and BASE in purge["urls"]
    policy = json.loads(site.run("sh deploy/cos.sh policy").stdout)
    resources = [r for s in policy["statement"] for r in s["resource"]]
    assert "qcs::cos:ap-guangzhou:uid/1250000000:volunteer-1250000000/volunteer/*" in resources


# --- EdgeOne Pages -------------------------------------------------------------------------


def test_edgeone_uploads_the_site_under_its_path_with_cache_rules(tmp_path: Path) -> None:
    site = Site(tmp_path, "edgeone")
    site.run("sh deploy/edgeone.sh", BAIDU_TOKEN="baidu-test")
    calls = site.calls()
    (deploy,) = [c for c in calls if c["tool"] == "edgeone"]
    assert set(deploy["files"]) == site.published() | {"edgeone.json"}
    rules = json.loads((site.cloud / "pages/volunteer/edgeone.json").read_text(encoding="utf-8"))
    assert rules["headers"][0]["source"] == "/volunteer/assets/img/*"
    (baidu,) = [c for c in calls if c["tool"] == "curl"]
    assert BASE in baidu["baidu"] and all(u.endswith("/") or u.endswith(".html") for u in baidu["baidu"])


# --- rsync to Nginx ------------------------------------------------------------------------


def test_nginx_rsyncs_into_a_folder_and_nginx_serves_it_as_configured(tmp_path: Path) -> None:
    if not shutil.which("rsync") or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.fail("rsync and nginx are needed: apt-get install -y rsync nginx-light (.ci/run installs them)")
    site = Site(tmp_path, "nginx")
    www = tmp_path / "www"
    target = www / "volunteer"
    (target / "stale").mkdir(parents=True)
    (target / "stale/index.html").write_text("old", encoding="utf-8")
    site.run("sh deploy/nginx.sh", DEPLOY_TARGET=str(target))
    assert {"volunteer/" + p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()} == site.published()
    from hosting_fakes.nginx import serve  # a real Nginx with the generated server block

    with serve(site.root / "deploy/nginx.conf", www, tmp_path / "nginx") as get:
        page = get("/volunteer/")
        assert page.status == 200 and page.headers["Cache-Control"] == "no-cache"
        image = next(p for p in target.rglob("*.jpg") if HASHED.match("volunteer/" + p.relative_to(target).as_posix()))
        assert get("/volunteer/" + image.relative_to(target).as_posix()).headers["Cache-Control"] == "public, max-age=31536000, immutable"
        missing = get("/volunteer/no-such-page/")
        assert missing.status == 404 and (target / "404.html").read_bytes() in missing.body
        assert get("/volunteer/", gzip=True).headers.get("Content-Encoding") == "gzip"
        root = get("/")
        assert root.status == 302 and root.headers["Location"].endswith("/volunteer/")


# --- CI files: every shell step runs ------------------------------------------------------


def ci_steps(site: Path, ci: str) -> tuple[list[str], dict[str, str]]:
    """The shell steps a runner would run on the main branch, and the variables it sets."""
    if ci == "jenkins":
        text = (site / "Jenkinsfile").read_text(encoding="utf-8")
        assert text.count("{") == text.count("}")
        env = dict(re.findall(r"^\s+(\w+) = '([^']*)'$", text, re.M))
        stages = text[text.index("stages {") :]
        main_branch = stages[: stages.index("stage('检查内容')")] + stages[stages.index("stage('构建并发布')") :]
        steps = [a or b for a, b in re.findall(r"sh '''(.*?)'''|sh '([^']*)'", main_branch, re.S)]
        return [step for step in steps if step.strip()], env
    path = {"cnb": ".cnb.yml", "gitlab": ".gitlab-ci.yml"}.get(ci) or next(str(p.relative_to(site)) for p in (site / ".github/workflows").glob("*.yml"))
    data = yaml.safe_load((site / path).read_text(encoding="utf-8"))
    if ci == "cnb":
        pipeline = data["main"]["push"][0]
        assert pipeline["imports"] and pipeline["docker"]["image"]
        return [stage["script"] for stage in pipeline["stages"]], dict(pipeline.get("env", {}))
    if ci == "gitlab":
        job = data["deploy"]
        return [*data["default"]["before_script"], *job["script"]], dict(data["variables"])
    job = data["jobs"]["deploy"]
    env = dict(data["env"])
    steps = []
    for step in job["steps"]:
        if "uses" in step:
            assert re.match(r"^actions/[a-z-]+@v\d+$", step["uses"]), step["uses"]
            continue
        env.update(step.get("env", {}))
        steps.append(step["run"])
    return steps, env


def github_expression(value: str, env: dict[str, str]) -> str:
    """Evaluate the `${{ secrets.X }}` / `${{ vars.X }}` / `${{ vars.X || 'default' }}` forms."""

    def one(match: re.Match[str]) -> str:
        expr = match.group(1).strip()
        name, _, default = expr.partition("||")
        found = env.get(name.strip().split(".", 1)[1], "")
        return found or default.strip().strip("'").replace("''", "'")

    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


@pytest.mark.parametrize(
    ("host", "ci"), [(h, c) for h, spec in hosting.HOSTS.items() if h not in hosting.PAGES_FILES for c in spec.ci if c != "none"]
)
def test_every_ci_file_runs_its_steps(tmp_path: Path, host: str, ci: str) -> None:
    site = Site(tmp_path, host, ci, photo=False)
    steps, variables = ci_steps(site.root, ci)
    assert any(f"sh deploy/{host}.sh" in step for step in steps)
    env = {k: github_expression(str(v), {**SECRETS, **SETTINGS[host]}) for k, v in variables.items()}
    if host == "nginx":
        env["DEPLOY_TARGET"] = str(tmp_path / "www")
    for step in steps:
        site.run(step, **env)
    calls = site.calls()
    assert ["install", "qingzhi-sitegen==0.1.0"] in [c["args"] for c in calls if c["tool"] == "pip"]
    published = {"oss": "ossutil", "cos": "coscli", "edgeone": "edgeone"}.get(host)
    if published:
        assert any(c["tool"] == published for c in calls), calls
    else:
        assert (tmp_path / "www/index.html").is_file()


def test_tools_step_downloads_what_is_missing(tmp_path: Path) -> None:
    site = Site(tmp_path, "oss", photo=False)
    downloads = tmp_path / "downloads"
    (downloads / "ossutil-2.2.2-linux-amd64").mkdir(parents=True)
    (downloads / "ossutil-2.2.2-linux-amd64/ossutil").write_text("#!/bin/sh\necho ossutil\n")
    shutil.make_archive(str(downloads / "ossutil-2.2.2-linux-amd64"), "zip", downloads, "ossutil-2.2.2-linux-amd64")
    (downloads / "aliyun").write_text("#!/bin/sh\necho aliyun\n")
    subprocess.run(["tar", "-czf", str(downloads / "aliyun-cli-linux-latest-amd64.tgz"), "-C", str(downloads), "aliyun"], check=True)
    for name in ("ossutil", "aliyun"):
        (tmp_path / "bin" / name).unlink()
    site.run("sh deploy/oss.sh tools", FAKE_DOWNLOADS=str(downloads))
    for name in ("ossutil", "aliyun"):
        assert os.access(site.root / ".sitegen-deploy/bin" / name, os.X_OK)
    urls = [c["args"][-1] for c in site.calls() if c["tool"] == "curl"]
    assert urls == ["https://gosspublic.alicdn.com/ossutil/v2/2.2.2/ossutil-2.2.2-linux-amd64.zip", "https://aliyuncli.alicdn.com/aliyun-cli-linux-latest-amd64.tgz"]


@pytest.mark.parametrize("host", [h for h in hosting.HOSTS if h not in hosting.PAGES_FILES])
def test_scripts_are_posix_sh(tmp_path: Path, host: str) -> None:
    files = hosting.host_files(host, "none", BASE, "qingzhi-sitegen==0.1.0")
    script = tmp_path / f"{host}.sh"
    script.write_text(files[f"deploy/{host}.sh"], encoding="utf-8")
    for shell in ("sh", "bash"):
        if shutil.which(shell):
            done = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
    assert "__" not in re.sub(r"__[a-z_]+__", "", files[f"deploy/{host}.sh"].replace("__PREFIX__", "")), "an unfilled marker"


# --- The commands that write them ----------------------------------------------------------


def test_deploy_config_adds_a_host_to_an_existing_site_and_never_overwrites(tmp_path: Path) -> None:
    runner = CliRunner()
    site = tmp_path / "site"
    assert runner.invoke(main, ["init", str(site), "--base-url", BASE]).exit_code == 0
    assert (site / ".github/workflows/sitegen.yml").is_file() and (site / ".gitlab-ci.yml").is_file()  # the default pair
    added = runner.invoke(main, ["deploy-config", "oss", "-s", str(site)])
    assert added.exit_code == 0, added.output
    assert (site / "deploy/oss.sh").is_file() and (site / ".cnb.yml").is_file()
    assert f'SITE_URL="${{SITE_URL:-{BASE}}}"' in (site / "deploy/oss.sh").read_text(encoding="utf-8")  # from sitegen.yaml
    assert "sh deploy/oss.sh website" in added.output
    again = runner.invoke(main, ["deploy-config", "oss", "-s", str(site)])
    assert again.exit_code == 0 and "已是最新" in again.output
    clash = runner.invoke(main, ["deploy-config", "cos", "-s", str(site), "--ci", "gitlab"])
    assert clash.exit_code == 2 and ".gitlab-ci.yml" in clash.output and not (site / "deploy/cos.sh").exists()
    assert runner.invoke(main, ["deploy-config", "cos", "-s", str(site), "--ci", "jenkins"]).exit_code == 0
    assert runner.invoke(main, ["deploy-config", "s3", "-s", str(site)]).exit_code == 2
    assert runner.invoke(main, ["deploy-config", "github", "-s", str(site), "--ci", "cnb"]).exit_code == 2
    missing = runner.invoke(main, ["deploy-config", "-s", str(site)])
    assert missing.exit_code == 2 and "oss" in missing.output


def test_init_asks_for_the_host_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.cli import authoring
    from sitegen.cli import hosting as hosting_cli

    monkeypatch.setattr(authoring, "interactive", lambda: True)
    monkeypatch.setattr(hosting_cli, "interactive", lambda: True)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "s")], input="330106\n\nnginx\nnone\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s/deploy/nginx.sh").is_file() and (tmp_path / "s/deploy/nginx.conf").is_file()
    assert not (tmp_path / "s/.github").exists() and not (tmp_path / "s/Jenkinsfile").exists()
    readme = (tmp_path / "s/README.md").read_text(encoding="utf-8")
    assert "sh deploy/nginx.sh" in readme
