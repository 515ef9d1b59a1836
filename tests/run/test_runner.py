"""The runner: replicas for stochastic engines only, reproducible, probabilities over seeds."""

import numpy as np
import pandas as pd
import pytest

from factions.engines.base import Engine, EngineResult
from factions.errors import EngineError
from factions.run import run_all
from factions.scenario import parse_scenario

CALLS: list[tuple[str, int]] = []


class _Coin(EngineResult):
    def __init__(self, sid, seed, value):
        super().__init__("coin", sid, seed, {"value": value})
        self.value = value

    def metrics(self):
        return pd.DataFrame({"metric": ["x"], "month": [None], "value": [self.value]})


def _run_coin(scenario, sid, seed, options):
    CALLS.append((sid, seed))
    if options.get("fail"):
        raise EngineError("coin cannot run here")
    bias = 0.7 if sid == "historical" else 0.0
    return _Coin(sid, seed, float(np.random.default_rng(seed).random() < bias))


COIN = Engine(name="coin", title="test coin", run=_run_coin, options={"fail": "", "mode": ""},
              order=99, stochastic=False,
              stochastic_when=lambda o: o.get("mode", "random") == "random")


@pytest.fixture
def sc(small_text, monkeypatch):
    from factions import engines

    engines.available()  # load the built-in engines first
    monkeypatch.setitem(engines._REGISTRY, "coin", COIN)
    return parse_scenario(small_text.replace(
        "metric: digest.forces.occ_troops", "metric: coin.x"), "s.yaml")


def test_replicas_only_for_stochastic_engines(sc):
    CALLS.clear()
    res = run_all(sc, ["historical", "no_surge"], ["digest", "coin"], seed=10, replicas=40)
    assert len(CALLS) == 80 and {s for _, s in CALLS} == set(range(10, 50))
    assert sum(r.engine == "digest" for r in res.results) == 2
    row = res.claims.set_index("claim").loc["surge_more_troops"]
    assert row["replicas"] == 40
    assert 0.45 < row["p_holds"] < 0.9 and row["verdict"] == "uncertain"


def test_same_seed_same_claims(sc):
    a = run_all(sc, None, ["coin"], seed=3, replicas=15).claims
    b = run_all(sc, None, ["coin"], seed=3, replicas=15).claims
    pd.testing.assert_frame_equal(a, b)


def test_deterministic_mode_runs_once(sc):
    CALLS.clear()
    run_all(sc, ["historical"], ["coin"], seed=0, replicas=5, options={"coin": {"mode": "fixed"}})
    assert len(CALLS) == 1


def test_unnamed_engine_failing_is_skipped_named_one_fails(sc, monkeypatch):
    from factions import engines

    monkeypatch.setattr(engines, "_BUILTIN", ())
    monkeypatch.setattr(engines, "_REGISTRY", {"coin": COIN,
                                               "digest": engines._REGISTRY["digest"]})
    res = run_all(sc, ["historical"], None, options={"coin": {"fail": True}})
    assert res.skipped == [("coin", "historical", "coin cannot run here")]
    with pytest.raises(EngineError, match="coin cannot run here"):
        run_all(sc, ["historical"], ["coin"], options={"coin": {"fail": True}})


def test_options_for_engine_not_run(sc):
    with pytest.raises(EngineError, match="not being run"):
        run_all(sc, None, ["digest"], options={"coin": {}})
