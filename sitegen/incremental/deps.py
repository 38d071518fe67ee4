"""Recorded dependencies of every page, so a rebuild renders only what an edit can change.

Taken from Lektor's builder: while a page is planned and rendered, every record the
view layer hands out, every relation it follows, every "all records of kind X" it lists and
every template it loads is *recorded* (`use`), never inferred. The build persists
`{route: {input: digest}}`; the next build recomputes the digests of the same inputs from the
new site and re-renders a page only when one differs.

An input is a short string:

- `r:<kind>:<key>`  one record (digest of its source text)
- `k:<kind>`        all records of a kind: membership, order and content
- `n:<kind>`        which keys of a kind exist (links that appear or vanish)
- `v:<name>[:<arg>]` a derived value (a relation, the tag slugs, the menu, `as_of` …)
- `t:<template>`    one template file, as the loader resolves it

An input this module cannot compute digests to None, which never matches: unknown means stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.meta
import jinja2.nodes

from sitegen.incremental.atomic import write_atomically

if TYPE_CHECKING:
    from sitegen.link.site import Site
    from sitegen.load.records import Record
    from sitegen.render.views import Views

_active: set[str] | None = None


def use(*inputs: str) -> None:
    """Note that the page being planned or rendered read these inputs."""
    if _active is not None:
        _active.update(inputs)


def use_all(inputs: Iterable[str]) -> None:
    if _active is not None:
        _active.update(inputs)


@contextlib.contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the inputs read inside the block."""
    global _active
    outer, found = _active, set()
    _active = found
    try:
        yield found
    finally:
        _active = outer
        if outer is not None:
            outer.update(found)


def record_input(record: Record) -> str:
    return f"r:{record.kind}:{record.key}"


# Template globals (render.PageRenderer) and the inputs reading them means.
GLOBAL_INPUTS = {
    "as_of": ("v:as_of",),
    "menu": ("v:menu",),
    "brands": ("k:project",),
}

# Everything a template can reach through `views.site` (the raw linked site).
WHOLE_SITE = ("k:association", "k:project", "k:story", "k:page", "v:as_of", "v:tags")


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


