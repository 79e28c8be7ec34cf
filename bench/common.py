"""Measuring helpers shared by the benchmarks: resident memory, the cores other processes
keep busy, waiting for an idle machine, and the git revision of the code measured."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def memory_kb() -> dict[str, int]:
    """VmRSS and VmHWM (peak) of this process, in kB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


class ChildPeak:
    """The largest VmHWM (peak resident memory) of this process's children, sampled while a
    ``with`` block runs. ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` will not do: Linux carries a
    process's peak across ``exec``, so a worker that was forked from a large parent and then
    exec'd a fresh interpreter reports the parent's size."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> ChildPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        tasks = Path(f"/proc/{os.getpid()}/task")
        while True:
            children = set()
            for listing in tasks.glob("*/children"):
                try:
                    children.update(listing.read_text().split())
                except OSError:
                    continue  # the thread ended meanwhile
            for child in children:
                try:
                    status = Path(f"/proc/{child}/status").read_text()
                except OSError:
                    continue  # the process ended meanwhile
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            if self._done.wait(self.interval):
                return


def _busy_seconds() -> tuple[float, float]:
    """Busy CPU seconds of the machine (/proc/stat) and of this process with its finished
    children."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    user, nice, system, _idle, _iowait, irq, softirq = fields
    busy = (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")
    times = os.times()
    return busy, times.user + times.system + times.children_user + times.children_system


class CpuWatch:
    """How many cores other processes kept busy while a measurement ran: the machine may be
    shared, and the figures are only as good as the cores that were free."""

    def __init__(self) -> None:
        self.busy, self.own = _busy_seconds()
        self.started = time.perf_counter()

    def others(self) -> float:
        busy, own = _busy_seconds()
        wall = max(time.perf_counter() - self.started, 1e-9)
        return max(0.0, (busy - self.busy) - (own - self.own)) / wall


def wait_for_idle(limit: float, threshold: float = 0.3) -> float:
    """Wait (at most ``limit`` seconds) until other processes use less than ``threshold``
    cores over two seconds; return the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        watch = CpuWatch()
        time.sleep(2.0)
        if watch.others() < threshold:
            break
    return time.perf_counter() - started


def source_revision() -> tuple[str, bool] | None:
    """The short git commit of the code measured and whether src/ differs from it; None
    outside a git checkout."""

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", "-C", str(ROOT), *arguments], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "src")
    except (OSError, subprocess.CalledProcessError):
        return None
    return head, bool(dirty)
