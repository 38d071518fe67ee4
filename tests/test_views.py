"""Views (sitegen.render.views, sitegen.render.record_views): the directory tree and
breadcrumbs templates receive."""

from __future__ import annotations

from pathlib import Path

from test_link import association, write

from sitegen.build import analyse
from sitegen.render.markdown_stage import RenderedMarkdown
from sitegen.render.views import Views


def views_for(tmp_path: Path, regions: list[str]) -> Views:
    files = {f"content/associations/{r}.yaml": association(r) for r in regions}
    result = analyse(write(tmp_path, files))
    assert not result.diagnostics
    return Views(result.site, RenderedMarkdown({}))


def test_tree_keeps_places_without_association_and_sorts_by_pinyin(tmp_path: Path) -> None:
    views = views_for(tmp_path, ["330106", "330102", "331102", "460105"])
    tree = views.directory()
    assert [n.division.name for n in tree] == ["海南省", "浙江省"]
    zhejiang = tree[1]
    assert zhejiang.association is None  # no province record: shown as a plain place
    assert [c.division.name for c in zhejiang.children] == ["杭州市", "丽水市"]
    assert [c.association.region for c in zhejiang.children[0].children] == ["330102", "330106"]  # 上城 < 西湖
    assert zhejiang.count == 3


def test_breadcrumbs_link_only_existing_associations(tmp_path: Path) -> None:
    views = views_for(tmp_path, ["330000", "330106"])
    crumbs = views.association("330106").breadcrumbs
    assert [(c.name, c.url) for c in crumbs] == [("浙江省", "/associations/330000/"), ("杭州市", None)]
    assert views.association("330106").parent.region == "330000"
    assert views.association("330106").place == "浙江省杭州市西湖区"
