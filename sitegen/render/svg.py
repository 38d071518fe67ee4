"""SVG files of the site's static/ folder: refused, not rewritten, when they could script the site.

An SVG opened directly (`/img/logo.svg`) is a document of the site's own origin: a `<script>`,
an `onload=` or a `javascript:` link in it runs with the site's cookies and can rewrite any page
the reader then opens. `<img>` and CSS never run an SVG's scripts, but a reader can always open
the file itself. Headers cannot help (static hosts such as Pages do not let a site set a
Content-Security-Policy per file), so the file must be inert.

sitegen *checks* every SVG under static/ against a safelist and refuses (an `unsafe-file`
error at the file) what fails, instead of rewriting it: a rewritten drawing can look different
from what its author exported and nobody would notice, while a refusal names the element to
remove and the file stays the owner's. The safelist: the SVG namespace's drawing, text,
gradient, filter, clipping and animation elements; editors' metadata namespaces (Inkscape,
Sodipodi, RDF, Dublin Core, Creative Commons, Adobe, Sketch, Serif) that browsers ignore;
`href` only to a fragment (`#a`), a file of the site or a raster `data:image/…` (and for `<a>`
http/https/mailto/tel links); no event attribute, no animation of `href` or of an event
attribute, no `<script>`, `<foreignObject>` or HTML element, no processing instruction other
than the XML declaration (an `xml-stylesheet` can run XSLT), no DTD entity (entity bombs),
no style that imports or loads from another host.
"""

from __future__ import annotations

import gzip
import io
import re
import xml.parsers.expat
from pathlib import Path

__all__ = ["svg_problem"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
INERT_NAMESPACES = (
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://inkscape.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://ns.adobe.com/",
    "http://www.bohemiancoding.com/sketch/ns",
    "http://www.serif.com/",
)
ELEMENTS = frozenset(
    ["svg", "g", "defs", "desc", "title", "metadata", "symbol", "use", "image", "switch", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "filter", "marker", "style", "view", "a", "animate", "animateTransform", "animateMotion", "set", "mpath", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence"]
)
MAX_BYTES = 8 * 1024 * 1024  # a drawing; more (once unzipped) is refused unread
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_IGNORED_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_RASTER_DATA_RE = re.compile(r"^data:image/(png|jpeg|gif|webp|avif);", re.IGNORECASE)
_CSS_LOAD_RE = re.compile(r"@import|url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.\-]*:|//)", re.IGNORECASE)
_CSS_DATA_OK_RE = re.compile(r"url\(\s*['\"]?\s*data:", re.IGNORECASE)


class _Refused(Exception):
    pass


def _href_problem(element: str, value: str) -> str | None:
    seen = _IGNORED_RE.sub("", value)
    if seen.startswith("#") or _RASTER_DATA_RE.match(seen):
        return None
    scheme = _SCHEME_RE.match(seen)
    if element == "a" and (scheme is None or scheme.group(1).lower() in ("http", "https", "mailto", "tel")):
        return None
    if scheme is None and not seen.startswith(("//", "\\")):
        return None  # a file of the site
    return f"<{element}> 的链接“{value[:60]}”指向站外或含有脚本"


def _css_problem(css: str) -> str | None:
    stripped = _CSS_DATA_OK_RE.sub("url(", css)
    if _CSS_LOAD_RE.search(stripped):
        return "样式（style）从其他网站加载内容或导入样式表"
    if "javascript:" in _IGNORED_RE.sub("", css).lower() or "expression(" in css.lower():
        return "样式（style）中含有脚本"
    return None


def _split(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _check(data: bytes) -> None:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    styles: list[str] = []
    in_style = [0]

    def refuse(*_args: object) -> None:
        raise _Refused("含有 DTD 实体声明（可被用来耗尽内存）")

    def instruction(target: str, _data: str) -> None:
        raise _Refused(f"含有处理指令 <?{target} …?>（xml-stylesheet 等可以运行脚本）")

    def start(name: str, attributes: dict[str, str]) -> None:
        namespace, local = _split(name)
        if namespace.startswith(INERT_NAMESPACES):
            return
        if namespace not in (SVG_NS, ""):
            raise _Refused(f"含有 SVG 以外的元素 <{local}>（{namespace}），例如 HTML 元素可以运行脚本")
        if local not in ELEMENTS:
            what = "脚本 <script>" if local == "script" else f"元素 <{local}>"
            raise _Refused(f"含有{what}，它不在 SVG 图片允许的元素之列")
        for attribute, value in attributes.items():
            attr_ns, attr = _split(attribute)
            if attr.lower().startswith("on"):
                raise _Refused(f"<{local}> 上有事件属性 {attr}（打开图片时会运行脚本）")
            if attr == "href" and attr_ns in ("", XLINK_NS) and (problem := _href_problem(local, value)):
                raise _Refused(problem)
            if attr == "attributeName" and (value.split(":")[-1] == "href" or value.lower().startswith("on")):
                raise _Refused(f"<{local}> 用动画改写 {value}（可以把链接变成脚本）")
            if attr == "style" and (problem := _css_problem(value)):
                raise _Refused(f"<{local}> 的{problem}")
        if local == "style":
            in_style[0] += 1

    def end(name: str) -> None:
        if _split(name)[1] == "style" and in_style[0]:
            in_style[0] -= 1

    def text(data: str) -> None:
        if in_style[0]:
            styles.append(data)

    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = lambda *args: refuse()
    parser.ProcessingInstructionHandler = instruction
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise _Refused(f"不是格式正确的 XML（第 {exc.lineno} 行：{xml.parsers.expat.ErrorString(exc.code)}），无法确认其中没有脚本") from None
    if problem := _css_problem("".join(styles)):
        raise _Refused(f"<style> 中的{problem}")


def svg_problem(path: Path) -> str | None:
    """Why the SVG (or gzipped .svgz) at `path` must not be published, in Chinese; or None."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return f"文件超过 {MAX_BYTES // 1024 // 1024} MB，不像是一张图标或插图"
        data = path.read_bytes()
        if path.suffix.lower() == ".svgz" or data[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                data = unzipped.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                return f"解压后超过 {MAX_BYTES // 1024 // 1024} MB"
    except (OSError, EOFError) as exc:
        return f"无法读取（{exc}）"
    try:
        _check(data)
    except _Refused as exc:
        return str(exc)
    return None
