"""What every command shares: the SRC option, path checks, printing diagnostics."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sitegen.diagnostics import Diagnostic, format_github, format_json

# The content model (pydantic) is imported where it is used, not here: `sitegen build` with
# nothing to do never needs it.

SRC_OPTION = click.option(
    "-s", "--src", "src", default=".", show_default=True, help="站点源目录（含 sitegen.yaml）", type=click.Path(path_type=Path)
)


def existing_src(src: Path) -> Path:
    if not src.is_dir():
        raise click.UsageError(f"源目录不存在：{src}")
    return src.resolve()


def checked_out(src: Path, out: Path, force: bool = False) -> Path:
    """Refuse outputs that would destroy sources, the home directory or files sitegen did not
    write (docs/reference.md, 规则 › 构建与输出). OUT is resolved first, symbolic links on its
    way included: the checks are about the folder that would really be replaced."""
    from sitegen.write.writer import foreign

    given = out
    out = out.resolve()
    shown_as = f"{given}（即 {out}）" if given.absolute() != out else str(out)
    forbidden = {Path("/"), Path.home().resolve(), src}
    if out in forbidden or src.is_relative_to(out):
        raise click.UsageError(f"输出目录不能是 {shown_as}：它是根目录、主目录、源目录或包含源目录")
    for name in ("content", "static", "templates", "themes", ".git", ".sitegen-cache"):
        if out.is_relative_to(src / name):
            raise click.UsageError(f"输出目录不能放在源目录的 {name}/ 之内：{shown_as}")
    if not force and foreign(out):
        raise click.UsageError(
            f"输出目录 {shown_as} 里已有文件，而且不是 sitegen 生成的：构建会用网站替换整个目录。"
            "请换一个空目录或不存在的目录；确认可以替换时，加上 --force"
        )
    return out


def valid_base_url(value: str | None) -> str | None:
    if value is None:
        return None
    from sitegen.load.config import SiteConfig

    try:
        SiteConfig(title="-", base_url=value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是完整网址，例如 https://example.org/ 或 https://example.org/volunteer/", param_hint="--base-url") from None
    return value


def print_diagnostics(diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    if fmt == "json":
        click.echo(format_json(diagnostics))
        return
    if fmt == "github":  # GitHub Actions annotations: errors show on the lines of a pull request
        if diagnostics:
            click.echo(format_github(diagnostics))
        return
    for diagnostic in diagnostics:
        click.echo(diagnostic.format_text(), err=True)


def summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    return f"{errors} 个错误，{len(diagnostics) - errors} 个警告"


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()



def site_config(src: Path):
    from sitegen.domain.divisions import load_divisions
    from sitegen.load.records import load_config

    config, problems = load_config(src)
    if config is None:
        print_diagnostics(problems)
        sys.exit(1)
    return config, load_divisions()



def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


