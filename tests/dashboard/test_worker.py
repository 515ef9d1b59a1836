import threading

import pandas as pd
import pytest

from factions.dashboard import Busy, RunWorker, SegmentCache, parse_request, plan_request
from factions.dashboard.segments import Segment
from factions.errors import EngineError

from .conftest import request


class Gate:
    """A fake segment run that waits until released and reports progress."""

    def __init__(self, fail=None):
        self.release = threading.Event()
        self.entered = threading.Event()
        self.calls = []
        self.fail = fail

    def __call__(self, sc, sid, options, seed, replicas, progress=None, figures=False):
        self.calls.append((sid, figures))
        progress.start(4)
        progress.task("digest", sid, seed)
        self.entered.set()
        assert self.release.wait(10)
        if self.fail is not None:
            raise self.fail
        return Segment(sid, pd.DataFrame(columns=["engine", "scenario", "seed", "metric",
                                                  "month", "value"]))


@pytest.fixture
def spec(small_library):
    w = parse_request(small_library, request())
    return plan_request(small_library.get("file"), w)


def test_one_run_at_a_time(spec):
    gate = Gate()
    worker = RunWorker(SegmentCache(None), run=gate)
    job = worker.submit(spec)
    assert gate.entered.wait(10)
    assert worker.busy and job.state == "running"
    assert job.current == "digest · what_if · seed 0"
    assert 0 < job.fraction < 1 / job.segments
    with pytest.raises(Busy, match="a run is in progress"):
        worker.submit(spec)
    gate.release.set()
    worker.wait(10)
    assert job.state == "done" and job.done == job.segments == 3 and not worker.busy
    assert [c[0] for c in gate.calls] == ["what_if", "no_surge", "historical"]
    assert [c[1] for c in gate.calls] == [True, False, False]  # figures of the what-if only
    assert spec.missing(worker.cache) == []
    again = worker.submit(spec)  # the lock was released; nothing is missing any more
    worker.wait(10)
    assert again.state == "done" and again.segments == 0 and len(gate.calls) == 3
    assert worker.status(job.id) is job and worker.status("1") is None


@pytest.mark.parametrize("error, message", [
    (EngineError("ground: bad grid\nsecond line"), "ground: bad grid"),
    (RuntimeError("boom"), "RuntimeError: boom"),
])
def test_a_failed_run_is_reported_and_frees_the_worker(spec, error, message):
    gate = Gate(fail=error)
    worker = RunWorker(SegmentCache(None), run=gate)
    job = worker.submit(spec)
    gate.release.set()
    worker.wait(10)
    assert job.state == "failed" and job.error == message
    assert job.describe() == f"run failed: {message}"
    assert not worker.busy and spec.missing(worker.cache) == spec.needs()
