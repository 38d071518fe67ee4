"""INSTALL TEST: the whole path a new user takes, outside this repository, offline.

Build a wheelhouse as docs/deploying.md says (`pip wheel -w wheelhouse .`: the project's wheel
and every dependency's, the Pagefind extended binary included; this step needs the package
index, as CI has), install from it into a fresh virtual environment with no index at all
(`pip install --no-index --find-links wheelhouse/ qingzhi-sitegen`, pip's configuration and
environment variables ignored), then in an empty directory: `sitegen init`, `sitegen new story`,
`sitegen check`, `sitegen build`. It runs in the default suite; select it alone with
`python -m pytest -m install -s` to see the transcript.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.install

BIN = "Scripts" if os.name == "nt" else "bin"


class Transcript:
    """Runs commands like a user at a shell and keeps what they saw."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.lines: list[str] = []

    def run(self, *argv: str | Path, cwd: Path, shown: str | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(a) for a in argv], cwd=cwd, env=self.env, capture_output=True, text=True, timeout=300)
        self.lines.append(f"$ {shown or ' '.join(map(str, argv))}")
        self.lines += [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
        assert result.returncode == 0, "\n".join(self.lines)
        return result

    def __str__(self) -> str:
        return "\n".join(self.lines)


def copy_source(target: Path) -> Path:
    """What the wheel is built from, copied so the build writes nothing into the repository."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, target / name)
    shutil.copytree(ROOT / "sitegen", target / "sitegen", symlinks=True, ignore=ignore)  # theme -> ../themes/default
    shutil.copytree(ROOT / "themes", target / "themes", ignore=ignore)
    return target


def test_offline_wheelhouse_install_init_new_check_build(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    shell = Transcript(env)
    source = copy_source(tmp_path / "source")

    wheelhouse = tmp_path / "wheelhouse"
    shell.run(sys.executable, "-m", "pip", "wheel", "-q", "-w", wheelhouse, source, cwd=tmp_path, shown="python3 -m pip wheel -w wheelhouse .")
    (wheel,) = wheelhouse.glob("qingzhi_sitegen-*.whl")
    assert any(wheelhouse.glob("pagefind_bin_extended-*.whl"))  # the binary that segments Chinese
    names = set(zipfile.ZipFile(wheel).namelist())
    for packaged in ("sitegen/theme/templates/base.html", "sitegen/theme/static/assets/site.css", "sitegen/data/divisions.csv", "sitegen/starter/github-workflow.yml", "sitegen/starter/deploy-common.sh", "sitegen/starter/nginx.conf"):
        assert packaged in names, packaged

    venv.create(tmp_path / "venv", with_pip=True)
    bin_dir = tmp_path / "venv" / BIN
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    shell.lines.append(f"$ python -m venv venv && . venv/{BIN}/activate")
    # offline: no index, no configuration file, no PIP_* variable can bring in another source
    offline = {k: v for k, v in env.items() if not k.startswith("PIP_")} | {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    shell.env = offline
    shell.run(
        bin_dir / "python", "-m", "pip", "install", "-q", "--no-index", "--find-links", wheelhouse, "qingzhi-sitegen",
        cwd=tmp_path, shown="pip install --no-index --find-links wheelhouse/ qingzhi-sitegen",
    )
    where = shell.run(bin_dir / "python", "-c", "import sitegen; print(sitegen.__file__)", cwd=tmp_path).stdout
    assert Path(where.strip()).is_relative_to(tmp_path / "venv"), where  # the wheel, not this checkout

    work = tmp_path / "work"
    work.mkdir()
    sitegen = bin_dir / "sitegen"
    shell.run(sitegen, "--version", cwd=work, shown="sitegen --version")
    shell.run(sitegen, "init", "my-site", cwd=work, shown="sitegen init my-site")
    site = work / "my-site"
    shell.lines.append("$ cd my-site")
    new = ["new", "story", "volunteer-day", "--title", "青年志愿服务日", "--date", "2024-05-04", "--association", "330106", "--project", "shili-xiangmu"]
    shell.run(sitegen, *new, cwd=site, shown="sitegen " + " ".join(new))
    shell.run(sitegen, "check", cwd=site, shown="sitegen check")
    shell.run(sitegen, "build", cwd=site, shown="sitegen build")
    shell.run(sitegen, "build", "--drafts", "-o", "preview", cwd=site, shown="sitegen build --drafts -o preview")
    shell.run(sitegen, "deploy-config", "nginx", "--ci", "none", cwd=site, shown="sitegen deploy-config nginx --ci none")
    print(shell)
    assert (site / "deploy/nginx.sh").is_file() and (site / "deploy/nginx.conf").is_file()

    story = (site / "content/stories/volunteer-day.md").read_text(encoding="utf-8")
    assert story.splitlines()[1] == "# yaml-language-server: $schema=../../.schemas/story.schema.json"
    assert not (site / "themes").exists() and not (site / "templates").exists()  # the packaged theme
    for page in ("index.html", "assets/site.css", "data/associations.json"):
        assert (site / "output" / page).is_file(), page
    assert "\ndraft: true " in story and not (site / "output/stories/volunteer-day").exists()  # a draft until published
    assert "青年志愿服务日" in (site / "preview/stories/volunteer-day/index.html").read_text(encoding="utf-8")
