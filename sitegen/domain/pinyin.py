"""Pinyin for sorting place names and for ASCII tag slugs (docs/reference.md, 规则 › 网址).

pypinyin reads most place names right by phrase but not all (长治, 单县 …): a small table
of place-name readings is loaded into pypinyin's phrase dictionary before first use.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin, load_phrases_dict

__all__ = ["PLACE_READINGS", "sort_key", "tag_slug", "tag_slugs"]

# Readings of polyphonic place names (with tone marks, one syllable per character).
# Entries pypinyin 0.55 already reads right are kept too: they pin the reading we rely on.
PLACE_READINGS: dict[str, str] = {
    "长治": "cháng zhì",  # pypinyin 0.55: zhǎng
    "长子": "zhǎng zǐ",  # 长子县 (Shanxi)
    "长沙": "cháng shā",
    "长春": "cháng chūn",
    "重庆": "chóng qìng",
    "单县": "shàn xiàn",  # pypinyin 0.55: dān
    "解州": "xiè zhōu",  # pypinyin 0.55: jiě
    "洪洞": "hóng tóng",  # pypinyin 0.55: dòng
    "厦门": "xià mén",
    "六安": "lù ān",
    "六合": "lù hé",  # pypinyin 0.55: liù
    "番禺": "pān yú",
    "铅山": "yán shān",
    "蚌埠": "bèng bù",
    "乐清": "yuè qīng",
    "乐亭": "lào tíng",
    "丽水": "lí shuǐ",
    "台州": "tāi zhōu",
    "天台": "tiān tāi",  # pypinyin 0.55: tái
    "亳州": "bó zhōu",
    "莘县": "shēn xiàn",
    "大城": "dà chéng",
    "会稽": "kuài jī",  # pypinyin 0.55: huì
    "尉氏": "wèi shì",
    "东阿": "dōng ē",
    "濮阳": "pú yáng",
    "荥阳": "xíng yáng",
    "荥经": "yíng jīng",  # pypinyin 0.55: xíng
    "郫都": "pí dū",  # pypinyin 0.55: dōu
    "东莞": "dōng guǎn",
    "朝阳": "cháo yáng",  # pypinyin 0.55: zhāo
    "涡阳": "guō yáng",  # pypinyin 0.55: wō
    "浚县": "xùn xiàn",  # pypinyin 0.55: jùn
    "阆中": "làng zhōng",  # pypinyin 0.55: láng
    "黄陂": "huáng pí",
    "泌阳": "bì yáng",
    "蔚县": "yù xiàn",
    "盱眙": "xū yí",
    "句容": "jù róng",
    "柞水": "zhà shuǐ",
    "牟平": "mù píng",
    "蠡县": "lǐ xiàn",
    "犍为": "qián wéi",
    "歙县": "shè xiàn",
    "莎车": "shā chē",
}

_ASCII_WORD_RE = re.compile(r"[a-z0-9]+")


@functools.cache
def _load_readings() -> None:
    """Teach pypinyin the place-name readings (once per process)."""
    load_phrases_dict(
        {
            name: [[syllable] for syllable in reading.split()]
            for name, reading in PLACE_READINGS.items()
        }
    )


_TONE_RE = re.compile(r"(?<=[a-z])[1-5]$")


SortKey = tuple[tuple[str, ...], tuple[str, ...], str]

# name -> sort key. pypinyin costs about 1 ms a name, and a national project library has
# tens of thousands of titles: the build keeps these between runs (known_keys / add_keys).
_KEYS: dict[str, SortKey] = {}


def known_keys() -> dict[str, list[list[str]]]:
    """The sort keys computed so far, as JSON data (name -> [toneless, toned])."""
    return {name: [list(key[0]), list(key[1])] for name, key in _KEYS.items()}


def add_keys(saved: object) -> None:
    """Take sort keys that `known_keys` gave an earlier build (same sitegen); bad ones are
    skipped, and computed again when needed."""
    if not isinstance(saved, dict):
        return
    for name, pair in saved.items():
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, list) for part in pair):
            _KEYS.setdefault(name, (tuple(map(str, pair[0])), tuple(map(str, pair[1])), name))


def sort_key(name: str) -> SortKey:
    """Sort key for Chinese names by pinyin: toneless syllables, then tones, then the name.

    Cached: the same place names are sorted again and again on every listing page.
    """
    key = _KEYS.get(name)
    if key is None:
        key = _KEYS[name] = _compute_sort_key(name)
    return key


def _compute_sort_key(name: str) -> SortKey:
    _load_readings()
    toned = tuple(
        s.lower() for s in lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True)
    )
    toneless = tuple(_TONE_RE.sub("", s) for s in toned)
    return toneless, toned, name


def _ascii_words(chunk: str) -> list[str]:
    """Lowercase ASCII words of a chunk: accents folded, other characters dropped."""
    folded = unicodedata.normalize("NFKD", chunk).encode("ascii", "ignore").decode("ascii")
    return _ASCII_WORD_RE.findall(folded.lower())


@functools.lru_cache(maxsize=4096)  # a long-lived process (serve) asks for the same tags on every link
def tag_slug(tag: str) -> str:
    """ASCII slug of a tag: hyphenated pinyin syllables and lowercase ASCII words.

    '留守儿童' -> 'liu-shou-er-tong', 'AI志愿' -> 'ai-zhi-yuan', '绿' -> 'lv'; never empty.
    """
    _load_readings()
    text = unicodedata.normalize("NFKC", tag)
    # Style.NORMAL writes ü as v; non-Han runs come back as one item each.
    items = lazy_pinyin(text, style=Style.NORMAL)
    words = [word for item in items for word in _ascii_words(item)]
    return "-".join(words) or "tag"


def tag_slugs(tags: Iterable[str]) -> dict[str, str]:
    """Unique slug for each tag; on a collision the tag first in code-point order keeps
    the plain slug and later ones get '-2', '-3', … (never another tag's plain slug)."""
    unique = sorted(set(tags))
    plain = {tag: tag_slug(tag) for tag in unique}
    taken = set(plain.values())
    seen: set[str] = set()
    result: dict[str, str] = {}
    for tag in unique:
        base = plain[tag]
        if base not in seen:
            slug = base
        else:
            n = 2
            while f"{base}-{n}" in taken:
                n += 1
            slug = f"{base}-{n}"
            taken.add(slug)
        seen.add(base)
        result[tag] = slug
    return result
