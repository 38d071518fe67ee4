"""The names people use for a place and its association: 西湖区 and 西湖 for 杭州市西湖区青年志愿者协会.

Site search ranks a record first when the query is one of its names (see sitegen/write/search.py);
these are the names of an association besides its own: the place name, the place's short name
(the name without its level suffix and minority designation: 陵水黎族自治县 → 陵水), the name
without its parent places (西湖区青年志愿者协会), and the common abbreviation 青协.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["association_names", "short_place_name"]

# The 55 minority nationalities as they appear in autonomous-area names (民族自治地方).
_NATIONALITIES = str.split(
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
)
_NATIONALITY = "|".join(sorted(_NATIONALITIES, key=len, reverse=True))
# Longest suffixes first, so that 自治县 wins over 县 and 特别行政区 over 区.
_SUFFIXES = "特别行政区|自治区|自治州|自治县|自治旗|地区|林区|特区|省|市|区|县|旗|盟"
_SHORT = re.compile(rf"^(?P<stem>.+?)(?:(?:{_NATIONALITY})族|维吾尔)*(?:{_SUFFIXES})$")
# Zones keep their whole name: 杭州经济技术开发区 is not 杭州经济技术开发.
_ZONE = re.compile(r"(开发区|新区|园区|管理区|示范区|试验区|实验区)$")
_LEAGUE_ASSOCIATION = "青年志愿者协会"


def short_place_name(name: str) -> str | None:
    """浙江省 → 浙江, 杭州市 → 杭州, 陵水黎族自治县 → 陵水, 广西壮族自治区 → 广西; None when
    nothing shorter of at least two characters remains (城区, 和县) or the name has no suffix."""
    match = None if _ZONE.search(name) else _SHORT.match(name)
    if match is None:
        return None
    stem = match.group("stem")
    return stem if len(stem) >= 2 and stem != name else None


def association_names(name: str, place: str | None, ancestors: Iterable[str] = ()) -> list[str]:
    """Every name an association is searched by, its own first, without repeats.

    `place` is its division's name (西湖区), `ancestors` the names of the divisions above it
    (浙江省, 杭州市)."""
    names = [name]
    local = name
    for ancestor in ancestors:
        for prefix in (ancestor, short_place_name(ancestor)):
            if prefix and local.startswith(prefix) and len(local) > len(prefix):
                local = local[len(prefix) :]
                break
    names.append(local)
    for full in (name, local):
        if full.endswith(_LEAGUE_ASSOCIATION):
            names.append(full.removesuffix(_LEAGUE_ASSOCIATION) + "青协")
    if place:
        names.append(place)
        names.append(short_place_name(place) or place)
    return list(dict.fromkeys(n for n in names if n))
