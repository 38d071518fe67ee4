"""Load: parse every source file, validate it alone, and apply the per-record rules.

Produces `Record` values (one per content file) and all diagnostics found on the way.
References between records are resolved later, in `link.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.domain import privacy
from sitegen.domain.divisions import DivisionTable
from sitegen.load import registry
from sitegen.load.config import CONFIG_FILE, SiteConfig
from sitegen.load.models import MODELS, VALIDITY_ENDS, Association, Page, Project, Story
from sitegen.load.sources import (
    SLUG_RE,
    SourceFile,
    decode,
    discover,
    split_front_matter,
    suggest_slug,
)
from sitegen.load.validate import validate_model
from sitegen.load.yamlsafe import Locator, load_yaml

if TYPE_CHECKING:
    from sitegen.incremental.record_cache import RecordCache

Content = Association | Project | Story | Page


@dataclass(frozen=True)
class Record:
    """One validated content record and where it came from."""

    kind: str
    key: str  # region code for associations, file slug otherwise
    source: SourceFile
    data: Any  # the kind's model: Association | Project | Story | Page
    locator: Locator
    body: str = ""
    body_first_line: int = 1

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def draft(self) -> bool:
        return bool(getattr(self.data, "draft", False))

    def position(self, *loc: str | int) -> tuple[int, int]:
        return self.locator.value(tuple(loc))


def load_config(src: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    path = src / CONFIG_FILE
    if not path.is_file():
        return None, [error(path, 1, 1, "config", f"找不到站点配置文件 {CONFIG_FILE}，请在站点根目录创建它（至少包含 title 和 base_url）")]
    text, problems = decode(path.read_bytes(), path)
    if text is None:
        return None, problems
    parsed = load_yaml(text, str(path))
    if not parsed.ok:
        return None, parsed.diagnostics
    config, problems = validate_model(SiteConfig, parsed.data, parsed.locator, str(path), code="config")
    problems += privacy.scan(text, path, config.privacy.allow if config else ())
    if config is not None and config.theme != "default" and not (src / "themes" / config.theme).is_dir():
        line, col = parsed.locator.value(("theme",))
        problems.append(error(path, line, col, "config", f"找不到主题“{config.theme}”：请创建 themes/{config.theme}/ 目录，或删除 theme 使用默认主题"))
        config = None
    return config, parsed.diagnostics + problems


def load_records(
    src: Path, config: SiteConfig, divisions: DivisionTable, cache: RecordCache | None = None
) -> tuple[list[Record], list[Diagnostic]]:
    """Every content record, checked; with a cache, unchanged files are not parsed again."""
    sources, diagnostics = discover(src)
    context = {"config": config, "divisions": divisions}
    records: list[Record] = []
    for source in sources:
        loaded = cache.get(source) if cache is not None else None
        if loaded is None:
            loaded = load_record(source, context)
            if cache is not None:
                cache.put(source, loaded)
        record, problems = loaded
        diagnostics.extend(problems)
        if record is not None:
            diagnostics.extend(check_record(record, src))
            diagnostics.extend(registry.check(record, divisions))
            records.append(record)
    diagnostics.extend(_duplicate_regions(records))
    diagnostics.extend(registry.duplicate_serials(records))
    return records, diagnostics


def load_record(source: SourceFile, context: dict[str, Any]) -> tuple[Record | None, list[Diagnostic]]:
    """Parse, validate and privacy-scan one file alone."""
    record, problems, locator = _parse_and_validate(source, context)
    phone = locator.values.get(("contact", "phone")) if locator and source.kind == "association" else None
    config = context.get("config")
    allow = config.privacy.allow if config is not None else ()
    problems += privacy.scan(source.text, source.path, allow, [phone] if phone else [])
    return record, problems


def _parse_and_validate(source: SourceFile, context: dict[str, Any]) -> tuple[Record | None, list[Diagnostic], Locator | None]:
    path = str(source.path)
    body, first_line = "", 1
    if source.kind in ("story", "page"):
        front, problems = split_front_matter(source)
        if front is None:
            return None, problems, None
        parsed = load_yaml(front.yaml_text, path, front.yaml_line_offset)
        body, first_line = front.body, front.body_first_line
    else:
        parsed = load_yaml(source.text, path)
    if not parsed.ok:
        return None, parsed.diagnostics, parsed.locator
    model = MODELS[source.kind]
    data, problems = validate_model(model, parsed.data, parsed.locator, path, context)
    if data is None:
        return None, parsed.diagnostics + problems, parsed.locator
    key = data.region if source.kind == "association" else source.slug
    record = Record(source.kind, key, source, data, parsed.locator, body, first_line)
    return record, parsed.diagnostics + problems, parsed.locator


def check_record(record: Record, src: Path) -> list[Diagnostic]:
    """Rules of one record that span fields, its file name and the files it names."""
    problems: list[Diagnostic] = []
    data, path = record.data, record.path
    if record.kind == "association":
        problems += _association_rules(record)
        if record.source.slug != data.region:
            line, col = record.position("region")
            problems.append(warning(path, line, col, "file-name", f"协会文件应以区划代码命名：请把文件改名为 {data.region}.yaml"))
    elif not SLUG_RE.match(record.source.slug):
        problems.append(
            error(path, 1, 1, "file-name", f"文件名“{record.source.path.name}”只能包含小写字母、数字和连字符，建议改为 {suggest_slug(record.source.slug)}{record.source.path.suffix}")
        )
    if record.kind == "project":
        for index, image in enumerate(data.images):
            problems += _static_file(record, src, image, ("images", index))
    if record.kind == "story" and data.cover:
        problems += _static_file(record, src, data.cover, ("cover",))
    return problems


def _association_rules(record: Record) -> list[Diagnostic]:
    data, path = record.data, record.path
    problems: list[Diagnostic] = []
    if data.status != "preparing" and data.founded is None:
        line, col = record.position()
        problems.append(error(path, line, col, "missing-field", "缺少成立日期“founded”（只有 status: preparing 筹备中的协会可以不填）"))
    if data.status == "dissolved" and data.dissolved is None:
        line, col = record.position()
        problems.append(error(path, line, col, "missing-field", "status 为 dissolved 时必须填写撤销日期“dissolved”"))
    if data.dissolved is not None and data.status != "dissolved":
        line, col = record.position("dissolved")
        problems.append(error(path, line, col, "invalid-value", "只有 status: dissolved 的协会才能填写撤销日期“dissolved”；请删除该字段或把 status 改为 dissolved"))
    if data.dissolved and data.founded and data.dissolved < data.founded:
        line, col = record.position("dissolved")
        problems.append(error(path, line, col, "invalid-value", f"撤销日期 {data.dissolved} 早于成立日期 {data.founded}，请核对"))
    return problems


def _static_file(record: Record, src: Path, value: str, loc: tuple[str | int, ...]) -> list[Diagnostic]:
    line, col = record.position(*loc)
    pure = PurePosixPath(value)
    if value.startswith(("/", "\\")) or ".." in pure.parts or "\\" in value or ":" in value or "\x00" in value:
        return [error(record.path, line, col, "invalid-value", f"图片路径“{value}”应写成 static/ 目录下的相对路径，例如 img/a.png（不要以 / 开头，不能含 ..）")]
    target = src / "static" / pure
    static_root = (src / "static").resolve()
    if not target.is_file() or not target.resolve().is_relative_to(static_root):
        return [error(record.path, line, col, "missing-file", f"找不到文件 static/{value}，请先把图片放到 static/ 目录下，或改正路径")]
    return []


def _duplicate_regions(records: list[Record]) -> list[Diagnostic]:
    seen: dict[str, Record] = {}
    problems: list[Diagnostic] = []
    for record in sorted(records, key=lambda r: r.source.rel):
        if record.kind != "association":
            continue
        first = seen.setdefault(record.key, record)
        if first is not record:
            line, col = record.position("region")
            problems.append(error(record.path, line, col, "duplicate-key", f"区划代码 {record.key} 已在 {first.source.rel} 中登记，每个区划只能有一个协会记录（重建的协会请更新原记录）"))
    return problems


def latest_content_date(records: list[Record]) -> date | None:
    """The latest date field of any non-draft record, nested ones included."""
    latest: date | None = None
    for record in records:
        if record.draft:
            continue
        for value in _dates(record.data.model_dump()):
            latest = value if latest is None or value > latest else latest
    return latest


def _dates(value: Any):
    if isinstance(value, date):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in VALIDITY_ENDS:  # expiry dates are not events of the ledger
                yield from _dates(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dates(item)
