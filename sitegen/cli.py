"""Command line: the only module that knows click. Exit codes: 0 ok, 1 content errors, 2 usage."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from . import __version__, opendata, scaffold, schema, starter
from .build import analyse, build, check
from .config import SiteConfig
from .coverage import percent
from .diagnostics import Diagnostic, format_github, format_json, has_errors
from .divisions import load_divisions
from .load import load_config
from .sources import KINDS, SLUG_RE

SRC_OPTION = click.option(
    "-s", "--src", "src", default=".", show_default=True, help="站点源目录（含 sitegen.yaml）", type=click.Path(path_type=Path)
)


def _existing_src(src: Path) -> Path:
    if not src.is_dir():
        raise click.UsageError(f"源目录不存在：{src}")
    return src.resolve()


def _checked_out(src: Path, out: Path) -> Path:
    """Refuse outputs that would destroy sources or the home directory (PRODUCT.md §5)."""
    out = out.resolve()
    forbidden = {Path("/"), Path.home().resolve(), src}
    if out in forbidden or src.is_relative_to(out):
        raise click.UsageError(f"输出目录不能是 {out}：它是根目录、主目录、源目录或包含源目录")
    for name in ("content", "static", "templates", "themes"):
        if out.is_relative_to(src / name):
            raise click.UsageError(f"输出目录不能放在源目录的 {name}/ 之内：{out}")
    return out


def _valid_base_url(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        SiteConfig(title="-", base_url=value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是完整网址，例如 https://example.org/ 或 https://example.org/volunteer/", param_hint="--base-url") from None
    return value


def _print_diagnostics(diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    if fmt == "json":
        click.echo(format_json(diagnostics))
        return
    if fmt == "github":  # GitHub Actions annotations: errors show on the lines of a pull request
        if diagnostics:
            click.echo(format_github(diagnostics))
        return
    for diagnostic in diagnostics:
        click.echo(diagnostic.format_text(), err=True)


def _summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    return f"{errors} 个错误，{len(diagnostics) - errors} 个警告"


class _Group(click.Group):
    """Turns an unexpected internal failure into one readable line instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("SITEGEN_DEBUG"):
                raise
            click.echo(f"sitegen 内部错误：{type(exc).__name__}: {exc}。这不是内容问题，请报告给维护者（设置 SITEGEN_DEBUG=1 可查看详细信息）。", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """sitegen：青年志愿者协会台账、项目库与典型事迹的静态网站生成器。"""


@main.command("build")
@SRC_OPTION
@click.option("-o", "--out", type=click.Path(path_type=Path), help="输出目录（默认 SRC/output）")
@click.option("--base-url", callback=lambda ctx, param, value: _valid_base_url(value), help="覆盖 sitegen.yaml 中的 base_url")
@click.option("--drafts", is_flag=True, help="包含草稿（draft: true）")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="并行渲染页面、处理图片的进程数（默认为 CPU 核数）；结果与 -j 1 完全相同")
@click.option("-q", "--quiet", is_flag=True, help="只输出问题，不输出摘要")
def build_command(src: Path, out: Path | None, base_url: str | None, drafts: bool, jobs: int | None, quiet: bool) -> None:
    """构建网站：先校验全部内容，无误后原子地替换输出目录。"""
    src = _existing_src(src)
    out = _checked_out(src, out or src / "output")
    progress = _ProgressLine() if not quiet and sys.stderr.isatty() else None
    try:
        result = build(src, out, base_url=base_url, include_drafts=drafts, progress=progress, jobs=jobs or os.cpu_count() or 1)
    finally:
        if progress:
            progress.clear()
    _print_diagnostics(result.diagnostics)
    if not result.ok:
        click.echo(f"构建失败：{_summary(result.diagnostics)}。输出目录未改动。", err=True)
        sys.exit(1)
    if not quiet:
        stats = result.stats
        files = f"写入 {stats.written} 个文件，沿用 {stats.linked} 个未变的文件" if stats else f"共 {len(result.files)} 个文件"
        made = result.image_cache
        if made is not None and (made.made or made.hits):
            files += f"；图片新生成 {made.made} 个尺寸，沿用缓存 {made.hits} 个"
        index = result.search_index
        if index is not None:
            how = "沿用上次的索引" if index.reused else f"用时 {index.seconds:.2f} 秒"
            files += f"；搜索索引 {index.pages} 个页面，{how}"
        rendered = f"重新渲染 {result.pages - result.reused} 个，{result.reused} 个的内容与模板未变而直接沿用；"
        click.echo(f"已构建 {result.pages} 个页面（{rendered}{files}），用时 {result.seconds:.2f} 秒 → {out}")


