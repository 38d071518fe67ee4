"""Inputs: what an output file is made from, each a typed value computing its own fingerprint.

Taken from Lektor (`sourceobj.py` `get_checksum`; see docs/architecture.md): a record, whether a
key exists, the list of a kind, a relation, a value of the whole site, the config, a template,
an image, a derived value, the list of routes. Whoever owns the data records the input when it
is read (`read` here, recorded.py, memo.py); this module says what each input is and how its
fingerprint is computed against a `Fingerprints` (the site and theme of one build), memoised
there: a build checks the fingerprints the previous build recorded against the current ones
(incremental/graph.py), and a long-lived process can fingerprint one changed input again
(`Fingerprints.forget`) and ask which pages read it.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, ClassVar

# name -> (owner, arg) -> (value, what computing it read), called on the owner of derived values
# (render's Views) to fingerprint the value (memo.derived fills it)
DERIVED: dict[str, Callable[[Any, str], tuple[Any, frozenset[Input] | None]]] = {}

_reading: ContextVar[set[Input] | None] = ContextVar("sitegen_reading", default=None)
_get_reading = _reading.get


def read(item: Input) -> None:
    """Note that what is being made read `item` (called by the owner of the data)."""
    found = _get_reading()
    if found is not None:
        found.add(item)


# The inputs being recorded, for owners that record on a hot path (add to it if set). The
# context variable's own `get`: a Python wrapper cost 0.25 s of a national 0.25 build (1M calls).
current: Callable[[], set[Input] | None] = _get_reading


def read_all(items: Iterable[Input]) -> None:
    found = _reading.get()
    if found is not None:
        found.update(items)


@contextlib.contextmanager
def recording() -> Iterator[set[Input]]:
    """Collect the inputs read inside the block (and only those: an outer recording does not
    see them unless the caller passes them on)."""
    found: set[Input] = set()
    token = _reading.set(found)
    try:
        yield found
    finally:
        _reading.reset(token)


def collect(fn: Callable[[], Any]) -> tuple[Any, frozenset[Input]]:
    """`fn()` and the inputs it read, as `recording` does (without a generator's cost: the
    memoised values of a build call it 135,000 times)."""
    found: set[Input] = set()
    token = _reading.set(found)
    try:
        value = fn()
    finally:
        _reading.reset(token)
    return value, frozenset(found)


@contextlib.contextmanager
def unrecorded() -> Iterator[None]:
    """Read without recording (fingerprints, derived values computed for their digest)."""
    token = _reading.set(None)
    try:
        yield
    finally:
        _reading.reset(token)


def compact(found: set[Input]) -> frozenset[Input]:
    """The same inputs without those another one implies: a record read, or its kind's list,
    says whether it exists; a whole relation covers each of its keys."""
    implied: set[tuple[str | None, ...]] = set()
    for item in found:
        tag = item[0]
        if tag == "record":
            implied.add(("presence", item[1], item[2]))
        elif tag == "list":
            implied.add(("presence", item[1]))
        elif tag == "relation" and item[2] is None:
            implied.add(("relation", item[1]))
    if not implied:
        return frozenset(found)
    return frozenset(
        item for item in found if item not in implied and not (len(item) > 2 and item[2] is not None and item[:2] in implied)
    )




class Input(tuple):
    """One thing an output reads, computing its own fingerprint. An input is a tuple
    `(tag, *fields)` of strings: hashed and compared as fast as a tuple, kept on disk as a
    list, and two inputs of different kinds never equal."""

    __slots__ = ()
    tag: ClassVar[str] = ""
    fields: ClassVar[tuple[str, ...]] = ()
    defaults: ClassVar[tuple[str | None, ...]] = ()
    types: ClassVar[dict[str, type[Input]]] = {}

    def __init_subclass__(cls, tag: str = "", fields: tuple[str, ...] = (), defaults: tuple[str | None, ...] = (), **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.tag, cls.fields, cls.defaults = tag, fields, defaults
        Input.types[tag] = cls
        for index, name in enumerate(fields, 1):
            setattr(cls, name, property(operator.itemgetter(index)))

    def __new__(cls, *args: str | None) -> Any:
        missing = len(cls.fields) - len(args)
        if missing < 0 or missing > len(cls.defaults):
            raise TypeError(f"{cls.__name__} takes {cls.fields}")
        return tuple.__new__(cls, (cls.tag, *args, *cls.defaults[len(cls.defaults) - missing :]))

    def __getnewargs__(self) -> tuple[Any, ...]:  # pickled between worker processes
        return tuple(self[1:])

    def __repr__(self) -> str:
        return f"{type(self).__name__}{tuple(self[1:])!r}"

    def to_json(self) -> list[str | None]:
        return list(self)

    @staticmethod
    def from_json(data: Any) -> Input | None:
        """The input written by `to_json`, or None for anything else (never trusted blindly)."""
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            return None
        cls = Input.types.get(data[0])
        if cls is None or not all(isinstance(part, str | None) for part in data[1:]):
            return None
        try:
            return cls(*data[1:])
        except TypeError:
            return None

    def fingerprint(self, world: Fingerprints) -> str:
        raise NotImplementedError


def digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


ABSENT = "absent"


class RecordInput(Input, tag="record", fields=("kind", "key")):
    """One record: its file's path and text (whatever it shows is made from them)."""

    def fingerprint(self, world: Fingerprints) -> str:
        record = world.site.records(self.kind).get(self.key)
        if record is None:
            return ABSENT
        return hashlib.blake2b(f"{record.source.rel}\0{record.source.text}".encode(), digest_size=12).hexdigest()


