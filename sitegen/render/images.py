"""Responsive images: the photos that projects (`images`) and stories (`cover`) name.

Visitors read on phones, so a 2,400 px photo must not be sent to a 400 px screen. Each raster
image is resized with Pillow to a few widths (never upscaled) and encoded twice, as WebP and in
a fallback format for browsers without WebP (the source's JPEG or PNG; PNG for transparency).
Templates get the variants through `ImageView`s (views.py) and the `picture` macro.

Variants are published at `assets/img/<stem>-<hash8>-<width>w.<ext>`: `hash8` is a digest of the
source bytes and the encoder settings, so a URL never changes meaning and can be cached for
long. Encoded variants are kept in the build cache's image store (incremental/store.py) under the
full digest, width and format: an unchanged image is never resized twice, and the writer gets the
stored file as a Path artifact. SVG, GIF and animated images are published as they are (static/ is copied as-is) and
only measured, so pages can still reserve their space.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import PIL
from PIL import Image, ImageCms, ImageOps

from sitegen.diagnostics import Diagnostic, error
from sitegen.incremental.store import ImageStore
from sitegen.link.inputs import ImageInput, read
from sitegen.link.recorded import SiteRecord
from sitegen.link.site import Site
from sitegen.pool import fork_map

WIDTHS = (480, 960, 1600)
ROUTE_DIR = "assets/img/"

# Everything that shapes a variant's bytes besides the source and its width and format. Change
# any of it (or Pillow) and every name and cache key changes with it.
ENCODERS: dict[str, dict[str, object]] = {
    "webp": {"quality": 80, "method": 4},
    "jpeg": {"quality": 82, "progressive": True, "optimize": True, "subsampling": "4:2:0"},
    "png": {"compress_level": 6},  # the fallback only browsers without WebP fetch: favour speed
}
SETTINGS = json.dumps(
    {"version": 1, "pillow": PIL.__version__, "resample": "lanczos", "encoders": ENCODERS, "srgb": True},
    sort_keys=True,
)
EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}


# --- Sizing and naming ---------------------------------------------------------------------


def target_widths(width: int) -> list[int]:
    """The widths to publish an image of `width` pixels at: every standard width below it,
    plus its own width when it is not wider than the largest (never upscale, and never make the
    largest variant blurrier than the source)."""
    widths = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        widths.append(width)
    return widths


def scaled_height(width: int, height: int, target: int) -> int:
    return max(1, round(height * target / width))


def safe_stem(rel: str) -> str:
    """An ASCII file-name stem from the source's name (output paths are ASCII)."""
    stem = Path(rel).stem
    stem = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return stem[:60].strip("-") or "image"


def variant_route(rel: str, family: str, width: int, fmt: str) -> str:
    return f"{ROUTE_DIR}{safe_stem(rel)}-{family[:8]}-{width}w.{EXTENSIONS[fmt]}"


# --- Probing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    route: str  # site-relative, e.g. assets/img/a-1b2c3d4e-960w.webp
    width: int
    height: int
    format: str  # webp | jpeg | png
    cache_name: str  # file name in the build cache's image store


@dataclass(frozen=True)
class SourceImage:
    """One file under static/ that a record shows, measured (orientation applied)."""

    rel: str  # path under static/, as written in `images`/`cover`
    path: Path
    digest: str  # sha256 of the file's bytes, hex
    width: int | None
    height: int | None
    fallback: str | None  # jpeg | png for a raster image to resize; None: published as-is

    @cached_property
    def family(self) -> str:
        """Digest of the source and the encoder settings: names and cache keys derive from it."""
        return hashlib.sha256(f"{self.digest}\0{SETTINGS}".encode()).hexdigest()

    @cached_property
    def variants(self) -> tuple[Variant, ...]:
        """WebP variants then fallback ones, each narrowest first; empty when not resized."""
        if self.fallback is None or self.width is None or self.height is None:
            return ()
        family = self.family
        return tuple(
            Variant(
                variant_route(self.rel, family, w, fmt),
                w,
                scaled_height(self.width, self.height, w),
                fmt,
                f"{family}-{w}w.{EXTENSIONS[fmt]}",
            )
            for fmt in ("webp", self.fallback)
            for w in target_widths(self.width)
        )


class ImageProblem(Exception):
    """An image that cannot be published; the message is Chinese and says what to change."""


def _too_large(rel: str, width: int, height: int) -> ImageProblem:
    limit = Image.MAX_IMAGE_PIXELS or 0
    return ImageProblem(
        f"图片 static/{rel} 尺寸过大（{width}×{height} 像素，超过 {limit // 10000} 万像素的上限），"
        "为防止耗尽内存已拒绝处理；请把图片缩小到长边 2400 像素左右后再放入 static/"
    )


