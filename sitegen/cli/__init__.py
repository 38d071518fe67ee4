"""Command line: the only package that knows click. Exit codes: 0 ok, 1 content errors, 2 usage.

One module per command group: `site` (build, serve, check), `coverage`, `authoring` (new,
schema, init), `hosting` (deploy-config, and init's choice of host), `ledger`
(import, template); `common` holds what they share; `zh` makes click speak Chinese. A
command's module is imported only when that command runs (click's "lazily loading subcommands"): a `sitegen build` with nothing to do
must not pay for importing the whole pipeline.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping

import click

from sitegen import __version__
from sitegen.cli import zh

# The interpreter's last act is a full collection over every object still alive: after a
# national build that walk cost 1 s of the process. Nothing needs it (the process is ending:
# files are closed and renamed by then), so everything alive is frozen out of it.
atexit.register(gc.freeze)

zh.install()  # click's own messages and placeholders in Chinese, whatever the locale

# command name -> "module:attribute"
COMMANDS = {
    "build": "sitegen.cli.site:build_command",
    "serve": "sitegen.cli.site:serve_command",
    "check": "sitegen.cli.site:check_command",
    "coverage": "sitegen.cli.coverage:coverage_command",
    "new": "sitegen.cli.authoring:new_group",
    "schema": "sitegen.cli.authoring:schema_command",
    "init": "sitegen.cli.authoring:init_command",
    "deploy-config": "sitegen.cli.hosting:deploy_config_command",
    "import": "sitegen.cli.ledger:import_command",
    "template": "sitegen.cli.ledger:template_command",
}


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands, each imported on first use."""

    def __init__(self, where: dict[str, str]) -> None:
        self._where = dict(where)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module, _, attribute = self._where[name].partition(":")
            self._loaded[name] = getattr(importlib.import_module(module), attribute)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._where.setdefault(name, "")
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._where[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


class _Group(click.Group):
    """Turns an unexpected internal failure into one readable line instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("SITEGEN_DEBUG"):
                raise
            click.echo(f"sitegen 内部错误：{type(exc).__name__}: {exc}。这不是内容问题，请报告给维护者（设置 SITEGEN_DEBUG=1 可查看详细信息）。", err=True)
            sys.exit(1)


@click.group(cls=_Group, commands=_Commands(COMMANDS), context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """sitegen：青年志愿者协会台账、项目库与典型事迹的静态网站生成器。"""


