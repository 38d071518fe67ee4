"""The site `sitegen serve` keeps in memory, and the pages it renders when they are asked for.

Loading, validating and linking a national ledger takes seconds; rendering one page, a tenth
of one. So the dev server loads the site once (`start`), then answers a request by rendering
that page alone and keeping it (Astro's and Vite's dev servers work the same way). On a save
it reads again only the files saved (`update`), links the site again, and drops exactly the
kept pages whose recorded inputs changed: each kept page remembers the fingerprint of every
typed input it read (link/inputs.py), and the new site fingerprints the same inputs. A template
edit drops the pages that used the template and renders nothing until a page is asked for.

A site with errors is not swapped in: the last good one keeps being served and the errors are
reported (the dev server shows them over the page). Nothing is ever written to OUT; the one
thing read from it is the search index of the last full `sitegen build`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path

from sitegen.diagnostics import Diagnostic, has_errors, sort_diagnostics
from sitegen.domain import pinyin
from sitegen.domain.divisions import DivisionTable, load_divisions
from sitegen.incremental.markdown_cache import MarkdownCache
from sitegen.incremental.record_cache import RecordCache
from sitegen.incremental.store import PINYIN, Cache, ImageStore
from sitegen.link import urls
from sitegen.link.inputs import Fingerprints
from sitegen.link.memo import forget
from sitegen.link.recorded import SiteRecord
from sitegen.link.site import link
from sitegen.load.config import CONFIG_FILE, SiteConfig
from sitegen.load.record import Record
from sitegen.load.records import load_config, load_file
from sitegen.load.registry import duplicate_serials
from sitegen.load.sources import discover, source_of
from sitegen.render import images
from sitegen.render.artifact import Deflated
from sitegen.render.linkcheck import check_links
from sitegen.render.markdown_stage import RenderedMarkdown, render_markdown
from sitegen.render.pages import make, plan
from sitegen.render.templates import PageRenderer
from sitegen.render.views import Views
from sitegen.serve.delta import (
    Fragments,
    by_file,
    published_files,
    same_links,
    shown_images,
    texts_of,
)
from sitegen.serve.generation import FileState, Generation, Kept, Outcome, Outputs


class Resident:
    """The site of `src`, loaded once and kept up to date by `update`; `answer` renders."""

    def __init__(self, src: Path, include_drafts: bool = False, jobs: int = 1) -> None:
        self.src = Path(src).resolve()
        self.include_drafts = include_drafts
        self.jobs = jobs  # processes for the first load's Markdown (no server threads yet)
        self.lock = threading.RLock()
        self.current: Generation | None = None
        self.kept: dict[str, Kept] = {}
        self.config: SiteConfig | None = None
        self._config_problems: list[Diagnostic] = []
        self._files: dict[str, FileState] = {}
        self._divisions: DivisionTable | None = None
        self._fragments = Fragments(None)
        self._image_store: ImageStore | None = None
        self._html: dict[tuple[str, str], str] = {}  # rendered Markdown by (kind, key)
        self._markdown_problems: dict[str, list[Diagnostic]] = {}  # by file
        self._link_problems: dict[str, list[Diagnostic]] = {}  # broken links, by file
        self._touched: set[str] = set()  # files read again since the last link
        self._defer_links = False
        self.links_pending = False  # every link is to be checked (start deferred it)
        self._linked_problems: list[Diagnostic] = []  # of the link stage, images and static files
        self._doors: dict[int, tuple[Record, SiteRecord]] = {}  # a record's recording door, by the record
        self._images: tuple[images.ImageSet, list[Diagnostic]] | None = None
        self._images_stale = False  # a file of static/ or the images a record shows changed
        self._unswapped: set[tuple[str, str]] | None = set()  # read again, not yet in a good site (None: all)
        self._changes: dict[int, set[tuple[str, str]] | None] = {}  # generation -> records read again
        self._generations = 0

    # --- loading -------------------------------------------------------------------------------

    def start(self, defer_links: bool = False) -> Outcome:
        """Load the whole site (parsed records and Markdown from the build cache). With
        `defer_links` every link is checked later, by `check_every_link` (the dev server answers
        its first page first: the check reads every Markdown text of a national site)."""
        started = time.perf_counter()
        with self.lock:
            self._defer_links = defer_links
            outcome = self._load_all()
            self._defer_links = False
            outcome.seconds = time.perf_counter() - started
            return outcome

    def _load_all(self) -> Outcome:
        config, problems = load_config(self.src)
        self.config, self._config_problems = config, problems
        self._files = {}
        if config is None:
            return Outcome(sort_diagnostics(problems), full=True)
        self._divisions = divisions = load_divisions()
        context = {"config": config, "divisions": divisions}
        store = Cache(self.src)
        record_cache = RecordCache(store, context, f"{config!r}\0{self.src.resolve()}")
        sources, found = discover(self.src)
        for problem in found:  # files that could not be read, or are not content: by path
            self._files[self._rel(Path(problem.path))] = FileState(None, [problem])
        for source in sources:
            self._files[source.rel] = FileState(*load_file(source, self.src, context, record_cache))
        known = store.load(PINYIN, store.stamp(PINYIN))
        pinyin.add_keys(known)
        self._fragments = Fragments(MarkdownCache(store, config.base_path))
        self._image_store = store.images
        outcome = self._relink()
        record_cache.save()  # the build cache, in SRC: what serve and build both reuse
        if self._fragments.disk is not None:
            self._fragments.disk.save()
        if len(pinyin.known_keys()) != len(known or ()):
            store.save(PINYIN, store.stamp(PINYIN), pinyin.known_keys())
        outcome.full = True
        return outcome

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.src).as_posix()
        except ValueError:
            return path.as_posix()

    def update(self, paths: Iterable[Path]) -> Outcome:
        """The files at `paths` were saved, added or deleted: read them again, link again, drop
        the kept pages whose inputs changed."""
        started = time.perf_counter()
        with self.lock:
            outcome = self._update(set(paths))
            outcome.seconds = time.perf_counter() - started
            return outcome

    def _update(self, paths: set[Path]) -> Outcome:
        content = self.src / "content"
        light: list[tuple[Record, Record]] | None = [] if self.current is not None and self._unswapped == set() else None
        if self.config is None or self._divisions is None or any(
            p in (self.src, self.src / CONFIG_FILE, content) or p.parent == content for p in paths
        ):
            return self._load_all()  # the config, or a whole folder of content: read it all
        context = {"config": self.config, "divisions": self._divisions}
        changed: set[tuple[str, str]] = set()
        if any(p.is_relative_to(self.src / "static") for p in paths):
            self._images_stale = True
        for path in sorted(p for p in paths if p.is_relative_to(content)):
            # templates, themes and static files are not read here: their fingerprints tell
            rel = self._rel(path)
            before = self._files.pop(rel, None)
            if before is not None and before.record is not None:
                changed.add((before.record.kind, before.record.key))
            read = source_of(self.src, path)
            if read is None:  # deleted, hidden, a folder: not a content file (any more)
                continue
            source, problems = read
            if source is None:
                self._files[rel] = FileState(None, problems)
                continue
            record, more, claimed = load_file(source, self.src, context)
            self._files[rel] = FileState(record, problems + more, claimed)
            if light is not None and before is not None and before.record is not None and record is not None and same_links(before.record, record):
                light.append((before.record, record))
            else:
                light = None
            if shown_images(record) != shown_images(before.record if before else None):
                self._images_stale = True
            if record is not None:
                changed.add((record.kind, record.key))
        self._touched = {str(p) for p in paths}
        if light and not any(not p.is_relative_to(content) for p in paths):
            return self._refresh(light)
        return self._relink(changed)

    def _refresh(self, pairs: list[tuple[Record, Record]]) -> Outcome:
        """A save that changed records' text but nothing the link stage reads (a story's body):
        the linked site, its plan and the compiled templates stay; the records' doors show the
        new versions, their Markdown is rendered again and the views forget what they made."""
        old = self.current
        assert old is not None
        changed = {(new.kind, new.key) for _, new in pairs}
        for before, after in pairs:
            door = self._doors.pop(id(before))[1]
            door.reseat(after)
            self._doors[id(after)] = (after, door)
        site, views = old.site, old.views
        texts = texts_of(site, changed)
        markdown, problems = render_markdown(site, self._fragments, 1, texts)
        html = {k: v for k, v in self._html.items() if k not in changed}
        html.update(markdown.fragments)
        self._markdown_problems = by_file(problems, self._markdown_problems, self._touched)
        previous_markdown, views.markdown = views.markdown, RenderedMarkdown(html)
        forget(views)
        fingerprints = Fingerprints(site, old.renderer.env, views.images, views)
        fingerprints.routes = old.fingerprints.routes
        generation = Generation(old.number + 1, site, views, old.renderer, fingerprints, old.jobs, old.files, old.pages)
        self._link_problems = by_file(check_links(site, Outputs(generation), texts), self._link_problems, self._touched)
        self._touched = set()
        diagnostics = sort_diagnostics(self._problems())
        if has_errors(diagnostics):  # keep serving the last good site: the doors show the old text
            for before, after in pairs:
                door = self._doors.pop(id(after))[1]
                door.reseat(before)
                self._doors[id(before)] = (before, door)
            views.markdown = previous_markdown
            forget(views)
            self._unswapped = changed
            return Outcome(diagnostics, old.pages)
        self._generations = generation.number
        self._changes[generation.number] = changed
        self._html = html
        self.current = generation
        return Outcome(diagnostics, generation.pages)

    def check_every_link(self) -> Outcome | None:
        """Check every link of the site being served, if that is due (see `start`)."""
        with self.lock:
            generation = self.current
            if not self.links_pending or generation is None:
                self.links_pending = False  # without a site, the next full link checks them
                return None
            self._link_problems = by_file(check_links(generation.site, Outputs(generation)), None, set())
            self.links_pending = False
            return Outcome(sort_diagnostics(self._problems()))

    def _problems(self) -> list[Diagnostic]:
        """Every diagnostic of the site as it is now, kept by file or by stage."""
        found = [*self._config_problems, *(d for state in self._files.values() for d in state.problems), *self._linked_problems]
        for by_path in (self._markdown_problems, self._link_problems):
            found += [d for same in by_path.values() for d in same]
        return found

    def _relink(self, changed: set[tuple[str, str]] | None = None) -> Outcome:
        """Link the records as they are now and plan every output; `changed`: the records read
        again since the last link (None: everything, a full load)."""
        config, divisions = self.config, self._divisions
        assert config is not None and divisions is not None
        if changed is not None:  # with what the last links that had errors read again
            changed = None if self._unswapped is None else changed | self._unswapped
        states = sorted(self._files.items(), key=lambda item: item[1].order)
        records = [state.record for _, state in states if state.record is not None]
        failed = frozenset(key for _, state in states for key in state.claimed)
        linked = duplicate_serials(records)
        doors = self._doors
        self._doors = {id(r): doors.get(id(r)) or (r, SiteRecord(r)) for r in records}  # the record kept: its id stays its own
        site, problems = link(self.src, config, divisions, records, self.include_drafts, None, failed, lambda r: self._doors[id(r)][1])
        linked += problems
        if changed is None or self._images is None or self._images_stale:
            self._images = images.prepare(site, self._image_store, 1)
        image_set, problems = self._images
        linked += problems
        texts = None if changed is None else texts_of(site, changed)
        markdown, problems = render_markdown(site, self._fragments, self.jobs if changed is None else 1, texts)
        html = dict(markdown.fragments) if changed is None else {k: v for k, v in self._html.items() if k not in changed}
        html.update(markdown.fragments)
        self._markdown_problems = by_file(problems, None if changed is None else self._markdown_problems, self._touched)
        views = Views(site, RenderedMarkdown(html), image_set)
        renderer = PageRenderer(site, views)
        fingerprints = Fingerprints(site, renderer.env, views.images, views)
        jobs = plan(site, views)
        fingerprints.routes = tuple(job.route for job in jobs if job.in_sitemap)
        outputs = {urls.output_file(job.route): job for job in jobs}
        files, problems = published_files(self.src, config, outputs, image_set.files)
        self._linked_problems = linked + problems
        generation = Generation(self._generations + 1, site, views, renderer, fingerprints, outputs, files, sum(f.endswith(".html") for f in outputs))
        if changed is not None and self.current is not None and outputs.keys() != self.current.jobs.keys():
            texts = None  # outputs came or went: every link is checked again
        if self.links_pending:
            texts = None  # a check of every link is due
        if texts is None and self._defer_links:
            self.links_pending, self._link_problems = True, {}
        else:
            links = check_links(site, Outputs(generation), texts)
            self._link_problems = by_file(links, None if texts is None else self._link_problems, self._touched)
            self.links_pending = self.links_pending and texts is not None
        self._touched, self._images_stale = set(), False
        diagnostics = sort_diagnostics(self._problems())
        if has_errors(diagnostics):  # keep serving the last good site
            self._unswapped = None if changed is None or self._unswapped is None else self._unswapped | changed
            return Outcome(diagnostics, generation.pages)
        self._unswapped = set()
        self._generations = generation.number
        self._changes[generation.number] = changed
        self._html = html
        if changed is None:
            self.kept.clear()
        self.current = generation
        return Outcome(diagnostics, generation.pages)

    def _still_right(self, kept: Kept, generation: Generation) -> bool:
        """Whether every input a kept output read has the fingerprint it had. A record or its
        presence can only have changed if its file was read again since (the cheap test)."""
        touched: set[tuple[str, str]] = set()
        for number in range(kept.generation + 1, generation.number + 1):
            changes = self._changes.get(number)
            if changes is None:
                return False
            touched |= changes
        for item, fp in kept.inputs.items():
            if item[0] in ("record", "presence") and (item[1], item[2]) not in touched:
                continue
            if generation.fingerprints(item) != fp:
                return False
        kept.generation = generation.number
        return True

    # --- answering -----------------------------------------------------------------------------

    def has(self, file: str) -> bool:
        generation = self.current
        return generation is not None and (file in generation.jobs or file in generation.files)

    def outputs(self) -> list[str]:
        """Every output file of the current site (pages, data, static files, image variants)."""
        generation = self.current
        return sorted([*generation.jobs, *generation.files]) if generation is not None else []

    def answer(self, file: str) -> bytes | Path | Diagnostic | None:
        """The output `file` (`stories/a/index.html`): rendered bytes, a file to send, the
        template problem that stopped it, or None when the site has no such output."""
        with self.lock:
            generation = self.current
            if generation is None:
                return None
            if file in generation.files:
                return generation.files[file]
            job = generation.jobs.get(file)
            if job is None:
                return None
            kept = self.kept.get(file)
            if kept is not None and (kept.generation == generation.number or self._still_right(kept, generation)):
                return kept.body
            output, found = make(generation.renderer, job)
            if isinstance(output, Diagnostic):
                self.kept.pop(file, None)
                return output
            body = output.data() if isinstance(output, Deflated) else output
            self.kept[file] = Kept(body, {item: generation.fingerprints(item) for item in found}, generation.number)
            return body
