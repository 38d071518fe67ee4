"""Where a site is published: the pipeline files `sitegen init --host` and `sitegen deploy-config`
write (docs/deploying.md walks through each host).

A host is where the built site goes: GitHub Pages and GitLab Pages (their CI publishes), or a
mainland platform whose steps live in one POSIX shell script `deploy/<host>.sh` (build with
`--changed-urls`, upload in order, delete stale files, refresh the CDN) that any CI, or a person,
runs. For those, a CI runner file calls the script: CNB (`.cnb.yml`), GitHub Actions, GitLab CI
or Jenkins. The texts are templates in `sitegen/starter/` with `__MARKER__`s filled in here.
Nothing here writes files: `host_files` returns them and the CLI creates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

from sitegen.authoring.scaffold import q


@dataclass(frozen=True)
class Host:
    key: str
    name: str  # shown in prompts, pipeline names and messages
    secrets: tuple[str, ...] = ()  # environment variables CI must provide as secrets
    settings: tuple[str, ...] = ()  # other variables (the script has a default or a setting line)
    ci: tuple[str, ...] = ()  # runners that can call the script, the first is the default
    tools: bool = True  # the script has a `tools` step that installs its command-line tools
    node: bool = False  # its tools need Node.js


HOSTS: dict[str, Host] = {
    "github": Host("github", "GitHub Pages", ci=("github",)),
    "gitlab": Host("gitlab", "GitLab Pages", ci=("gitlab",)),
    "oss": Host(
        "oss", "阿里云 OSS + CDN", ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        ("OSS_BUCKET", "OSS_REGION", "CDN"), ("cnb", "gitlab", "github", "jenkins", "none"),
    ),
    "cos": Host(
        "cos", "腾讯云 COS + CDN", ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),
        ("COS_BUCKET", "COS_REGION", "CDN", "TEO_ZONE_ID"), ("cnb", "gitlab", "github", "jenkins", "none"),
    ),
    "edgeone": Host(
        "edgeone", "EdgeOne Pages", ("EDGEONE_API_TOKEN",), ("EDGEONE_PROJECT",),
        ("cnb", "gitlab", "github", "jenkins", "none"), node=True,
    ),
    "nginx": Host("nginx", "自己的 Nginx 服务器", (), ("DEPLOY_TARGET",), ("jenkins", "gitlab", "cnb", "github", "none"), tools=False),
}  # fmt: skip
DEFAULT_HOSTS = ("github", "gitlab")  # what `init` writes when not told otherwise
OPTIONAL_SECRETS = ("BAIDU_TOKEN",)

CI_NAMES = {"cnb": "CNB 云原生构建", "github": "GitHub Actions", "gitlab": "GitLab CI", "jenkins": "Jenkins", "none": "不生成 CI 文件（手工或定时运行脚本）"}
# runner -> (file in the site, template in sitegen/starter/)
CI_FILES = {
    "cnb": (".cnb.yml", "ci-cnb.yml"),
    "gitlab": (".gitlab-ci.yml", "ci-gitlab.yml"),
    "jenkins": ("Jenkinsfile", "Jenkinsfile"),
}
PAGES_FILES = {"github": (".github/workflows/sitegen.yml", "github-workflow.yml"), "gitlab": (".gitlab-ci.yml", "gitlab-ci.yml")}


def script(host: str) -> str:
    """The command that builds and publishes to a mainland host, run at the site's root."""
    return f"sh deploy/{host}.sh"


def ci_file(host: str, ci: str) -> str | None:
    """Where the runner file for `host` goes (GitHub: one workflow per host)."""
    if HOSTS[host].key in PAGES_FILES:
        return PAGES_FILES[host][0]
    if ci == "github":
        return f".github/workflows/sitegen-{host}.yml"
    return CI_FILES[ci][0] if ci in CI_FILES else None


def host_files(host: str, ci: str, base_url: str, pip: str) -> dict[str, str]:
    """Path relative to the site -> text, for publishing to `host` with runner `ci`."""
    spec = HOSTS[host]
    if ci not in spec.ci:
        raise ValueError(f"{host} cannot run on {ci}")
    pip_markers = _pip_markers(pip)
    if host in PAGES_FILES:
        target, template = PAGES_FILES[host]
        return {target: _fill(_template(template), pip_markers)}
    path = urlsplit(base_url).path or "/"
    files = {f"deploy/{host}.sh": _deploy_script(host, base_url, path)}
    if host == "edgeone":
        files["deploy/edgeone.json"] = _template("edgeone.json")
    if host == "nginx":
        files["deploy/nginx.conf"] = _nginx_conf(base_url, path)
    target = ci_file(host, ci)
    if target is not None:
        markers = {**pip_markers, **_ci_markers(spec, ci)}
        files[target] = _fill(_template(f"ci-{ci}.yml" if ci != "jenkins" else "Jenkinsfile"), markers)
    return files