def _unreadable(rel: str) -> ImageProblem:
    return ImageProblem(
        f"无法读取图片 static/{rel}：文件已损坏或不是图片；请用看图软件打开确认，"
        "重新导出为 JPEG（照片）或 PNG（图表、标志）后替换该文件"
    )


def _open(data: bytes, rel: str) -> Image.Image:
    """Open (headers only) with decompression-bomb protection as a Chinese ImageProblem."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        image = None
    except Exception:
        raise _unreadable(rel) from None
    if image is None or (Image.MAX_IMAGE_PIXELS and image.width * image.height > Image.MAX_IMAGE_PIXELS):
        width, height = _header_size(data)
        raise _too_large(rel, width, height)
    return image


def _header_size(data: bytes) -> tuple[int, int]:
    """The size an image declares, read without Pillow's bomb check (for the message only)."""
    saved = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Image.open(io.BytesIO(data)).size
    except Exception:
        return (0, 0)
    finally:
        Image.MAX_IMAGE_PIXELS = saved


_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.S)
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


def svg_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height from the root <svg>'s width/height (unitless or px), else its viewBox."""
    match = _SVG_TAG.search(data[:65536])
    if not match:
        return None, None
    tag = match.group().decode("utf-8", "replace")
    attrs = dict(re.findall(r'\s([A-Za-z:-]+)\s*=\s*["\']([^"\']*)["\']', tag))
    width, height = (_LENGTH.match(attrs.get(k, "")) for k in ("width", "height"))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = attrs.get("viewBox", "").replace(",", " ").split()
    with contextlib.suppress(ValueError):
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return round(float(box[2])), round(float(box[3]))
    return None, None


# A photo for the web is a few MB; a bigger file is refused before it is read into memory.
MAX_IMAGE_BYTES = 64 * 1024 * 1024


def probe(path: Path, rel: str) -> SourceImage:
    """Measure one image; raises ImageProblem when it cannot be published."""
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise ImageProblem(f"图片 static/{rel} 有 {size // 1024 // 1024} MB，超过 {MAX_IMAGE_BYTES // 1024 // 1024} MB 的上限；请压缩或缩小后再放入 static/")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".svg":
        width, height = svg_size(data)
        return SourceImage(rel, path, digest, width, height, None)
    image = _open(data, rel)
    width, height = image.size
    if image.getexif().get(0x0112) in (5, 6, 7, 8):  # rotated a quarter turn
        width, height = height, width
    fallback: str | None = None
    if image.format != "GIF" and not getattr(image, "is_animated", False):
        fallback = "png" if image.format == "PNG" or _has_alpha(image) else "jpeg"
    return SourceImage(rel, path, digest, width, height, fallback)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


# --- Encoding ------------------------------------------------------------------------------


