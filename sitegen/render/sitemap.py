"""The sitemap, split when it grows too large for search engines.

A sitemap file may list at most 50,000 URLs and, for Baidu, weigh at most 10 MB. Past either
limit `/sitemap.xml` becomes a sitemap index naming `/sitemap-1.xml`, `/sitemap-2.xml` … (at the
site's root: a sitemap may only list URLs under its own folder). How the pages are split is
decided from the routes alone, before anything is rendered, with each entry counted at its
largest (a `<lastmod>` on every URL), so no part can end up over the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import escape

MAX_URLS = 50_000
MAX_BYTES = 10 * 1024 * 1024
# <?xml …?>, <urlset xmlns=…> and </urlset>, with room to spare
_OVERHEAD = 200
_LASTMOD = len("<lastmod>2024-01-01</lastmod>")


@dataclass(frozen=True)
class SitemapLimits:
    urls: int = MAX_URLS
    bytes: int = MAX_BYTES


LIMITS = SitemapLimits()


def part_route(number: int) -> str:
    """The route of part `number` (1-based) of a split sitemap."""
    return f"sitemap-{number}.xml"


def entry_bytes(base_url: str, route: str) -> int:
    """The most bytes the sitemap template writes for one URL."""
    return len(f"  <url><loc>{escape(base_url + route)}</loc></url>\n".encode()) + _LASTMOD


def split(routes: list[str], base_url: str, limits: SitemapLimits | None = None) -> list[list[str]]:
    """The routes in consecutive parts that each keep within `limits`; one part when the site
    fits one sitemap (an empty site too)."""
    limits = limits or LIMITS
    parts: list[list[str]] = [[]]
    size = _OVERHEAD
    for route in routes:
        weight = entry_bytes(base_url, route)
        current = parts[-1]
        if current and (len(current) >= limits.urls or size + weight > limits.bytes):
            parts.append([])
            size = _OVERHEAD
        parts[-1].append(route)
        size += weight
    return parts
