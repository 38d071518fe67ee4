#!/usr/bin/env python3
"""Stand-ins for the cloud command-line tools the deploy scripts call (tests/test_hosting.py).

Called by small wrappers named after the real tools (ossutil, aliyun, coscli, tccli, edgeone,
pip, curl, apt-get, npm), which pass the tool's name first; each call is checked against the documented syntax of the real tool, recorded as one
JSON line in $FAKE_LOG, and acted out on folders under $FAKE_CLOUD (a bucket is a folder; the
Cache-Control each object got is kept beside it). An unknown subcommand, option or a malformed
value exits 2, as the real tools refuse them, so a typo in a pipeline cannot pass.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

CLOUD = Path(os.environ.get("FAKE_CLOUD", "fake-cloud"))


def log(tool: str, args: list[str], **extra: object) -> None:
    with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"tool": tool, "args": args, **extra}, ensure_ascii=False) + "\n")


def refuse(message: str) -> None:
    print(f"fake: {message}", file=sys.stderr)
    sys.exit(2)


def parse(args: list[str], flags: set[str], valued: set[str]) -> tuple[list[str], dict[str, str]]:
    """Positional arguments and options; `--x=v` and `--x v` both allowed for valued options."""
    positional: list[str] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-") and arg != "-":
            name, eq, value = arg.partition("=")
            if name in flags and not eq:
                options[name] = "true"
            elif name in valued or (name in flags and eq):
                if not eq:
                    i += 1
                    if i >= len(args):
                        refuse(f"{name} needs a value")
                    value = args[i]
                options[name] = value
            else:
                refuse(f"unknown option {name}")
        else:
            positional.append(arg)
        i += 1
    return positional, options


def local_files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def bucket_path(url: str, scheme: str) -> tuple[Path, str]:
    if not url.startswith(f"{scheme}://"):
        refuse(f"expected {scheme}://bucket/prefix, got {url}")
    bucket, _, prefix = url[len(scheme) + 3 :].partition("/")
    if not bucket:
        refuse("no bucket")
    return CLOUD / bucket, prefix


def put(bucket: Path, key: str, source: Path, headers: dict[str, str]) -> None:
    target = bucket / "objects" / key
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    meta = bucket / "meta" / (key + ".json")
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps(headers), encoding="utf-8")


def objects(bucket: Path, prefix: str) -> list[str]:
    root = bucket / "objects"
    return [k for k in local_files(root)] if root.is_dir() else []


def delete(bucket: Path, key: str) -> None:
    (bucket / "objects" / key).unlink()
    (bucket / "meta" / (key + ".json")).unlink(missing_ok=True)


def sync_delete(bucket: Path, prefix: str, source: Path) -> list[str]:
    keep = {prefix + k for k in local_files(source)}
    gone = [k for k in objects(bucket, prefix) if k.startswith(prefix) and k not in keep]
    for key in gone:
        delete(bucket, key)
    return gone


def ossutil(args: list[str]) -> None:
    if not args:
        refuse("no command")
    command, rest = args[0], args[1:]
    region = {"--region"}
    if command == "cp":
        pos, opt = parse(rest, {"--recursive", "-r", "--update", "-u", "--force", "-f"}, {"--cache-control", *region})
        if len(pos) != 2 or "--recursive" not in opt or "--region" not in opt:
            refuse("cp SRC oss://bucket/ --recursive --region R")
        bucket, prefix = bucket_path(pos[1], "oss")
        source = Path(pos[0])
        for key, path in local_files(source).items():
            put(bucket, prefix + key, path, {"Cache-Control": opt.get("--cache-control", "")})
        log("ossutil", args, uploaded=sorted(prefix + k for k in local_files(source)))
    elif command == "sync":
        pos, opt = parse(rest, {"--delete", "--force", "-f", "--ignore-existing", "--update", "-u"}, region)
        if len(pos) != 2 or "--region" not in opt:
            refuse("sync SRC oss://bucket/prefix --region R")
        bucket, prefix = bucket_path(pos[1], "oss")
        if "--ignore-existing" not in opt:
            refuse("this stand-in expects --ignore-existing (uploads keep their Cache-Control)")
        gone = sync_delete(bucket, prefix, Path(pos[0])) if "--delete" in opt else []
        log("ossutil", args, deleted=gone)
    elif command == "api" and rest[:1] == ["put-bucket-website"]:
        _, opt = parse(rest[1:], set(), {"--bucket", "--website-configuration", *region})
        config = opt.get("--website-configuration", "")
        if not config.startswith("file://") or "--bucket" not in opt:
            refuse("api put-bucket-website --bucket B --website-configuration file://X")
        text = Path(config[len("file://") :]).read_text(encoding="utf-8")
        (CLOUD / opt["--bucket"]).mkdir(parents=True, exist_ok=True)
        (CLOUD / opt["--bucket"] / "website.xml").write_text(text, encoding="utf-8")
        log("ossutil", args, website=text)
    else:
        refuse(f"unknown command {command}")


def aliyun(args: list[str]) -> None:
    if args[:2] != ["cdn", "RefreshObjectCaches"]:
        refuse("only cdn RefreshObjectCaches")
    _, opt = parse(args[2:], set(), {"--ObjectPath", "--ObjectType"})
    if opt.get("--ObjectType") not in ("File", "Directory") or not opt.get("--ObjectPath"):
        refuse("--ObjectType File|Directory --ObjectPath …")
    paths = opt["--ObjectPath"].split("\n")
    if len(paths) > (1000 if opt["--ObjectType"] == "File" else 100):
        refuse("too many paths in one request")
    for key in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"):
        if not os.environ.get(key):
            refuse(f"{key} not set")
    log("aliyun", args, type=opt["--ObjectType"], paths=paths)


def coscli(args: list[str]) -> None:
    if not args or args[0] != "sync":
        refuse("only sync")
    common = {"--init-skip", "-i", "--secret-id", "-k", "--secret-key", "-e", "--endpoint"}
    pos, opt = parse(args[1:], {"--recursive", "-r", "--delete", "--force", "--ignore-existing", "--update"}, {"--meta", *common})
    if opt.get("--init-skip") != "true" or not all(opt.get(k) for k in ("-i", "-k")):
        refuse("--init-skip=true needs -i, -k and -e")
    if not opt.get("-e", "").startswith("cos.") or not opt["-e"].endswith(".myqcloud.com"):
        refuse("-e cos.<region>.myqcloud.com")
    if len(pos) != 2 or "--recursive" not in opt:
        refuse("sync SRC cos://bucket/prefix --recursive")
    bucket, prefix = bucket_path(pos[1], "cos")
    source = Path(pos[0])
    if "--delete" in opt:
        if "--ignore-existing" not in opt or "--force" not in opt:
            refuse("this stand-in expects --delete with --ignore-existing --force")
        log("coscli", args, deleted=sync_delete(bucket, prefix, source))
        return
    meta = dict(item.split(":", 1) for item in opt.get("--meta", "").split("#") if item)
    for key, path in local_files(source).items():
        put(bucket, prefix + key, path, meta)
    log("coscli", args, uploaded=sorted(prefix + k for k in local_files(source)))


def tccli(args: list[str]) -> None:
    for key in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"):
        if not os.environ.get(key):
            refuse(f"{key} not set")
    service, action, rest = (args + ["", ""])[0], (args + ["", ""])[1], args[2:]
    shapes = {
        ("cdn", "PurgeUrlsCache"): {"--Urls"},
        ("cdn", "PurgePathCache"): {"--Paths", "--FlushType"},
        ("teo", "CreatePurgeTask"): {"--ZoneId", "--Type", "--Targets"},
    }
    if (service, action) not in shapes:
        refuse(f"unknown {service} {action}")
    _, opt = parse(rest, set(), shapes[(service, action)])
    if set(opt) != shapes[(service, action)]:
        refuse(f"{action} needs {sorted(shapes[(service, action)])}")
    listed = json.loads(opt.get("--Urls") or opt.get("--Paths") or opt["--Targets"])
    if not isinstance(listed, list) or not all(isinstance(u, str) and u.startswith("http") for u in listed):
        refuse("a JSON array of absolute URLs")
    if action == "CreatePurgeTask" and opt["--Type"] not in ("purge_url", "purge_prefix"):
        refuse("--Type purge_url|purge_prefix")
    log("tccli", args, action=action, urls=listed)


def edgeone(args: list[str]) -> None:
    if args[:2] != ["pages", "deploy"]:
        refuse("only pages deploy")
    pos, opt = parse(args[2:], set(), {"-n", "--name", "-t", "--token", "-e", "--env"})
    if len(pos) != 1 or not (opt.get("-n") or opt.get("--name")) or not (opt.get("-t") or opt.get("--token")):
        refuse("pages deploy DIR -n PROJECT -t TOKEN")
    project = CLOUD / "pages" / (opt.get("-n") or opt["--name"])
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(pos[0], project)
    log("edgeone", args, files=sorted(local_files(project)))


def curl(args: list[str]) -> None:
    pos, opt = parse(args, {"-f", "-s", "-S", "-L", "-fsSL", "-fsS"}, {"-o", "-H", "--data-binary"})
    url = pos[-1] if pos else refuse("no URL")
    served = os.environ.get("FAKE_DOWNLOADS")
    if "data.zz.baidu.com" in url:
        body = opt.get("--data-binary", "")
        lines = Path(body[1:]).read_text(encoding="utf-8").split() if body.startswith("@") else []
        log("curl", args, baidu=lines)
        print(json.dumps({"success": len(lines)}))
        return
    source = Path(served) / url.rsplit("/", 1)[-1] if served else None
    if source is None or not source.is_file():
        refuse(f"no download for {url}")
    shutil.copyfile(source, opt["-o"])
    log("curl", args)


def python3(args: list[str]) -> None:
    """`python3 -m venv DIR` makes an environment whose activate changes nothing (the test's
    sitegen stays on PATH); anything else runs the real interpreter."""
    if args[:2] == ["-m", "venv"]:
        (Path(args[2]) / "bin").mkdir(parents=True, exist_ok=True)
        (Path(args[2]) / "bin/activate").write_text("", encoding="utf-8")
        log("python3", args)
        return
    os.execv(sys.executable, [sys.executable, *args])


def main() -> None:
    tool, args = sys.argv[1], sys.argv[2:]  # the wrapper named after the tool passes its name first
    if tool == "python3":
        python3(args)
        return
    handlers = {"ossutil": ossutil, "aliyun": aliyun, "coscli": coscli, "tccli": tccli, "edgeone": edgeone, "curl": curl}
    if tool in handlers:
        handlers[tool](args)
    else:
        log(tool, args)  # pip, apt-get, npm: installing is not what the test is about


if __name__ == "__main__":
    main()
