#!/usr/bin/env python3
"""Regenerate ``docs/reference.md``, the Chinese reference of every field, page, rule, code and
command, from the code (``sitegen/authoring/reference.py`` says where each part comes from).

Usage::

    python tools/gen_reference.py          # write docs/reference.md
    python tools/gen_reference.py --check  # exit 1 if docs/reference.md is out of date

Run it after changing a model field, its title or description, a page kind, a diagnostic code,
a command or option; tests/test_reference.py fails until the file is regenerated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.authoring import reference  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date, write nothing")
    args = parser.parse_args()
    target = ROOT / reference.PATH
    text = reference.render()
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != text:
            print(f"{reference.PATH} is out of date: run {reference.COMMAND}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {reference.PATH}")
    else:
        print(f"{reference.PATH} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