class _ProgressLine:
    """One self-overwriting stderr line on a terminal: the stage, and pages done / total."""

    INTERVAL = 0.1  # seconds between redraws: a fast build should not spend its time drawing

    def __init__(self) -> None:
        self._drawn = 0.0
        self._shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if total and done < total and now - self._drawn < self.INTERVAL:
            return
        self._drawn = now
        text = f"{stage} {done}/{total}" if total else f"{stage}…"
        click.echo(f"\r\x1b[K{text}", err=True, nl=False)
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            click.echo("\r\x1b[K", err=True, nl=False)
            self._shown = False


@main.command("serve")
@SRC_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（默认只在本机可访问）")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口（0：任选一个空闲端口）")
def serve_command(src: Path, host: str, port: int) -> None:
    """预览：构建到 SRC/output 并在本机提供访问，修改内容、模板或配置后自动重新构建并刷新页面。"""
    from .serve import DevServer  # watchfiles is only needed here

    src = _existing_src(src)
    out = _checked_out(src, src / "output")

    def report(result) -> None:
        _print_diagnostics(result.diagnostics)
        if result.ok and result.site is not None:
            click.echo(f"已构建 {result.pages} 个页面，用时 {result.seconds:.2f} 秒", err=True)
        else:
            click.echo(f"构建失败：{_summary(result.diagnostics)}。继续提供上一次的输出，修改后会自动重新构建。", err=True)

    try:
        server = DevServer(src, out, host, port, report=report)
    except OSError as exc:
        raise click.UsageError(f"无法监听 {host}:{port}：{exc.strerror or exc}") from None
    click.echo(f"预览地址：{server.url}（按 Ctrl+C 停止）", err=True)
    click.echo("站内搜索使用启动时建立的索引，修改后的内容要重新启动 serve（或运行 sitegen build）才能搜到。", err=True)
    server.serve_forever()


@main.command("check")
@SRC_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
    help="text：每行一条；json：JSON 数组；github：GitHub Actions 注释，错误标在拉取请求的改动行上",
)
def check_command(src: Path, fmt: str) -> None:
    """校验全部内容（含草稿），不写任何文件。"""
    result = check(_existing_src(src))
    _print_diagnostics(result.diagnostics, fmt)
    if fmt in ("text", "github"):
        state = "未通过" if has_errors(result.diagnostics) else "通过"
        click.echo(f"检查{state}：{_summary(result.diagnostics)}", err=True)
    sys.exit(1 if has_errors(result.diagnostics) else 0)


@main.command("coverage")
@SRC_OPTION
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="统计日期 YYYY-MM-DD（默认取配置或内容中的最新日期）")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def coverage_command(src: Path, as_of, fmt: str) -> None:
    """县级青年志愿者协会覆盖率（全国与各省）。"""
    day: date | None = as_of.date() if as_of else None
    result = analyse(_existing_src(src), as_of=day)
    if has_errors(result.diagnostics) or result.site is None:
        _print_diagnostics([d for d in result.diagnostics if d.is_error])
        sys.exit(1)
    report = result.site.coverage
    if fmt == "json":
        sys.stdout.buffer.write(opendata.coverage_json(report))
    elif fmt == "csv":
        sys.stdout.buffer.write(opendata.coverage_csv(report))
    else:
        click.echo(_coverage_table(report))