def _template(name: str) -> str:
    return (resources.files("sitegen") / "starter" / name).read_text(encoding="utf-8")


def _fill(text: str, markers: dict[str, str]) -> str:
    for marker, value in markers.items():
        text = text.replace(marker, value)
    return text


def _pip_markers(pip: str) -> dict[str, str]:
    return {
        "__PIP_PLAIN__": pip,
        "__PIP_YAML__": q(pip),
        "__PIP_EXPRESSION__": q("${{ vars.SITEGEN_PIP || '" + pip.replace("'", "''") + "' }}"),
        "__PIP_GROOVY__": pip.replace("\\", "\\\\").replace("'", "\\'"),
    }


def _deploy_script(host: str, base_url: str, path: str) -> str:
    common = _template("deploy-common.sh").rstrip("\n")
    return _fill(_template(f"deploy-{host}.sh"), {"__COMMON__": common, "__BASE_URL__": base_url, "__PATH__": path.lstrip("/")})


def _nginx_conf(base_url: str, path: str) -> str:
    redirect = "" if path == "/" else f"\n    # 网站在子路径下：访问根地址时跳转过去\n    location = / {{\n        return 302 {path};\n    }}\n"
    host = urlsplit(base_url).hostname or "_"
    return _fill(_template("nginx.conf"), {"__HOST__": host, "__PATH__": path, "__ROOT_REDIRECT__": redirect})


def _ci_markers(spec: Host, ci: str) -> dict[str, str]:
    """The host-specific parts of a runner file: what to install, which secrets to pass."""
    deploy = script(spec.key)
    tools = f"{deploy} tools" if spec.tools else ""
    node_apt = "apt-get update -qq && apt-get install -y -qq nodejs npm"
    names = [*spec.secrets, *OPTIONAL_SECRETS]
    markers = {"__HOST__": spec.key, "__HOST_NAME__": spec.name, "__DEPLOY__": deploy}
    listed = "".join(f"#   {name}: …\n" for name in names)
    markers["__SECRETS_YAML__"] = listed + "#   （BAIDU_TOKEN 可选：百度普通收录的推送令牌）\n" if names else "#   （没有需要的密钥）\n"
    if ci == "cnb":
        steps = ([f"{node_apt}"] if spec.node else []) + ([tools] if tools else [])
        markers["__CNB_TOOLS__"] = "".join(f"        - name: 安装发布工具\n          script: {step}\n" for step in steps)
    elif ci == "gitlab":
        steps = ([node_apt] if spec.node else []) + ([tools] if tools else [])
        markers["__GITLAB_TOOLS__"] = "".join(f"    - {step}\n" for step in steps)
    elif ci == "github":
        note = "".join(f"#   Secrets 中添加 {name}\n" for name in spec.secrets)
        note += "".join(f"#   Variables 中添加 {name}（也可以直接写在 deploy/{spec.key}.sh 开头）\n" for name in spec.settings)
        markers["__SECRETS_GITHUB_NOTE__"] = note + "#   （可选）Secrets 中添加 BAIDU_TOKEN：百度普通收录的推送令牌\n\n"
        steps = ""
        if spec.node:
            steps += "      - uses: actions/setup-node@v4\n        with:\n          node-version: \"20\"\n"
        if tools:
            steps += f"      - name: 安装发布工具\n        run: {tools}\n"
        markers["__GITHUB_TOOLS__"] = steps
        env = [f"          {n}: ${{{{ secrets.{n} }}}}\n" for n in names]
        env += [f"          {n}: ${{{{ vars.{n} }}}}\n" for n in ("SITE_URL", *spec.settings)]
        markers["__GITHUB_ENV__"] = "".join(env)
    elif ci == "jenkins":
        env = "".join(f"        {n} = credentials('{n}')\n" for n in spec.secrets)
        env += "".join(f"        // {n} = '…'\n" for n in spec.settings)
        markers["__JENKINS_ENV__"] = env
        markers["__DEPLOY_TOOLS__"] = f"{tools} && " if tools else ""
        markers["__TOOLS_NOTE__"] = "，以及 Node.js（EdgeOne 命令行工具需要）" if spec.node else ("，以及 rsync" if spec.key == "nginx" else "")
    return markers
