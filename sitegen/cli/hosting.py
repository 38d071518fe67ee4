"""Choosing where a site is published: `init --host` and `sitegen deploy-config HOST`."""

from __future__ import annotations

from pathlib import Path

import click

from sitegen.authoring import hosting, scaffold, starter
from sitegen.cli.common import SRC_OPTION, existing_src, interactive, shown, site_config

HOST_HELP = "；".join(f"{key}：{spec.name}" for key, spec in hosting.HOSTS.items())
CI_HELP = "；".join(f"{key}：{name}" for key, name in hosting.CI_NAMES.items())


def choose(host: str | None, ci: str | None, *, allow_default_pair: bool) -> tuple[tuple[str, str], ...]:
    """The (host, CI) pairs to write: given, asked on a terminal, or (for init) both Pages."""
    if host is None and interactive():
        click.echo("发布到哪里？")
        for key, spec in hosting.HOSTS.items():
            click.echo(f"  {key:<8} {spec.name}")
        default = "github,gitlab" if allow_default_pair else "oss"
        answer = click.prompt("平台", default=default)
        if allow_default_pair and answer.replace(" ", "") in ("github,gitlab", "gitlab,github"):
            return _default_pair()
        host = _known_host(answer.strip())
    if host is None:
        if not allow_default_pair:
            raise click.UsageError(f"请给出发布平台：{HOST_HELP}")
        return _default_pair()
    spec = hosting.HOSTS[_known_host(host)]
    if ci is None and len(spec.ci) > 1 and interactive():
        click.echo("由哪个 CI 运行发布脚本？")
        for key in spec.ci:
            click.echo(f"  {key:<8} {hosting.CI_NAMES[key]}")
        ci = click.prompt("CI", default=spec.ci[0], type=click.Choice(spec.ci))
    ci = ci or spec.ci[0]
    if ci not in spec.ci:
        raise click.BadParameter(f"{spec.name}只能由 {'、'.join(spec.ci)} 发布", param_hint="--ci")
    return ((spec.key, ci),)


def _default_pair() -> tuple[tuple[str, str], ...]:
    return tuple((h, hosting.HOSTS[h].ci[0]) for h in hosting.DEFAULT_HOSTS)


def _known_host(key: str) -> str:
    if key not in hosting.HOSTS:
        raise click.BadParameter(f"不认识的平台“{key}”，可选：{HOST_HELP}", param_hint="--host")
    return key


def next_steps(pairs: tuple[tuple[str, str], ...]) -> list[str]:
    """What to do after the files are written, one line each."""
    lines = []
    for host, ci in pairs:
        spec = hosting.HOSTS[host]
        if host in hosting.PAGES_FILES:
            continue
        settings = "、".join(spec.settings)
        secrets = f"；密钥 {'、'.join(spec.secrets)} 只放在 CI 的密钥中" if spec.secrets else ""
        lines.append(f"{spec.name}：在 deploy/{host}.sh 开头填写 {settings}（或设为 CI 变量）{secrets}。")
        if host == "oss":
            lines.append("  一次性：sh deploy/oss.sh website 设置静态网站；sh deploy/oss.sh policy 打印 RAM 用户的最小权限策略。")
        if host == "cos":
            lines.append("  一次性：在 COS 控制台开启静态网站（索引文档 index.html、错误文档 404.html）；sh deploy/cos.sh policy 打印最小权限策略。")
        if host == "nginx":
            lines.append("  一次性：把 deploy/nginx.conf 放到服务器的 /etc/nginx/conf.d/ 中，按注释修改后 nginx -t && nginx -s reload。")
        where = hosting.ci_file(host, ci)
        run = f"由 {where} 在推送到 main 时运行" if where else "在本机或服务器上运行"
        lines.append(f"  发布：{hosting.script(host)}（{run}）。详见《维护指南》。")
    return lines


@click.command("deploy-config")
@click.argument("host", required=False)
@SRC_OPTION
@click.option("--ci", type=click.Choice(list(hosting.CI_NAMES)), help=f"由哪个 CI 运行发布脚本（默认按平台）：{CI_HELP}")
@click.option("--pip", "pip_spec", help="CI 中安装 sitegen 的 pip 参数（默认取本机 sitegen 的安装来源）")
def deploy_config_command(host: str | None, src: Path, ci: str | None, pip_spec: str | None) -> None:
    """为已有站点添加发布配置：写出发布脚本（deploy/）和 CI 文件，从不覆盖已有文件。

    <平台> 是发布平台：github（GitHub Pages）、gitlab（GitLab Pages）、oss（阿里云 OSS + CDN）、
    cos（腾讯云 COS + CDN 或 EdgeOne）、edgeone（EdgeOne Pages）、nginx（自己的 Nginx 服务器，rsync）。
    在终端中不给出时会询问。网址取自 sitegen.yaml 的 base_url。
    """
    src = existing_src(src)
    config, _ = site_config(src)
    pairs = choose(host, ci, allow_default_pair=False)
    pip = pip_spec or starter.installed_from()
    files: dict[Path, str] = {}
    for name, runner in pairs:
        files.update({src / rel: text for rel, text in hosting.host_files(name, runner, config.base_url, pip).items()})
    try:
        written = scaffold.create_all(files)
    except FileExistsError as exc:
        names = "、".join(shown(Path(p)) for p in exc.args)
        raise click.UsageError(f"这些文件已存在且内容不同，不会覆盖：{names}。要换用新的配置，请先删除或改名它们；或用 --ci 换一个 CI 运行发布脚本") from None
    for path in written:
        click.echo(f"已写入 {shown(path)}")
    if not written:
        click.echo("发布配置已是最新，没有改动")
    for line in next_steps(pairs):
        click.echo(line)
