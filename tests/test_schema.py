"""The JSON Schemas editors use agree with `check`: the demo passes, the broken fixtures fail
at the same places, as far as JSON Schema can say (the `jsonschema` package checks them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import INVALID, ROOT, SITES
from jsonschema import Draft7Validator

from sitegen.authoring import schema
from sitegen.build import check
from sitegen.cli import main
from sitegen.load.config import SiteConfig
from sitegen.load.records import check_record, load_config
from sitegen.load.sources import KINDS, SourceFile, decode, split_front_matter
from sitegen.load.yamlsafe import Locator, load_yaml

# Diagnostic codes about one file's shape: what a schema can report too.
SCHEMA_CODES = {"unknown-field", "missing-field", "invalid-value", "invalid-date", "config"}
# Errors of those codes that JSON Schema cannot express, with the reason.
NOT_EXPRESSIBLE = {
    ("invalid-value", "content/associations/330110.yaml", 5, 12): "dissolved before founded compares two values",
}
# Where a schema says more than check: a required field written with a typo is one mistake,
# which check reports once (at the unknown key) and JSON Schema twice (missing and unknown).
MERGED_BY_CHECK = {
    ("unknown-field", "content/associations/330106.yaml", 5, 5): "leaders[0].nmae is name misspelled",
}
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file())


def site_files(src: Path):
    """(schema name, path) of the config and every content file of a site."""
    yield schema.CONFIG_SCHEMA, src / "sitegen.yaml"
    for kind, (folder, suffix) in KINDS.items():
        for path in sorted((src / "content" / folder).glob(f"*{suffix}")):
            yield kind, path


def parse(path: Path, kind: str) -> tuple[object, Locator] | None:
    """The data and locator `check` sees for one file, or None if it does not parse."""
    text, _ = decode(path.read_bytes(), path)
    if text is None:
        return None
    if kind in ("story", "page"):
        front, _ = split_front_matter(SourceFile(path, path.name, kind, path.stem, text))
        if front is None:
            return None
        parsed = load_yaml(front.yaml_text, str(path), front.yaml_line_offset)
    else:
        parsed = load_yaml(text, str(path))
    return (parsed.data or {}, parsed.locator) if parsed.ok else None


def schema_positions(validator: Draft7Validator, data: object, locator: Locator) -> set[tuple[int, int]]:
    """Where the schema's errors point, by the rules `validate.py` uses for pydantic's."""
    found = set()
    for err in validator.iter_errors(data):
        path = tuple(err.absolute_path)
        if err.validator == "required":
            found.add(locator.value(path))
        elif err.validator == "additionalProperties":
            known = set(err.schema.get("properties", {}))
            found |= {locator.key((*path, key)) for key in err.instance if key not in known}
        else:
            found.add(locator.value(path))
    return found


def validators(src: Path) -> dict[str, Draft7Validator]:
    config, _ = load_config(src)
    schemas = schema.build_schemas(config or SiteConfig(title="t", base_url="https://example.org/"))
    return {name: Draft7Validator(s, format_checker=Draft7Validator.FORMAT_CHECKER) for name, s in schemas.items()}


def test_schemas_are_valid_draft7_with_chinese_docs() -> None:
    for name, generated in schema.build_schemas(SiteConfig(title="t", base_url="https://example.org/")).items():
        Draft7Validator.check_schema(generated)
        assert generated["$schema"] == schema.DRAFT
        assert "$defs" not in json.dumps(generated)
        for obj in [generated, *generated.get("definitions", {}).values()]:
            assert obj["additionalProperties"] is False, name
            assert any("\u4e00" <= ch <= "\u9fff" for ch in obj["title"]), (name, obj["title"])
            for field, prop in obj["properties"].items():
                refs = [item["$ref"].split("/")[-1] for item in prop.get("allOf", [])]
                title = prop.get("title") or generated["definitions"][refs[0]]["title"]  # pydantic drops a title equal to the model's
                for text in (title, prop["description"]):
                    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (name, field)


@pytest.mark.parametrize("site", [ROOT, SITES / "small"], ids=["demo", "small"])
def test_schemas_accept_every_record_of_a_valid_site(site: Path) -> None:
    checks = validators(site)
    files = list(site_files(site))
    assert len(files) > 5
    for name, path in files:
        parsed = parse(path, name)
        assert parsed is not None, path
        errors = [f"{e.json_path}: {e.message}" for e in checks[name].iter_errors(parsed[0])]
        assert not errors, f"{path}: {errors}"


@pytest.mark.parametrize("case", CASES)
def test_schemas_reject_what_check_rejects_at_the_same_places(case: str) -> None:
    src = INVALID / case
    by_file: dict[Path, set[tuple[int, int]]] = {}
    for d in check(src).diagnostics:
        rel = Path(d.path).resolve().relative_to(src.resolve()).as_posix()
        if d.is_error and d.code in SCHEMA_CODES and (d.code, rel, d.line, d.column) not in NOT_EXPRESSIBLE:
            by_file.setdefault(Path(d.path).resolve(), set()).add((d.line, d.column))
    checks = validators(src)
    compared = 0
    for name, path in site_files(src):
        parsed = parse(path, name)
        if parsed is None:  # yaml-syntax, encoding: nothing for a schema to look at
            continue
        compared += 1
        rel = path.resolve().relative_to(src.resolve()).as_posix()
        merged = {(line, col) for (c, r, line, col) in MERGED_BY_CHECK if (c, r) == (case, rel)}
        assert schema_positions(checks[name], *parsed) - merged == by_file.get(path.resolve(), set()), path
    assert compared or case in ("encoding", "yaml-syntax", "duplicate-yaml-key")


def test_the_schema_cases_cover_every_shape_code() -> None:
    """The comparison above is not vacuous: each shape code occurs in some fixture."""
    seen = {d.code for case in CASES for d in check(INVALID / case).diagnostics}
    assert seen >= SCHEMA_CODES


VALID_PROJECT = 'title: 助老\nassociation: "330106"\nbrand: jinhui\nsummary: 助老服务\n'


@pytest.mark.parametrize(
    "extra",
    [
        "",
        "title: 2024\n",  # a number where text is expected: the models read it as "2024"
        "schedule: 9:30\n",  # YAML 1.2: a string, not 570
        "association: 330106\n",  # region codes as integers
        "association: 33010\n",
        "association: \"33O106\"\n",
        "regular: yes\n",  # YAML 1.2: the string "yes", not a boolean
        "volunteers: -1\n",
        "volunteers: 2.5\n",
        "started: 2021-02-30\n",
        "started: 2021-2-3\n",
        "library_year: 1900\n",
        "images: [/img/a.png]\n",
        "images: [img/../../x.png]\n",
        "targets: [空巢老人, 老人]\n",
        "featured: null\n",
        "description: null\n",
        "summary: \"\"\n",
        "titel: 错字\n",
    ],
)
def test_schema_and_check_agree_on_one_record(extra: str, tmp_path: Path) -> None:
    """Field by field, a schema accepts a value exactly when `check` does (shape codes only)."""
    from sitegen.authoring import scaffold
    from sitegen.domain.divisions import load_divisions

    config = SiteConfig(title="t", base_url="https://example.org/")
    fields = {line.split(":")[0]: line for line in (VALID_PROJECT + extra).splitlines()}
    text = "\n".join(fields.values()) + "\n"
    record, problems = scaffold.validate_text(tmp_path, "project", "p", text, config, load_divisions())
    if record is not None:
        problems += check_record(record, tmp_path)  # the rules beyond the model (image paths)
    check_ok = not [d for d in problems if d.is_error and d.code in SCHEMA_CODES]
    data = load_yaml(text, "p.yaml").data
    project = Draft7Validator(schema.build_schemas(config)["project"], format_checker=Draft7Validator.FORMAT_CHECKER)
    assert project.is_valid(data) == check_ok, (text, [d.message for d in problems])


def test_vocabularies_come_from_the_site_config() -> None:
    config = SiteConfig(
        title="t", base_url="https://example.org/", brands={"qingchun": {"name": "青春行动"}}, targets=["老人"], funding=["自筹"]
    )
    project = schema.build_schemas(config)["project"]["properties"]
    assert project["brand"]["enum"] == ["qingchun", "青春行动"]  # the key or the name
    assert project["brand"]["enumDescriptions"] == ["青春行动", "青春行动"]
    assert project["targets"]["items"]["enum"] == ["老人"]
    assert project["funding"]["items"]["enum"] == ["自筹"]


def test_enums_for_statuses_and_team_types() -> None:
    schemas = schema.build_schemas(SiteConfig(title="t", base_url="https://example.org/"))
    association = schemas["association"]
    assert association["properties"]["status"]["enum"] == ["active", "preparing", "dissolved", "正常", "筹备中", "已撤销"]
    assert "学校" in association["definitions"]["Team"]["properties"]["type"]["enum"]
    assert schemas["project"]["properties"]["status"]["enum"] == ["running", "paused", "completed", "进行中", "暂停", "已结项"]


def test_region_codes_are_six_digit_strings_or_integers() -> None:
    schemas = schema.build_schemas(SiteConfig(title="t", base_url="https://example.org/"))
    region = Draft7Validator(schemas["association"]["properties"]["region"])
    assert region.is_valid("330106") and region.is_valid(330106)
    assert not region.is_valid("33010") and not region.is_valid(12) and not region.is_valid("3301O6")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_schema_command_writes_every_schema_and_never_overwrites(small_site: Path) -> None:
    out = small_site / ".schemas"
    result = run("schema", "-s", str(small_site))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(schema.file_name(n) for n in schema.schema_names())
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = run("schema", "-s", str(small_site))  # same content: nothing to do
    assert again.exit_code == 0, again.output
    config = small_site / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "targets: [老人]\n", encoding="utf-8")
    changed = run("schema", "-s", str(small_site))
    assert changed.exit_code == 2 and "project.schema.json" in changed.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_schema_command_output_dir_and_invalid_config(small_site: Path, tmp_path: Path) -> None:
    result = run("schema", "-s", str(small_site), "-o", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    project = json.loads((tmp_path / "s/project.schema.json").read_text(encoding="utf-8"))
    assert "jinhui" in project["properties"]["brand"]["enum"]
    broken = run("schema", "-s", str(INVALID / "config"), "-o", str(tmp_path / "t"))
    assert broken.exit_code == 1 and "error[config]" in broken.output
    assert not (tmp_path / "t").exists()
