"""The per-scenario memo of exact frustration: a network met again is not solved again,
and the results are those of fresh solves."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import factions.engines.align.memo as memo
from factions.engines.align import run_align
from factions.scenario import load_scenario

DATA = Path(__file__).parents[2] / "data"


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = memo.frustration

    def counting(g, **kw):
        calls.append(g.m)
        return real(g, **kw)

    monkeypatch.setattr(memo, "frustration", counting)
    return calls


@pytest.mark.parametrize("lean", [False, True])
def test_named_scenarios_share_solves_and_give_fresh_results(counted, lean):
    sc = load_scenario(DATA / "valdoria.yaml")
    ids = sc.scenario_ids()
    opts = {"lean": True} if lean else {}
    shared = [run_align(sc, sid, 0, opts) for sid in ids]
    n_shared = len(counted)
    fresh = [run_align(sc.with_base({}), sid, 0, opts) for sid in ids]
    n_fresh = len(counted) - n_shared
    for a, b in zip(shared, fresh, strict=True):
        pd.testing.assert_frame_equal(a.metrics(), b.metrics(), check_exact=True)
    # fresh copies each solve their own networks; the shared object solves each once
    assert n_shared < n_fresh


def test_only_proven_optima_are_kept(counted, monkeypatch):
    sc = load_scenario(DATA / "valdoria.yaml")
    rel = (("a", "b", -1.0), ("a", "c", -1.0), ("b", "c", -1.0))
    g1, fr1 = memo.solved(sc, rel, None, np.random.default_rng(0))
    g2, fr2 = memo.solved(sc, rel, None, np.random.default_rng(0))
    assert fr1 is fr2 and fr1.value == 1.0 and len(counted) == 1
    with pytest.raises(ValueError):
        fr1.labels[0] = 5  # shared results are read-only
    real, timed_out = memo.frustration, []

    def out_of_time(g, **kw):
        timed_out.append(g.m)
        return replace(real(g, **kw), status="time_limit")

    monkeypatch.setattr(memo, "frustration", out_of_time)
    other = (("a", "b", 1.0), ("a", "c", -1.0), ("b", "c", -1.0))
    memo.solved(sc, other, 1.0, np.random.default_rng(0))
    memo.solved(sc, other, 1.0, np.random.default_rng(0))  # not kept: solved again
    assert ("frustration", other, 1.0) not in sc._derived and len(timed_out) == 2