class Presence(Input, tag="presence", fields=("kind", "key")):
    """Whether a record with this key exists (a link drawn or not), not what it says."""

    def fingerprint(self, world: Fingerprints) -> str:
        return "no" if world.site.records(self.kind).get(self.key) is None else "yes"


class KindList(Input, tag="list", fields=("kind",)):
    """Which records of a kind exist, in the site's order (what they say is read per record)."""

    def fingerprint(self, world: Fingerprints) -> str:
        return digest(*world.site.records(self.kind).keys())


class Relation(Input, tag="relation", fields=("name", "key"), defaults=(None,)):
    """A relation of the linked site (`stories_of_tag`…) for one key, or whole (key None)."""

    def fingerprint(self, world: Fingerprints) -> str:
        relation = getattr(world.site, self.name)
        if self.key is None:
            return digest(*((k, _keys(v)) for k, v in relation.items()))
        return digest(_keys(relation.get(self.key, ABSENT)))


class SiteValue(Input, tag="value", fields=("name",)):
    """A value the link stage computed for the whole site (`as_of`, `coverage`)."""

    def fingerprint(self, world: Fingerprints) -> str:
        return digest(canonical(getattr(world.site, self.name), world.canonical_memo))


class ConfigInput(Input, tag="config"):
    """sitegen.yaml as loaded. Every output reads it (base path, title), and loading does too."""

    def fingerprint(self, world: Fingerprints) -> str:
        return digest(repr(world.site.config))


class TemplateInput(Input, tag="template", fields=("name",)):
    """One template as the loader finds it (SRC/templates first): file and text."""

    def fingerprint(self, world: Fingerprints) -> str:
        env = world.templates
        try:
            source, filename, _ = env.loader.get_source(env, self.name)
        except (LookupError, OSError):  # jinja2.TemplateNotFound is both; or a file that cannot be read
            return ABSENT
        return digest(filename, source)


class ImageInput(Input, tag="image", fields=("rel",)):
    """One file under static/ that a record shows: its bytes, size and published variants."""

    def fingerprint(self, world: Fingerprints) -> str:
        found = world.images.get(self.rel)
        if found is None:
            return ABSENT
        return digest(found.family, found.width, found.height, [v.route for v in found.variants])


