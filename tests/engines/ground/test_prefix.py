"""Shared history (:mod:`factions.engines.ground.prefix`): a run resumed from a memo of an
earlier run is bit-for-bit the run from the start, and the memo is really used."""

from pathlib import Path

import numpy as np
import pytest

from factions.engines.ground import Simulator, run_ground
from factions.engines.ground import engine as ground_engine
from factions.engines.ground.params import validate_params
from factions.engines.ground.prefix import MEMO, PrefixMemo, clear_memo, digest_chain, memo_stats
from factions.scenario import load_scenario

FILE = Path(__file__).parents[2] / "data" / "valdoria.yaml"
FAST = {"grid": 40, "seeds": 2, "ticks_per_month": 4, "burn_in": 10}
IDS = ["what_happened", "no_legion", "no_truce", "closed"]


@pytest.fixture(scope="module")
def sc():
    return load_scenario(FILE)


def _values(res):
    return res.monthly.drop(columns="month").to_numpy(float)


def test_resumed_runs_equal_runs_from_the_start(sc):
    fresh = {}
    for sid in IDS:  # each from the start: an empty memo before every run
        clear_memo()
        fresh[sid] = _values(run_ground(sc, sid, 7, FAST))
    clear_memo()
    shared = {sid: _values(run_ground(sc, sid, 7, FAST)) for sid in IDS}
    stats = memo_stats()
    for sid in IDS:
        assert np.array_equal(fresh[sid], shared[sid], equal_nan=True), sid
    # the later scenarios resumed from the first one's history, months were not rerun
    assert stats["hits"] >= 2 * 2 * (len(IDS) - 1)  # regions x seeds x later scenarios
    assert stats["months_saved"] > 0
    # and the shocks really change the runs: the resumed scenarios are not copies
    assert not np.array_equal(shared["what_happened"], shared["no_legion"], equal_nan=True)
    # another seed is another stream: no history is shared with seed 7's runs
    before = memo_stats()["hits"]
    other = _values(run_ground(sc, "what_happened", 8, FAST))
    assert memo_stats()["hits"] == before
    assert not np.array_equal(other, shared["what_happened"], equal_nan=True)


def test_the_memo_is_bounded_and_drops_the_least_recently_used():
    params = validate_params("I", {"width": 20, "height": 20})
    sims = []
    for s in range(3):
        sim = Simulator(20, 20, [200], 10, 0, params, [0.5], [[0.0]],
                        np.random.default_rng(s))
        sim.advance(2)
        sims.append(sim)
    memo = PrefixMemo(max_bytes=int(2.5 * sims[0].nbytes()))
    for k, sim in enumerate(sims):
        memo.put(bytes([k]), sim)
    assert len(memo) == 2 and memo.bytes <= memo.max_bytes
    assert memo.longest([bytes([0])]) == (-1, None)  # the oldest was dropped
    k, copy = memo.longest([bytes([2]), bytes([1])])
    assert k == 1 and copy is not sims[1]
    # the copy continues exactly as the original would
    copy.advance(5)
    sims[1].advance(5)
    assert np.array_equal(copy.counts(), sims[1].counts())
    assert np.array_equal(copy.snapshot(), sims[1].snapshot())


def test_digests_change_with_any_input_of_a_month():
    a = digest_chain((1, np.zeros(2)), [(np.array([0.5, 0.5]), 3)] * 3)
    b = digest_chain((1, np.zeros(2)), [(np.array([0.5, 0.5]), 3)] * 2
                     + [(np.array([0.5, 0.5 + 1e-15]), 3)])
    c = digest_chain((1, np.zeros(2, np.float32)), [(np.array([0.5, 0.5]), 3)] * 3)
    assert a[:3] == b[:3] and a[3] != b[3]
    assert a[0] != c[0]  # the dtype is part of an array's digest


def test_without_a_memo_nothing_is_kept(sc, monkeypatch):
    clear_memo()
    monkeypatch.setattr(MEMO, "max_bytes", 0)
    run_ground(sc, "what_happened", 3, FAST)
    assert memo_stats()["entries"] == 0
    assert ground_engine.MEMO is MEMO