class Inputs:
    """Digests of inputs for one build's site, each computed at most once."""

    def __init__(self, site: Site, views: Views, env: jinja2.Environment) -> None:
        self.site = site
        self.views = views
        self.env = env
        self._memo: dict[str, str | None] = {}
        self._closures: dict[str, frozenset[str]] = {}
        self._canonical_memo: dict[int, Any] = {}
        self._records: dict[tuple[str, str], Record] = {}
        for collection in (site.associations.values(), site.projects.values(), site.stories, site.pages):
            for record in collection:
                self._records[(record.kind, record.key)] = record

    def digest(self, name: str) -> str | None:
        if name not in self._memo:
            try:
                self._memo[name] = self._compute(name)
            except (KeyError, ValueError, LookupError):
                self._memo[name] = None
        return self._memo[name]

    def unchanged(self, recorded: dict[str, str]) -> bool:
        return all(self.digest(name) == value for name, value in recorded.items())

    def digests(self, names: Iterable[str]) -> dict[str, str]:
        """Current digests of `names`; an input with no digest is left out (always stale)."""
        found = {}
        for name in names:
            value = self.digest(name)
            if value is None:
                return {"?": ""}  # cannot be checked: render again next time
            found[name] = value
        return found

    def _compute(self, name: str) -> str | None:
        kind, _, rest = name.partition(":")
        if kind == "r":
            record_kind, _, key = rest.partition(":")
            record = self._records.get((record_kind, key))
            return self._record_digest(record) if record is not None else "absent"
        if kind == "k":
            return _digest(*((r.key, self._record_digest(r)) for r in self._collection(rest)))
        if kind == "n":
            return _digest(*sorted(r.key for r in self._collection(rest)))
        if kind == "t":
            return self._template_digest(rest)
        if kind == "v":
            value = self._value(rest)
            return None if value is _UNKNOWN else _digest(_canonical(value, self._canonical_memo))
        return None

    def _record_digest(self, record: Record) -> str:
        name = record_input(record)
        if name not in self._memo:
            self._memo[name] = hashlib.blake2b(record.source.text.encode(), digest_size=12).hexdigest()
        return self._memo[name]  # type: ignore[return-value]

    def _collection(self, kind: str) -> Iterable[Record]:
        site = self.site
        collections: dict[str, Callable[[], Iterable[Record]]] = {
            "association": lambda: site.associations.values(),
            "project": lambda: site.projects.values(),
            "story": lambda: site.stories,
            "page": lambda: site.pages,
        }
        return collections[kind]()

    def _value(self, spec: str) -> Any:
        site = self.site
        what, _, arg = spec.partition(":")
        keys = lambda records: tuple(r.key for r in records)  # noqa: E731
        values: dict[str, Callable[[], Any]] = {
            "as_of": lambda: site.as_of.isoformat(),
            "menu": lambda: [(c.name, c.url) for c in self.views.menu],
            "tags": lambda: sorted(site.tag_slug.items()),
            "story_order": lambda: keys(site.stories),
            "parent": lambda: site.parent.get(arg),
            "members": lambda: site.members.get(arg, ()),
            "projects_of": lambda: site.projects_of.get(arg, ()),
            "stories_of_association": lambda: keys(site.stories_of_association.get(arg, ())),
            "stories_of_project": lambda: keys(site.stories_of_project.get(arg, ())),
            "stories_of_tag": lambda: keys(site.stories_of_tag.get(arg, ())),
            "brand": lambda: tuple(p for p, r in site.projects.items() if r.data.brand == arg),
            "scorecard": lambda: self.views.scorecard_of(arg),
            "evaluation": lambda: self.views._evaluation,
            "coverage": lambda: site.coverage,
            "image": lambda: self.views.image(arg),
        }
        compute = values.get(what)
        return compute() if compute is not None else _UNKNOWN

    # --- templates ---------------------------------------------------------------------------

    def _template_digest(self, template: str) -> str:
        try:
            source, filename, _ = self.env.loader.get_source(self.env, template)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return "absent"
        return _digest(filename, source)

    def template_inputs(self, template: str) -> frozenset[str]:
        """The templates `template` extends, includes or imports (transitively), and the
        globals they read. A template name computed at run time makes every template an input."""
        if template not in self._closures:
            inputs: set[str] = set()
            pending, seen = [template], set()
            while pending:
                name = pending.pop()
                if name in seen:
                    continue
                seen.add(name)
                inputs.add(f"t:{name}")
                try:
                    source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
                    referenced, names = _template_refs(self.env, source)
                except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
                    continue  # its digest says so; rendering reports the problem
                for other in referenced:
                    if other is None:
                        pending.extend(self.env.list_templates())
                    else:
                        pending.append(other)
                for variable in names:
                    inputs.update(GLOBAL_INPUTS.get(variable, ()))
            self._closures[template] = frozenset(inputs)
        return self._closures[template]


_UNKNOWN = object()

# source digest -> (templates it references, names it reads); parsing every template costs
# a rebuild more than rendering the few pages that changed, so this is kept with the graph.
_TEMPLATE_REFS: dict[str, tuple[tuple[str | None, ...], frozenset[str]]] = {}


def _template_refs(env: jinja2.Environment, source: str) -> tuple[tuple[str | None, ...], frozenset[str]]:
    key = hashlib.blake2b(source.encode(), digest_size=16).hexdigest()
    found = _TEMPLATE_REFS.get(key)
    if found is None:
        ast = env.parse(source)
        # jinja2.meta.find_undeclared_variables leaves globals out: look at the names read
        names = frozenset(node.name for node in ast.find_all(jinja2.nodes.Name) if node.ctx == "load")
        found = _TEMPLATE_REFS[key] = (tuple(jinja2.meta.find_referenced_templates(ast)), names)
    return found


