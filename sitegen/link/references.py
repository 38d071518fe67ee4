"""References between records, and which file holds each region's ledger entry.

One mistake, one diagnostic: a record that exists but failed validation is reported once, at
its own file, and references to it stay quiet (the build fails on that one error anyway); a
file whose name and `region` disagree is reported once, at that file, with both place names
and the move that fixes it — never at the innocent file whose region it took.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.domain.divisions import DivisionTable
from sitegen.load.records import Record

CODE_RE = re.compile(r"^\d{6}$")


@dataclass
class Ledger:
    """The association holding each region code, and the codes references may not be told
    about again (their file already has an error that explains them)."""

    associations: dict[str, Record] = field(default_factory=dict)
    quiet: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def ledger(records: Iterable[Record], divisions: DivisionTable, referenced: Counter[str], failed: Iterable[str]) -> Ledger:
    """Hold each region by one record: the one in the file named after it, else the first by
    path. `referenced` counts the references to each code; `failed` are the codes of files that
    failed to load."""
    result = Ledger(quiet=set(failed))
    groups: dict[str, list[Record]] = {}
    for record in sorted(records, key=lambda r: r.source.rel):
        groups.setdefault(record.key, []).append(record)
    for key, group in groups.items():
        holder = next((r for r in group if r.source.slug == key), group[0])
        result.associations[key] = holder
        for other in group:
            if other is not holder:
                result.diagnostics.append(_taken(other, holder, divisions))
                if CODE_RE.match(other.source.slug):
                    result.quiet.add(other.source.slug)
    for key, holder in result.associations.items():
        stem = holder.source.slug
        if stem == key:
            continue
        line, col = holder.position("region")
        if not CODE_RE.match(stem) or stem not in divisions or stem in result.associations:
            result.diagnostics.append(warning(holder.path, line, col, "file-name", f"协会文件应以区划代码命名：请把文件改名为 {key}.yaml"))
            continue
        named, written = _place(stem, divisions), _place(key, divisions)
        if referenced[stem]:
            result.quiet.add(stem)
            result.diagnostics.append(
                error(holder.path, line, col, "file-name", f"文件名 {stem}.yaml 是{named}，但 region 写的是 {key}（{written}），而另有 {referenced[stem]} 处引用了协会 {stem}：如果这是{named}的台账，请把 region 改为 \"{stem}\"；如果是{written}的，请把文件改名为 {key}.yaml，并改正那些引用")
            )
        else:
            result.diagnostics.append(
                warning(holder.path, line, col, "file-name", f"文件名 {stem}.yaml 是{named}，但 region 写的是 {key}（{written}）：如果这是{written}的台账，请把文件改名为 {key}.yaml；如果是{named}的，请把 region 改为 \"{stem}\"")
            )
    return result


def _taken(record: Record, holder: Record, divisions: DivisionTable) -> Diagnostic:
    """A second record for a region: blamed on the file not named after it, with the move."""
    key, stem = record.key, record.source.slug
    line, col = record.position("region")
    place = _place(key, divisions)
    if CODE_RE.match(stem) and stem in divisions and stem != key:
        named = _place(stem, divisions)
        return error(record.path, line, col, "duplicate-key", f"文件名 {stem}.yaml 是{named}，但 region 写的是 {key}（{place}），而{place}已在 {holder.source.rel} 中登记：如果这是{named}的台账，请把 region 改为 \"{stem}\"")
    return error(record.path, line, col, "duplicate-key", f"区划代码 {key}（{place}）已在 {holder.source.rel} 中登记，每个区划只能有一个协会记录（重建的协会请更新原记录）")


def _place(code: str, divisions: DivisionTable) -> str:
    return divisions.full_name(code) if code in divisions else code


def references(records: Iterable[Record]) -> Counter[str]:
    """How often each association code is referenced by projects and stories."""
    found: Counter[str] = Counter()
    for record in records:
        if record.kind in ("project", "story") and record.data.association:
            found[record.data.association] += 1
    return found


def check_association_ref(record: Record, associations: Mapping[str, Record], quiet: set[str]) -> list[Diagnostic]:
    region = record.data.association
    if region is None or region in associations or region in quiet:
        return []
    line, col = record.position("association")
    return [error(record.path, line, col, "unknown-reference", f"协会“{region}”不存在：content/associations/ 下没有区划代码为 {region} 的协会，请核对代码或先添加该协会")]


def check_project_ref(record: Record, projects: Mapping[str, Record], quiet: set[str]) -> list[Diagnostic]:
    slug = record.data.project
    if slug is None or slug in quiet:
        return []
    target = projects.get(slug)
    if target is None:
        line, col = record.position("project")  # only when reported: it parses the file again
        return [error(record.path, line, col, "unknown-reference", f"项目“{slug}”不存在：content/projects/ 下没有 {slug}.yaml，请核对项目文件名")]
    host = target.data.association
    if record.data.association and host != record.data.association:
        line, col = record.position("project")
        return [warning(record.path, line, col, "reference-mismatch", f"项目“{slug}”由协会 {host} 承办，与本文的 association {record.data.association} 不一致，请核对")]
    return []
