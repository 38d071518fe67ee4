"""Load: parse every source file, validate it alone, and apply the per-record rules.

Produces `Record` values (one per content file) and all diagnostics found on the way.
References between records are resolved later, in `link.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import urlsplit

from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.domain import privacy
from sitegen.domain.divisions import DivisionTable, load_divisions
from sitegen.domain.scope import scope_problems
from sitegen.load import beian, fullwidth, registry
from sitegen.load.config import CONFIG_FILE, SiteConfig, search_language_problem
from sitegen.load.models import MODELS, VALIDITY_ENDS, Association, Page, Project, Story
from sitegen.load.record import Record
from sitegen.load.sources import (
    SLUG_RE,
    SourceFile,
    decode,
    discover,
    read_bounded,
    split_front_matter,
    suggest_slug,
)
from sitegen.load.validate import field_label, validate_model
from sitegen.load.yamlsafe import Locator, YamlResult, load_yaml
from sitegen.pool import fork_map

Content = Association | Project | Story | Page


def load_config(src: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    path = src / CONFIG_FILE
    if not path.is_file():
        return None, [error(path, 1, 1, "config", f"找不到站点配置文件 {CONFIG_FILE}，请在站点根目录创建它（至少包含 title 和 base_url）")]
    data, problems = read_bounded(path)
    text, more = decode(data, path) if data is not None else (None, [])
    if text is None:
        return None, problems + more
    parsed = load_yaml(text, str(path))
    if not parsed.ok:
        return None, parsed.diagnostics
    config, problems = validate_model(SiteConfig, parsed.data, parsed.locator, str(path), code="config")
    allow = config.privacy.allow if config else ()
    found = privacy.scan(text, path, allow)
    problems += found + privacy.scan_values(parsed.data, parsed.locator.value, path, allow, already=found)
    if config is not None:
        for index, message in scope_problems(config.scope, load_divisions()):
            line, col = parsed.locator.value(("scope", index))
            problems.append(error(path, line, col, "config", f"scope：{message}"))
            config = None
    if config is not None and config.search and (problem := search_language_problem(config.language)):
        line, col = parsed.locator.value(("language",))
        problems.append(warning(path, line, col, "config", problem))
    if config is not None and config.theme != "default" and not (src / "themes" / config.theme).is_dir():
        line, col = parsed.locator.value(("theme",))
        problems.append(error(path, line, col, "config", f"找不到主题“{config.theme}”：请创建 themes/{config.theme}/ 目录，或删除 theme 使用默认主题"))
        config = None
    return config, parsed.diagnostics + problems


def config_problems(src: Path, config: SiteConfig) -> list[Diagnostic]:
    """What `check` says about publishing: a site on a domain of its own without an ICP number
    (a warning), a share image that is not there (an error). `config` is the effective one
    (`--base-url` applied); positions come from sitegen.yaml as written."""
    path = src / CONFIG_FILE
    try:
        parsed = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError):
        return []
    locator = parsed.locator
    problems = []
    host = urlsplit(config.base_url).hostname
    if beian.own_domain(host) and not config.beian.icp:
        line, col = locator.value(("beian",)) if ("beian",) in locator.values else locator.value(("base_url",))
        problems.append(warning(path, line, col, "config", (
            f"网站地址 {config.base_url} 是自己的域名（{host}），但没有填写 ICP 备案号：在中国大陆发布的网站必须在每页底部显示备案号。"
            f"请在 sitegen.yaml 的 beian 中填写 icp（例如 icp: {beian.ICP_EXAMPLE}），上线后 30 天内再填 police 公安联网备案号；网站不在中国大陆发布时可以不填"
        )))  # fmt: skip
    if config.share_image and not (src / "static" / config.share_image).is_file():
        line, col = locator.value(("share_image",))
        problems.append(error(path, line, col, "missing-file", f"分享图 static/{config.share_image} 不存在：请把图片放到这个位置，或改正 share_image"))
    return problems


FileLoaded = tuple["Record | None", list[Diagnostic]]  # one file: its record (if valid), its problems


class LoadCache(Protocol):
    """What an earlier build loaded from a file with the same text (the build cache)."""

    def get(self, source: SourceFile) -> FileLoaded | None: ...

    def put(self, source: SourceFile, loaded: FileLoaded) -> None: ...


@dataclass(frozen=True)
class Loaded:
    records: list[Record]
    failed: frozenset[tuple[str, str]]  # (kind, key) of files that exist but did not load
    diagnostics: list[Diagnostic]


def load_records(
    src: Path, config: SiteConfig, divisions: DivisionTable, cache: LoadCache | None = None, jobs: int = 1
) -> Loaded:
    """Every content record, checked; with a cache, unchanged files are not parsed again.
    Files to parse are parsed in `jobs` forked processes (each file alone: YAML, the model,
    the privacy scan), then checked here in path order. The keys of files that failed are
    kept, so references to them are not reported again."""
    sources, diagnostics = discover(src)
    context = {"config": config, "divisions": divisions, "statics": StaticFiles(src)}
    found = [cache.get(source) if cache is not None else None for source in sources]
    todo = [index for index, loaded in enumerate(found) if loaded is None]
    parsed = fork_map(lambda index: load_record(sources[index], context), todo, jobs)
    for index, loaded in zip(todo, parsed, strict=True):
        found[index] = loaded
        if cache is not None:
            cache.put(sources[index], loaded)
    records: list[Record] = []
    failed: set[tuple[str, str]] = set()
    for source, loaded in zip(sources, found, strict=True):
        record, problems, claimed = _checked(source, loaded, src, context)  # type: ignore[arg-type]
        diagnostics.extend(problems)
        if record is not None:
            records.append(record)
        failed.update(claimed)
    diagnostics.extend(registry.duplicate_serials(records))
    return Loaded(records, frozenset(failed), diagnostics)


def load_file(
    source: SourceFile, src: Path, context: dict[str, Any], cache: LoadCache | None = None
) -> tuple[Record | None, list[Diagnostic], set[tuple[str, str]]]:
    """One file, checked alone: its record (None if it failed), its problems, and the
    (kind, key) it would have had if it failed. `load_records` does this for every file; the
    dev server again for the file saved. Rules across files (duplicate serials) are not here."""
    loaded = cache.get(source) if cache is not None else None
    if loaded is None:
        loaded = load_record(source, context)
        if cache is not None:
            cache.put(source, loaded)
    return _checked(source, loaded, src, context)


def _checked(
    source: SourceFile, loaded: FileLoaded, src: Path, context: dict[str, Any]
) -> tuple[Record | None, list[Diagnostic], set[tuple[str, str]]]:
    record, problems = loaded
    if record is None:
        return None, list(problems), {(source.kind, key) for key in claimed_keys(source)}
    return record, [*problems, *check_record(record, src, context.get("statics")), *registry.check(record, context["divisions"])], set()


_REGION_LINE_RE = re.compile(r"""^region[ \t]*[:：][ \t]*["']?(\d{6})\b""", re.MULTILINE)


