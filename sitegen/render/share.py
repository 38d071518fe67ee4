"""Share cards: what WeChat, QQ and DingTalk show for a link (`og:` and `itemprop` metadata).

Clients fetch the card's picture from another server, so every URL is absolute. The picture is
a JPEG or PNG (WeChat shows neither SVG nor WebP cards), about 960 px wide at most; a page
without a photo of its own gets the site's share image. Descriptions are cut by characters, as
Chinese has no spaces between words.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup

from sitegen.load.config import SiteConfig
from sitegen.render.record_views import ImageView

DESCRIPTION_CHARS = 120  # a card shows two or three lines; search engines about 80–120 characters
CARD_WIDTH = 960  # the widest variant a card needs
THEME_SHARE_IMAGE = "assets/share.png"  # the default theme's picture (its logo, 600 × 600)
_SPACE = re.compile(r"\s+")
_HEADING = re.compile(r"<h[1-6][^>]*>.*?</h[1-6]>", re.DOTALL | re.IGNORECASE)


def excerpt(text: str | Markup, limit: int = DESCRIPTION_CHARS) -> str:
    """Plain text of at most `limit` characters (not words), whitespace folded, an ellipsis
    when cut. Markup (a rendered block, a page's body) is read as the text it shows, without
    its headings."""
    plain = Markup(_HEADING.sub(" ", str(text))).striptags() if isinstance(text, Markup) else str(text)
    plain = _SPACE.sub(" ", plain).strip()
    if len(plain) <= limit:
        return plain
    return plain[: limit - 1].rstrip(" ，、；：,;:") + "…"


def origin(config: SiteConfig) -> str:
    parts = urlsplit(config.base_url)
    return f"{parts.scheme}://{parts.netloc}"


def absolute_href(config: SiteConfig, href: str) -> str:
    """`/volunteer/img/a.png` → `https://example.org/volunteer/img/a.png`."""
    return href if "://" in href else origin(config) + href


def card_image(config: SiteConfig, images: ImageView | list[ImageView] | None) -> str | None:
    """The absolute URL a card shows for the first of `images` that WeChat can show (a JPEG or
    PNG, or the JPEG/PNG variant of a resized photo, at most CARD_WIDTH wide), or None."""
    for image in images if isinstance(images, list) else [images]:
        if image is None:
            continue
        if image.fallback:
            fitting = [v for v in image.fallback if v.width <= CARD_WIDTH] or list(image.fallback[:1])
            return absolute_href(config, fitting[-1].url)
        if re.search(r"\.(png|jpe?g)$", image.url, re.IGNORECASE):
            return absolute_href(config, image.url)
    return None


def site_image(config: SiteConfig) -> str:
    """The site's own share image (`share_image`), else the theme's."""
    return absolute_href(config, config.base_path + (config.share_image or THEME_SHARE_IMAGE))
