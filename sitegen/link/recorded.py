"""The linked site's collections, which record every read (see inputs.py).

`Site` (site.py) holds its records and relations in these: reading a record's fields records
the record, asking whether a key exists records its presence, walking a kind records which
records it has and in what order, looking a relation up records that relation for that key.
Code that reads the site, views and pages and data files and domain figures alike, therefore
needs no dependency bookkeeping of its own: a new page kind or a new relation declared on
`Site` is recorded like the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

from sitegen.link import inputs
from sitegen.link.inputs import KindList, Presence, RecordInput, Relation, SiteValue, read
from sitegen.load.records import Record
from sitegen.load.sources import SourceFile
from sitegen.load.yamlsafe import Locator


class SiteRecord:
    """A record of the linked site: the loaded `Record`, read through a recording door. Its
    kind and key are its identity and cost nothing; anything it says records it."""

    __slots__ = ("_record", "_input", "kind", "key")

    def __init__(self, record: Record) -> None:
        self._record = record
        self.kind = record.kind
        self.key = record.key
        self._input = RecordInput(record.kind, record.key)

    def reseat(self, record: Record) -> None:
        """Stand for another version of the same record: same kind and key, same data, only
        its text (a story's body) differs. The dev server keeps its linked site then."""
        self._record = record

    def _read(self) -> Record:
        found = inputs.current()
        if found is not None:
            found.add(self._input)
        return self._record

    @property
    def data(self) -> Any:  # the hottest read of a build: _read() inlined
        found = inputs.current()
        if found is not None:
            found.add(self._input)
        return self._record.data

    def field(self, name: str) -> Any:
        """`data.<name>`, recorded: the views' attribute door (455,000 reads in a national 0.25
        build), one call instead of a property and a getattr."""
        found = inputs.current()
        if found is not None:
            found.add(self._input)
        return getattr(self._record.data, name)

    @property
    def source(self) -> SourceFile:
        return self._read().source

    @property
    def body(self) -> str:
        return self._read().body

    @property
    def body_first_line(self) -> int:
        return self._read().body_first_line

    @property
    def locator(self) -> Locator:
        return self._read().locator

    @property
    def path(self) -> Path:
        return self._read().path

    @property
    def draft(self) -> bool:
        return self._read().draft

    def position(self, *loc: str | int) -> tuple[int, int]:
        return self._read().position(*loc)

    def __repr__(self) -> str:
        return f"SiteRecord({self.kind}:{self.key})"


class RecordMap(Mapping[str, SiteRecord]):
    """The records of one kind by key (associations by region, projects by slug), in order."""

    def __init__(self, kind: str, records: Mapping[str, SiteRecord]) -> None:
        self.kind = kind
        self._items = dict(records)
        self._list = KindList(kind)

    def __getitem__(self, key: str) -> SiteRecord:
        read(Presence(self.kind, key))
        return self._items[key]

    def get(self, key: str, default: Any = None) -> Any:
        read(Presence(self.kind, key))
        return self._items.get(key, default)

    def __contains__(self, key: object) -> bool:
        read(Presence(self.kind, str(key)))
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        read(self._list)
        return iter(self._items)

    def __len__(self) -> int:
        read(self._list)
        return len(self._items)

    def keys(self):  # type: ignore[override]
        read(self._list)
        return self._items.keys()

    def values(self):  # type: ignore[override]
        read(self._list)
        return self._items.values()

    def items(self):  # type: ignore[override]
        read(self._list)
        return self._items.items()


class RecordList(Sequence[SiteRecord]):
    """The records of one kind in the site's order (stories newest first, pages by menu)."""

    def __init__(self, kind: str, records: Sequence[SiteRecord]) -> None:
        self.kind = kind
        self._items = tuple(records)
        self._by_key = {record.key: record for record in self._items}
        self._list = KindList(kind)

    @overload
    def __getitem__(self, index: int) -> SiteRecord: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[SiteRecord, ...]: ...

    def __getitem__(self, index: int | slice) -> Any:
        read(self._list)
        return self._items[index]

    def __iter__(self) -> Iterator[SiteRecord]:
        read(self._list)
        return iter(self._items)

    def __len__(self) -> int:
        read(self._list)
        return len(self._items)

    def __contains__(self, item: object) -> bool:
        read(self._list)
        return item in self._items

    def keys(self) -> Iterator[str]:
        read(self._list)
        return iter(self._by_key)

    def get(self, key: str, default: Any = None) -> Any:
        read(Presence(self.kind, key))
        return self._by_key.get(key, default)


class RelationMap(Mapping[str, Any]):
    """A relation of the linked site, `name` being its field on `Site`: one key's value
    records that key, walking it records the whole relation."""

    def __init__(self, name: str, values: Mapping[str, Any]) -> None:
        self.name = name
        self._items = dict(values)
        self._whole = Relation(name)

    def __getitem__(self, key: str) -> Any:
        read(Relation(self.name, key))
        return self._items[key]

    def get(self, key: str, default: Any = None) -> Any:
        read(Relation(self.name, key))
        return self._items.get(key, default)

    def __contains__(self, key: object) -> bool:
        read(Relation(self.name, str(key)))
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        read(self._whole)
        return iter(self._items)

    def __len__(self) -> int:
        read(self._whole)
        return len(self._items)

    def items(self):  # type: ignore[override]
        read(self._whole)
        return self._items.items()

    def values(self):  # type: ignore[override]
        read(self._whole)
        return self._items.values()


class site_value:  # noqa: N801 - a field of the Site dataclass, used like a type annotation's default
    """A field of `Site` computed for the whole site (`as_of`, `coverage`): reading it records
    `SiteValue(name)`. Required in the dataclass's constructor, like a plain field."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.input = SiteValue(name)

    def __get__(self, site: Any, cls: type | None = None) -> Any:
        if site is None:
            raise AttributeError(self.name)  # dataclasses: the field has no default
        read(self.input)
        return site.__dict__[self.name]

    def __set__(self, site: Any, value: Any) -> None:
        site.__dict__[self.name] = value