def _coverage_table(report) -> str:
    shown = [m for m in report.milestones if m.date <= report.as_of]
    header = ["代码", "地区", "县级单位", "已建协会", "覆盖率"] + [f"{m.date}（目标 {percent(round(m.rate * 1000), 1000)}）" for m in shown]
    rows = [header]
    for area in (report.national, *report.provinces):
        rows.append(
            [area.region, area.name, str(area.counties), str(area.covered), percent(area.covered, area.counties)]
            + [percent(area.covered_on(m.date), area.counties) for m in shown]
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    lines = [f"截至 {report.as_of}"]
    for row in rows:
        lines.append("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


@main.group("new")
def new_group() -> None:
    """新建一条合规的记录（协会、项目或事迹），不会覆盖已有文件。"""


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


# How a missing value is named in errors and asked for on a terminal.
_LABELS = {
    "region": ("REGION", "区划代码（6 位，例如 330106）"),
    "slug": ("SLUG", "文件名（小写字母、数字和连字符，例如 xihu-jinhui-zhulao）"),
    "name": ("--name", "协会全称"),
    "title": ("--title", "标题"),
    "association": ("--association", "承办协会的区划代码"),
    "brand": ("--brand", "品牌键"),
    "summary": ("--summary", "一段话简介"),
}


def _require(
    values: dict[str, str | None],
    defaults: dict[str, str] | None = None,
    checks: dict[str, Callable[[str], str]] | None = None,
) -> dict[str, str]:
    """Required values: given, or asked for on a terminal; otherwise exit 2 naming them all.

    `checks[name]` validates a value and may raise click.BadParameter: a given value that fails
    is a usage error, a typed one is asked for again.
    """
    defaults, checks = defaults or {}, checks or {}
    missing = [name for name, value in values.items() if not value]
    if missing and not _interactive():
        names = "、".join(_LABELS.get(name, (f"--{name}",))[0] for name in missing)
        raise click.UsageError(f"缺少必填项：{names}（在终端中运行时会逐项询问）")
    filled: dict[str, str] = {}
    for name, value in values.items():
        check = checks.get(name, str.strip)
        if value:
            filled[name] = check(value)
        else:
            label = _LABELS.get(name, (name, name))[1]
            filled[name] = click.prompt(label, default=defaults.get(name) or None, value_proc=lambda v, c=check: c(v.strip()))
    return filled


def _site(src: Path):
    config, problems = load_config(src)
    if config is None:
        _print_diagnostics(problems)
        sys.exit(1)
    return config, load_divisions()


def _write_new(src: Path, kind: str, slug: str, text: str, config, divisions) -> None:
    record, problems = scaffold.validate_text(src, kind, slug, text, config, divisions)
    if record is None or has_errors(problems):
        _print_diagnostics(problems)
        raise click.UsageError("给出的取值无法生成合规的记录，请按上面的提示修改选项")
    path = _record_path(src, kind, slug)
    try:
        scaffold.create(path, text)
    except FileExistsError:
        raise click.UsageError(f"文件已存在，不会覆盖：{path}") from None
    click.echo(f"已创建 {_shown(path)}")
    if not (src / schema.SCHEMA_DIR / schema.file_name(kind)).is_file():
        click.echo(f"提示：运行 sitegen schema 生成 {schema.SCHEMA_DIR}/，编辑器就能按文件第一行的说明即时检查本文件。")


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _record_path(src: Path, kind: str, slug: str) -> Path:
    folder, suffix = KINDS[kind]
    return src / "content" / folder / f"{slug}{suffix}"


def _slug(slug: str) -> str:
    if not SLUG_RE.match(slug):
        raise click.BadParameter(f"“{slug}”只能包含小写字母、数字和连字符，例如 xihu-jinhui-zhulao", param_hint="SLUG")
    return slug


def _new_slug(src: Path, kind: str) -> Callable[[str], str]:
    """A valid file name whose file does not exist yet: `new` never overwrites."""

    def check(slug: str) -> str:
        _slug(slug)
        path = _record_path(src, kind, slug)
        if path.exists():
            raise click.BadParameter(f"{path} 已存在，不会覆盖；请换一个文件名", param_hint="SLUG")
        return slug

    return check


def _known_association(src: Path, divisions, hint: str) -> Callable[[str], str]:
    """A region code with a ledger file in this site; its name is shown back on a terminal."""

    def check(region: str) -> str:
        region = region.strip()
        if not (src / "content" / "associations" / f"{region}.yaml").is_file():
            raise click.BadParameter(f"协会 {region} 还没有台账文件 content/associations/{region}.yaml，请先运行 sitegen new association {region}", param_hint=hint)
        if _interactive():
            click.echo(f"  → {divisions.full_name(region) if region in divisions else region}")
        return region

    return check


@new_group.command("association")
@click.argument("region", required=False)
@SRC_OPTION
@click.option("--name", help="协会全称，例如 杭州市西湖区青年志愿者协会")
@click.option("--status", type=click.Choice(["active", "preparing"]), default="active", show_default=True)
@click.option("--founded", type=click.DateTime(formats=["%Y-%m-%d"]), help="成立日期（默认今天；筹备中不填）")
def new_association(region: str | None, src: Path, name: str | None, status: str, founded) -> None:
    """新建协会台账 content/associations/REGION.yaml（在终端中会询问区划代码并显示地名）。"""
    src = _existing_src(src)
    config, divisions = _site(src)

    def new_region(code: str) -> str:
        code = code.strip()
        if code not in divisions:
            raise click.BadParameter(f"区划代码“{code}”不在 2023 年统计用区划代码表中", param_hint="REGION")
        if _record_path(src, "association", code).exists():
            raise click.BadParameter(f"{_record_path(src, 'association', code)} 已存在，不会覆盖", param_hint="REGION")
        if _interactive():
            click.echo(f"  → 区划：{divisions.full_name(code)}")
        return code

    region = _require({"region": region}, checks={"region": new_region})["region"]
    values = _require({"name": name}, {"name": scaffold.default_association_name(region, divisions)})
    day = founded.date() if founded else (None if status == "preparing" else date.today())
    text = scaffold.association_text(region, values["name"], day, status, divisions)
    _write_new(src, "association", region, text, config, divisions)


@new_group.command("project")
@click.argument("slug", required=False)
@SRC_OPTION
@click.option("--title", help="项目名称")
@click.option("--association", help="承办协会的区划代码")
@click.option("--brand", help="品牌键，例如 jinhui")
@click.option("--summary", help="一段话简介")
def new_project(slug: str | None, src: Path, title, association, brand, summary) -> None:
    """新建项目 content/projects/SLUG.yaml（在终端中会逐项询问，品牌从列表中选）。"""
    src = _existing_src(src)
    config, divisions = _site(src)

    def known_brand(key: str) -> str:
        if key not in config.brands:
            raise click.BadParameter(f"品牌“{key}”不在 sitegen.yaml 的品牌中，可选：{'、'.join(config.brands)}", param_hint="--brand")
        return key

    if _interactive() and not brand:
        click.echo("品牌：" + " · ".join(f"{k}（{b.name}）" for k, b in config.brands.items()))
    values = _require(
        {"slug": slug, "title": title, "association": association, "brand": brand, "summary": summary},
        checks={
            "slug": _new_slug(src, "project"),
            "association": _known_association(src, divisions, "--association"),
            "brand": known_brand,
        },
    )
    text = scaffold.project_text(values["title"], values["association"], values["brand"], values["summary"], config)
    _write_new(src, "project", values["slug"], text, config, divisions)


@new_group.command("story")
@click.argument("slug", required=False)
@SRC_OPTION
@click.option("--title", help="标题")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="日期（默认今天）")
@click.option("--association", help="所属协会的区划代码")
@click.option("--project", help="相关项目")
def new_story(slug: str | None, src: Path, title, day, association, project) -> None:
    """新建典型事迹 content/stories/SLUG.md。"""
    src = _existing_src(src)
    config, divisions = _site(src)
    values = _require({"slug": slug, "title": title}, checks={"slug": _new_slug(src, "story")})
    if association:
        association = _known_association(src, divisions, "--association")(association)
    if project and not (src / "content" / "projects" / f"{project}.yaml").is_file():
        raise click.BadParameter(f"项目 {project} 不存在：content/projects/ 下没有 {project}.yaml", param_hint="--project")
    text = scaffold.story_text(values["title"], day.date() if day else date.today(), association, project)
    _write_new(src, "story", values["slug"], text, config, divisions)


@main.command("schema")
@SRC_OPTION
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help=f"输出目录（默认 SRC/{schema.SCHEMA_DIR}）")
def schema_command(src: Path, out: Path | None) -> None:
    """为编辑器生成 JSON Schema：每种记录一个，外加 sitegen.yaml 的；品牌等词表取自站点配置。

    从不覆盖已有文件：内容相同的跳过，内容不同时什么也不写并退出（码 2）。
    """
    src = _existing_src(src)
    config, _ = _site(src)
    out = out if out is not None else src / schema.SCHEMA_DIR
    files = {out / schema.file_name(name): schema.render(generated) for name, generated in schema.build_schemas(config).items()}
    try:
        written = scaffold.create_all(files)
    except FileExistsError as exc:
        names = "、".join(str(path) for path in exc.args)
        raise click.UsageError(f"这些文件已存在且内容不同，不会覆盖：{names}。词表改过时，请先删除 {out} 再运行 sitegen schema") from None
    for path in written:
        click.echo(f"已写入 {path}")
    if not written:
        click.echo(f"{out} 中的 JSON Schema 已是最新，没有改动")


