"""The pipeline in this process (run_all): replicas for stochastic engines only,
reproducible, probabilities over seeds, skip rules, dependency order."""

import numpy as np
import pandas as pd
import pytest

from factions.engines import Need, Option
from factions.engines.base import Engine, EngineResult
from factions.errors import EngineError
from factions.run import Pipeline, run_all
from factions.scenario import parse_scenario

CALLS: list[tuple[str, str, int]] = []


class _Value(EngineResult):
    def __init__(self, engine, sid, seed, value):
        super().__init__(engine, sid, seed, {"value": value})
        self.value = value

    def metrics(self):
        return pd.DataFrame({"metric": ["x"], "month": [None], "value": [self.value]})


def _run_coin(scenario, sid, seed, options, upstream=None):
    CALLS.append(("coin", sid, seed))
    if options["fail"]:
        raise EngineError("coin cannot run here")
    bias = 0.7 if sid == "historical" else 0.0
    return _Value("coin", sid, seed, float(np.random.default_rng(seed).random() < bias))


COIN = Engine(name="coin", title="test coin", run=_run_coin,
              options=(Option("fail", "bool", False, "fail when run"),
                       Option("mode", "choice", "random", "random or fixed",
                              choices=("random", "fixed"))),
              order=99, stochastic_when=lambda o: o["mode"] == "random")


def _needs_issues(scenario, options):
    return None if scenario.issues else "needs issues to count"


PICKY = Engine(name="picky", title="needs issues", order=98,
               run=lambda sc, sid, seed, o, u=None: _Value("picky", sid, seed, 1.0),
               needs=(Need.rule("issues", _needs_issues),))


def _run_source(scenario, sid, seed, options, upstream=None):
    CALLS.append(("source", sid, seed))
    return _Value("source", sid, seed, 10.0 if sid == "historical" else 2.0)


def _run_sink(scenario, sid, seed, options, upstream=None):
    CALLS.append(("sink", sid, seed))
    got = upstream.get("signal") if upstream else None
    return _Value("sink", sid, seed, -1.0 if got is None else 2 * got.value)


SOURCE = Engine(name="source", title="provides a signal", run=_run_source, order=97,
                provides=("signal",))
SINK = Engine(name="sink", title="consumes the signal", run=_run_sink, order=1,
              consumes=("signal",))


@pytest.fixture
def sc(small_text, monkeypatch):
    from factions import engines

    engines.available()  # load the built-in engines first
    for e in (COIN, PICKY, SOURCE, SINK):
        monkeypatch.setitem(engines._REGISTRY, e.name, e)
    return parse_scenario(small_text.replace(
        "metric: digest.forces.occ_troops", "metric: coin.x"), "s.yaml")


def test_replicas_only_for_stochastic_engines(sc):
    CALLS.clear()
    res = run_all(sc, ["historical", "no_surge"], ["digest", "coin"], seed=10, replicas=40)
    assert len(CALLS) == 80 and {s for _, _, s in CALLS} == set(range(10, 50))
    assert sum(r.engine == "digest" for r in res.results) == 2
    row = res.claims.set_index("claim").loc["surge_more_troops"]
    assert row["replicas"] == 40
    assert 0.45 < row["p_holds"] < 0.9 and row["verdict"] == "uncertain"


def test_same_seed_same_claims_other_seed_other_claims(sc):
    a = run_all(sc, None, ["coin"], seed=3, replicas=15).claims
    b = run_all(sc, None, ["coin"], seed=3, replicas=15).claims
    pd.testing.assert_frame_equal(a, b)
    others = {run_all(sc, None, ["coin"], seed=s, replicas=15).claims.set_index("claim")
              .loc["surge_more_troops", "p_holds"] for s in (100, 200, 300)}
    assert others != {a.set_index("claim").loc["surge_more_troops", "p_holds"]}


def test_deterministic_mode_runs_once(sc):
    CALLS.clear()
    run_all(sc, ["historical"], ["coin"], seed=0, replicas=5, options={"coin": {"mode": "fixed"}})
    assert len(CALLS) == 1


def test_unmet_needs_skip_with_reason_unless_named(sc):
    sc_no_issues = sc.model_copy(update={"issues": [], "positions": []})
    res = run_all(sc_no_issues, ["historical"], None)
    assert ("picky", "historical", "needs issues to count") in res.skipped
    assert res.skipped_engines()["picky"] == "needs issues to count"
    assert "picky" not in {r.engine for r in res.results}
    with pytest.raises(EngineError, match="engine 'picky' cannot run on this scenario: "
                                          "needs issues to count"):
        run_all(sc_no_issues, ["historical"], ["picky"])


