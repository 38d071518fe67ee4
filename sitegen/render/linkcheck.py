"""broken-link: every link and image in a Markdown body or description must lead somewhere.

Runs once every page of the site is known (rendered, or kept from the previous build) and the
static files are listed: a link is fine when it names a generated page, a data file, a file
of `static/` or the theme — with or without the site's base path, with or without the
trailing slash or `index.html` — and, with a `#fragment`, when that page has the anchor.
Links to other hosts and schemes (`https:`, `mailto:`, `tel:`) are not checked.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.link import urls
from sitegen.link.recorded import SiteRecord
from sitegen.link.site import Site
from sitegen.render.artifact import Content, Deflated
from sitegen.render.markdown_render import link_targets
from sitegen.render.markdown_stage import MarkdownText, markdown_texts

_ID_RE = re.compile(r"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")


@dataclass(frozen=True)
class Target:
    file: str | None  # the output file the link resolves to, None when there is none
    route: str  # the path as the site knows it, for the message (no base path)
    fragment: str


def check_links(site: Site, files: Mapping[str, Content], texts: Iterable[MarkdownText] | None = None) -> list[Diagnostic]:
    """A located `broken-link` error for each link to a page, file or anchor that does not
    exist; a warning for a link to a draft (it breaks on the published site). With `texts`,
    the links of those texts alone (the dev server, after a save), else of every text."""
    problems: list[Diagnostic] = []
    anchors = _Anchors(files)
    for found in markdown_texts(site) if texts is None else texts:
        own = _own_route(found.record)
        for offset, raw in link_targets(found.text):
            target = resolve(raw, own, site.config.base_path, files)
            if target is None:
                continue
            line, col = _line_col(found.text, offset)
            where = (found.record.path, found.first_line + line, found.column(found.first_line + line, col))
            if _as_route(target.route) in site.drafts:
                problems.append(warning(*where, "broken-link", f"链接“{raw}”指向草稿：草稿不会发布，正式网站上这个链接会失效；请等草稿发布后再加链接，或去掉它"))
            elif target.file is None:
                problems.append(error(*where, "broken-link", f"链接“{raw}”指向的 /{target.route} 在本站不存在：{_hint(target.route)}"))
            elif target.fragment and target.fragment not in anchors.of(target.file):
                problems.append(error(*where, "broken-link", f"链接“{raw}”中的锚点“#{target.fragment}”在 /{target.route} 页面上不存在：请核对锚点（标题的锚点就是标题文字），或去掉 #{target.fragment}"))
    return problems


def resolve(raw: str, own: str, base_path: str, files: Mapping[str, object]) -> Target | None:
    """Where a link inside the site leads (None for links to other hosts or schemes)."""
    parts = urlsplit(raw.strip())
    if parts.scheme or parts.netloc or raw.startswith("//"):
        return None
    path = unquote(urljoin("/" + own, parts.path)) if parts.path else "/" + own
    if base_path != "/" and (path + "/").startswith(base_path):
        path = "/" + path[len(base_path):]
    route = path.lstrip("/")
    fragment = unquote(parts.fragment)
    candidates = [route] if route and not route.endswith("/") else []
    candidates += [urls.output_file(route if route.endswith("/") or not route else route + "/")]
    found = next((c for c in candidates if c in files), None)
    return Target(found, route, fragment)


def _as_route(path: str) -> str:
    """`stories/a`, `stories/a/index.html` -> `stories/a/`."""
    path = path.removesuffix("index.html")
    return path if not path or path.endswith("/") else path + "/"


def _own_route(record: SiteRecord) -> str:
    return {
        "association": urls.association,
        "project": urls.project,
        "story": urls.story,
        "page": urls.page,
    }[record.kind](record.key)


def _hint(route: str) -> str:
    first = route.split("/", 1)[0]
    if first == "associations":
        return "该区划代码还没有协会台账，请核对代码"
    if first == "projects":
        return "没有这个项目文件，请核对项目文件名"
    if first == "stories":
        return "没有这篇事迹，请核对文件名"
    return "请核对网址；图片等文件要放在 static/ 下，链接写成 /img/a.png"


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Anchors:
    """The ids of the pages linked with a #fragment, read once each."""

    def __init__(self, files: Mapping[str, Content]) -> None:
        self.files = files
        self.found: dict[str, frozenset[str]] = {}

    def of(self, file: str) -> frozenset[str]:
        if file not in self.found:
            self.found[file] = frozenset(_ids(_text(self.files[file])))
        return self.found[file]


def _text(artifact: Content) -> str:
    if isinstance(artifact, Deflated):
        data = artifact.data()
    elif isinstance(artifact, Path):
        data = artifact.read_bytes()
    else:
        data = artifact
    return data.decode("utf-8", errors="replace")


def _ids(page: str) -> Iterator[str]:
    for m in _ID_RE.finditer(page):
        yield html.unescape(next(g for g in m.groups() if g is not None))
