"""Templates: the Jinja2 environment pages are rendered with, and its filters and globals.

Templates are found through the theme (theme.py). They autoescape and run with StrictUndefined;
a template mistake becomes a diagnostic naming the template file and line, never a traceback.
Every template a page asks for (extends, include, import, and candidates that do not exist) is
recorded as an input of that page, and the globals that carry site data (`menu`, `brands`,
`as_of`) are read when a template reads them, so they are recorded too.
"""

from __future__ import annotations

import math
import re
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import jinja2.runtime

from sitegen import __version__
from sitegen.diagnostics import Diagnostic, error
from sitegen.domain import coverage, placenames
from sitegen.domain.chinese import cn_date
from sitegen.link import urls
from sitegen.link.inputs import TemplateInput, read
from sitegen.link.site import Site
from sitegen.render import filters, share
from sitegen.render.name_keys import name_keys
from sitegen.render.theme import template_dirs
from sitegen.render.views import Views


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    items: list[Any]
    urls: list[str]  # href of every page, 1-based order

    @property
    def prev_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.total else None


def page_of(items: Sequence[Any], number: int, per_page: int, route_of: Callable[[int], str], base_path: str) -> Pagination:
    """Page `number` (1-based) of `items` split into pages of `per_page`, with every page's href."""
    total = max(1, math.ceil(len(items) / per_page))
    hrefs = [urls.href(base_path, route_of(n)) for n in range(1, total + 1)]
    return Pagination(number, total, list(items[(number - 1) * per_page : number * per_page]), hrefs)


def association_names(a: Any) -> list[str]:
    """The names site search knows an association view by (its name, place name, short name …)."""
    place = a.division.name if a.division is not None else None
    return placenames.association_names(a.name, place, [crumb.name for crumb in a.breadcrumbs])


@dataclass(frozen=True)
class PhonePart:
    """A piece of a phone field: a number with its tel: URI, or the text between numbers."""

    text: str
    uri: str | None = None


_PHONE = re.compile(r"[+(（]?\d[\d\s()（）-]{3,}\d(?:\s*(?:转|分机|ext\.?)\s*\d+)?", re.I)


def phone_numbers(text: str) -> list[PhonePart]:
    """`0571-8705 1325 转 8001、0571-87051326` → two numbers with tel: URIs (RFC 3966: digits,
    an extension as ;ext=) and the 、 between them as text."""
    parts, start = [], 0
    for match in _PHONE.finditer(text):
        if match.start() > start:
            parts.append(PhonePart(text[start : match.start()]))
        number, _, extension = (re.split(r"(转|分机|ext\.?)", match.group(0), maxsplit=1, flags=re.I) + ["", ""])[:3]
        digits = re.sub(r"[^\d+]", "", number)
        uri = f"tel:{digits}" + (f";ext={re.sub(r'[^0-9]', '', extension)}" if extension.strip() else "")
        parts.append(PhonePart(match.group(0), uri))
        start = match.end()
    if start < len(text):
        parts.append(PhonePart(text[start:]))
    return parts


def number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


class TemplateProblem(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class Lazy:
    """A template global computed when a template reads it (so the read is recorded)."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute = compute


class _Context(jinja2.runtime.Context):
    def resolve_or_missing(self, key: str) -> Any:  # jinja2's, with Lazy globals computed
        if key in self.vars:
            return self.vars[key]
        if key in self.parent:
            value = self.parent[key]
            return value.compute() if type(value) is Lazy else value
        return jinja2.runtime.missing


class _Environment(jinja2.Environment):
    """Jinja's environment, recording every template a page asks for as one of its inputs."""

    context_class = _Context

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        if isinstance(name, str):
            read(TemplateInput(self.join_path(name, parent) if parent else name))
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        for name in names:
            if isinstance(name, str):
                read(TemplateInput(self.join_path(name, parent) if parent else name))
        return super().select_template(names, parent, globals)


class PageRenderer:
    """Jinja2 environment with the site's globals; renders one route at a time."""

    def __init__(self, site: Site, views: Views) -> None:
        # No bytecode cache: compiled templates are code, and the build cache holds data only.
        self.site = site
        self.views = views
        self.dirs = [d for d in template_dirs(site.src, site.config.theme) if d.is_dir()]
        self.env = _Environment(
            loader=jinja2.FileSystemLoader(self.dirs),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            cn_date=cn_date, excerpt=share.excerpt, number=number, phone_numbers=phone_numbers, name_keys=name_keys, association_names=association_names
        )
        base = site.config.base_path
        self.env.globals.update(
            site=site.config,
            views=views,
            as_of=Lazy(lambda: site.as_of),
            generator=f"sitegen {__version__}",
            url=lambda route: base + route,
            absolute=lambda route: site.config.base_url + route,
            absolute_href=lambda href: share.absolute_href(site.config, href),
            card_image=lambda image: share.card_image(site.config, image),
            site_image=share.site_image(site.config),
            percent=coverage.percent,
            urls=urls,
            menu=Lazy(lambda: views.menu),
            brands=Lazy(lambda: views.brands),
            filters=filters,
        )

    def render(self, template: str, route: str, **context: Any) -> bytes:
        try:
            text = self.env.get_template(template).render(route=route, **context)
        except jinja2.TemplateSyntaxError as exc:
            path = exc.filename or template
            raise TemplateProblem(error(path, exc.lineno or 1, 1, "template", f"模板语法错误：{exc.message}")) from None
        except Exception as exc:  # any template runtime failure becomes a located diagnostic
            path, line = self._template_frame(exc, template)
            raise TemplateProblem(error(path, line, 1, "template", f"渲染 /{route} 时模板出错：{exc}")) from None
        return text.encode("utf-8")

    def _template_frame(self, exc: Exception, template: str) -> tuple[str, int]:
        roots = [str(d) for d in self.dirs]
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if any(frame.filename.startswith(r) for r in roots):
                return frame.filename, frame.lineno or 1
        return template, 1
