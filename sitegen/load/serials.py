"""The unified serial number (统一编号) of the ledger: one format for every association.

The 2020 guiding opinions (§二.1) have the national association keep the ledger and number
every association in one unified series (统一编制序列). A site states the format once in
`sitegen.yaml` (`serial.format`); placeholders:

- `{region}` the association's 6-digit region code, `{province}` its first two digits,
  `{city}` its first four;
- `{seq}` a sequence number, or `{seq:N}` one written with at least N digits (zero-padded).

The default, `QZX-{province}-{seq:04}` (QZX-33-0001), numbers each province's associations in
one series. Every serial must match the format, its region parts must be the association's
own, and no two associations may share one (`load/registry.py`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic import ValidationInfo as Info
from pydantic_core import PydanticCustomError

DEFAULT_FORMAT = "QZX-{province}-{seq:04}"
_PLACEHOLDER = re.compile(r"\{(region|province|city|seq)(?::0?(\d{1,2}))?\}")
_ANY_BRACE = re.compile(r"[{}]")
_REGION_PARTS = {"region": 6, "province": 2, "city": 4}


@dataclass(frozen=True)
class SerialFormat:
    """A parsed `serial.format`: literal text and placeholders, in order."""

    text: str
    parts: tuple[tuple[str, str | int], ...]  # ("text", "QZX-") | ("region"|…, 0) | ("seq", width)

    @classmethod
    def parse(cls, text: str) -> SerialFormat:
        """Raises ValueError (with a Chinese message) for a format that cannot number anything."""
        parts: list[tuple[str, str | int]] = []
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            literal = text[position : match.start()]
            if literal:
                parts.append(("text", literal))
            name = match.group(1)
            if name != "seq" and match.group(2):
                raise ValueError(f"“{{{name}}}”不能指定位数：区划代码的位数是固定的")
            parts.append((name, int(match.group(2) or 0)))
            position = match.end()
        if text[position:]:
            parts.append(("text", text[position:]))
        for kind, value in parts:
            if kind == "text" and _ANY_BRACE.search(str(value)):
                raise ValueError(f"编号格式“{text}”中有无法识别的占位符；可用：{{region}} {{province}} {{city}} {{seq}} {{seq:4}}")
        names = [kind for kind, _ in parts if kind != "text"]
        if "seq" not in names and "region" not in names:
            raise ValueError(f"编号格式“{text}”必须含有 {{seq}}（顺序号）或 {{region}}（区划代码），否则编号无法唯一")
        if len(names) != len(set(names)):
            raise ValueError(f"编号格式“{text}”中同一个占位符出现了多次")
        return cls(text, tuple(parts))

    @property
    def has_seq(self) -> bool:
        return any(kind == "seq" for kind, _ in self.parts)

    def pattern(self) -> re.Pattern[str]:
        return _compiled(self)

    def regex(self) -> str:
        regex = ""
        for kind, value in self.parts:
            if kind == "text":
                regex += re.escape(str(value))
            elif kind == "seq":
                regex += rf"(?P<seq>\d{{{max(int(value), 1)},}})"
            else:
                regex += rf"(?P<{kind}>\d{{{_REGION_PARTS[kind]}}})"
        return rf"^{regex}$"

    def format(self, region: str, seq: int = 1) -> str:
        out = ""
        for kind, value in self.parts:
            if kind == "text":
                out += str(value)
            elif kind == "seq":
                out += str(seq).zfill(int(value))
            else:
                out += region[: _REGION_PARTS[kind]]
        return out

    def series(self, serial: str) -> tuple[str, int] | None:
        """(the serial without its sequence number, the number), or None if it does not match."""
        match = self.pattern().match(serial)
        if match is None:
            return None
        seq = int(match.group("seq")) if self.has_seq else 0
        start, end = match.span("seq") if self.has_seq else (len(serial), len(serial))
        return serial[:start] + "#" + serial[end:], seq

    def problem(self, serial: str, region: str | None) -> str | None:
        """None when `serial` is right for an association of `region`, else what is wrong."""
        match = self.pattern().match(serial)
        example = self.format(region or "330106")
        if match is None:
            return f"统一编号“{serial}”不符合本站的编号格式 {self.text}，应写成例如 {example}"
        if self.has_seq and int(match.group("seq")) < 1:
            return f"统一编号“{serial}”的顺序号应从 1 开始"
        if region is None:
            return None
        for name, length in _REGION_PARTS.items():
            found = match.groupdict().get(name)
            if found is not None and found != region[:length]:
                label = {"region": "区划代码", "province": "省级代码", "city": "市级代码"}[name]
                return f"统一编号“{serial}”中的{label} {found} 与本协会的区划 {region} 不符，应为 {region[:length]}（例如 {example}）"
        return None

    def next_free(self, region: str, taken: Iterable[str]) -> str:
        """The serial `sitegen new association` proposes: one past the highest in its series."""
        mine = self.series(self.format(region))
        assert mine is not None
        used = {found for serial in taken if (found := self.series(serial)) is not None}
        if not self.has_seq:
            return self.format(region)
        highest = max((seq for series, seq in used if series == mine[0]), default=0)
        return self.format(region, highest + 1)


def format_of(config: Any) -> SerialFormat:
    """The site's serial format (the default without a config)."""
    text = getattr(getattr(config, "serial", None), "format", None) or DEFAULT_FORMAT
    return _parsed(text)


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> SerialFormat:
    return SerialFormat.parse(text)


@functools.lru_cache(maxsize=16)
def _compiled(serial_format: SerialFormat) -> re.Pattern[str]:
    return re.compile(serial_format.regex())


def _text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def _check(value: str, info: Info) -> str:
    config = (info.context or {}).get("config")
    region = info.data.get("region") if isinstance(info.data, dict) else None
    problem = format_of(config).problem(value, region)
    if problem:
        raise PydanticCustomError("sitegen_value", problem)
    return value


def valid_format(text: str) -> str:
    SerialFormat.parse(text)
    return text


Serial = Annotated[str, BeforeValidator(_text), Field(min_length=1), AfterValidator(_check)]
SerialFormatText = Annotated[str, AfterValidator(valid_format)]