def _srgb(image: Image.Image) -> Image.Image:
    """Convert to sRGB when the image carries a colour profile, since the profile itself is
    stripped: a wide-gamut or CMYK photo would otherwise show washed-out or wrong colours."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except Exception:  # a broken profile: keep the pixels as they are
        return image


def resize(source: SourceImage, variants: Iterable[Variant]) -> dict[str, bytes]:
    """Decode once, then resize and encode each variant: cache name -> bytes.

    Orientation from EXIF is applied and all metadata (EXIF, XMP, ICC) is left out."""
    wanted = list(variants)
    data = source.path.read_bytes()
    image = _open(data, source.rel)
    try:
        if image.format == "JPEG" and source.width:
            # Decode at a reduced scale where that suffices (much faster for camera photos). The
            # scale depends on the source alone, never on which variants are missing from the
            # cache, so a variant's bytes are the same however it came to be made.
            scale = max(target_widths(source.width)) / source.width
            image.draft("RGB", (max(1, round(image.width * scale)), max(1, round(image.height * scale))))
        image.load()
        image = ImageOps.exif_transpose(image)
    except ImageProblem:
        raise
    except Exception:
        raise ImageProblem(f"图片 static/{source.rel} 无法解码（文件可能不完整或已损坏）；请重新导出该图片后替换") from None
    image = _srgb(image)
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    out: dict[str, bytes] = {}
    for variant in wanted:
        sized = image
        if variant.width != image.width:
            sized = image.resize((variant.width, variant.height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        sized.save(buffer, format=variant.format.upper(), **ENCODERS[variant.format])
        out[variant.cache_name] = buffer.getvalue()
    return out


def check_decodes(source: SourceImage) -> None:
    """Decode fully (at a reduced scale for JPEG) without encoding: `check` writes nothing."""
    image = _open(source.path.read_bytes(), source.rel)
    try:
        if image.format == "JPEG":
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()
    except Exception:
        raise ImageProblem(f"图片 static/{source.rel} 无法解码（文件可能不完整或已损坏）；请重新导出该图片后替换") from None


# --- The stage -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageSet:
    """Every shown image by its path under static/, and the variant files to publish."""

    images: dict[str, SourceImage]
    files: dict[str, Path | bytes]  # route -> stored variant file (bytes when kept in memory)

    def get(self, rel: str) -> SourceImage | None:
        """The measured image (recorded as an input: a page shows its size and variants)."""
        read(ImageInput(rel))
        return self.images.get(rel)


def references(site: Site) -> dict[str, list[tuple[SiteRecord, tuple[str | int, ...]]]]:
    """Path under static/ -> the records (and fields) that show it, in site order."""
    refs: dict[str, list[tuple[SiteRecord, tuple[str | int, ...]]]] = {}
    for record in site.projects.values():
        for index, rel in enumerate(record.data.images):
            refs.setdefault(rel, []).append((record, ("images", index)))
    for record in site.stories:
        if record.data.cover:
            refs.setdefault(record.data.cover, []).append((record, ("cover",)))
    return refs


def prepare(site: Site, cache: ImageStore | None = None, jobs: int = 1) -> tuple[ImageSet, list[Diagnostic]]:
    """Measure every shown image and make its variants (taken from the cache when there).

    With `cache=None` or a read-only cache (`check`) nothing is written: images whose variants
    are not cached are only decoded, to find broken files."""
    refs = references(site)
    diagnostics: list[Diagnostic] = []
    sources: dict[str, SourceImage] = {}
    failed: dict[str, tuple[str, str]] = {}
    for rel in sorted(refs):
        try:
            sources[rel] = probe(site.src / "static" / rel, rel)
        except ImageProblem as problem:
            failed[rel] = ("image", str(problem))
    writing = cache is not None and not cache.readonly
    pending = {rel: [v for v in s.variants if cache is None or not cache.has(v.cache_name)] for rel, s in sources.items()}
    todo = [s for rel, s in sources.items() if pending[rel]]
    # a store kept in memory (a cache folder the build may not use) is filled in this process
    failed.update(_run(todo, cache if writing else None, jobs if cache is None or cache.usable else 1))
    files: dict[str, Path | bytes] = {}
    for rel, source in sources.items():
        if rel in failed or cache is None:
            continue
        cache.hits += len(source.variants) - len(pending[rel])
        cache.made += len(pending[rel]) if writing else 0
        for variant in source.variants if writing else ():
            files[variant.route] = cache.content(variant.cache_name)
            cache.used.add(variant.cache_name)
    for rel, (code, message) in failed.items():
        sources.pop(rel, None)
        if code == "output":  # the cache, not the image: one error, at the cache folder
            diagnostics.append(error(cache.dir if cache is not None else site.src, 1, 1, code, message))
            continue
        for record, loc in refs[rel]:
            line, col = record.position(*loc)
            diagnostics.append(error(record.path, line, col, code, message))
    return ImageSet(sources, files), diagnostics


def _work(source: SourceImage, cache: ImageStore | None) -> tuple[str, str] | None:
    """Make the missing variants of one image (without a cache: only decode it). Returns a
    diagnostic (code, message) on failure; runs in a forked worker with `-j`, so no bytes."""
    try:
        made = resize(source, [v for v in source.variants if not cache.has(v.cache_name)]) if cache else check_decodes(source)
    except ImageProblem as problem:
        return "image", str(problem)
    except Exception as exc:  # an encoder failure on an odd image must not crash the build
        return "image", f"处理图片 static/{source.rel} 时出错（{exc}）；请重新导出为 JPEG 或 PNG 后替换"
    try:
        for name, data in (made or {}).items():
            assert cache is not None
            cache.put(name, data)
    except OSError as exc:
        return "output", f"无法写入图片缓存 {cache.dir if cache else ''}：{exc.strerror or exc}；请检查磁盘空间和目录权限"
    return None


def _run(todo: list[SourceImage], cache: ImageStore | None, jobs: int) -> dict[str, tuple[str, str]]:
    """Process images, in up to `jobs` forked processes when there are several: the slow part
    of a cold build. The result does not depend on `jobs`."""
    results = fork_map(lambda source: _work(source, cache), todo, jobs, min_items=2)
    return {s.rel: r for s, r in zip(todo, results, strict=True) if r is not None}
