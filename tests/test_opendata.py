"""Open data files: shapes as docs/reference.md gives them and Excel-friendly CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import build_ok


def test_data_files(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    associations = json.loads((out / "data/associations.json").read_text(encoding="utf-8"))
    assert isinstance(associations, list)
    xihu = next(a for a in associations if a["region"] == "330106")
    assert xihu["url"] == "/volunteer/associations/330106/"
    assert xihu["level"] == "county" and xihu["parent"] == "330100"
    assert xihu["founded"] == "2020-12-31" and xihu["teams"][0]["type"] == "乡镇街道"
    assert next(a for a in associations if a["region"] == "330000")["level"] == "province"
    projects = json.loads((out / "data/projects.json").read_text(encoding="utf-8"))
    assert projects[0]["slug"] == "xihu-jinhui" and projects[0]["url"] == "/volunteer/projects/xihu-jinhui/"
    coverage = json.loads((out / "data/coverage.json").read_text(encoding="utf-8"))
    assert set(coverage) == {"as_of", "milestones", "scope", "national", "provinces"}
    assert set(coverage["scope"]) == {"regions", "counties", "covered", "rate", "series"}
    assert coverage["scope"]["regions"] == ["100000"] and coverage["scope"]["covered"] == coverage["national"]["covered"]
    assert coverage["milestones"][0] == {"date": "2020-12-31", "rate": 0.5}
    assert set(coverage["provinces"][0]) == {"region", "name", "counties", "covered", "rate", "series"}
    for name in ("associations.csv", "projects.csv", "coverage.csv", "evaluation.csv"):
        raw = (out / "data" / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)
    rows = list(csv.DictReader(io.StringIO((out / "data/coverage.csv").read_bytes().decode("utf-8-sig"))))
    zhejiang = next(r for r in rows if r["region"] == "330000")
    assert (zhejiang["counties"], zhejiang["covered"], zhejiang["covered_2020-12-31"]) == ("90", "1", "2")
