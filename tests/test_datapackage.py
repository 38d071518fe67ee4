"""/data/datapackage.json and the /data/ page: every published file described, validated
against the Frictionless Data Package and Table Schema JSON Schemas kept in tests/data/."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import build_ok, text_of

FRICTIONLESS = Path(__file__).parent / "data" / "frictionless"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_site

    tmp = tmp_path_factory.mktemp("datapackage")
    src = copy_site("small", tmp)
    config = src / "sitegen.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "data_license: {name: CC-BY-4.0, title: 知识共享署名 4.0 国际许可协议, path: 'https://creativecommons.org/licenses/by/4.0/deed.zh-hans'}\n",
        encoding="utf-8",
    )
    out = tmp / "out"
    build_ok(src, out)
    return out


def _package(out: Path) -> dict:
    return json.loads((out / "data/datapackage.json").read_text(encoding="utf-8"))


def test_datapackage_validates_against_the_published_schemas(built: Path) -> None:
    package = _package(built)
    jsonschema.validate(package, json.loads((FRICTIONLESS / "data-package.json").read_text(encoding="utf-8")))
    table_schema = json.loads((FRICTIONLESS / "table-schema.json").read_text(encoding="utf-8"))
    tabular = [r for r in package["resources"] if "schema" in r]
    assert len(tabular) >= 6
    for resource in tabular:
        jsonschema.validate(resource["schema"], table_schema)


def test_datapackage_describes_every_data_file(built: Path) -> None:
    package = _package(built)
    described = {r["path"] for r in package["resources"]}
    published = {p.name for p in (built / "data").iterdir() if p.is_file() and p.name not in ("datapackage.json", "index.html")}
    assert described == published
    assert package["updated"] == "2021-07-01"  # the ledger date, never the clock
    assert package["created"].startswith("2021-07-01")
    assert package["licenses"] == [{"name": "CC-BY-4.0", "title": "知识共享署名 4.0 国际许可协议", "path": "https://creativecommons.org/licenses/by/4.0/deed.zh-hans"}]
    assert package["homepage"] == "https://example.org/volunteer/data/"
    for resource in package["resources"]:
        assert resource["title"] and any("\u4e00" <= ch <= "\u9fff" for ch in resource["title"])
        for field in resource.get("schema", {}).get("fields", []):
            assert field["title"], (resource["name"], field["name"])


def test_csv_schemas_match_the_csv_headers_and_types(built: Path) -> None:
    package = _package(built)
    for resource in package["resources"]:
        if resource["format"] != "csv":
            continue
        rows = list(csv.reader(io.StringIO((built / "data" / resource["path"]).read_text(encoding="utf-8-sig"))))
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert names == rows[0], resource["path"]
        for field in resource["schema"]["fields"]:
            column = [row[names.index(field["name"])] for row in rows[1:] if row[names.index(field["name"])]]
            if field["type"] == "integer":
                assert all(v.lstrip("-").isdigit() for v in column), (resource["path"], field["name"], column[:3])
            if field["type"] == "date":
                assert all(len(v) == 10 and v[4] == "-" for v in column), (resource["path"], field["name"])
    associations = next(r for r in package["resources"] if r["name"] == "associations-csv")
    assert associations["schema"]["primaryKey"] == ["region"]
    founded = next(f for f in associations["schema"]["fields"] if f["name"] == "founded")
    assert founded == {"name": "founded", "type": "date", "title": "成立日期", "description": founded["description"]} and "YYYY-MM-DD" in founded["description"]


def test_json_schemas_match_the_records(built: Path) -> None:
    package = _package(built)
    for name in ("associations", "projects"):
        resource = next(r for r in package["resources"] if r["name"] == f"{name}-json")
        records = json.loads((built / "data" / f"{name}.json").read_text(encoding="utf-8"))
        assert [f["name"] for f in resource["schema"]["fields"]] == list(records[0]), name


def test_the_data_page_lists_every_file_its_fields_and_how_to_use_excel(built: Path) -> None:
    page = text_of(built / "data/index.html")
    for name in ("associations", "projects", "coverage", "evaluation"):
        for fmt in ("json", "csv", "xlsx"):
            assert f"{name}.{fmt}" in page
    assert "datapackage.json" in page and "知识共享署名 4.0 国际许可协议" in page
    assert "volunteers_registered" in page and "注册志愿者人数" in page  # fields with their Chinese names
    assert "从文本/CSV" in page and "文本" in page  # keeping codes as text in Excel
    assert "单引号" in page  # the formula-injection note
    assert "/volunteer/data/" in (built / "index.html").read_text(encoding="utf-8")  # linked from every page
