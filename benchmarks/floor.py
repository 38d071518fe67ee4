"""The floor: the least any Python generator built on these libraries can do for the same pages.

    python benchmarks/floor.py SRC OUT [--jobs 2]

Reads the same records (PyYAML's CSafeLoader for YAML and front matter), renders their Markdown
with python-markdown and the extensions sitegen uses, renders one small Jinja template per
page and writes the files: association, project and story pages, the paginated story list,
paginated tag pages, the directory, the project library, the home page and the feed. No
validation, no privacy scan, no sanitizing, no pinyin, no cross-links beyond what a page needs,
no atomic output. sitegen's cold build is measured against this.

With `--jobs N` the record pages are read, rendered and written in N forked processes (each
takes a share of the files and returns what the list pages need); the parent renders the lists.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import jinja2
import markdown
import yaml
from markdown.extensions.toc import slugify_unicode

TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · {{ site_title }}</title><link rel="stylesheet" href="/assets/site.css"></head>
<body><header><a href="/">{{ site_title }}</a> <nav><a href="/associations/">协会</a> <a href="/projects/">项目</a>
<a href="/stories/">事迹</a></nav></header><main>{% block content %}{% endblock %}</main></body></html>
""",
    "association.html": """{% extends "base.html" %}{% block title %}{{ a.name }}{% endblock %}{% block content %}
<h1>{{ a.name }}</h1><dl><dt>区划代码</dt><dd>{{ a.region }}</dd><dt>状态</dt><dd>{{ a.status or "active" }}</dd>
<dt>成立日期</dt><dd>{{ a.founded or "—" }}</dd><dt>业务主管单位</dt><dd>{{ a.supervisor or "—" }}</dd>
{% if a.volunteers %}<dt>注册志愿者</dt><dd>{{ a.volunteers.registered }}</dd>{% endif %}</dl>
{% if a.contact %}<p>{{ a.contact.address }} {{ a.contact.phone }} {{ a.contact.email }}</p>{% endif %}
{% for l in a.leaders or [] %}<p>{{ l.role }}：{{ l.name }}</p>{% endfor %}
{% if a.teams %}<table>{% for t in a.teams %}<tr><td>{{ t.name }}</td><td>{{ t.type }}</td><td>{{ t.members }}</td></tr>{% endfor %}</table>{% endif %}
{% for g in a.group_members or [] %}<li>{{ g.name }} {{ g.joined }}</li>{% endfor %}
{% for t in a.trainings or [] %}<li>{{ t.date }} {{ t.title }} {{ t.participants }}</li>{% endfor %}
{% for b in a.bases or [] %}<li>{{ b.name }} {{ b.type }} {{ b.address }}</li>{% endfor %}
{% for h in a.honors or [] %}<li>{{ h.year }} {{ h.title }} {{ h.by }}</li>{% endfor %}
<div class="prose">{{ description | safe }}</div>{% endblock %}
""",
    "project.html": """{% extends "base.html" %}{% block title %}{{ p.title }}{% endblock %}{% block content %}
<h1>{{ p.title }}</h1><p><a href="/associations/{{ p.association }}/">承办协会</a> · {{ p.brand }} · {{ (p.targets or []) | join("、") }}</p>
<p>{{ p.summary }}</p><dl><dt>开始</dt><dd>{{ p.started }}</dd><dt>志愿者</dt><dd>{{ p.volunteers }}</dd>
<dt>服务时长</dt><dd>{{ p.service_hours }}</dd><dt>受益</dt><dd>{{ p.beneficiaries }}</dd></dl>
{% for i in p.images or [] %}<img src="/{{ i }}" alt="">{% endfor %}<div class="prose">{{ description | safe }}</div>{% endblock %}
""",
    "story.html": """{% extends "base.html" %}{% block title %}{{ s.title }}{% endblock %}{% block content %}
<article><h1>{{ s.title }}</h1><p><time>{{ s.date }}</time>{% if s.association %} · <a href="/associations/{{ s.association }}/">协会</a>{% endif %}
{% if s.project %} · <a href="/projects/{{ s.project }}/">项目</a>{% endif %}</p>
{% if s.volunteer %}<p>志愿者：{{ s.volunteer.name }} {{ "★" * (s.volunteer.star or 0) }}</p>{% endif %}
{% if s.summary %}<p class="lead">{{ s.summary }}</p>{% endif %}<div class="prose">{{ body | safe }}</div>
<p>{% for t in s.tags or [] %}<a href="/tags/{{ tag_slugs[t] }}/">{{ t }}</a> {% endfor %}</p></article>{% endblock %}
""",
    "list.html": """{% extends "base.html" %}{% block title %}{{ heading }}{% endblock %}{% block content %}
<h1>{{ heading }}</h1><ul>{% for s in items %}<li><a href="/stories/{{ s.slug }}/">{{ s.title }}</a> <time>{{ s.date }}</time>
<p>{{ s.summary or "" }}</p></li>{% endfor %}</ul>
<nav>{% if prev %}<a href="{{ prev }}">上一页</a>{% endif %} {{ number }} / {{ pages }} {% if next %}<a href="{{ next }}">下一页</a>{% endif %}</nav>{% endblock %}
""",
    "directory.html": """{% extends "base.html" %}{% block title %}协会名录{% endblock %}{% block content %}
<h1>协会名录</h1><ul>{% for a in items %}<li><a href="/associations/{{ a.region }}/">{{ a.name }}</a> {{ a.status }}</li>{% endfor %}</ul>{% endblock %}
""",
    "projects.html": """{% extends "base.html" %}{% block title %}项目库{% endblock %}{% block content %}
<h1>项目库</h1><ul>{% for p in items %}<li><a href="/projects/{{ p.slug }}/">{{ p.title }}</a> {{ p.brand }} {{ p.summary }}</li>{% endfor %}</ul>{% endblock %}
""",
    "home.html": """{% extends "base.html" %}{% block title %}首页{% endblock %}{% block content %}
<h1>{{ site_title }}</h1><p>协会 {{ associations }} · 项目 {{ projects }} · 事迹 {{ stories | length }}</p>
<ul>{% for s in stories[:6] %}<li><a href="/stories/{{ s.slug }}/">{{ s.title }}</a></li>{% endfor %}</ul>{% endblock %}
""",
    "feed.xml": """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ site_title }}</title><id>{{ base_url }}</id>
{% for s in stories %}<entry><title>{{ s.title }}</title><id>{{ base_url }}stories/{{ s.slug }}/</id>
<link href="{{ base_url }}stories/{{ s.slug }}/"/><updated>{{ s.date }}T00:00:00Z</updated><summary>{{ s.summary or "" }}</summary></entry>
{% endfor %}</feed>
""",
}


