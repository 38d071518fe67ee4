"""Name keys: the names a reader may type for a record, as words the search page can match.

Each record lists its names (its title; for an association its place name, short name …,
sitegen/domain/placenames.py) in the page's search metadata `names`, each as a *name key*: a
hash of the normalised name written as one Latin word. The search page
(themes/default/static/assets/search.js, `nameKey`) computes the key of the query the same way
and ranks the pages that carry it first. Templates write the keys with the `name_keys` filter;
the indexer (sitegen/write/search.py) only reads them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

KEY_PREFIX = "sgn"
FNV_PRIME = 16777619
FNV_SEEDS = (2166136261, 2166136261 ^ 0x5BD1E995)


def normalise_name(text: str) -> str:
    """NFKC, lower case, without punctuation, symbols, spaces or invisible characters (the same
    as `normaliseName` in assets/search.js)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PSZC")


def name_key(text: str) -> str:
    """A name as one Latin word of 19 letters: `sgn` and two 32-bit FNV-1a hashes of its
    normalised UTF-8 bytes, 4 bits a letter (a–p). The same as `nameKey` in assets/search.js;
    empty for a name with nothing left after normalising."""
    data = normalise_name(text).encode("utf-8")
    if not data:
        return ""
    letters = [KEY_PREFIX]
    for seed in FNV_SEEDS:
        value = seed
        for byte in data:
            value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFF
        letters.extend(chr(97 + (value >> shift & 15)) for shift in range(28, -1, -4))
    return "".join(letters)


def name_keys(names: str | Iterable[str]) -> str:
    """The name keys of `names`, space-separated, without repeats (a Jinja filter)."""
    if isinstance(names, str):
        names = [names]
    return " ".join(dict.fromkeys(key for key in map(name_key, names) if key))