def claimed_keys(source: SourceFile) -> set[str]:
    """The keys a file that failed to load would have had: its name, and for an association
    the code its `region` line names, read without parsing."""
    keys = {source.slug}
    if source.kind == "association":
        keys.update(_REGION_LINE_RE.findall(source.text))
    return keys


def load_record(source: SourceFile, context: dict[str, Any]) -> tuple[Record | None, list[Diagnostic]]:
    """Parse, validate and privacy-scan one file alone: its text, its parsed values, its name."""
    record, problems, parsed = _parse_and_validate(source, context)
    config = context.get("config")
    allow = config.privacy.allow if config is not None else ()
    official = ("contact", "phone") if source.kind == "association" else None
    phones: list[privacy.PhoneSpan] = []
    if parsed is not None and official is not None and (at := parsed.locator.values.get(official)):
        value = parsed.data.get("contact", {}).get("phone") if isinstance(parsed.data, dict) and isinstance(parsed.data.get("contact"), dict) else None
        width = len(str(value)) + 2 if isinstance(value, str | int) else 1  # quotes included
        phones.append((at[0], at[1], at[1] + width))
    found = privacy.scan(source.text, source.path, allow, phones)
    if parsed is not None and parsed.ok:
        found += privacy.scan_values(parsed.data, parsed.locator.value, source.path, allow, official, already=found)
    found += privacy.scan_name(source.rel, source.path, allow)
    return record, problems + found


def locate(source: SourceFile) -> Locator:
    """Where each key and value of a content file stands (parsed again, for diagnostics)."""
    if source.kind in ("story", "page"):
        front, _ = split_front_matter(source)
        if front is None:
            return Locator()
        return load_yaml(front.yaml_text, str(source.path), front.yaml_line_offset).locator
    return load_yaml(source.text, str(source.path)).locator


