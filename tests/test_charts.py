"""Charts: well-formed, accessible SVG with coordinates computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

import pytest

from sitegen.domain import charts
from sitegen.domain.divisions import load_divisions

SVG = "{http://www.w3.org/2000/svg}"
START = date(2020, 1, 1)
END = START + timedelta(days=346)  # the plot is 346 units wide: one unit per day


def parse(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def assert_accessible(root: ElementTree.Element, ident: str, title: str) -> None:
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("viewBox", "").startswith("0 0 ")
    assert root.get("aria-labelledby") == f"{ident}-title {ident}-desc"
    first, second = list(root)[:2]
    assert (first.tag, first.get("id"), first.text) == (f"{SVG}title", f"{ident}-title", title)
    assert (second.tag, second.get("id")) == (f"{SVG}desc", f"{ident}-desc") and second.text


def by_class(root: ElementTree.Element, cls: str) -> list[ElementTree.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def line(**overrides) -> str:
    args = dict(
        points=[(START, 0.0), (START + timedelta(days=100), 0.5), (END, 0.5)],
        markers=[charts.Marker(START + timedelta(days=200), 0.5, "目标 50%")],
        start=START,
        end=END,
        now=END,
        now_label="50.0%",
        title="全国县级协会覆盖率变化",
        desc="说明",
    )
    args.update(overrides)
    return charts.line_chart("line-100000", args.pop("points"), args.pop("markers"), **args)


def test_line_chart_coordinates_by_hand() -> None:
    root = parse(line())
    assert_accessible(root, "line-100000", "全国县级协会覆盖率变化")
    # x = 40 + days since start; y = 14 + 206 × (1 − rate): 0% at 220, 50% at 117, 100% at 14.
    (path,) = by_class(root, "chart-line")
    assert path.get("d") == "M40 220H140V117H386"
    (dot,) = by_class(root, "chart-now")
    assert (dot.get("cx"), dot.get("cy")) == ("386", "117")
    assert [t.text for t in by_class(root, "chart-axis")][:5] == ["0%", "25%", "50%", "75%", "100%"]
    assert [g.get("y1") for g in by_class(root, "chart-grid")] == ["220", "168.5", "117", "65.5", "14"]


def test_line_chart_milestones_are_drawn() -> None:
    markers = [
        charts.Marker(START + timedelta(days=200), 0.5, "目标 50%"),
        charts.Marker(START + timedelta(days=300), 1.0, "目标 100%"),
    ]
    root = parse(line(markers=markers))
    guides = by_class(root, "chart-milestone")
    assert [(g.get("x1"), g.get("x2"), g.get("y1"), g.get("y2")) for g in guides] == [
        ("240", "240", "14", "220"),
        ("340", "340", "14", "220"),
    ]
    diamonds = [d.get("d") for d in by_class(root, "chart-target")]
    assert diamonds == ["M234 117L240 111L246 117L240 123Z", "M334 14L340 8L346 14L340 20Z"]
    labels = [t.text for t in by_class(root, "chart-label")]
    assert "目标 50%" in labels and "目标 100%" in labels and "50.0%" in labels


def test_line_chart_steps_down_when_count_drops_and_stops_at_now() -> None:
    points = [(START + timedelta(days=10), 0.5), (START + timedelta(days=20), 0.25), (END, 0.25)]
    root = parse(line(points=points, now=START + timedelta(days=300), markers=[]))
    (path,) = by_class(root, "chart-line")
    assert path.get("d") == "M40 220H50V117H60V168.5H340"


def test_line_chart_carries_values_from_before_the_start() -> None:
    points = [(START - timedelta(days=400), 0.25), (START + timedelta(days=50), 0.5)]
    (path,) = by_class(parse(line(points=points, markers=[])), "chart-line")
    assert path.get("d") == "M40 168.5H90V117H386"


def test_time_domain() -> None:
    milestones = [date(2020, 12, 31), date(2023, 12, 31)]
    assert charts.time_domain(date(2016, 3, 5), milestones, date(2024, 12, 10)) == (date(2016, 1, 1), date(2024, 12, 10))
    assert charts.time_domain(date(1990, 1, 1), milestones, date(2021, 6, 1)) == (date(2015, 1, 1), date(2023, 12, 31))
    assert charts.time_domain(date(2020, 12, 31), milestones, date(2021, 1, 1))[0] == date(2020, 1, 1)


def test_rate_bar() -> None:
    svg = charts.rate_bar("bar-330000", 0.25, [0.5, 0.7, 1.0], title="浙江省：覆盖率 25.0%", desc="d")
    root = parse(svg)
    assert_accessible(root, "bar-330000", "浙江省：覆盖率 25.0%")
    assert by_class(root, "chart-fill")[0].get("width") == "25"
    assert [t.get("x1") for t in by_class(root, "chart-target-tick")] == ["50", "70", "99"]  # 100% kept inside


def test_scale_bins_at_the_targets() -> None:
    scale = charts.coverage_scale([0.5, 0.7, 1.0])
    assert [b.label for b in scale] == ["0%", "低于 50%", "50%–70%", "70%–100%", "100%"]
    pick = lambda rate: charts.bin_of(scale, rate).label  # noqa: E731
    assert (pick(0.0), pick(0.001), pick(0.4999), pick(0.5), pick(0.7), pick(0.9999), pick(1.0)) == (
        "0%", "低于 50%", "低于 50%", "50%–70%", "70%–100%", "70%–100%", "100%",
    )  # fmt: skip
    fills = [b.fill for b in scale[1:]]
    assert len(set(fills)) == len(fills)
    # A single-hue ramp: every step is darker than the one before (lightness, not hue, carries it).
    lum = [charts._luminance(f) for f in fills]
    assert lum == sorted(lum, reverse=True)
    assert all(charts.contrast(b.fill, b.ink) >= 4.5 for b in scale)


def test_grid_has_every_province_once() -> None:
    provinces = {d.code for d in load_divisions().provinces()}
    assert set(charts.GRID) == provinces and len(provinces) == 31
    places = [(c, r) for c, r, _ in charts.GRID.values()]
    assert len(set(places)) == 31


def tiles(rate_of=lambda code: 0.0) -> list[charts.Tile]:
    return [charts.Tile(code, rate_of(code), f"{rate_of(code) * 100:.1f}%", f"省{code}") for code in charts.GRID]


def test_tile_map_has_31_labelled_tiles_and_a_legend() -> None:
    scale = charts.coverage_scale([0.5, 0.7, 1.0])
    rates = {"330000": 0.211, "460000": 1.0}
    svg = charts.tile_map("tiles-provinces", tiles(lambda c: rates.get(c, 0.0)), scale, title="分布", desc="d", heading="覆盖率")
    root = parse(svg)
    assert_accessible(root, "tiles-provinces", "分布")
    groups = by_class(root, "chart-tile")
    assert len(groups) == 31
    names = {g.get("data-region"): [t.text for t in g.iter(f"{SVG}text")] for g in groups}
    assert names["230000"] == ["黑龙江", "0.0%"] and names["330000"] == ["浙江", "21.1%"]
    assert all(len(texts) == 2 for texts in names.values())
    zhejiang = next(g for g in groups if g.get("data-region") == "330000").find(f"{SVG}rect")
    hainan = next(g for g in groups if g.get("data-region") == "460000").find(f"{SVG}rect")
    beijing = next(g for g in groups if g.get("data-region") == "110000").find(f"{SVG}rect")
    assert zhejiang.get("fill") == scale[1].fill and hainan.get("fill") == scale[-1].fill
    assert beijing.get("stroke-dasharray")  # no coverage: dashed, not only a colour
    # 浙江 sits at column 5, row 4 of 52-unit cells (48 tile + 4 gap).
    assert (zhejiang.get("x"), zhejiang.get("y")) == ("262", "210")
    legend = [t.text for t in by_class(root, "chart-legend")[0].iter(f"{SVG}text")]
    assert legend == ["覆盖率", "0%", "低于 50%", "50%–70%", "70%–100%", "100%"]


def test_text_is_escaped() -> None:
    hostile = 'A&B <script>alert("x")</script>'
    svg = line(title=hostile, desc=hostile, now_label=hostile, markers=[charts.Marker(START, 0.5, hostile)])
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == hostile
    assert hostile in [t.text for t in by_class(root, "chart-label")]
    bad_tile = [charts.Tile("110000", 0.0, "0.0%", hostile)]
    map_svg = charts.tile_map("m", bad_tile, charts.coverage_scale([0.5]), title=hostile, desc="d", heading=hostile)
    assert parse(map_svg).find(f"{SVG}title").text == hostile


def test_ident_must_be_a_safe_id() -> None:
    with pytest.raises(ValueError):
        charts.rate_bar('x" onload="alert(1)', 0.5, [], title="t", desc="d")


def test_output_is_deterministic_and_has_no_negative_zero() -> None:
    assert line() == line()
    assert "-0" not in line(points=[(START, 0.0)], markers=[])
    assert charts.num(-0.04) == "0" and charts.num(2.25) == "2.2" and charts.num(3.0) == "3"
