"""Where every page goes: the one place that knows the site's URL scheme (PRODUCT.md §3, §5).

Routes are site-relative paths without the base path and without a leading slash: `""` is the
home page, `"associations/330106/"` an association. `output_file` maps a route to the file that
serves it; `href` adds the base path for links.
"""

from __future__ import annotations

# First path segments the generator owns; a free page may not take one of them.
RESERVED = frozenset(
    {
        "associations", "regions", "coverage", "evaluation", "models", "projects", "brands", "stories",
        "tags", "search", "data", "feed.xml", "sitemap.xml", "robots.txt", "404.html",
        "index.html", "assets", "page", "pagefind",
    }
)  # fmt: skip

HOME = ""
DIRECTORY = "associations/"
COVERAGE = "coverage/"
EVALUATION = "evaluation/"
MODELS = "models/"
PROJECTS = "projects/"
STORIES = "stories/"
SEARCH = "search/"
DATA_PAGE = "data/"  # the open-data page: every file under /data/ and its fields
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"


def association(region: str) -> str:
    return f"associations/{region}/"


def region(province: str) -> str:
    return f"regions/{province}/"


def project(slug: str) -> str:
    return f"projects/{slug}/"


def brand(key: str) -> str:
    return f"brands/{key}/"


def story(slug: str) -> str:
    return f"stories/{slug}/"


def stories_page(number: int) -> str:
    return STORIES if number == 1 else f"stories/page/{number}/"


def tag(slug: str, number: int = 1) -> str:
    return f"tags/{slug}/" if number == 1 else f"tags/{slug}/page/{number}/"


def page(slug: str) -> str:
    return f"{slug}/"


def data_file(name: str) -> str:
    return f"data/{name}"


def output_file(route: str) -> str:
    """The file in OUT that serves `route` (directories get index.html)."""
    return route + "index.html" if route == "" or route.endswith("/") else route


def href(base_path: str, route: str) -> str:
    """Root-relative link with the site's base path, e.g. /volunteer/associations/330106/."""
    return base_path + route


def absolute(base_url: str, route: str) -> str:
    return base_url + route