def _parse_and_validate(source: SourceFile, context: dict[str, Any]) -> tuple[Record | None, list[Diagnostic], YamlResult | None]:
    path = str(source.path)
    body, first_line = "", 1
    yaml_text, offset = source.text, 0
    if source.kind in ("story", "page"):
        front, problems = split_front_matter(source)
        if front is None:
            return None, problems, None
        yaml_text, offset = front.yaml_text, front.yaml_line_offset
        body, first_line = front.body, front.body_first_line
    parsed = load_yaml(yaml_text, path, offset)
    if not parsed.ok:
        return None, parsed.diagnostics, parsed
    model = MODELS[source.kind]
    data, problems = validate_model(model, parsed.data, parsed.locator, path, context)
    if data is None:
        return None, parsed.diagnostics + fullwidth.explain(yaml_text, offset, path, problems), parsed
    record = make_record(source, data, parsed.locator, body, first_line)
    return record, parsed.diagnostics + problems, parsed


def make_record(source: SourceFile, data: Any, locator: Locator, body: str = "", body_first_line: int = 1) -> Record:
    """The record of a validated file: keyed by region (associations) or file slug."""
    key = data.region if source.kind == "association" else source.slug
    return Record(source.kind, key, source, data, locator, body, body_first_line)


def check_record(record: Record, src: Path, statics: StaticFiles | None = None) -> list[Diagnostic]:
    """Rules of one record that span fields, its file name and the files it names."""
    statics = statics or StaticFiles(src)
    problems: list[Diagnostic] = []
    data, path = record.data, record.path
    if record.kind == "association":
        problems += _association_rules(record)  # its file name is checked with the others' (link)
    elif not SLUG_RE.match(record.source.slug):
        problems.append(
            error(path, 1, 1, "file-name", f"文件名“{record.source.path.name}”只能包含小写字母、数字和连字符，建议改为 {suggest_slug(record.source.slug)}{record.source.path.suffix}")
        )
    if record.kind == "project":
        for index, image in enumerate(data.images):
            problems += _static_file(record, statics, image, ("images", index))
    if record.kind == "story" and data.cover:
        problems += _static_file(record, statics, data.cover, ("cover",))
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


class StaticFiles:
    """Whether static/<path> is a file inside static/, for one load: each folder is resolved
    once, not every image path (15,000 images cost 1 s of a national build)."""

    def __init__(self, src: Path) -> None:
        self.static = src / "static"
        self._root: Path | None = None
        self._folders: dict[Path, Path] = {}
        self._answers: dict[str, bool] = {}

    def has(self, value: str) -> bool:
        found = self._answers.get(value)
        if found is None:
            found = self._answers[value] = self._inside(self.static / value)
        return found

    def _inside(self, target: Path) -> bool:
        if self._root is None:
            self._root = self.static.resolve()
        if not target.is_file():
            return False
        if target.is_symlink():
            return target.resolve().is_relative_to(self._root)
        folder = self._folders.get(target.parent)
        if folder is None:
            folder = self._folders[target.parent] = target.parent.resolve()
        return folder.is_relative_to(self._root)


def _static_file(record: Record, statics: StaticFiles, value: str, loc: tuple[str | int, ...]) -> list[Diagnostic]:
    pure = PurePosixPath(value)
    parts = value.split("/")
    if value.startswith(("/", "\\")) or ".." in pure.parts or "\\" in value or ":" in value or "\x00" in value or any(p in ("", ".") for p in parts):
        line, col = record.position(*loc)
        return [error(record.path, line, col, "invalid-value", f"图片路径“{value}”应写成 static/ 目录下的相对路径，例如 img/a.png（不要以 / 开头或结尾，不能含 .. 或连续的 /）")]
    if not statics.has(pure.as_posix()):
        line, col = record.position(*loc)
        return [error(record.path, line, col, "missing-file", f"找不到文件 static/{value}，请先把图片放到 static/ 目录下，或改正路径")]
    return []


@dataclass(frozen=True)
class LedgerDate:
    """The day the figures are "as of", and where it came from (for `check` to say)."""

    day: date
    source: str


def ledger_date(records: list[Record]) -> LedgerDate | None:
    """The latest date field of any association record, nested ones included (trainings,
    `volunteers.as_of`, `joined` …). Stories, projects and pages never move it: adding a story
    must not re-date a single figure."""
    latest: tuple[date, Record, tuple[str | int, ...]] | None = None
    for record in sorted(records, key=lambda r: r.source.rel):
        if record.kind != "association" or record.draft:
            continue
        for loc, value in _dates(record.data.model_dump(), ()):
            if latest is None or value > latest[0]:
                latest = (value, record, loc)
    if latest is None:
        return None
    day, record, loc = latest
    line, _ = record.position(*loc)
    return LedgerDate(day, f"{record.source.rel} 第 {line} 行的 {field_label(loc)}，即协会台账中最晚的日期")


def _dates(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], date]]:
    if isinstance(value, date):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in VALIDITY_ENDS:  # expiry dates are not events of the ledger
                yield from _dates(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _dates(item, (*loc, index))
