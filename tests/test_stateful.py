"""A forgotten dependency is a stale page: random edit sequences, each followed by an
incremental build that must equal a clean build byte for byte.

A hypothesis state machine edits a small site as editors do (every field of every record kind,
templates, the config, static files; adds, deletes and renames) and after every edit compares
`sitegen build` into the same OUT with its cache against a build of a fresh copy. It runs with
`-j 1` and with `-j 2` with the parallel threshold lowered, so the forked workers really render,
and against `sitegen serve`'s resident site, told which files changed, whose every answer
(kept from an earlier edit or rendered again) must be the clean build's file.

The default run is small so the suite stays fast. A longer one:
    SITEGEN_STATEFUL_EXAMPLES=200 SITEGEN_STATEFUL_STEPS=20 python -m pytest tests/test_stateful.py
prints how many sequences (and edits) it ran.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SITES
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sitegen import pool
from sitegen.build import build
from sitegen.incremental.store import CACHE_DIR
from sitegen.render.theme import packaged_theme
from sitegen.serve.resident import Resident

EXAMPLES = int(os.environ.get("SITEGEN_STATEFUL_EXAMPLES", "0"))
STEPS = int(os.environ.get("SITEGEN_STATEFUL_STEPS", "0"))
RAN = {"sequences": 0, "edits": 0, "pools": 0}

WORDS = st.text(alphabet="志愿服务社区青年关爱行动阳光金晖暖心夜校abcXY -", min_size=1, max_size=10).map(str.strip).filter(bool)
DATES = st.dates(date(2018, 1, 1), date(2024, 12, 31))
TAGS = st.lists(st.sampled_from(["社区", "金晖助老", "AI", "留守儿童", "绿色", "5G", "青年之家"]), max_size=3, unique=True)
BODIES = st.sampled_from([
    "## 第一节\n\n正文，带一个[链接](/projects/)。\n",
    "第一段。\n\n- 一项\n- 两项\n",
    "| 表头 | 数 |\n|:--|--:|\n| 甲 | 一 |\n",
    "带 <b>粗体</b> 的一行。\n",  # removed with an unsafe-html warning, every build
    "",
])  # fmt: skip
COUNTIES = ["330102", "330105", "330109", "330111", "330112", "330113", "330114", "330122", "330127", "330182"]
BRANDS = ["guanai", "yangguang", "jinhui", "shequ", "xiangcun", "wenming", "local"]
TARGETS = ["空巢老人", "留守儿童", "特困群体", "残疾人", "社区居民", "农村群众", "青少年", "其他"]
TEMPLATES = ["base.html", "story.html", "association.html", "index.html", "macros/cards.html", "macros/ui.html", "stories.html"]
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}"/></svg>'


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class EditSequences(RuleBasedStateMachine):
    jobs = 1

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="sitegen-stateful-"))
        self.src = self.root / "src"
        self.out = self.root / "out"
        self.builds = 0

    # --- the site on disk -------------------------------------------------------------------

    @initialize()
    def copy_the_site(self) -> None:
        shutil.copytree(SITES / "small", self.src, ignore=shutil.ignore_patterns("expected*"))
        RAN["sequences"] += 1

    def _files(self, folder: str) -> list[Path]:
        return sorted((self.src / "content" / folder).glob("*.*"))

    def _yaml(self, path: Path) -> dict[str, Any]:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def _front(self, path: Path) -> tuple[dict[str, Any], str]:
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        return yaml.safe_load(front) or {}, body

    def _write_yaml(self, path: Path, data: dict[str, Any]) -> None:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def _write_front(self, path: Path, data: dict[str, Any], body: str) -> None:
        front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")

    def _regions(self) -> list[str]:
        return [p.stem for p in self._files("associations")]

    def _projects(self) -> list[str]:
        return [p.stem for p in self._files("projects")]

    def _edited(self) -> None:
        RAN["edits"] += 1

    # --- records ------------------------------------------------------------------------------

    @rule(data=st.data())
    def edit_an_association(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(self._files("associations")))
        record = self._yaml(path)
        field = data.draw(st.sampled_from(["name", "founded", "volunteers", "honors", "description", "updated", "status", "teams", "supervisor"]))
        if field == "name":
            record["name"] = data.draw(WORDS) + "青年志愿者协会"
        elif field == "founded" and isinstance(record.get("dissolved"), date):
            record["founded"] = data.draw(st.dates(date(2018, 1, 1), record["dissolved"]))  # not after it was dissolved
        elif field in ("founded", "updated"):
            record[field] = data.draw(DATES)
        elif field == "volunteers":
            record["volunteers"] = {"registered": data.draw(st.integers(0, 99999)), "as_of": data.draw(DATES)}
        elif field == "honors":
            year = data.draw(st.integers(2019, 2024))
            record["honors"] = [] if record.get("honors") else [{"year": year, "title": "示范县级青年志愿者协会", "by": "共青团中央"}]
        elif field == "description":
            record["description"] = data.draw(BODIES)
        elif field == "status":
            record["status"] = data.draw(st.sampled_from(["active", "preparing"]))
            record.setdefault("founded", date(2020, 1, 1))
            record.pop("dissolved", None)  # only a dissolved association has the date
        elif field == "teams":
            record["teams"] = [{"name": data.draw(WORDS) + "志愿服务队", "type": data.draw(st.sampled_from(["学校", "社区", "企业"])), "members": data.draw(st.integers(1, 99))}]
        else:
            record["supervisor"] = "共青团" + data.draw(WORDS) + "委员会"
        self._write_yaml(path, record)
        self._edited()

    @precondition(lambda self: len(self._projects()) > 0)  # every project may have been deleted
    @rule(data=st.data())
    def edit_a_project(self, data: st.DataObject) -> None:
        if not self._files("projects"):  # every project deleted: nothing to edit
            return
        path = data.draw(st.sampled_from(self._files("projects")))
        record = self._yaml(path)
        field = data.draw(st.sampled_from(["title", "association", "brand", "targets", "summary", "featured", "status", "volunteers", "description", "images"]))
        if field in ("title", "summary"):
            record[field] = data.draw(WORDS)
        elif field == "association":
            record["association"] = data.draw(st.sampled_from(self._regions()))
        elif field == "brand":
            record["brand"] = data.draw(st.sampled_from(BRANDS))
        elif field == "targets":
            record["targets"] = data.draw(st.lists(st.sampled_from(TARGETS), max_size=3, unique=True))
        elif field == "featured":
            record["featured"] = not record.get("featured", False)
        elif field == "status":
            record["status"] = data.draw(st.sampled_from(["running", "paused", "completed"]))
        elif field == "volunteers":
            record["volunteers"] = data.draw(st.integers(0, 5000))
        elif field == "description":
            record["description"] = data.draw(BODIES)
        else:
            record["images"] = data.draw(st.sampled_from([[], ["img/a.svg"]]))
        self._write_yaml(path, record)
        self._edited()

    @rule(data=st.data())
    def edit_a_story(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(self._files("stories")))
        front, body = self._front(path)
        field = data.draw(st.sampled_from(["title", "date", "summary", "tags", "volunteer", "association", "project", "body", "draft", "cover"]))
        if field in ("title", "summary"):
            front[field] = data.draw(WORDS)
        elif field == "date":
            front["date"] = data.draw(DATES)
        elif field == "tags":
            front["tags"] = data.draw(TAGS)
        elif field == "volunteer":
            front["volunteer"] = {"name": "李华", "star": data.draw(st.integers(1, 5))}
        elif field in ("association", "project"):
            front.pop("association", None)
            front.pop("project", None)
            if data.draw(st.booleans()) and self._projects():
                slug = data.draw(st.sampled_from(self._projects()))
                front["project"] = slug
                front["association"] = self._yaml(self.src / "content" / "projects" / f"{slug}.yaml")["association"]
            elif data.draw(st.booleans()):
                front["association"] = data.draw(st.sampled_from(self._regions()))
        elif field == "body":
            body = "\n" + data.draw(BODIES)
        elif field == "draft":
            front["draft"] = not front.get("draft", False)
        else:
            front["cover"] = data.draw(st.sampled_from(["img/a.svg", None]))
            if front["cover"] is None:
                del front["cover"]
        self._write_front(path, front, body)
        self._edited()

    @precondition(lambda self: len(self._files("pages")) > 0)  # delete_a_page may delete the last
    @rule(data=st.data())
    def edit_a_page(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(self._files("pages")))
        front, body = self._front(path)
        field = data.draw(st.sampled_from(["title", "menu", "body", "draft"]))
        if field == "title":
            front["title"] = data.draw(WORDS)
        elif field == "menu":
            front["menu"] = data.draw(st.sampled_from([None, 1, 2, 3]))
            if front["menu"] is None:
                del front["menu"]
        elif field == "body":
            body = "\n" + data.draw(BODIES)
        else:
            front["draft"] = not front.get("draft", False)
        self._write_front(path, front, body)
        self._edited()

    # --- adds, deletes, renames -------------------------------------------------------------------

    @rule(slug=st.sampled_from(["new-a", "new-b", "new-c"]), title=WORDS, day=DATES, tags=TAGS)
    def add_a_story(self, slug: str, title: str, day: date, tags: list[str]) -> None:
        front: dict[str, Any] = {"title": title, "date": day, "tags": tags}
        if self._regions():
            front["association"] = sorted(self._regions())[0]
        self._write_front(self.src / "content" / "stories" / f"{slug}.md", front, "\n新的事迹。\n")
        self._edited()

    @precondition(lambda self: len(self._regions()) > 0)
    @rule(slug=st.sampled_from(["proj-a", "proj-b"]), title=WORDS, brand=st.sampled_from(BRANDS), data=st.data())
    def add_a_project(self, slug: str, title: str, brand: str, data: st.DataObject) -> None:
        record = {"title": title, "association": data.draw(st.sampled_from(self._regions())), "brand": brand, "summary": title}
        self._write_yaml(self.src / "content" / "projects" / f"{slug}.yaml", record)
        self._edited()

    @rule(region=st.sampled_from(COUNTIES), name=WORDS, founded=DATES)
    def add_an_association(self, region: str, name: str, founded: date) -> None:
        record = {"region": region, "name": name + "青年志愿者协会", "founded": founded}
        self._write_yaml(self.src / "content" / "associations" / f"{region}.yaml", record)
        self._edited()

    @rule(slug=st.sampled_from(["join", "contact"]), title=WORDS, menu=st.sampled_from([None, 2]))
    def add_a_page(self, slug: str, title: str, menu: int | None) -> None:
        front: dict[str, Any] = {"title": title} | ({"menu": menu} if menu else {})
        self._write_front(self.src / "content" / "pages" / f"{slug}.md", front, "\n新页面。\n")
        self._edited()

    @precondition(lambda self: len(self._files("stories")) > 1)
    @rule(data=st.data())
    def delete_a_story(self, data: st.DataObject) -> None:
        data.draw(st.sampled_from(self._files("stories"))).unlink()
        self._edited()

    @rule(data=st.data())
    def delete_a_page(self, data: st.DataObject) -> None:
        pages = self._files("pages")
        if pages:
            data.draw(st.sampled_from(pages)).unlink()
            self._edited()

    @rule(data=st.data())
    def delete_a_project(self, data: st.DataObject) -> None:
        """A project goes, and the stories that named it stop naming it."""
        projects = self._projects()
        if not projects:
            return
        slug = data.draw(st.sampled_from(projects))
        (self.src / "content" / "projects" / f"{slug}.yaml").unlink()
        for story in self._files("stories"):
            front, body = self._front(story)
            if front.get("project") == slug:
                del front["project"]
                self._write_front(story, front, body)
        self._edited()

    @rule(data=st.data())
    def delete_an_added_association(self, data: st.DataObject) -> None:
        """Only one nothing refers to (a project or story naming it would be an error)."""
        named = {self._yaml(p).get("association") for p in self._files("projects")}
        named |= {self._front(p)[0].get("association") for p in self._files("stories")}
        free = [r for r in self._regions() if r in COUNTIES and r not in named]
        if free:
            (self.src / "content" / "associations" / f"{data.draw(st.sampled_from(free))}.yaml").unlink()
            self._edited()

    @rule(data=st.data(), new=st.sampled_from(["renamed-a", "renamed-b"]))
    def rename_a_story_or_page(self, data: st.DataObject, new: str) -> None:
        files = self._files("stories") + self._files("pages")
        path = data.draw(st.sampled_from(files))
        target = path.with_name(new + path.suffix)
        if not target.exists():
            path.rename(target)
            self._edited()

    @rule(data=st.data(), new=st.sampled_from(["moved-a", "moved-b"]))
    def rename_a_project(self, data: st.DataObject, new: str) -> None:
        """A project file renamed (its slug changes), and the stories that name it follow."""
        projects = self._projects()
        if not projects or new in projects:
            return
        slug = data.draw(st.sampled_from(projects))
        (self.src / "content" / "projects" / f"{slug}.yaml").rename(self.src / "content" / "projects" / f"{new}.yaml")
        for story in self._files("stories"):
            front, body = self._front(story)
            if front.get("project") == slug:
                front["project"] = new
                self._write_front(story, front, body)
        self._edited()

    # --- theme, config, static files --------------------------------------------------------------

    @rule(name=st.sampled_from(TEMPLATES), marker=WORDS, remove=st.booleans())
    def override_a_template(self, name: str, marker: str, remove: bool) -> None:
        target = self.src / "templates" / name
        if remove and target.exists():
            target.unlink()
        else:
            text = (packaged_theme() / "templates" / name).read_text(encoding="utf-8")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"{{# {marker} #}}" + text.replace("</footer>", f"<p>{marker}</p></footer>", 1), encoding="utf-8")
        self._edited()

    @rule(data=st.data())
    def edit_the_config(self, data: st.DataObject) -> None:
        path = self.src / "sitegen.yaml"
        config = self._yaml(path)
        field = data.draw(st.sampled_from(["per_page", "title", "description", "edit_url", "as_of"]))
        if field == "per_page":
            config["per_page"] = data.draw(st.integers(1, 4))
        elif field in ("title", "description"):
            config[field] = data.draw(WORDS)
        elif field == "edit_url":
            config["edit_url"] = data.draw(st.sampled_from([None, "https://git.example.org/edit/"]))
            if config["edit_url"] is None:
                del config["edit_url"]
        else:
            config["as_of"] = data.draw(st.sampled_from([None, date(2023, 6, 30), date(2024, 12, 31)]))
            if config["as_of"] is None:
                del config["as_of"]
        self._write_yaml(path, config)
        self._edited()

    @rule(name=st.sampled_from(["extra/a.txt", "extra/b.css", "img/a.svg"]), width=st.integers(10, 400), remove=st.booleans())
    def change_a_static_file(self, name: str, width: int, remove: bool) -> None:
        path = self.src / "static" / name
        if remove and name != "img/a.svg":  # a project shows img/a.svg: it must exist
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(SVG.format(w=width, h=width // 2) if name.endswith(".svg") else f"/* {width} */\n", encoding="utf-8")
        self._edited()

    # --- the property ------------------------------------------------------------------------------

    @invariant()
    def incremental_equals_clean(self) -> None:
        if not self.src.exists():
            return
        incremental = build(self.src, self.out, jobs=self.jobs)
        clean_src = self.root / f"clean-{self.builds}"
        shutil.copytree(self.src, clean_src, ignore=shutil.ignore_patterns(CACHE_DIR))
        clean_out = self.root / f"clean-out-{self.builds}"
        clean = build(clean_src, clean_out, jobs=1)
        self.builds += 1
        errors = [d.format_text() for d in clean.diagnostics if d.is_error]
        assert not errors, f"the edits made an invalid site (a bug of this test): {errors}"
        relative = lambda result, root: sorted(d.format_text().replace(str(root), "SRC") for d in result.diagnostics)  # noqa: E731
        assert relative(incremental, self.src) == relative(clean, clean_src)
        mine, theirs = _tree(self.out), _tree(clean_out)
        assert mine.keys() == theirs.keys(), f"files differ: {sorted(mine.keys() ^ theirs.keys())[:5]}"
        stale = [name for name in theirs if mine[name] != theirs[name]]
        assert not stale, f"the incremental build differs from a clean one in {stale[:5]}"
        shutil.rmtree(clean_src)
        shutil.rmtree(clean_out)

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class ParallelEditSequences(EditSequences):
    jobs = 2

    def __init__(self) -> None:
        super().__init__()
        self.threshold, self.executor = pool.PARALLEL_MIN, pool.ProcessPoolExecutor
        pool.PARALLEL_MIN = 1  # the small site renders in forked workers too
        real = self.executor

        class Counting(real):  # type: ignore[misc, valid-type]
            def __init__(self, workers: int, **kwargs: Any) -> None:
                RAN["pools"] += 1
                super().__init__(workers, **kwargs)

        pool.ProcessPoolExecutor = Counting

    def teardown(self) -> None:
        pool.PARALLEL_MIN, pool.ProcessPoolExecutor = self.threshold, self.executor
        super().teardown()


class ServedEditSequences(EditSequences):
    """The same edits seen by `sitegen serve`'s resident site, told only which files changed:
    every output it answers, kept from before the edit or rendered again, equals a clean build."""

    def __init__(self) -> None:
        super().__init__()
        self.resident: Resident | None = None
        self.seen: dict[str, bytes] = {}

    @invariant()
    def incremental_equals_clean(self) -> None:
        if not self.src.exists():
            return
        now = {name: data for name, data in _tree(self.src).items() if not name.startswith(CACHE_DIR)}
        if self.resident is None:
            self.resident = Resident(self.src)
            outcome = self.resident.start()
        else:
            changed = {name for name in now.keys() | self.seen.keys() if now.get(name) != self.seen.get(name)}
            outcome = self.resident.update(self.src / name for name in changed)
        self.seen = now
        clean_src = self.root / f"clean-{self.builds}"
        shutil.copytree(self.src, clean_src, ignore=shutil.ignore_patterns(CACHE_DIR))
        clean_out = self.root / f"clean-out-{self.builds}"
        clean = build(clean_src, clean_out, jobs=1)
        self.builds += 1
        errors = [d.format_text() for d in clean.diagnostics if d.is_error]
        assert not errors, f"the edits made an invalid site (a bug of this test): {errors}"
        relative = lambda diagnostics, root: sorted(d.format_text().replace(str(root), "SRC") for d in diagnostics)  # noqa: E731
        assert relative(outcome.diagnostics, self.src) == relative(clean.diagnostics, clean_src)
        theirs = _tree(clean_out)
        assert sorted(self.resident.outputs()) == sorted(theirs), f"files differ: {sorted(set(self.resident.outputs()) ^ theirs.keys())[:5]}"
        stale = []
        for name, data in theirs.items():
            answer = self.resident.answer(name)
            if (answer.read_bytes() if isinstance(answer, Path) else answer) != data:
                stale.append(name)
        assert not stale, f"serve answers differently from a clean build for {stale[:5]}"
        shutil.rmtree(clean_src)
        shutil.rmtree(clean_out)


def _settings(examples: int, steps: int) -> settings:
    return settings(
        max_examples=EXAMPLES or examples,
        stateful_step_count=STEPS or steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        print_blob=True,
    )


@pytest.mark.parametrize(
    "machine, examples, steps",
    [(EditSequences, 4, 6), (ParallelEditSequences, 2, 4), (ServedEditSequences, 3, 6)],
    ids=["j1", "j2", "serve"],
)
def test_incremental_build_equals_clean_build_after_random_edits(machine: type[EditSequences], examples: int, steps: int) -> None:
    before = dict(RAN)
    machine.TestCase.settings = _settings(examples, steps)
    machine.TestCase().runTest()
    ran = {key: RAN[key] - before[key] for key in RAN}
    assert ran["sequences"] >= 1
    if machine.jobs > 1:
        assert ran["pools"] > 0, "the -j 2 builds rendered in forked workers"
    if EXAMPLES:
        print(f"\n{machine.__name__}: {ran['sequences']} edit sequences, {ran['edits']} edits, {ran['pools']} process pools, no difference")
