"""`sitegen import`: a ledger workbook (or CSV) into the site's YAML records.

Each row becomes the record it names (an association by its region code, a project by its file
name), merged over the existing file if there is one: the workbook decides the fields it has
columns for (an empty cell removes the field), the list sheets decide the lists they hold for
the associations they name, and everything else in the file stays. The merged records then go
through the same checks as YAML files (`load/validate.py`, `records.check_record`,
`registry.check`, the privacy scan): every problem is reported at its cell, with the code and
message a YAML file would get, and the sheet, the column letter and header named. With any
error nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.authoring import cellvalues, changes, workbook
from sitegen.authoring.workbook import Place, Row, Table
from sitegen.diagnostics import Diagnostic, error, has_errors, sort_diagnostics
from sitegen.domain import ledger, privacy
from sitegen.domain.divisions import load_divisions
from sitegen.load import registry
from sitegen.load.config import SiteConfig
from sitegen.load.fieldtypes import REGION_RE
from sitegen.load.models import MODELS
from sitegen.load.records import Record, check_record, load_config, load_record
from sitegen.load.sources import KINDS, SLUG_RE, SourceFile, decode, suggest_slug
from sitegen.load.validate import validate_model
from sitegen.load.yamlsafe import Locator, load_yaml


@dataclass
class Entry:
    """One record the workbook touches: its data so far and where each value came from."""

    kind: str
    key: str
    key_place: Place
    data: dict[str, Any]
    places: list[Place] = field(default_factory=list)  # index + 1 is a fake line number
    locator: Locator = field(default_factory=Locator)
    existing: Record | None = None
    existing_text: str | None = None

    def __post_init__(self) -> None:
        self.places.append(self.key_place)
        self.locator.values[()] = (1, 1)

    def note(self, path: tuple[str | int, ...], place: Place) -> None:
        self.places.append(place)
        self.locator.values.setdefault(path, (len(self.places), 1))
        for cut in range(1, len(path)):  # a nested mapping stands where its first value does
            self.locator.values.setdefault(path[:cut], (len(self.places), 1))


@dataclass
class ImportPlan:
    changes: list[changes.Change]
    diagnostics: list[Diagnostic]
    rows: int = 0
    untouched: int = 0

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


class _Importer:
    def __init__(self, src: Path, config: SiteConfig, display: str) -> None:
        self.src, self.config, self.display = src, config, display
        self.divisions = load_divisions()
        self.context = {"config": config, "divisions": self.divisions}
        self.vocabularies = ledger.vocabularies(config)
        self.problems: list[Diagnostic] = []
        self.entries: dict[tuple[str, str], Entry] = {}
        self.existing: dict[tuple[str, str], Record | None] = {}
        self.raw: dict[tuple[str, str], tuple[str, Any]] = {}

    # --- reading the existing site --------------------------------------------------------

    def _target(self, kind: str, key: str) -> Path:
        folder, suffix = KINDS[kind]
        return self.src / "content" / folder / f"{key}{suffix}"

    def existing_record(self, kind: str, key: str) -> Record | None:
        """The record in the site's file for `key` (None if there is none, or it is broken)."""
        if (kind, key) not in self.existing:
            path = self._target(kind, key)
            record = None
            if _names_a_file(kind, key) and path.is_file():
                text, problems = decode(path.read_bytes(), path)
                if text is not None:
                    parsed = load_yaml(text, str(path))
                    self.raw[(kind, key)] = (text, parsed.data if parsed.ok else None)
                    source = SourceFile(path, path.relative_to(self.src).as_posix(), kind, key, text)
                    record, _ = load_record(source, self.context)
                else:
                    self.raw[(kind, key)] = ("", None)
            self.existing[(kind, key)] = record
        return self.existing[(kind, key)]

    def all_associations(self) -> dict[str, Record]:
        """Every association file of the site, valid ones only (for serials and references)."""
        found = {}
        for path in sorted((self.src / "content" / "associations").glob("*.yaml")):
            record = self.existing_record("association", path.stem)
            if record is not None:
                found[record.key] = record
        return found

    # --- cells ------------------------------------------------------------------------------

    def value(self, sheet: ledger.Sheet, column: ledger.Column, raw: Any, place: Place) -> tuple[bool, Any]:
        """(readable, value) of one cell; an unreadable cell is reported here."""
        labels = self.vocabularies.of(sheet, column)
        try:
            return True, cellvalues.convert(raw, column.kind, labels, column.length)
        except cellvalues.CellProblem as problem:
            code = "invalid-date" if column.kind == ledger.DATE else "invalid-value"
            self.problems.append(error(self.display, place.row, place.col, code, f"{place.describe()}：{problem}"))
            return False, None

    def key_of(self, table: Table, row: Row) -> tuple[str | None, Place]:
        raw, place = row.values[table.sheet.key]
        ok, key = self.value(table.sheet, table.sheet.key, raw, place)
        if ok and not key:
            what = "区划代码" if table.sheet.kind == "association" else "文件名"
            self.problems.append(error(self.display, place.row, place.col, "missing-field", f"{place.describe()}：这一行有内容但没有{what}，请补上"))
        return (str(key) if ok and key else None), place

    # --- building entries ---------------------------------------------------------------------

    def entry(self, kind: str, key: str, place: Place) -> Entry:
        found = self.entries.get((kind, key))
        if found is None:
            existing = self.existing_record(kind, key)
            text, raw = self.raw.get((kind, key), (None, None))
            if text is not None and raw is None:
                self.problems.append(error(self.display, place.row, place.col, "invalid-value", f"{place.describe()}：现有文件 {self._target(kind, key).relative_to(self.src).as_posix()} 无法读取（YAML 语法或编码错误），请先用 sitegen check 找出并改正，再导入"))
            data = _copy(raw) if isinstance(raw, dict) else {}
            found = self.entries[(kind, key)] = Entry(kind, key, place, data, existing=existing, existing_text=text)
        return found

    def record_rows(self, table: Table) -> None:
        seen: dict[str, Place] = {}
        for row in table.rows:
            key, place = self.key_of(table, row)
            if key is None:
                continue
            if key in seen:
                first = seen[key]
                self.problems.append(error(self.display, place.row, place.col, "duplicate-key", f"{place.describe()}：“{key}”已在第 {first.row} 行出现，每条记录只能占一行"))
                continue
            seen[key] = place
            if table.sheet.kind == "project" and not SLUG_RE.match(key):
                self.problems.append(error(self.display, place.row, place.col, "file-name", f"{place.describe()}：文件名“{key}”只能包含小写字母、数字和连字符，建议改为 {suggest_slug(key)}"))
                continue
            entry = self.entry(table.sheet.kind, key, place)
            if table.sheet.kind == "association":
                entry.data["region"] = key
            for column in table.sheet.columns:
                if column in row.values:
                    self.assign(entry, entry.data, (), table.sheet, column, *row.values[column])

    def assign(self, entry: Entry, target: dict[str, Any], prefix: tuple[str | int, ...], sheet: ledger.Sheet, column: ledger.Column, raw: Any, place: Place) -> None:
        ok, value = self.value(sheet, column, raw, place)
        if not ok:
            return
        *parents, name = column.path
        node = target
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                if value is None:
                    return
                child = node[part] = {}
            node = child
        if value is None:
            node.pop(name, None)
            _prune(target, column.path[:-1])
        else:
            before = node.get(name)
            if not (isinstance(before, str) and isinstance(value, str) and before.rstrip() == value.rstrip()):
                node[name] = value  # a cell cannot show a text block's final line break: keep it
            entry.note((*prefix, *column.path), place)

    def list_rows(self, table: Table, named: set[str]) -> None:
        """A list sheet: its rows by owner; owners in the 协会 sheet get their whole list."""
        sheet = table.sheet
        by_owner: dict[str, list[Row]] = defaultdict(list)
        places: dict[str, Place] = {}
        for row in table.rows:
            key, place = self.key_of(table, row)
            if key is None:
                continue
            by_owner[key].append(row)
            places.setdefault(key, place)
        for key in sorted(named | set(by_owner)):
            if key not in named and self.existing_record("association", key) is None and ("association", key) not in self.entries:
                place = places[key]
                text, _ = self.raw.get(("association", key), (None, None))
                if text is None:
                    self.problems.append(error(self.display, place.row, place.col, "unknown-reference", f"{place.describe()}：协会“{key}”既不在“{ledger.ASSOCIATIONS.name}”表中，也没有台账文件 content/associations/{key}.yaml"))
                    continue
            entry = self.entries.get(("association", key)) or self.entry("association", key, places[key])
            old = _get(entry.data, sheet.list_path)
            items = []
            for index, row in enumerate(by_owner.get(key, [])):
                item = _copy(old[index]) if isinstance(old, list) and index < len(old) and isinstance(old[index], dict) else {}
                prefix = (*sheet.list_path, index)
                entry.note(prefix, row.values[sheet.key][1])
                for column in sheet.columns:
                    if column in row.values:
                        self.assign(entry, item, prefix, sheet, column, *row.values[column])
                items.append(item)
            if items or _get(entry.data, sheet.list_path) is not None:
                _put(entry.data, sheet.list_path, items)

    # --- checking -------------------------------------------------------------------------------

    def check(self) -> list[tuple[Entry, Record]]:
        checked: list[tuple[Entry, Record]] = []
        by_path: dict[str, Entry] = {}
        found: list[Diagnostic] = []
        allow = self.config.privacy.allow
        for number, entry in enumerate(self.entries.values()):
            pseudo = f"{self.display}#{number}"
            by_path[pseudo] = entry
            model = MODELS[entry.kind]
            data, problems = validate_model(model, entry.data, entry.locator, pseudo, self.context)
            found += problems
            found += self._privacy(entry, pseudo, allow)
            if data is None:
                continue
            rel = self._target(entry.kind, entry.key).relative_to(self.src).as_posix()
            source = SourceFile(Path(pseudo), rel, entry.kind, entry.key, "")
            record = Record(entry.kind, data.region if entry.kind == "association" else entry.key, source, data, entry.locator)
            found += [d for d in check_record(record, self.src) if d.code != "file-name" or entry.kind == "project"]
            found += registry.check(record, self.divisions)
            checked.append((entry, record))
        found += self._cross_checks(checked)
        self.problems += [self._at_cell(d, by_path) for d in found]
        return checked

    def _privacy(self, entry: Entry, pseudo: str, allow: Any) -> list[Diagnostic]:
        problems = []
        for line in range(1, len(entry.places) + 1):
            value = _cell_text(entry, line)
            if not value:
                continue
            phone = [(1, 1)] if _is_phone(entry, line) else []
            for hit in privacy.scan(value, pseudo, allow, phone):
                problems.append(Diagnostic(pseudo, line, 1, hit.severity, hit.code, hit.message))
        return problems

    def _cross_checks(self, checked: list[tuple[Entry, Record]]) -> list[Diagnostic]:
        mine = {record.key for _, record in checked if record.kind == "association"}
        associations = self.all_associations()
        others = [r for key, r in associations.items() if key not in mine]
        problems = [d for d in registry.duplicate_serials([*(r for _, r in checked), *others]) if "#" in d.path]
        known = mine | set(associations)
        for _, record in checked:
            if record.kind == "project" and record.data.association not in known:
                line, col = record.position("association")
                problems.append(error(record.path, line, col, "unknown-reference", f"协会“{record.data.association}”不存在：工作簿和 content/associations/ 中都没有这个区划代码的协会，请核对代码或先添加该协会"))
        return problems

    def _at_cell(self, diagnostic: Diagnostic, by_path: dict[str, Entry]) -> Diagnostic:
        entry = by_path.get(diagnostic.path)
        if entry is None:
            return diagnostic
        place = entry.places[diagnostic.line - 1] if 0 < diagnostic.line <= len(entry.places) else entry.key_place
        message = f"{place.describe()}：{diagnostic.message}"
        return Diagnostic(self.display, place.row, place.col, diagnostic.severity, diagnostic.code, message)