class Floor:
    """Per-process state: one Jinja environment and one reused Markdown instance."""

    def __init__(self, out: Path, site: dict[str, Any], tag_slugs: dict[str, str]) -> None:
        self.out = out
        self.env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
        self.env.globals.update(site_title=site.get("title", ""), base_url=site.get("base_url", "/"), tag_slugs=tag_slugs)
        self.md = markdown.Markdown(
            extensions=["tables", "fenced_code", "toc", "attr_list", "sane_lists"],
            extension_configs={"toc": {"slugify": slugify_unicode}},
            output_format="html",
        )

    def markdown(self, text: str | None) -> str:
        if not text:
            return ""
        self.md.reset()
        return self.md.convert(text)

    def write(self, route: str, template: str, **context: Any) -> None:
        path = self.out / route
        if route.endswith("/") or not route:
            path = path / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.env.get_template(template).render(**context).encode("utf-8"))

    def record(self, kind: str, path: Path) -> dict[str, Any] | None:
        """Read one record, write its page, return what the list pages need."""
        text = path.read_text(encoding="utf-8")
        if kind == "story":
            _, front, body = text.split("---\n", 2)
            data = yaml.load(front, Loader=yaml.CSafeLoader)
            if data.get("draft"):
                return None
            slug = path.stem
            self.write(f"stories/{slug}/", "story.html", s=data, body=self.markdown(body))
            return {"slug": slug, "title": data["title"], "date": str(data["date"]), "summary": data.get("summary"), "tags": data.get("tags") or []}
        data = yaml.load(text, Loader=yaml.CSafeLoader)
        if kind == "association":
            region = str(data["region"])
            self.write(f"associations/{region}/", "association.html", a=data, description=self.markdown(data.get("description")))
            return {"region": region, "name": data["name"], "status": data.get("status", "active")}
        slug = path.stem
        self.write(f"projects/{slug}/", "project.html", p=data, description=self.markdown(data.get("description")))
        return {"slug": slug, "title": data["title"], "brand": data["brand"], "summary": data["summary"]}


