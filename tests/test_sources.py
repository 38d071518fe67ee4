from pathlib import Path

from sitegen.load.sources import SourceFile, decode, split_front_matter


def test_bom_and_crlf_are_accepted_with_same_lines() -> None:
    text, problems = decode("\ufeffa: 1\r\nb: 2\r\n".encode(), Path("f"))
    assert problems == [] and text == "a: 1\nb: 2\n"


def test_gbk_is_a_located_error_with_resave_hint() -> None:
    text, problems = decode("a: 1\nname: 西湖\n".encode("gbk"), Path("f"))
    assert text is None
    (d,) = problems
    assert (d.line, d.column, d.code) == (2, 7, "encoding") and "UTF-8" in d.message


def test_front_matter_split_keeps_line_numbers() -> None:
    source = SourceFile(Path("s.md"), "content/stories/s.md", "story", "s", "---\ntitle: x\n---\n\nbody\n")
    front, problems = split_front_matter(source)
    assert problems == [] and front is not None
    assert front.yaml_text == "title: x\n" and front.yaml_line_offset == 1
    assert front.body_first_line == 4 and front.body == "\nbody\n"


def test_missing_front_matter_is_an_error() -> None:
    source = SourceFile(Path("s.md"), "content/stories/s.md", "story", "s", "no front matter\n")
    front, problems = split_front_matter(source)
    assert front is None and problems[0].code == "yaml-syntax"