@main.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--region", help=f"本站协会的区划代码（默认 {starter.DEFAULT_REGION}；在终端中会询问）")
@click.option("--title", help="网站名称（默认为协会全称）")
@click.option("--base-url", default=starter.DEFAULT_BASE_URL, show_default=True, help="发布后的网址；用 GitHub / GitLab Pages 发布时由 CI 传入，可以不填")
@click.option("--pip", "pip_spec", help="CI 中安装 sitegen 的 pip 参数（默认取本机 sitegen 的安装来源）")
def init_command(directory: Path, region: str | None, title: str | None, base_url: str, pip_spec: str | None) -> None:
    """新建站点：配置、协会/项目/事迹/页面各一条示例、编辑器设置和 CI 文件。

    DIRECTORY 须为空目录（新克隆的空仓库只有 .git 也可以）或尚不存在；从不覆盖文件。
    """
    if directory.exists() and not directory.is_dir():
        raise click.UsageError(f"{directory} 不是目录")
    if directory.is_dir() and any(child.name != ".git" for child in directory.iterdir()):
        raise click.UsageError(f"目录 {directory} 不是空的：sitegen init 只在空目录（或只有 .git 的新仓库）中创建站点，从不覆盖文件")
    divisions = load_divisions()

    def known_region(code: str) -> str:
        code = code.strip()
        if code not in divisions:
            raise click.BadParameter(f"区划代码“{code}”不在 2023 年统计用区划代码表中", param_hint="--region")
        if _interactive():
            click.echo(f"  → 区划：{divisions.full_name(code)}")
        return code

    if region is None and _interactive():
        region = click.prompt("本站协会的区划代码（6 位）", default=starter.DEFAULT_REGION, value_proc=known_region)
    region = known_region(region or starter.DEFAULT_REGION)
    default_title = scaffold.default_association_name(region, divisions)
    if title is None and _interactive():
        title = click.prompt("网站名称", default=default_title)
    try:
        SiteConfig(title=title or default_title, base_url=base_url)
    except ValueError as exc:
        raise click.BadParameter(f"“{base_url}”不是完整网址，例如 https://example.org/ 或 https://example.org/volunteer/", param_hint="--base-url") from exc
    pip = pip_spec or starter.installed_from()
    files = starter.site_files(starter.Starter(region, title or default_title, base_url, pip), divisions, date.today())
    try:
        written = scaffold.create_all({directory / rel: text for rel, text in files.items()})
    except FileExistsError as exc:
        raise click.UsageError(f"文件已存在，不会覆盖：{'、'.join(map(str, exc.args))}") from None
    click.echo(f"已在 {directory} 创建新站点（{len(written)} 个文件）：配置、协会/项目/事迹/页面各一条示例、编辑器设置、GitHub 与 GitLab 的 CI 文件。")
    click.echo("下一步：")
    if directory.resolve() != Path.cwd().resolve():
        click.echo(f"  cd {directory}")
    click.echo("  sitegen check                      # 检查内容")
    click.echo("  sitegen build                      # 构建网站到 output/")
    click.echo("  sitegen serve                      # 预览：在浏览器打开它显示的地址，保存后自动刷新")
    if pip == starter.PLACEHOLDER_PIP:
        click.echo(
            "注意：CI 文件（.github/workflows/sitegen.yml、.gitlab-ci.yml）中的 SITEGEN_PIP 还是占位值，"
            "请改为安装 sitegen 的 pip 参数（例如 sitegen @ git+https://…/sitegen.git@v0.1.0），或在 CI 设置中定义变量 SITEGEN_PIP。",
            err=True,
        )
