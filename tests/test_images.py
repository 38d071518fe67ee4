"""Responsive images: sizing and naming rules, the variants a build publishes, the HTML that
shows them, the image cache, and the diagnostics for images that cannot be published."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from conftest import broken_links, build_ok, copy_site
from PIL import Image, ImageCms

from sitegen.build import build, check
from sitegen.incremental.store import ImageStore
from sitegen.render import images
from sitegen.render.images import ImageProblem, probe, safe_stem, svg_size, target_widths

# --- helpers -------------------------------------------------------------------------------


def photo(width: int, height: int, fmt: str = "JPEG", mode: str = "RGB", **save) -> bytes:
    """A small but non-trivial picture: a gradient with a block, so encoders have work."""
    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    colour = {"RGB": (200, 40, 40), "RGBA": (200, 40, 40, 128), "CMYK": (0, 200, 200, 20)}.get(mode, 200)
    image.paste(colour, (width // 4, height // 4, width // 2, height // 2))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def add_photos(src: Path) -> None:
    """The small site with a 1700 px wide photo in the project (before its SVG) and a story cover."""
    (src / "static/img/photo.jpg").write_bytes(photo(1700, 400))
    (src / "static/img/cover.png").write_bytes(photo(640, 400, "PNG", "RGBA"))
    project = src / "content/projects/xihu-jinhui.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("images: [img/a.svg]", "images: [img/photo.jpg, img/a.svg]"), encoding="utf-8")
    story = src / "content/stories/story-1.md"
    story.write_text(story.read_text(encoding="utf-8").replace("date: 2021-01-15\n", "date: 2021-01-15\ncover: img/cover.png\n", 1), encoding="utf-8")


def tags(html: str, name: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'([a-z-]+)="([^"]*)"', m)) for m in re.findall(rf"<{name}\b([^>]*)>", html)]


def srcset_widths(value: str) -> list[int]:
    return [int(c.split()[1].rstrip("w")) for c in value.split(", ")]


@pytest.fixture
def photo_site(small_site: Path) -> Path:
    add_photos(small_site)
    return small_site


# --- sizing and naming ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (2400, [480, 960, 1600]),
        (1601, [480, 960, 1600]),
        (1600, [480, 960, 1600]),
        (1000, [480, 960, 1000]),
        (960, [480, 960]),
        (481, [480, 481]),
        (480, [480]),
        (300, [300]),
    ],
)
def test_widths_never_upscale_and_keep_the_original_below_the_largest(width: int, expected: list[int]) -> None:
    assert target_widths(width) == expected


def test_names_are_ascii_and_carry_the_content_hash(tmp_path: Path) -> None:
    assert safe_stem("img/Beach Day_2.JPG") == "beach-day-2"
    assert safe_stem("img/照片.jpg") == "image"
    one, two = tmp_path / "a.jpg", tmp_path / "b.jpg"
    one.write_bytes(photo(1000, 500))
    two.write_bytes(photo(1000, 501))
    a, b = probe(one, "img/海边 Cleanup.jpg"), probe(two, "img/b.jpg")
    routes = [v.route for v in a.variants]
    assert routes[0] == f"assets/img/cleanup-{a.family[:8]}-480w.webp"
    assert all(re.fullmatch(r"assets/img/cleanup-[0-9a-f]{8}-\d+w\.(webp|jpg)", r) for r in routes)
    assert [(v.format, v.width) for v in a.variants] == [("webp", 480), ("webp", 960), ("webp", 1000), ("jpeg", 480), ("jpeg", 960), ("jpeg", 1000)]
    assert a.family != b.family  # other bytes, other names: URLs can be cached forever
    assert probe(one, "img/x.jpg").family == a.family  # the name does not enter the hash


def test_svg_size_from_attributes_or_view_box() -> None:
    assert svg_size(b'<?xml version="1.0"?><svg xmlns="x" width="640" height="400px">') == (640, 400)
    assert svg_size(b'<svg viewBox="0 0 320 180" width="100%">') == (320, 180)
    assert svg_size(b"<svg><g/></svg>") == (None, None)
    assert svg_size(b"not svg") == (None, None)


def test_exif_orientation_is_applied_and_metadata_stripped(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "CameraMaker"
    path = tmp_path / "rotated.jpg"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path.write_bytes(photo(900, 600, exif=exif.tobytes(), icc_profile=srgb))
    source = probe(path, "img/rotated.jpg")
    assert (source.width, source.height) == (600, 900)
    made = images.resize(source, source.variants)
    for variant in source.variants:
        with Image.open(io.BytesIO(made[variant.cache_name])) as out:
            assert out.size == (variant.width, variant.height)
            assert variant.height > variant.width
            assert not out.getexif() and "icc_profile" not in out.info


def test_fallback_keeps_png_and_jpeg_and_gif_is_not_resized(tmp_path: Path) -> None:
    png, opaque, cmyk, gif = (tmp_path / n for n in ("a.png", "b.png", "c.jpg", "a.gif"))
    png.write_bytes(photo(700, 300, "PNG", "RGBA"))
    opaque.write_bytes(photo(700, 300, "PNG"))
    cmyk.write_bytes(photo(700, 300, "JPEG", "CMYK"))
    gif.write_bytes(photo(50, 40, "GIF", "L"))
    assert [probe(p, p.name).fallback for p in (png, opaque, cmyk)] == ["png", "png", "jpeg"]
    for path in (png, opaque, cmyk):
        source = probe(path, path.name)
        made = images.resize(source, source.variants)
        for variant in source.variants:
            with Image.open(io.BytesIO(made[variant.cache_name])) as out:
                assert out.format.lower() == variant.format and out.mode in ("RGB", "RGBA")
    source = probe(gif, "a.gif")
    assert (source.width, source.height, source.variants) == (50, 40, ())


def huge_png(width: int, height: int) -> bytes:
    """A tiny file whose header claims a giant image: a decompression bomb's shape."""
    data = photo(4, 4, "PNG")
    ihdr = struct.pack(">II", width, height) + data[24:29]
    return data[:16] + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)) + data[33:]