def _names_a_file(kind: str, key: str) -> bool:
    """A key that can name a record's file: never a path that leaves content/<kind>/."""
    return bool(REGION_RE.match(key) if kind == "association" else SLUG_RE.match(key))


def _cell_text(entry: Entry, line: int) -> str | None:
    """The text of the value noted at fake line `line` (for the privacy scan)."""
    for path, (at, _) in entry.locator.values.items():
        if at == line and path:
            value = _get(entry.data, path)
            return value if isinstance(value, str) else None
    return None


def _is_phone(entry: Entry, line: int) -> bool:
    return entry.locator.values.get(("contact", "phone"), (0, 0))[0] == line


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _prune(data: dict[str, Any], path: tuple[str, ...]) -> None:
    """Remove mappings left empty along `path` (a contact with no field left is no contact)."""
    for cut in range(len(path), 0, -1):
        node = _get(data, path[:cut])
        if isinstance(node, dict) and not node:
            parent = _get(data, path[: cut - 1]) if cut > 1 else data
            parent.pop(path[cut - 1], None)


def plan_import(src: Path, path: Path, display: str) -> ImportPlan:
    """What importing `path` into SRC would add and change, or the problems that prevent it."""
    config, problems = load_config(src)
    if config is None:
        return ImportPlan([], problems)
    tables, problems = workbook.read(path, display)
    importer = _Importer(src, config, display)
    importer.problems += problems
    by_sheet = {table.sheet.name: table for table in tables}
    if not tables and not has_errors(problems):
        importer.problems.append(error(display, 1, 1, "workbook", f"工作簿中没有台账的表：请把协会放在名为“{ledger.ASSOCIATIONS.name}”的表中（项目放在“{ledger.PROJECTS.name}”表中），或用 sitegen template 生成模板"))
    main = by_sheet.get(ledger.ASSOCIATIONS.name)
    if main is not None:
        importer.record_rows(main)
    named = {key for kind, key in importer.entries if kind == "association"}
    for sheet in ledger.LIST_SHEETS:
        if sheet.name in by_sheet:
            importer.list_rows(by_sheet[sheet.name], named)
    if ledger.PROJECTS.name in by_sheet:
        importer.record_rows(by_sheet[ledger.PROJECTS.name])
    checked = importer.check()
    plan = ImportPlan([], sort_diagnostics(importer.problems), rows=sum(len(t.rows) for t in tables))
    if plan.ok:
        plan.changes = [changes.describe(entry.kind, importer._target(entry.kind, entry.key), record, entry.existing, entry.existing_text, importer.context, display) for entry, record in checked]
        associations = {p.stem for p in (src / "content" / "associations").glob("*.yaml")}
        plan.untouched = len(associations - {c.key for c in plan.changes if c.kind == "association"})
    return plan


