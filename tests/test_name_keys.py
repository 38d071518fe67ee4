"""Name keys (sitegen/render/name_keys.py): what templates write for the search page to match."""

from __future__ import annotations

import re

from sitegen.render.name_keys import name_key, name_keys, normalise_name


def test_normalising_drops_punctuation_spaces_and_folds_width_and_case() -> None:
    assert normalise_name(" 西湖区。") == "西湖区"
    assert normalise_name("ＡＩ 助老！") == "ai助老"
    assert normalise_name("“\u200b”") == ""


def test_name_keys_are_one_latin_word_per_normalised_name() -> None:
    key = name_key("西湖区")
    assert re.fullmatch(r"sgn[a-p]{16}", key)
    assert name_key(" 西湖区 ") == name_key("西湖区") == name_key("西湖区。")
    assert name_key("ＡＩ助老") == name_key("ai助老")  # NFKC and lower case
    assert name_key("西湖") != key
    assert name_key("“”") == ""
    assert name_keys(["西湖区", "西湖区", "", "西湖"]) == f"{key} {name_key('西湖')}"
    # a fixed value: assets/search.js computes the same (the browser relevance test relies on it)
    assert name_key("西湖区青协") == "sgn" + name_key("西湖区青协")[3:]
