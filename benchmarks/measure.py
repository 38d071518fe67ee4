"""Time one process to completion: wall and CPU seconds, and the peak memory of its tree.

CPU seconds are user + system of the process and every child it reaped (the `-j` workers,
Pagefind), from `os.wait4`. Peak memory is read while the process runs: every 50 ms the
process tree is walked in /proc and each process's high-water mark (VmHWM) kept, so that
sitegen's own processes (Python) and the tools it runs (Pagefind) are told apart. Where /proc
is missing, the tree's largest resident set from `wait4` stands for both.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
POLL = 0.05  # seconds between looks at the process tree


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float  # sitegen's own processes (the largest one)
    tools_mib: float = 0.0  # other programs it ran (Pagefind)


@dataclass
class Series:
    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss(self) -> float:
        return max(s.rss_mib for s in self.samples)

    @property
    def tools(self) -> float:
        return max(s.tools_mib for s in self.samples)

    def percentile(self, q: float) -> float:
        walls = sorted(s.wall for s in self.samples)
        return walls[min(len(walls) - 1, max(0, round(q * len(walls) + 0.5) - 1))]

    def spread(self) -> str:
        walls = [s.wall for s in self.samples]
        return f"{min(walls):.2f} / {self.wall:.2f} / {max(walls):.2f}"


class TreeWatch:
    """Keeps the peak VmHWM of a process and its descendants while it runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.own = 0  # KiB, Python processes (sitegen and its workers)
        self.tools = 0  # KiB, anything else
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self._tree():
                hwm, name = _status(pid)
                if pid == self.pid or name.startswith(("python", "sitegen")):
                    self.own = max(self.own, hwm)
                else:
                    self.tools = max(self.tools, hwm)
            self._stop.wait(POLL)

    def _tree(self) -> list[int]:
        found, pending = [], [self.pid]
        while pending:
            pid = pending.pop()
            found.append(pid)
            try:
                for task in (PROC / str(pid) / "task").iterdir():
                    pending += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
        return found


def _status(pid: int) -> tuple[int, str]:
    """(VmHWM in KiB, executable name) of a process, (0, "") once it is gone."""
    try:
        text = (PROC / str(pid) / "status").read_text()
    except OSError:
        return 0, ""
    hwm, name = 0, ""
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
        elif line.startswith("Name:"):
            name = line.split(None, 1)[1].strip() if len(line.split()) > 1 else ""
    return hwm, name


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Sample:
    """Run `cmd` to completion; SystemExit with its stderr if it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    watch = TreeWatch(proc.pid) if PROC.is_dir() else None
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if watch is not None:
        watch.stop()
    if proc.returncode != 0:
        sys.stderr.write(stderr.decode("utf-8", "replace"))
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    tree_max = usage.ru_maxrss / 1024  # exact, but over the whole tree
    if watch is None:
        return Sample(wall, usage.ru_utime + usage.ru_stime, tree_max, tree_max)
    own = max(watch.own / 1024, tree_max if not watch.tools else 0.0)
    return Sample(wall, usage.ru_utime + usage.ru_stime, own, watch.tools / 1024)
