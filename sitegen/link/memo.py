"""Memoised values that record what they read (see inputs.py for inputs and their recording).

Taken from Lektor (`context.py` `record_dependency`): while a page or data file is made, every
input it reads is recorded by the object that owns the data, never listed by hand. A value
computed once and handed to many pages must count as read by each of them: `memo` and
`memo_property` keep what their computation read and record it again every time they are
handed out. Values computed from much of the site (the evaluation, the menu) are `derived`:
recorded as one input whose fingerprint is a digest of the value, so an edit that does not
change the value changes nothing downstream.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sitegen.link.inputs import CONFIG, DERIVED, Derived, Input, collect, current, read


def _memos(owner: Any) -> dict[Any, tuple[Any, frozenset[Input]]]:
    table = owner.__dict__.get("_memos")
    if table is None:
        table = owner.__dict__["_memos"] = {}
    return table


def _hand_out(entry: tuple[Any, frozenset[Input]]) -> Any:
    if entry[1]:
        found = current()
        if found is not None:
            found.update(entry[1])
    return entry[0]


class memo_property:  # noqa: N801 - used like `property`
    """`functools.cached_property` that records what the value read, every time it is read."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, owner: Any, cls: type | None = None) -> Any:
        if owner is None:
            return self
        try:
            value, read_by_it = owner.__dict__["_memos"][self.name]
        except KeyError:
            value, read_by_it = _memos(owner)[self.name] = collect(lambda: self.fn(owner))
        if read_by_it:  # _hand_out inlined: the views read 228,000 of these in a national 0.25 build
            found = current()
            if found is not None:
                found.update(read_by_it)
        return value


def forget(owner: Any) -> None:
    """Drop every value memoised on `owner` (a long-lived process whose data changed under it:
    the dev server after a save that left the linked site as it was)."""
    owner.__dict__.pop("_memos", None)


def memo(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A method memoised by its arguments that records what the value read, every time."""
    name = fn.__name__

    def method(owner: Any, *args: Any) -> Any:
        table = _memos(owner)
        entry = table.get((name, args))
        if entry is None:
            entry = table[(name, args)] = collect(lambda: fn(owner, *args))
        return _hand_out(entry)

    method.__doc__, method.__name__ = fn.__doc__, name
    return method


def derived(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A memoised method `f(self, arg="")` whose value stands for everything it read: reading
    it records `Derived(name, arg)`, fingerprinted by a digest of the value. The evaluation
    reads every record, but a story edit that leaves it unchanged must not touch its pages.
    What the computation read is kept (`derived_reads`): the next build fingerprints the value
    again only when one of those inputs changed (inputs.Derived)."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        def method(owner: Any, arg: str = "") -> Any:
            table = _memos(owner)
            entry = table.get((name, arg))
            if entry is None:
                value, reads = collect(lambda: fn(owner, arg) if arg else fn(owner))
                entry = table[(name, arg)] = (value, reads | {CONFIG})  # the config is read unrecorded
            read(Derived(name, arg))
            return entry[0]

        method.__doc__, method.__name__ = fn.__doc__, fn.__name__
        DERIVED[name] = lambda owner, arg: (method(owner, arg), derived_reads(owner, Derived(name, arg)))
        return method

    return wrap


def derived_reads(owner: Any, item: Derived) -> frozenset[Input] | None:
    """What the derived value `item` read when `owner` computed it (None: not computed)."""
    entry = owner.__dict__.get("_memos", {}).get((item.name, item.arg))
    return entry[1] if entry is not None else None