def test_engine_failing_is_skipped_unless_named_or_given_options(sc, monkeypatch):
    failing = Engine(name="coin", title="fails", order=99,
                     run=lambda *a: (_ for _ in ()).throw(EngineError("coin cannot run here")))
    from factions import engines

    monkeypatch.setitem(engines._REGISTRY, "coin", failing)
    res = run_all(sc, ["historical"], None)
    assert ("coin", "historical", "coin cannot run here") in res.skipped
    with pytest.raises(EngineError, match="coin cannot run here"):
        run_all(sc, ["historical"], ["coin"])


def test_options_make_an_engine_strict(sc):
    with pytest.raises(EngineError, match="coin cannot run here"):
        run_all(sc, ["historical"], None, options={"coin": {"fail": True}})


def test_option_errors_use_one_template(sc):
    with pytest.raises(EngineError, match=r"engine 'coin': option 'mode' must be one of "
                                          r"'random', 'fixed'; got 'sometimes'"):
        run_all(sc, None, ["coin"], options={"coin": {"mode": "sometimes"}})
    with pytest.raises(EngineError, match=r"engine 'coin': unknown option\(s\) colour; "
                                          r"accepted: fail, mode"):
        run_all(sc, None, ["coin"], options={"coin": {"colour": 1}})


def test_options_for_engine_not_run(sc):
    with pytest.raises(EngineError, match="not being run"):
        run_all(sc, None, ["digest"], options={"coin": {}})


def test_providers_run_before_consumers_and_feed_them(sc):
    CALLS.clear()
    res = run_all(sc, ["historical", "no_surge"], ["sink", "source"])
    order = [e for e, _, _ in CALLS]
    assert order.index("source") < order.index("sink")
    assert Pipeline(sc, engines=["sink", "source"]).plan().names == ["source", "sink"]
    got = {r.scenario_id: r.value for r in res.results if r.engine == "sink"}
    assert got == {"historical": 20.0, "no_surge": 4.0}
    alone = run_all(sc, ["historical"], ["sink"])  # no provider: falls back
    assert [r.value for r in alone.results] == [-1.0]


def test_a_dependency_cycle_is_an_error(sc, monkeypatch):
    from factions import engines

    loop = Engine(name="loop", title="consumes and provides", run=_run_source,
                  provides=("other",), consumes=("signal",))
    back = Engine(name="back", title="closes the loop", run=_run_source,
                  provides=("signal",), consumes=("other",))
    monkeypatch.setitem(engines._REGISTRY, "loop", loop)
    monkeypatch.setitem(engines._REGISTRY, "back", back)
    with pytest.raises(EngineError, match="back, loop depend on each other in a cycle"):
        run_all(sc, None, ["loop", "back"])


def test_consumer_of_stochastic_provider_is_stochastic(sc, monkeypatch):
    from factions import engines

    noisy = Engine(name="source", title="random signal", provides=("signal",), order=97,
                   stochastic=True,
                   run=lambda sc_, sid, seed, o, u=None: _Value(
                       "source", sid, seed, float(np.random.default_rng(seed).random())))
    monkeypatch.setitem(engines._REGISTRY, "source", noisy)
    plan = Pipeline(sc, engines=["source", "sink"]).plan()
    assert plan.stochastic == {"source": True, "sink": True}
    res = run_all(sc, ["historical"], ["source", "sink"], seed=5, replicas=3)
    sinks = sorted((r.seed, r.value) for r in res.results if r.engine == "sink")
    sources = sorted((r.seed, 2 * r.value) for r in res.results if r.engine == "source")
    assert sinks == sources and len({v for _, v in sinks}) == 3


def test_ensemble_scope_follows_the_claims(small_text):
    from factions.run.pipeline import Pipeline, RunResults
    from factions.run.scope import ensemble_scope
    from factions.scenario import parse_scenario

    sc = parse_scenario(small_text, "s.yaml")
    plan = Pipeline(sc).plan()
    ids, names, options, pairs = ensemble_scope(
        sc, plan, RunResults(sc, plan.scenario_ids, 0, 1, plan.names))
    # the small file's only model claim is on the digest, over historical and no_surge
    assert names == ["digest"] and ids == ["historical", "no_surge"]
    assert pairs == {"digest": ["historical", "no_surge"]}
    assert "align" not in options


def test_importing_the_run_package_loads_neither_scipy_stats_nor_dask():
    """The cached main job reads its results back without scipy.stats (~1 s to import)
    or Dask; the package's names still resolve, the two named like their modules too."""
    import subprocess
    import sys
    from pathlib import Path

    import factions

    code = ("import sys, factions.run as r; "
            "print(sorted(m for m in ('scipy.stats', 'dask', 'distributed') if m in sys.modules), "
            "r.sweep.__module__, r.abc_smc.__module__, r.Pipeline.__name__)")
    env = {"PYTHONPATH": str(Path(factions.__file__).parents[1]), "PATH": ""}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert res.stdout.split() == ["[]", "factions.run.sweep", "factions.run.abc_smc",
                                  "Pipeline"]
