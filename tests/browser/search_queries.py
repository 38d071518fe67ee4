"""The search relevance queries and their table, shared by tests/browser/test_search_relevance.py
and benchmarks/search_relevance.py (which loads this file by path)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

A = "/associations/{}/".format
P = "/projects/{}/".format
S = "/stories/{}/".format
B = "/brands/{}/".format


# (kind, query, expected first result: a path, a tuple of equally right paths, None for none, or
# a target group whose projects are all right)
QUERIES: list[tuple[str, str, Any]] = [
    # an association by its county (or city, province) name, short name and full name
    ("place", "西湖区", A("330106")),
    ("place", "西湖", A("330106")),
    ("full name", "杭州市西湖区青年志愿者协会", A("330106")),
    ("full name", "西湖区青年志愿者协会", A("330106")),
    ("short name", "西湖区青协", A("330106")),
    ("place", "缙云县", A("331122")),
    ("place", "缙云", A("331122")),
    ("place", "陵水黎族自治县", A("469028")),
    ("place", "陵水", A("469028")),
    ("full name", "景宁畲族自治县青年志愿者协会", A("331127")),
    ("place", "景宁", A("331127")),
    ("place", "余杭区", A("330110")),
    ("place", "余杭", A("330110")),
    ("place", "松阳县", A("331124")),  # dissolved: its page remains
    ("place", "钱塘区", A("330114")),  # preparing
    ("place", "琼中", A("469030")),
    ("place", "儋州", A("460400")),
    ("place", "琼海", A("469002")),
    ("full name", "五指山市志愿者协会", A("469001")),
    ("full name", "余姚市青年志愿服务联合会", A("330281")),
    ("place", "余姚", A("330281")),
    ("place", "象山县", A("330225")),
    ("place", "杭州", A("330100")),
    ("full name", "杭州市青年志愿者协会", A("330100")),
    ("place", "浙江", A("330000")),
    ("full name", "海南省青年志愿者协会", A("460000")),
    ("full name", "中国青年志愿者协会", A("100000")),
    ("place", "三亚", A("460200")),
    ("place", "鄞州区", A("330212")),
    ("place", "天涯区", A("460204")),
    ("place", "美兰", A("460108")),
    ("place", "丽水", A("331100")),
    # brand project lines
    ("brand", "金晖助老", B("jinhui")),
    ("brand", "关爱行动", B("guanai")),
    ("brand", "阳光行动", B("yangguang")),
    ("brand", "乡村振兴", B("xiangcun")),
    ("brand", "新时代文明实践", B("wenming")),
    ("brand", "青年志愿者服务社区行动", B("shequ")),
    ("brand", "地方特色项目", B("local")),
    # target groups: any project that serves them
    ("target group", "留守儿童", "target"),
    ("target group", "空巢老人", "target"),
    ("target group", "残疾人", "target"),
    ("target group", "农村群众", "target"),
    # people in stories
    ("person", "许一鸣", S("xihu-yinling-ketang-xuyiming")),
    ("person", "潘一凡", S("binjiang-yexiao-panyifan")),
    ("person", "吉海生", S("tianya-jingtan-jihaisheng")),
    ("person", "周凯", S("xiaoshan-aixin-wucan-zhoukai")),
    # project and story titles, whole or in part
    ("project", "西湖区“银龄数字课堂”金晖助老", P("xihu-jinhui-zhulao")),
    ("project", "银龄数字课堂", P("xihu-jinhui-zhulao")),
    ("project", "小候鸟", P("xihu-guanai-xiaohouniao")),
    ("project", "光明伴行", P("gongshu-yangguang-guangming-banxing")),
    ("project", "时间银行", P("meilan-jinhui-shijian-yinhang")),
    ("project", "荔枝助销", P("qiongshan-xiangcun-lizhi")),
    ("project", "博鳌", P("qionghai-local-boao")),
    ("project", "七彩假期", P("qionghai-guanai-qicai-jiaqi")),
    ("project", "手语", P("haikou-yangguang-shouyu")),
    ("story", "教奶奶认出“假孙子”", S("xihu-yinling-ketang-xuyiming")),
    ("story", "荔枝季里的二十一天", S("qiongshan-lizhi-wuqing")),
    ("page", "关于我们", "/about/"),
    ("two words", "西湖 金晖", P("xihu-jinhui-zhulao")),
    # nonsense, and real characters that make no word here
    ("none", "不存在的词语xyz", None),
    ("none", "马拉松", None),
    ("none", "量子计算机", None),
    ("none", "火星基地", None),
    ("none", "西湖龙井", None),
    ("none", "松阳马拉松", None),
    ("none", "qwerty", None),
    ("none", "金晖 足球", None),
]


def table(rows: Iterable[tuple[str, bool, bool, bool | None]]) -> str:
    """kind → hits at 1, hits at 3 (of queries with an answer), none correct (of nonsense)."""
    by_kind: dict[str, list[int]] = {}
    for kind, at1, at3, none_ok in rows:
        counts = by_kind.setdefault(kind, [0, 0, 0, 0, 0])
        if none_ok is None:
            counts[0] += at1
            counts[1] += at3
            counts[2] += 1
        else:
            counts[3] += none_ok
            counts[4] += 1
    lines = ["| kind | queries | hits at 1 | hits at 3 | none correct |", "|---|---|---|---|---|"]
    total = [0, 0, 0, 0, 0]
    for kind, c in by_kind.items():
        total = [t + x for t, x in zip(total, c, strict=True)]
        lines.append(f"| {kind} | {c[2] + c[4]} | {c[0]}/{c[2]} | {c[1]}/{c[2]} | {c[3]}/{c[4]} |")
    lines.append(
        f"| all | {total[2] + total[4]} | {total[0]}/{total[2]} | {total[1]}/{total[2]} | {total[3]}/{total[4]} |"
    )
    return "\n".join(lines)