# Forked workers inherit this (set before the pool starts): no pickling of the environment.
_WORKER: Floor | None = None


def _work(chunk: list[tuple[str, str]]) -> list[tuple[str, dict[str, Any] | None]]:
    assert _WORKER is not None
    return [(kind, _WORKER.record(kind, Path(path))) for kind, path in chunk]


def tag_slugs_of(story_files: list[Path]) -> dict[str, str]:
    """Tag → ASCII slug; the floor numbers tags in code-point order (no pinyin)."""
    tags: set[str] = set()
    for path in story_files:
        text = path.read_text(encoding="utf-8")
        front = text.split("---\n", 2)[1]
        for line in front.split("\n"):
            if line.startswith("tags:"):
                tags.update(t.strip() for t in line[5:].strip(" []").split(",") if t.strip())
    return {tag: f"t{n}" for n, tag in enumerate(sorted(tags), 1)}


def paginate(floor: Floor, items: list[dict[str, Any]], per_page: int, first: str, heading: str) -> int:
    pages = max(1, -(-len(items) // per_page))
    route = lambda n: first if n == 1 else f"{first}page/{n}/"  # noqa: E731
    for n in range(1, pages + 1):
        floor.write(
            route(n), "list.html", heading=heading, items=items[(n - 1) * per_page : n * per_page], number=n, pages=pages,
            prev="/" + route(n - 1) if n > 1 else None, next="/" + route(n + 1) if n < pages else None,
        )
    return pages


def build(src: Path, out: Path, jobs: int) -> int:
    global _WORKER
    site = yaml.load((src / "sitegen.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    per_page = int(site.get("per_page", 20))
    content = src / "content"
    files = [("association", p) for p in sorted((content / "associations").glob("*.yaml"))]
    files += [("project", p) for p in sorted((content / "projects").glob("*.yaml"))]
    stories = sorted((content / "stories").glob("*.md"))
    files += [("story", p) for p in stories]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _WORKER = floor = Floor(out, site, tag_slugs_of(stories))
    work = [(kind, str(path)) for kind, path in files]
    if jobs > 1:
        size = -(-len(work) // (jobs * 8))
        chunks = [work[i : i + size] for i in range(0, len(work), size)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = [item for part in pool.map(_work, chunks) for item in part]
    else:
        results = _work(work)
    by_kind: dict[str, list[dict[str, Any]]] = {"association": [], "project": [], "story": []}
    for kind, info in results:
        if info is not None:
            by_kind[kind].append(info)
    written = len(results)
    story_list = sorted(by_kind["story"], key=lambda s: (s["date"], s["slug"]), reverse=True)
    written += paginate(floor, story_list, per_page, "stories/", "典型事迹")
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for story in story_list:
        for tag in story["tags"]:
            by_tag.setdefault(tag, []).append(story)
    for tag, items in sorted(by_tag.items()):
        written += paginate(floor, items, per_page, f"tags/{floor.env.globals['tag_slugs'][tag]}/", tag)
    floor.write("associations/", "directory.html", items=by_kind["association"])
    floor.write("projects/", "projects.html", items=by_kind["project"])
    floor.write("", "home.html", associations=len(by_kind["association"]), projects=len(by_kind["project"]), stories=story_list)
    floor.write("feed.xml", "feed.xml", stories=story_list[:20])
    return written + 4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("-j", "--jobs", type=int, default=1, help="processes (default 1)")
    args = parser.parse_args(argv)
    if args.out.resolve() in (Path("/"), Path.home(), args.src.resolve()):
        parser.error(f"refusing to replace {args.out}")
    started = time.perf_counter()
    files = build(args.src, args.out, max(1, args.jobs))
    print(f"floor: {files} files in {time.perf_counter() - started:.2f} s (-j {args.jobs}, pid {os.getpid()})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