# Dataclasses that stand for fixed things (the packaged division table, the evaluation rules):
# their identity is enough, and spelling them out for every page would cost most of a rebuild.
_BY_IDENTITY = {"Division": "code", "Indicator": "key", "Check": "key"}


def _canonical(value: Any, memo: dict[int, Any]) -> Any:
    """A value reduced to tuples, strings and numbers that repr the same in every process
    (sets sorted, no function addresses), so its digest can be compared across builds.
    `memo` (by object id, for one build) makes shared parts cost once."""
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        known = memo.get(id(value))
        if known is not None:
            return known[1]
        name = type(value).__name__
        if name in _BY_IDENTITY:
            done = (name, getattr(value, _BY_IDENTITY[name]))
        else:
            done = (name, *(_canonical(getattr(value, f), memo) for f, spec in fields.items() if spec.repr))
        memo[id(value)] = (value, done)  # the value is kept alive so its id is not reused
        return done
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, (set, frozenset)):
        items = [_canonical(v, memo) for v in value]
        try:
            return ("set", *sorted(items))
        except TypeError:  # mixed types
            return ("set", *sorted(items, key=repr))
    if isinstance(value, Mapping):
        return ("map", *sorted(((_canonical(k, memo), _canonical(v, memo)) for k, v in value.items()), key=repr))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(v, memo) for v in value)
    if callable(value):
        return getattr(value, "__qualname__", type(value).__name__)
    return value


# --- the graph on disk -----------------------------------------------------------------------

GRAPH_FILE = "pages.pickle"
FORMAT = 1


@dataclass
class PageEntry:
    inputs: dict[str, str]
    size: int = -1  # the output file as written, to tell it was not touched since
    mtime_ns: int = -1


@dataclass
class Graph:
    """The previous build's pages: what each read, and the file it became."""

    stamp: str
    pages: dict[str, PageEntry] = field(default_factory=dict)

    @classmethod
    def load(cls, cache_dir: Path, stamp: str) -> Graph:
        try:
            with open(cache_dir / GRAPH_FILE, "rb") as handle:
                data = pickle.load(handle)
            if isinstance(data, dict) and data.get("format") == FORMAT:
                _TEMPLATE_REFS.update(data.get("templates", {}))
                if data.get("stamp") == stamp:
                    return cls(stamp, data["pages"])
        except Exception:  # no graph yet, or unreadable: everything renders
            pass
        return cls(stamp)

    def reusable(self, route: str, out_file: Path, inputs: Inputs) -> bool:
        """The previous output of `route` is still right: same inputs, file untouched."""
        entry = self.pages.get(route)
        if entry is None or not inputs.unchanged(entry.inputs):
            return False
        try:
            st = os.stat(out_file)
        except OSError:
            return False
        return st.st_size == entry.size and st.st_mtime_ns == entry.mtime_ns

    def note_written(self, out: Path, output_files: dict[str, str]) -> None:
        """Remember size and mtime of each page file now in OUT (route -> output path)."""
        for route, rel in output_files.items():
            entry = self.pages.get(route)
            if entry is None:
                continue
            try:
                st = os.stat(out / rel)
            except OSError:
                del self.pages[route]
                continue
            entry.size, entry.mtime_ns = st.st_size, st.st_mtime_ns

    def save(self, cache_dir: Path) -> None:
        """Write atomically; a failure only costs speed next time."""
        record = {"format": FORMAT, "stamp": self.stamp, "pages": self.pages, "templates": _TEMPLATE_REFS}
        with contextlib.suppress(OSError):
            write_atomically(cache_dir / GRAPH_FILE, pickle.dumps(record, protocol=5))


def stamp(*parts: object) -> str:
    """What invalidates the whole graph: sitegen's version, the config, the build options."""
    return _digest(*parts)


def recording_active() -> bool:
    return _active is not None
