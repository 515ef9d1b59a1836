"""Results cached by content: a rerun computes nothing, an edited shock reruns only the
named scenarios that contain it, and two runs into one directory at once neither corrupt
nor duplicate the cache."""

import threading

import numpy as np
import pandas as pd
import pytest

from factions.engines.base import Engine, EngineResult
from factions.run import Pipeline
from factions.run.cache import ResultCache, content_key
from factions.scenario import parse_scenario

CALLS: list[tuple[str, str, int]] = []


class _Value(EngineResult):
    def __init__(self, engine, sid, seed, value):
        super().__init__(engine, sid, seed, {"value": value})
        self.value = value

    def metrics(self):
        return pd.DataFrame({"metric": ["x"], "month": [None], "value": [self.value]})


def _run_troops(scenario, sid, seed, options, upstream=None):
    CALLS.append(("troops", sid, seed))
    tl = scenario.timeline(sid)
    return _Value("troops", sid, seed, float(np.sum(tl.frame()["forces.occ_troops"])))


def _run_double(scenario, sid, seed, options, upstream=None):
    CALLS.append(("double", sid, seed))
    return _Value("double", sid, seed, 2 * upstream["troop_total"].value)


TROOPS = Engine(name="troops", title="sums troops", run=_run_troops, order=90,
                provides=("troop_total",), reads=("forces.",), stochastic=False)
DOUBLE = Engine(name="double", title="doubles it", run=_run_double, order=91,
                consumes=("troop_total",), stochastic=False)


@pytest.fixture
def registered(monkeypatch):
    from factions import engines

    engines.available()
    for e in (TROOPS, DOUBLE):
        monkeypatch.setitem(engines._REGISTRY, e.name, e)


def _scenario(text):
    return parse_scenario(text.replace("metric: digest.forces.occ_troops",
                                       "metric: double.x"), "s.yaml")


def _primary(res):
    return {(r.engine, r.scenario_id): r.value for r in res.results}


def test_rerun_computes_nothing_and_gives_the_same_results(small_text, registered, tmp_path):
    sc = _scenario(small_text)
    CALLS.clear()
    first = Pipeline(sc, None, ["troops", "double"], local=True).run(tmp_path)
    n = len(CALLS)
    assert n == 2 * len(sc.scenarios)
    CALLS.clear()
    again = Pipeline(_scenario(small_text), None, ["troops", "double"], local=True).run(tmp_path)
    assert CALLS == []
    assert _primary(again) == _primary(first)
    pd.testing.assert_frame_equal(again.claims, first.claims)


def test_editing_one_shock_reruns_only_the_scenarios_that_contain_it(small_text, registered,
                                                                    tmp_path):
    Pipeline(_scenario(small_text), None, ["troops", "double"], local=True).run(tmp_path)
    edited = small_text.replace("shift: 20000", "shift: 25000")  # the surge
    CALLS.clear()
    res = Pipeline(_scenario(edited), None, ["troops", "double"], local=True).run(tmp_path)
    rerun = {sid for _, sid, _ in CALLS}
    with_surge = {s.id for s in _scenario(edited).scenarios if "surge" in s.shocks}
    assert rerun == with_surge and "no_surge" not in rerun
    # the rerun values are those of a run without any cache
    fresh = Pipeline(_scenario(edited), None, ["troops", "double"], local=True).run()
    assert _primary(res) == _primary(fresh)
    assert _primary(res)[("double", "historical")] != 0


def test_claims_edit_changes_no_engine_key(small_text, registered):
    a = _scenario(small_text)
    b = _scenario(small_text.replace("The surge put more troops", "More troops"))
    for sid in ("historical", "no_surge"):
        assert content_key(TROOPS, a, sid, seed=None, options={}) == \
            content_key(TROOPS, b, sid, seed=None, options={})
    assert content_key(TROOPS, a, "historical", seed=None, options={}) != \
        content_key(TROOPS, a, "no_surge", seed=None, options={})
    assert content_key(TROOPS, a, "historical", seed=1, options={}) != \
        content_key(TROOPS, a, "historical", seed=2, options={})


def test_two_runs_at_once_share_one_cache(small_text, registered, tmp_path):
    CALLS.clear()
    results, errors = [], []

    def go():
        try:
            results.append(Pipeline(_scenario(small_text), None, ["troops", "double"],
                                     local=True).run(tmp_path))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    n_scen = len(_scenario(small_text).scenarios)
    assert len(CALLS) == 2 * n_scen  # computed once, not twice
    files = sorted((tmp_path / "cache").iterdir())
    assert len(files) == 2 * n_scen and all(f.suffix == ".pkl" for f in files)
    assert _primary(results[0]) == _primary(results[1])


def test_unreadable_cache_entry_is_recomputed(small_text, registered, tmp_path):
    Pipeline(_scenario(small_text), None, ["troops", "double"], local=True).run(tmp_path)
    for f in (tmp_path / "cache").iterdir():
        f.write_bytes(b"not a pickle")
    CALLS.clear()
    Pipeline(_scenario(small_text), None, ["troops", "double"], local=True).run(tmp_path)
    assert len(CALLS) == 2 * len(_scenario(small_text).scenarios)
    assert ResultCache(None).get("x") is None
