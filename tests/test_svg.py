"""SVG files of static/ (sitegen/render/svg.py): a drawing passes, what could script the site
is refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.render.svg import svg_problem

DRAWING = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#c00"/></svg>'


def test_a_plain_drawing_passes(tmp_path: Path) -> None:
    path = tmp_path / "a.svg"
    path.write_text(DRAWING, encoding="utf-8")
    assert svg_problem(path) is None


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><rect/></a></svg>',
    ],
)
def test_what_could_script_the_site_is_refused_with_a_reason(tmp_path: Path, svg: str) -> None:
    path = tmp_path / "a.svg"
    path.write_text(svg, encoding="utf-8")
    problem = svg_problem(path)
    assert problem is not None and problem.strip()
