"""`build`, `serve` and `check`: the commands that read a whole site."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from sitegen.cli.common import (
    SRC_OPTION,
    checked_out,
    existing_src,
    print_diagnostics,
    summary,
    valid_base_url,
)
from sitegen.diagnostics import has_errors
from sitegen.incremental import snapshot
from sitegen.incremental.store import write_atomically


@click.command("build")
@SRC_OPTION
@click.option("-o", "--out", type=click.Path(path_type=Path), help="输出目录（默认 SRC/output）")
@click.option("--base-url", callback=lambda ctx, param, value: valid_base_url(value), help="覆盖 sitegen.yaml 中的 base_url")
@click.option("--drafts", is_flag=True, help="包含草稿（draft: true）")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="并行渲染页面、处理图片的进程数（默认为 CPU 核数）；结果与 -j 1 完全相同")
@click.option("-q", "--quiet", is_flag=True, help="只输出问题，不输出摘要")
@click.option("--force", is_flag=True, help="输出目录里已有不是 sitegen 生成的文件时，也用网站替换它（默认拒绝，以免误删）")
@click.option(
    "--changed-urls", type=click.Path(dir_okay=False, path_type=Path),
    help="把本次构建新增、改动和删除的文件的完整网址写入此文件，每行一个、按字母排序（供 CDN 刷新、搜索引擎推送）；与上次的输出目录比较",
)
def build_command(src: Path, out: Path | None, base_url: str | None, drafts: bool, jobs: int | None, quiet: bool, force: bool, changed_urls: Path | None) -> None:
    """构建网站：先校验全部内容，无误后原子地替换输出目录。"""
    started = time.perf_counter()
    src = existing_src(src)
    out = checked_out(src, out or src / "output", force)
    if changed_urls is not None and changed_urls.resolve().is_relative_to(out):
        raise click.BadParameter(f"{changed_urls} 在输出目录 {out} 之内，会被下次构建删除；请放在输出目录之外", param_hint="--changed-urls")
    # nothing changed since the last build (file metadata, digests where it moved): done
    inputs = snapshot.take(src, out, f"{base_url}\0{drafts}")
    if inputs.unchanged:
        print_diagnostics(inputs.diagnostics)
        if changed_urls is not None:
            _write_changed_urls(changed_urls, [])
        if not quiet:
            click.echo(f"内容、模板和输出目录都没有变化：{inputs.pages} 个页面保持原样，未写入任何文件（用时 {time.perf_counter() - started:.2f} 秒）→ {out}")
        return
    from sitegen.build import build

    progress = _ProgressLine() if not quiet and sys.stderr.isatty() else None
    try:
        result = build(src, out, base_url=base_url, include_drafts=drafts, progress=progress, jobs=jobs or os.cpu_count() or 1)
    finally:
        if progress:
            progress.clear()
    print_diagnostics(result.diagnostics)
    if not result.ok:
        click.echo(f"构建失败：{summary(result.diagnostics)}。输出目录未改动。", err=True)
        sys.exit(1)
    if result.stats is not None:  # OUT is what these inputs build: the next run may stop early
        inputs.save(out, result.pages, result.diagnostics)
    if changed_urls is not None and result.changes is not None and result.site is not None:
        _write_changed_urls(changed_urls, result.changes.urls(result.site.config.base_url))
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
        if changed_urls is not None and result.changes is not None:
            click.echo(f"新增、改动或删除的文件 {len(result.changes.changed) + len(result.changes.removed)} 个，网址已写入 {changed_urls}")


def _write_changed_urls(path: Path, urls: list[str]) -> None:
    try:
        write_atomically(path, "".join(f"{url}\n" for url in urls).encode())
    except OSError as exc:
        click.echo(f"网站已构建，但无法写入 {path}：{exc.strerror or exc}", err=True)
        sys.exit(1)


class _ProgressLine:
    """One self-overwriting stderr line on a terminal: the stage, and pages done / total."""

    INTERVAL = 0.1  # seconds between redraws: a fast build should not spend its time drawing

    def __init__(self) -> None:
        self._drawn = 0.0
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if total and done < total and now - self._drawn < self.INTERVAL:
            return
        self._drawn = now
        text = f"{stage} {done}/{total}" if total else f"{stage}…"
        click.echo(f"\r\x1b[K{text}", err=True, nl=False)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)
            self.shown = False


@click.command("serve")
@SRC_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（默认只在本机可访问）")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口（0：任选一个空闲端口）")
@click.option("--drafts", is_flag=True, help="也显示草稿（draft: true 的事迹和页面），供发布前预览")
def serve_command(src: Path, host: str, port: int, drafts: bool) -> None:
    """预览：载入站点后在本机提供访问，页面在浏览器打开时才生成；修改内容、模板或配置后只重新读取改动的文件并刷新页面。不写输出目录。"""
    from sitegen.serve.server import DevServer  # watchfiles is only needed here

    src = existing_src(src)
    out = checked_out(src, src / "output")

    def report(outcome) -> None:
        print_diagnostics(outcome.diagnostics)
        if not outcome.ok:
            click.echo(f"有错误：{summary(outcome.diagnostics)}。继续提供上一次没有错误的版本，修改后会自动重新检查。", err=True)
        elif outcome.full:
            click.echo(f"已载入站点：{outcome.pages} 个页面，在浏览器打开时生成，用时 {outcome.seconds:.2f} 秒", err=True)
        elif outcome.pages:
            click.echo(f"已更新（{outcome.seconds:.2f} 秒）", err=True)

    try:
        server = DevServer(src, out, host, port, report=report, drafts=drafts, jobs=min(2, os.cpu_count() or 1), freeze=True)
    except OSError as exc:
        raise click.UsageError(f"无法监听 {host}:{port}：{exc.strerror or exc}") from None
    click.echo(f"预览地址：{server.url}（按 Ctrl+C 停止）", err=True)
    if drafts:
        click.echo("草稿也会显示（--drafts）：预览中看到的草稿，发布的网站上没有，删去 draft 一行后才发布。", err=True)
    if server.searchable:
        click.echo("预览中的站内搜索用的是上次 sitegen build 生成的索引，不随预览更新；要搜到新的修改，请运行 sitegen build。", err=True)
    server.serve_forever()


@click.command("check")
@SRC_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
    help="text：每行一条；json：JSON 数组；github：GitHub Actions 注释，错误标在拉取请求的改动行上",
)
def check_command(src: Path, fmt: str) -> None:
    """校验全部内容（含草稿），不写任何文件。"""
    from sitegen.build import check

    result = check(existing_src(src))
    print_diagnostics(result.diagnostics, fmt)
    if fmt in ("text", "github"):
        if result.site is not None:
            click.echo(f"统计日期：各项数字截至 {result.site.as_of}（来源：{result.site.as_of_source}）", err=True)
        state = "未通过" if has_errors(result.diagnostics) else "通过"
        click.echo(f"检查{state}：{summary(result.diagnostics)}", err=True)
    sys.exit(1 if has_errors(result.diagnostics) else 0)


