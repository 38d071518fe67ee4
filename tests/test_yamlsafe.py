from sitegen.load.yamlsafe import load_yaml


def codes(result):
    return [(d.line, d.column, d.code) for d in result.diagnostics]


def test_core_schema_keeps_strings_as_written() -> None:
    data = load_yaml("a: no\nb: 9:30\nc: 2021-13-01\nd: 0571\ne: 12\nf: 1.5\ng: true\nh: ~\n", "f").data
    assert data == {"a": "no", "b": "9:30", "c": "2021-13-01", "d": "0571", "e": 12, "f": 1.5, "g": True, "h": None}


def test_locator_points_at_keys_and_values_with_offset() -> None:
    result = load_yaml("a:\n  - x: 1\n    y: hello\n", "f", line_offset=1)
    assert result.locator.key(("a", 0, "y")) == (4, 5)
    assert result.locator.value(("a", 0, "y")) == (4, 8)
    assert result.locator.value(("a", 0, "missing")) == (3, 5)  # nearest enclosing value


def test_aliases_are_refused_before_expansion() -> None:
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n'
    result = load_yaml(bomb, "f")
    assert result.data is None
    assert codes(result) == [(1, 4, "yaml-syntax")]


def test_duplicate_keys_and_tags_are_errors() -> None:
    assert codes(load_yaml("a: 1\nb: 2\na: 3\n", "f")) == [(3, 1, "duplicate-yaml-key")]
    assert codes(load_yaml("a: !!python/object:os.system x\n", "f")) == [(1, 4, "yaml-syntax")]


def test_syntax_errors_are_located_in_chinese() -> None:
    result = load_yaml("a: 1\n  b: 2\n", "f")
    (diagnostic,) = result.diagnostics
    assert (diagnostic.line, diagnostic.code) == (2, "yaml-syntax")
    assert "缩进" in diagnostic.message


def test_deep_nesting_is_bounded() -> None:
    text = "a: " + "[" * 200 + "]" * 200 + "\n"
    assert any(d.code == "yaml-syntax" for d in load_yaml(text, "f").diagnostics)


def test_special_floats_load_and_are_rejected_by_models() -> None:
    from sitegen.load.models import Project
    from sitegen.load.validate import validate_model

    for value in (".inf", "-.Inf", ".nan", "1e999"):
        parsed = load_yaml(f'title: t\nassociation: "330106"\nbrand: local\nsummary: s\nvolunteers: {value}\n', "f")
        data, problems = validate_model(Project, parsed.data, parsed.locator, "f")
        assert data is None and [(d.line, d.code) for d in problems] == [(5, "invalid-value")]
