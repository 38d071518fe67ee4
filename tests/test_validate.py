"""Typed models and their Chinese, located errors."""

from __future__ import annotations

from sitegen.domain.divisions import load_divisions
from sitegen.load.config import SiteConfig
from sitegen.load.models import Association, Project, Story
from sitegen.load.validate import field_label, validate_model
from sitegen.load.yamlsafe import load_yaml

CONFIG = SiteConfig(title="t", base_url="https://example.org/sub")
CONTEXT = {"config": CONFIG, "divisions": load_divisions()}


def problems(model, text: str):
    parsed = load_yaml(text, "f.yaml")
    data, diagnostics = validate_model(model, parsed.data, parsed.locator, "f.yaml", CONTEXT)
    return data, [(d.line, d.column, d.code, d.message) for d in diagnostics]


def test_config_defaults_and_normalisation() -> None:
    assert CONFIG.base_url == "https://example.org/sub/" and CONFIG.base_path == "/sub/"
    assert list(CONFIG.brands) == ["guanai", "yangguang", "jinhui", "shequ", "xiangcun", "wenming", "local"]
    assert [(m.date.isoformat(), m.rate) for m in CONFIG.milestones] == [
        ("2020-12-31", 0.5),
        ("2021-12-31", 0.7),
        ("2023-12-31", 1.0),
    ]
    assert CONFIG.per_page == 20 and CONFIG.model_titles == ["示范县级青年志愿者协会"]
    assert SiteConfig(title="t", base_url="https://e.org", edit_url="https://git/edit").edit_url == "https://git/edit/"


def test_valid_association_with_integer_region() -> None:
    data, found = problems(Association, "region: 330106\nname: x\nfounded: 2020-01-01\n")
    assert found == [] and data.region == "330106" and data.status == "active"


def test_unknown_field_suggests_the_close_name() -> None:
    _, found = problems(Association, 'region: "330106"\nname: x\nfounded: 2020-01-01\nfonded: 2020-01-01\n')
    ((line, col, code, message),) = found
    assert (line, col, code) == (4, 1, "unknown-field") and "founded" in message


def test_type_errors_in_chinese_at_the_value() -> None:
    _, found = problems(Project, 'title: t\nassociation: "330106"\nbrand: local\nsummary: s\nvolunteers: 很多\nfeatured: 1\n')
    assert [(line, col, code) for line, col, code, _ in found] == [(5, 13, "invalid-value"), (6, 11, "invalid-value")]
    assert "数字" in found[0][3] and "true 或 false" in found[1][3]


def test_nested_missing_field_points_at_its_mapping() -> None:
    _, found = problems(Story, "title: t\ndate: 2021-01-01\nvolunteer:\n  star: 9\n")
    assert sorted((line, col, code) for line, col, code, _ in found) == [(4, 3, "missing-field"), (4, 9, "invalid-value")]


def test_dates_must_be_iso_and_real() -> None:
    _, found = problems(Story, "title: t\ndate: 2021-02-30\n")
    assert [(line, col, code) for line, col, code, _ in found] == [(2, 7, "invalid-date")]
    _, found = problems(Story, "title: t\ndate: 20210201\n")
    assert found[0][2] == "invalid-date" and "YYYY-MM-DD" in found[0][3]


def test_top_level_must_be_a_mapping() -> None:
    _, found = problems(Story, "- a\n- b\n")
    assert found[0][:3] == (1, 1, "invalid-value")


def test_field_label() -> None:
    assert field_label(("teams", 0, "type")) == "teams[0].type"
