"""Authoring commands: `new`, `schema` and `init` write into SRC, never overwriting a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from sitegen.authoring import hosting, scaffold, schema, starter
from sitegen.cli import hosting as hosting_cli
from sitegen.cli.common import (
    SRC_OPTION,
    existing_src,
    interactive,
    print_diagnostics,
    shown,
    site_config,
)
from sitegen.diagnostics import has_errors
from sitegen.domain.divisions import load_divisions
from sitegen.load.config import SiteConfig
from sitegen.load.sources import KINDS, SLUG_RE


@click.group("new")
def new_group() -> None:
    """新建一条合规的记录（协会、项目或事迹），不会覆盖已有文件。"""


# How a missing value is named in errors and asked for on a terminal.
_LABELS = {
    "region": ("区划代码", "区划代码（6 位，例如 330106）"),
    "slug": ("文件名", "文件名（小写字母、数字和连字符，例如 xihu-jinhui-zhulao）"),
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
    if missing and not interactive():
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


def _write_new(src: Path, kind: str, slug: str, text: str, config, divisions) -> None:
    record, problems = scaffold.validate_text(src, kind, slug, text, config, divisions)
    if record is None or has_errors(problems):
        print_diagnostics(problems)
        raise click.UsageError("给出的取值无法生成合规的记录，请按上面的提示修改选项")
    path = _record_path(src, kind, slug)
    try:
        scaffold.create(path, text)
    except FileExistsError:
        raise click.UsageError(f"文件已存在，不会覆盖：{path}") from None
    click.echo(f"已创建 {shown(path)}")
    if not (src / schema.SCHEMA_DIR / schema.file_name(kind)).is_file():
        click.echo(f"提示：运行 sitegen schema 生成 {schema.SCHEMA_DIR}/，编辑器就能按文件第一行的说明即时检查本文件。")


def _record_path(src: Path, kind: str, slug: str) -> Path:
    folder, suffix = KINDS[kind]
    return src / "content" / folder / f"{slug}{suffix}"


def _slug(slug: str) -> str:
    if not SLUG_RE.match(slug):
        raise click.BadParameter(f"“{slug}”只能包含小写字母、数字和连字符，例如 xihu-jinhui-zhulao", param_hint="文件名")
    return slug


def _new_slug(src: Path, kind: str) -> Callable[[str], str]:
    """A valid file name whose file does not exist yet: `new` never overwrites."""

    def check(slug: str) -> str:
        _slug(slug)
        path = _record_path(src, kind, slug)
        if path.exists():
            raise click.BadParameter(f"{path} 已存在，不会覆盖；请换一个文件名", param_hint="文件名")
        return slug

    return check


def _known_association(src: Path, divisions, hint: str) -> Callable[[str], str]:
    """A region code with a ledger file in this site; its name is shown back on a terminal."""

    def check(region: str) -> str:
        region = region.strip()
        if not (src / "content" / "associations" / f"{region}.yaml").is_file():
            raise click.BadParameter(f"协会 {region} 还没有台账文件 content/associations/{region}.yaml，请先运行 sitegen new association {region}", param_hint=hint)
        if interactive():
            click.echo(f"  → {divisions.full_name(region) if region in divisions else region}")
        return region

    return check


def _division(divisions, hint: str, also: Callable[[str], None] | None = None) -> Callable[[str], str]:
    """A code of the division table (and whatever `also` checks); its place is shown back on
    a terminal."""

    def check(code: str) -> str:
        code = code.strip()
        if code not in divisions:
            raise click.BadParameter(f"区划代码“{code}”不在 2023 年统计用区划代码表中", param_hint=hint)
        if also is not None:
            also(code)
        if interactive():
            click.echo(f"  → 区划：{divisions.full_name(code)}")
        return code

    return check


@new_group.command("association")
@click.argument("region", required=False)
@SRC_OPTION
@click.option("--name", help="协会全称，例如 杭州市西湖区青年志愿者协会")
@click.option("--status", type=click.Choice(["active", "preparing"]), default="active", show_default=True)
@click.option("--founded", type=click.DateTime(formats=["%Y-%m-%d"]), help="成立日期（默认今天；筹备中不填）")
@click.option("--serial", help="统一编号（默认为本站编号格式下的下一个可用编号）")
def new_association(region: str | None, src: Path, name: str | None, status: str, founded, serial: str | None) -> None:
    """新建协会台账 content/associations/<区划代码>.yaml（在终端中会询问区划代码并显示地名）。"""
    src = existing_src(src)
    config, divisions = site_config(src)

    def not_written(code: str) -> None:
        if _record_path(src, "association", code).exists():
            raise click.BadParameter(f"{_record_path(src, 'association', code)} 已存在，不会覆盖", param_hint="区划代码")

    region = _require({"region": region}, checks={"region": _division(divisions, "区划代码", not_written)})["region"]
    values = _require({"name": name}, {"name": scaffold.default_association_name(region, divisions)})
    day = founded.date() if founded else (None if status == "preparing" else date.today())
    if serial and serial.strip() in scaffold.taken_serials(src):
        raise click.BadParameter(f"统一编号 {serial.strip()} 已被其他协会使用；不写 --serial 时会自动给出下一个可用编号", param_hint="--serial")
    serial = serial.strip() if serial else scaffold.next_serial(src, region, config)
    click.echo(f"统一编号：{serial}")
    text = scaffold.association_text(region, values["name"], day, status, divisions, serial)
    _write_new(src, "association", region, text, config, divisions)


@new_group.command("project")
@click.argument("slug", required=False)
@SRC_OPTION
@click.option("--title", help="项目名称")
@click.option("--association", help="承办协会的区划代码")
@click.option("--brand", help="品牌键，例如 jinhui")
@click.option("--summary", help="一段话简介")
def new_project(slug: str | None, src: Path, title, association, brand, summary) -> None:
    """新建项目 content/projects/<文件名>.yaml（在终端中会逐项询问，品牌从列表中选）。"""
    src = existing_src(src)
    config, divisions = site_config(src)

    def known_brand(key: str) -> str:
        if key not in config.brands:
            raise click.BadParameter(f"品牌“{key}”不在 sitegen.yaml 的品牌中，可选：{'、'.join(config.brands)}", param_hint="--brand")
        return key

    if interactive() and not brand:
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
    """新建典型事迹 content/stories/<文件名>.md（草稿：删去 draft 一行后才发布）。"""
    src = existing_src(src)
    config, divisions = site_config(src)
    values = _require({"slug": slug, "title": title}, checks={"slug": _new_slug(src, "story")})
    if association:
        association = _known_association(src, divisions, "--association")(association)
    if project and not (src / "content" / "projects" / f"{project}.yaml").is_file():
        raise click.BadParameter(f"项目 {project} 不存在：content/projects/ 下没有 {project}.yaml", param_hint="--project")
    text = scaffold.story_text(values["title"], day.date() if day else date.today(), association, project)
    _write_new(src, "story", values["slug"], text, config, divisions)
    click.echo("这是一篇草稿（draft: true），不会发布：写好正文后用 sitegen serve --drafts 预览，"
               "确认无误后删去 draft 这一行（或改为 false）再提交，网站更新时即发布。")


@click.command("schema")
@SRC_OPTION
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help=f"输出目录（默认 SRC/{schema.SCHEMA_DIR}）")
def schema_command(src: Path, out: Path | None) -> None:
    """为编辑器生成 JSON Schema：每种记录一个，外加 sitegen.yaml 的；品牌等词表取自站点配置。

    从不覆盖已有文件：内容相同的跳过，内容不同时什么也不写并退出（码 2）。
    """
    src = existing_src(src)
    config, _ = site_config(src)
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


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--region", help=f"本站协会的区划代码（默认 {starter.DEFAULT_REGION}；在终端中会询问）")
@click.option("--title", help="网站名称（默认为协会全称）")
@click.option("--base-url", default=starter.DEFAULT_BASE_URL, show_default=True, help="发布后的网址；用 GitHub / GitLab Pages 发布时由 CI 传入，可以不填")
@click.option("--pip", "pip_spec", help="CI 中安装 sitegen 的 pip 参数（默认取本机 sitegen 的安装来源）")
@click.option("--host", help=f"发布平台（默认 GitHub Pages 和 GitLab Pages 两套；在终端中会询问）：{hosting_cli.HOST_HELP}")
@click.option("--ci", type=click.Choice(list(hosting.CI_NAMES)), help=f"国内平台由哪个 CI 运行发布脚本（默认按平台）：{hosting_cli.CI_HELP}")
def init_command(directory: Path, region: str | None, title: str | None, base_url: str, pip_spec: str | None, host: str | None, ci: str | None) -> None:
    """新建站点：配置、协会/项目/事迹/页面各一条示例、编辑器设置和发布配置（CI 文件、发布脚本）。

    <目录> 须为空目录（新克隆的空仓库只有 .git 也可以）或尚不存在；从不覆盖文件。
    以后换用或增加发布平台：sitegen deploy-config <平台>。
    """
    if directory.exists() and not directory.is_dir():
        raise click.UsageError(f"{directory} 不是目录")
    if directory.is_dir() and any(child.name != ".git" for child in directory.iterdir()):
        raise click.UsageError(f"目录 {directory} 不是空的：sitegen init 只在空目录（或只有 .git 的新仓库）中创建站点，从不覆盖文件")
    divisions = load_divisions()

    known_region = _division(divisions, "--region")
    if region is None and interactive():
        region = click.prompt("本站协会的区划代码（6 位）", default=starter.DEFAULT_REGION, value_proc=known_region)
    region = known_region(region or starter.DEFAULT_REGION)
    default_title = scaffold.default_association_name(region, divisions)
    if title is None and interactive():
        title = click.prompt("网站名称", default=default_title)
    try:
        SiteConfig(title=title or default_title, base_url=base_url)
    except ValueError as exc:
        raise click.BadParameter(f"“{base_url}”不是完整网址，例如 https://example.org/ 或 https://example.org/volunteer/", param_hint="--base-url") from exc
    pairs = hosting_cli.choose(host, ci, allow_default_pair=True)
    pip = pip_spec or starter.installed_from()
    files = starter.site_files(starter.Starter(region, title or default_title, base_url, pip, pairs), divisions, date.today())
    try:
        written = scaffold.create_all({directory / rel: text for rel, text in files.items()})
    except FileExistsError as exc:
        raise click.UsageError(f"文件已存在，不会覆盖：{'、'.join(map(str, exc.args))}") from None
    published = "、".join(hosting.HOSTS[h].name for h, _ in pairs)
    click.echo(f"已在 {directory} 创建新站点（{len(written)} 个文件）：配置、协会/项目/事迹/页面各一条示例、编辑器设置，发布到{published}的配置。")
    click.echo("下一步：")
    if directory.resolve() != Path.cwd().resolve():
        click.echo(f"  cd {directory}")
    click.echo("  sitegen check                      # 检查内容")
    click.echo("  sitegen build                      # 构建网站到 output/")
    click.echo("  sitegen serve                      # 预览：在浏览器打开它显示的地址，保存后自动刷新")
    for line in hosting_cli.next_steps(pairs):
        click.echo(line)
    if pip == starter.RELEASE_PIP:
        click.echo(
            f"CI 将用 pip install {pip} 从 Python 软件包索引（或你设置的镜像）安装 sitegen；"
            "要从自己的仓库或离线 wheel 目录安装，请修改 CI 文件中的 SITEGEN_PIP（见《维护指南》“安装 sitegen”）。",
            err=True,
        )
