"""One run at a time, in a background thread, with its progress readable while it runs.

:meth:`RunWorker.submit` starts a job that runs the missing segments of a
:class:`~factions.dashboard.answer.RunSpec` one after the other and puts each in the
cache; a second submit while a job runs raises :class:`Busy`. The browser polls
:meth:`RunWorker.status` for the progress.
"""

from __future__ import annotations

__all__ = ["RunWorker", "Job", "Busy"]

import itertools
import threading
import time
from dataclasses import dataclass, field

from factions.dashboard.answer import SEED, RunSpec
from factions.dashboard.cache import SegmentCache
from factions.dashboard.segments import run_segment
from factions.errors import FactionsError, InputError

#: finished jobs whose status stays readable
KEEP_JOBS = 16


class Busy(InputError):
    """A run is in progress; one at a time."""


@dataclass
class Job:
    """A run's state: ``running``, ``done`` or ``failed`` (with ``error``)."""

    id: int
    segments: int
    state: str = "running"
    done: int = 0
    tasks_done: int = 0
    tasks_total: int = 0
    current: str = ""
    error: str = ""
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None

    @property
    def fraction(self) -> float:
        if self.state != "running":
            return 1.0
        part = self.tasks_done / self.tasks_total if self.tasks_total else 0.0
        return min(1.0, (self.done + part) / max(self.segments, 1))

    @property
    def elapsed(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    def describe(self) -> str:
        if self.state == "failed":
            return f"run failed: {self.error}"
        if self.state == "done":
            return f"done: {self.segments} named scenario(s) run in {self.elapsed:.1f} s"
        return (f"running {self.done + 1}/{self.segments} · {self.current} · "
                f"{self.elapsed:.0f} s")


class _Progress:
    """The pipeline's progress hooks, written into the job."""

    def __init__(self, job: Job, sid: str):
        self.job, self.sid = job, sid

    def start(self, total: int) -> None:
        self.job.tasks_done, self.job.tasks_total = 0, total
        self.job.current = self.sid

    def task(self, engine: str, scenario: str, seed: int) -> None:
        self.job.tasks_done += 1
        self.job.current = f"{engine} · {scenario} · seed {seed}"

    def sweep(self, state) -> None:  # pragma: no cover (local runs have no sweep)
        self.job.current = f"{state.done}/{state.total} tasks"


class RunWorker:
    """Runs the missing segments of one spec at a time.

    Parameters
    ----------
    cache
        Where finished segments go.
    run
        The function running one segment (default
        :func:`~factions.dashboard.segments.run_segment`); tests pass a slower or failing one.
    """

    def __init__(self, cache: SegmentCache, run=run_segment):
        self.cache = cache
        self._run = run
        self._lock = threading.Lock()
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    def submit(self, spec: RunSpec) -> Job:
        """Start running what ``spec`` misses.

        Raises
        ------
        Busy
            Another run is in progress.
        """
        if not self._lock.acquire(blocking=False):
            raise Busy("a run is in progress; wait for it to finish")
        try:
            needs = spec.missing(self.cache)
            job = Job(next(self._ids), len(needs))
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP_JOBS]:
                del self._jobs[old]
            self._thread = threading.Thread(target=self._work, args=(job, spec, needs),
                                            name=f"factions-run-{job.id}", daemon=True)
            self._thread.start()
        except BaseException:
            self._lock.release()
            raise
        return job

    def _work(self, job: Job, spec: RunSpec, needs) -> None:
        try:
            for n in needs:
                seg = self._run(n.scenario, n.scenario_id, spec.options, SEED,
                                spec.request.replicas, progress=_Progress(job, n.scenario_id),
                                figures=n.what_if)
                self.cache.put(n.key, seg)
                job.done += 1
            job.state = "done"
        except FactionsError as exc:
            job.state, job.error = "failed", str(exc).splitlines()[0]
        except Exception as exc:  # an engine bug: reported in the page, the server goes on
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished = time.perf_counter()
            self._lock.release()

    def status(self, job_id) -> Job | None:
        """The job of ``job_id`` (the latest jobs only), or ``None``."""
        return self._jobs.get(job_id) if isinstance(job_id, int) else None

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the running job's thread (tests and scripts)."""
        if self._thread is not None:
            self._thread.join(timeout)