def test_decompression_bomb_is_refused_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(huge_png(30000, 30000))
    with pytest.raises(ImageProblem, match="30000×30000"):
        probe(path, "img/bomb.png")
    path.write_bytes(huge_png(12000, 8000))  # over MAX_IMAGE_PIXELS, under Pillow's hard limit
    with pytest.raises(ImageProblem, match="尺寸过大"):
        probe(path, "img/bomb.png")


# --- builds --------------------------------------------------------------------------------


def test_build_publishes_picture_elements_with_real_sizes(photo_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(photo_site, out)  # the small site is served under a sub-path: /volunteer/
    html = (out / "projects/xihu-jinhui/index.html").read_text(encoding="utf-8")
    sources, imgs = tags(html, "source"), tags(html, "img")
    webp = next(s for s in sources if s["type"] == "image/webp")
    assert srcset_widths(webp["srcset"]) == [480, 960, 1600]
    assert re.match(r"/volunteer/assets/img/photo-[0-9a-f]{8}-480w\.webp 480w, ", webp["srcset"])
    hero = next(i for i in imgs if "srcset" in i)
    assert srcset_widths(hero["srcset"]) == [480, 960, 1600]
    assert hero["fetchpriority"] == "high" and "loading" not in hero  # the first image: eager
    assert hero["decoding"] == "async" and hero["alt"] and hero["sizes"] == webp["sizes"]
    with Image.open(out / hero["src"].removeprefix("/volunteer/")) as fallback:
        assert fallback.format == "JPEG" and fallback.size == (int(hero["width"]), int(hero["height"])) == (1600, 376)
    svg = next(i for i in imgs if i["src"].endswith("a.svg"))
    assert svg["loading"] == "lazy" and "srcset" not in svg and (svg["width"], svg["height"]) == ("10", "10")
    for candidate in re.findall(r"/volunteer/(assets/img/[^ \"]+)", html):
        with Image.open(out / candidate) as variant:
            assert variant.format == {"webp": "WEBP", "jpg": "JPEG", "png": "PNG"}[candidate.rsplit(".", 1)[1]]
            assert variant.width == int(re.search(r"-(\d+)w\.", candidate)[1])
    assert (out / "img/photo.jpg").read_bytes() == (photo_site / "static/img/photo.jpg").read_bytes()  # copied as-is
    story = (out / "stories/story-1/index.html").read_text(encoding="utf-8")
    cover = next(i for i in tags(story, "img") if "cover" in i.get("class", ""))
    assert srcset_widths(cover["srcset"]) == [480, 640] and cover["src"].endswith("-640w.png")
    card = next(i for i in imgs if i.get("class") == "card-image")  # the project's story cards
    assert card["loading"] == "lazy" and "fetchpriority" not in card
    assert not broken_links(out, "/volunteer/")


def test_cache_resizes_an_unchanged_image_once(photo_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = images.resize

    def counting(source, variants):
        calls.append(source.rel)
        return real(source, variants)

    monkeypatch.setattr(images, "resize", counting)
    out = tmp_path / "out"
    first = build_ok(photo_site, out)
    assert sorted(calls) == ["img/cover.png", "img/photo.jpg"] and first.image_cache.made == 10
    cached = sorted((photo_site / ".sitegen-cache/images").iterdir())
    before = {p.name: p.read_bytes() for p in out.rglob("assets/img/*")}
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.rglob("assets/img/*")}

    calls.clear()
    second = build_ok(photo_site, out)
    assert calls == [] and second.image_cache.hits == 10 and second.image_cache.made == 0
    assert {p.name: p.read_bytes() for p in out.rglob("assets/img/*")} == before
    assert {p.name: p.stat().st_mtime_ns for p in out.rglob("assets/img/*")} == mtimes  # hard-linked
    assert sorted((photo_site / ".sitegen-cache/images").iterdir()) == cached

    (photo_site / "static/img/photo.jpg").write_bytes(photo(1200, 800))
    third = build_ok(photo_site, out)
    assert calls == ["img/photo.jpg"] and third.image_cache.made == 6
    html = (out / "projects/xihu-jinhui/index.html").read_text(encoding="utf-8")
    assert srcset_widths(tags(html, "source")[0]["srcset"]) == [480, 960, 1200]
    assert len(list((photo_site / ".sitegen-cache/images").iterdir())) == 10  # old variants pruned


def test_parallel_build_is_identical(photo_site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    twin = copy_site(photo_site, other)
    build_ok(photo_site, tmp_path / "one", jobs=1)
    build_ok(twin, tmp_path / "two", jobs=2)
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one.keys() == two.keys() and one == two


def test_check_writes_no_cache_but_finds_truncated_images(photo_site: Path) -> None:
    assert check(photo_site).ok
    assert not (photo_site / ".sitegen-cache").exists()
    path = photo_site / "static/img/photo.jpg"
    path.write_bytes(path.read_bytes()[:2000])
    found = [d for d in check(photo_site).diagnostics if d.code == "image"]
    assert [(Path(d.path).name, d.line) for d in found] == [("xihu-jinhui.yaml", 8)]
    assert "无法解码" in found[0].message


def test_broken_image_is_an_error_at_each_record_that_shows_it(photo_site: Path, tmp_path: Path) -> None:
    (photo_site / "static/img/cover.png").write_bytes(b"this is not a picture")
    story = photo_site / "content/stories/story-2.md"
    story.write_text(story.read_text(encoding="utf-8").replace("date: 2021-02-15\n", "date: 2021-02-15\ncover: img/cover.png\n", 1), encoding="utf-8")
    result = build(photo_site, tmp_path / "out")
    found = sorted(d.format_text() for d in result.diagnostics if d.code == "image")
    assert len(found) == 2 and all(":4:8: error[image]: 无法读取图片 static/img/cover.png" in d for d in found)
    assert not (tmp_path / "out").exists()


def test_static_file_taking_a_variant_route_is_a_conflict(photo_site: Path, tmp_path: Path) -> None:
    route = probe(photo_site / "static/img/photo.jpg", "img/photo.jpg").variants[-1].route
    (photo_site / "static" / route).parent.mkdir(parents=True)
    (photo_site / "static" / route).write_bytes(b"x")
    result = build(photo_site, tmp_path / "out")
    assert [d.code for d in result.diagnostics if d.is_error] == ["route-conflict"]


def test_cache_or_encoder_failure_is_a_diagnostic_not_a_crash(photo_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(self, name: str, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ImageStore, "put", full_disk)
    result = build(photo_site, tmp_path / "out")
    assert {(d.code, Path(d.path).name) for d in result.diagnostics if d.is_error} == {("output", "images")}
    monkeypatch.undo()

    def broken(source, variants):
        raise ValueError("encoder error -2")

    monkeypatch.setattr(images, "resize", broken)
    result = build(photo_site, tmp_path / "out")
    assert sorted(d.code for d in result.diagnostics if d.is_error) == ["image", "image"]
    assert not (tmp_path / "out").exists()


def test_a_variant_made_alone_equals_one_made_with_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    path.write_bytes(photo(3400, 600))  # large enough for JPEG draft decoding to kick in
    source = probe(path, "big.jpg")
    every = images.resize(source, source.variants)
    alone = images.resize(source, source.variants[:1])
    assert alone == {source.variants[0].cache_name: every[source.variants[0].cache_name]}
