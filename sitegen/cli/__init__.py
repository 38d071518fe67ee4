"""Command line: the only package that knows click. Exit codes: 0 ok, 1 content errors, 2 usage.

One module per command group: `site` (build, serve, check), `coverage`, `authoring` (new,
schema, init), `hosting` (deploy-config, and init's choice of host), `ledger` (import, template);
`common` holds what they share.
"""

from __future__ import annotations

import os
import sys

import click

from sitegen import __version__
from sitegen.cli import authoring, coverage, hosting, ledger, site, zh

zh.install()  # click's own messages and placeholders in Chinese, whatever the locale


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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """sitegen：青年志愿者协会台账、项目库与典型事迹的静态网站生成器。"""




for command in (site.build_command, site.serve_command, site.check_command, coverage.coverage_command,
                authoring.new_group, authoring.schema_command, authoring.init_command, hosting.deploy_config_command,
                ledger.import_command, ledger.template_command):
    main.add_command(command)
