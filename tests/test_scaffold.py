"""`sitegen new` templates: each kind's text is a valid record as written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sitegen.authoring import scaffold
from sitegen.domain.divisions import load_divisions
from sitegen.load.config import SiteConfig

CONFIG = SiteConfig(title="t", base_url="https://example.org/")
DIVISIONS = load_divisions()


def test_default_names() -> None:
    assert scaffold.default_association_name("330106", DIVISIONS) == "杭州市西湖区青年志愿者协会"
    assert scaffold.default_association_name("330000", DIVISIONS) == "浙江省青年志愿者协会"
    assert scaffold.default_association_name("100000", DIVISIONS) == "中国青年志愿者协会"


@pytest.mark.parametrize(
    ("kind", "slug", "text"),
    [
        ("association", "330106", scaffold.association_text("330106", "西湖区青协", date(2024, 1, 2), "active", DIVISIONS)),
        ("association", "330108", scaffold.association_text("330108", "滨江区青协", None, "preparing", DIVISIONS)),
        ("project", "p-1", scaffold.project_text('带"引号"的项目', "330106", "jinhui", "简介: 含冒号", CONFIG)),
        ("story", "s-1", scaffold.story_text("标题", date(2024, 1, 2), "330106", None)),
    ],
)
def test_scaffold_texts_validate(kind: str, slug: str, text: str, tmp_path: Path) -> None:
    record, problems = scaffold.validate_text(tmp_path, kind, slug, text, CONFIG, DIVISIONS)
    assert problems == [] and record is not None
    assert "# " in text  # commented optional fields teach the model


def test_create_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "a/b.yaml"
    scaffold.create(target, "x: 1\n")
    with pytest.raises(FileExistsError):
        scaffold.create(target, "x: 2\n")
    assert target.read_text() == "x: 1\n"