class Derived(Input, tag="derived", fields=("name", "arg"), defaults=("",)):
    """A value computed from much of the site (see `derived`), fingerprinted by its value.

    Computing and spelling out every scorecard cost 3 s of a national story edit, so the
    previous build's fingerprint stands when nothing the value read last time has changed
    (Salsa's red-green check: the inputs it read are fingerprinted first, and a derived one
    among them by the same rule)."""

    def fingerprint(self, world: Fingerprints) -> str:
        before = world.previous
        reads = before.reads.get(self) if before is not None else None
        if reads is not None and self in before.known and all(world(item) == before.known.get(item) for item in reads):
            world.reads[self] = reads
            return before.known[self]
        value, reads = DERIVED[self.name](world.views, self.arg)
        if reads is not None:
            world.reads[self] = reads
        return digest(canonical(value, world.canonical_memo))


class RouteList(Input, tag="routes"):
    """Which pages the site has (the sitemap lists them)."""

    def fingerprint(self, world: Fingerprints) -> str:
        return digest(*world.routes)


CONFIG = ConfigInput()
ROUTES = RouteList()


def _keys(value: Any) -> Any:
    """A relation's value with records reduced to their keys."""
    if isinstance(value, tuple | list):
        return tuple(_keys(v) for v in value)
    return getattr(value, "key", value)


class Fingerprints:
    """The fingerprints of inputs in one build (its site, templates, images, derived values),
    each computed at most once; unknown or failing inputs get None, which never matches."""

    def __init__(self, site: Any, templates: Any = None, images: Any = None, views: Any = None, previous: Any = None) -> None:
        self.site = site
        self.templates = templates
        self.images = images
        self.views = views
        self.previous = previous  # the previous build's graph: `known` and derived `reads`
        self.routes: tuple[str, ...] = ()
        self.canonical_memo: dict[int, Any] = {}
        self.reads: dict[Input, frozenset[Input]] = {}  # what each derived value read, for the next build
        self._known: dict[Input, str | None] = {}

    def __call__(self, item: Input) -> str | None:
        try:
            return self._known[item]
        except KeyError:
            pass
        with unrecorded():
            try:
                value: str | None = item.fingerprint(self)
            except (KeyError, LookupError, AttributeError, TypeError, ValueError):
                value = None
        self._known[item] = value
        return value

    def forget(self, item: Input) -> None:
        """Drop a memoised fingerprint (the input changed in a long-lived process)."""
        self._known.pop(item, None)


# Dataclasses that stand for fixed things (the packaged division table, the evaluation rules):
# their identity is enough, and spelling them out for every page would cost most of a rebuild.
_BY_IDENTITY = {"Division": "code", "Indicator": "key", "Check": "key"}


def canonical(value: Any, memo: dict[int, Any]) -> Any:
    """A value reduced to tuples, strings and numbers that repr the same in every process
    (sets sorted, no function addresses), so its digest can be compared across builds.
    `memo` (by object id, for one build) makes shared parts cost once."""
    dataclass_fields = getattr(type(value), "__dataclass_fields__", None)
    if dataclass_fields is not None:
        known = memo.get(id(value))
        if known is not None:
            return known[1]
        name = type(value).__name__
        if name in _BY_IDENTITY:
            done = (name, getattr(value, _BY_IDENTITY[name]))
        else:
            done = (name, *(canonical(getattr(value, f), memo) for f, spec in dataclass_fields.items() if spec.repr))
        memo[id(value)] = (value, done)  # the value is kept alive so its id is not reused
        return done
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if isinstance(value, set | frozenset):
        items = [canonical(v, memo) for v in value]
        try:
            return ("set", *sorted(items))
        except TypeError:  # mixed types
            return ("set", *sorted(items, key=repr))
    if isinstance(value, Mapping):
        return ("map", *sorted(((canonical(k, memo), canonical(v, memo)) for k, v in value.items()), key=repr))
    if isinstance(value, list | tuple):
        return tuple(canonical(v, memo) for v in value)
    if callable(value):
        return getattr(value, "__qualname__", type(value).__name__)
    key = getattr(value, "key", None)  # a record of the site: its identity (its text is its own input)
    return (type(value).__name__, key) if key is not None else repr(value)
