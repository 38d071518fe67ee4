"""In-page filters of /associations/ and /projects/: the markup filters.js works on.

The behaviour in a browser is tested in tests/browser/; here: the form, its options, and the
data attributes of every item agree with the open data, and the lists are whole without
JavaScript. The demo is used (two provinces, every level, status and brand).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from conftest import ROOT, build_ok, copy_site

ASSOCIATION_FILTERS = ["province", "level", "status", "model"]
PROJECT_FILTERS = ["brand", "target", "province", "featured"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("filters")
    src = copy_site(ROOT, tmp)
    config = src / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "search: false\n", encoding="utf-8")
    out = tmp / "out"
    build_ok(src, out)
    return out


def page(out: Path, route: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / route / "index.html").read_bytes())


def data(out: Path, name: str) -> list[dict]:
    return json.loads((out / "data" / name).read_text(encoding="utf-8"))


def check_form(doc: lxml.html.HtmlElement, names: list[str]) -> dict[str, list[str]]:
    """The form's shape; returns each select's option values (without the empty 全部)."""
    (form,) = doc.xpath("//form[contains(concat(' ', normalize-space(@class), ' '), ' filters ')]")
    assert form.get("hidden") is not None  # shown by filters.js; without it the full list stands
    assert form.get("aria-label")
    selects = form.xpath(".//select")
    assert [s.get("name") for s in selects] == names
    options = {}
    for select in selects:
        (label,) = form.xpath(".//label[@for=$id]", id=select.get("id"))
        assert label.text_content().strip()
        values = [o.get("value") for o in select.xpath(".//option")]
        assert values[0] == "" and select.xpath(".//option")[0].text_content() == "全部"
        assert len(values) == len(set(values)) > 1
        options[select.get("name")] = values[1:]
    (count,) = doc.xpath("//*[@data-filter-count]")
    assert count.getparent().get("aria-live") == "polite"
    items = doc.xpath("//*[@data-filter-item]")
    assert count.text_content() == str(len(items))
    assert all(item.get("hidden") is None for item in items)
    assert form.xpath(".//button[@data-filter-reset]")
    (empty,) = doc.xpath("//*[@data-filter-empty]")
    assert empty.get("hidden") is not None
    return options


def test_the_directory_filters(demo: Path) -> None:
    doc = page(demo, "associations")
    options = check_form(doc, ASSOCIATION_FILTERS)
    # the national association is above the demo's scope (浙江、海南): context, not listed
    listed = {a["region"]: a for a in data(demo, "associations.json") if a["status"] != "dissolved" and a["region"] != "100000"}
    items = {}
    for item in doc.xpath("//*[@data-filter-item]"):
        (link,) = item.xpath("./a")
        region = re.fullmatch(r"/associations/(\d{6})/", link.get("href")).group(1)
        items[region] = item
    assert items.keys() == listed.keys()  # every listed association once, dissolved ones left out
    for region, item in items.items():
        record = listed[region]
        assert item.get("data-province") == ("" if record["level"] == "national" else region[:2])
        assert item.get("data-level") == record["level"]
        assert item.get("data-status") == record["status"]
        assert item.get("data-model") in ("0", "1")
        assert (item.get("data-model") == "1") == bool(item.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' badge-model ')]"))
    assert options["province"] == ["46", "33"]  # 海南, 浙江: pinyin order like the tree
    assert options["level"] == ["province", "city", "county"]
    assert sorted(options["status"]) == sorted({a["status"] for a in listed.values()})
    assert options["model"] == ["1", "0"]
    for name, attribute in (("province", "data-province"), ("level", "data-level"), ("status", "data-status")):
        present = {item.get(attribute) for item in items.values()}
        assert set(options[name]) <= present, name  # no choice that empties the list


def test_the_directory_tree_stays_usable_when_filtered(demo: Path) -> None:
    doc = page(demo, "associations")
    for section in doc.xpath("//section[contains(concat(' ', normalize-space(@class), ' '), ' directory-province ')]"):
        assert section.get("data-filter-group") is not None
        (sub,) = section.xpath("./h2//*[@data-filter-subcount]")
        assert int(sub.text_content()) == len(section.xpath(".//*[@data-filter-item]"))
    for entry in doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' tree ')]//*[contains(concat(' ', normalize-space(@class), ' '), ' tree-entry ')]"):
        li = entry.getparent()
        assert li.tag == "li" and li.get("data-filter-group") is not None
        context = entry.getnext()  # the place name shown when the entry is filtered out
        assert context.get("data-filter-context") is not None and context.get("hidden") is not None
    assert not page(demo, "regions/330000").xpath("//*[@data-filter-item or @data-filter-group]")


def test_the_project_library_filters(demo: Path) -> None:
    doc = page(demo, "projects")
    options = check_form(doc, PROJECT_FILTERS)
    (target,) = doc.xpath("//select[@name='target']")
    assert target.get("data-filter-key") == "targets"
    records = {p["url"]: p for p in data(demo, "projects.json")}
    associations = {a["region"]: a for a in data(demo, "associations.json")}
    items = doc.xpath("//*[@data-filter-item]")
    assert len(items) == len(records)
    for item in items:
        url = item.xpath(".//h3/a")[0].get("href")
        record = records[url]
        assert item.get("data-brand") == record["brand"]
        assert item.get("data-targets") == "|".join(record["targets"])
        assert item.get("data-province") == associations[record["association"]]["region"][:2]
        assert item.get("data-featured") == ("1" if record["featured"] else "0")
    assert set(options["brand"]) == {p["brand"] for p in records.values()}
    assert set(options["target"]) == {t for p in records.values() for t in p["targets"]}
    assert options["province"] == ["46", "33"]
    assert options["featured"] == ["1", "0"]


def test_the_script_is_local_and_served_under_the_base_path(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    for route in ("associations", "projects"):
        html = (out / route / "index.html").read_text(encoding="utf-8")
        assert '<script src="/volunteer/assets/filters.js"></script>' in html
    script = (out / "assets/filters.js").read_text(encoding="utf-8")
    assert "http" not in script.replace("window.history", "")
    for needle in ("data-filter-item", "data-filter-count", "data-filter-group", "URLSearchParams", "replaceState", "hidden"):
        assert needle in script, needle
