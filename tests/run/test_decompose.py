"""Shapley decomposition of a change over counterfactual scenarios."""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from factions.run.claims import evaluate_claims
from factions.run.decompose import (
    decompose_replica,
    decomposition_metrics,
    shapley_values,
    with_decomposition,
)
from factions.scenario import parse_scenario

FILE = Path(__file__).parents[1] / "data" / "valdoria.yaml"


def test_shapley_of_an_additive_game_is_each_players_own_part():
    part = {"a": 3.0, "b": 5.0, "c": -1.0}
    phi = shapley_values(lambda s: sum(part[p] for p in s), part)
    assert phi == pytest.approx(part)


def test_shapley_splits_an_interaction_evenly_and_adds_up():
    # a and b together avert 10, alone nothing: each gets half; c adds 2 on its own
    def v(s):
        return (10.0 if {"a", "b"} <= s else 0.0) + (2.0 if "c" in s else 0.0)

    phi = shapley_values(v, ["a", "b", "c"])
    assert phi == pytest.approx({"a": 5.0, "b": 5.0, "c": 2.0})
    assert sum(phi.values()) == pytest.approx(v({"a", "b", "c"}) - v(set()))


def _scenario(claims=()):
    data = yaml.safe_load(FILE.read_text())
    data["scenarios"] += [{"id": "none", "name": "Neither", "shocks": []}]
    data["decomposition"] = {"metric": "ground.deaths", "scenario": "what_happened",
                             "window": ["2011-07", "2012-12"],
                             "mechanisms": ["legion_arrives", "tide_truce"],
                             "groups": {"both": ["legion_arrives", "tide_truce"]}}
    data["claims"] += list(claims)
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), "d.yaml")


def _replica(levels: dict[str, float], seed=0, regional=None) -> pd.DataFrame:
    rows = []
    for sid, level in levels.items():
        for m in ("2011-06", "2011-07", "2012-12"):  # 2011-06 is outside the window
            value = 1e6 if m == "2011-06" else level
            rows.append({"engine": "ground", "scenario": sid, "seed": seed,
                         "metric": "ground.deaths", "month": m, "value": value})
            for region, factor in (regional or {}).items():
                rows.append({"engine": "ground", "scenario": sid, "seed": seed,
                             "metric": f"ground.region_deaths.{region}", "month": m,
                             "value": value * factor[sid]})
    return pd.DataFrame(rows)


LEVELS = {"none": 100.0, "no_truce": 70.0, "no_legion": 80.0, "what_happened": 40.0}


def test_replica_decomposition_from_the_scenarios_means():
    sc = _scenario()
    out = decompose_replica(sc, _replica(LEVELS)).set_index("metric")["value"]
    # u(legion) = 30, u(truce) = 20, u(both) = 60: phi_legion = (30 + 40) / 2 = 35
    assert out["decompose.total_averted"] == pytest.approx(60.0)
    assert out["decompose.averted.legion_arrives"] == pytest.approx(35.0)
    assert out["decompose.averted.tide_truce"] == pytest.approx(25.0)
    assert out["decompose.share.both"] == pytest.approx(1.0)
    assert out["decompose.excess.legion_arrives.tide_truce"] == pytest.approx((35 - 25) / 60)
    assert set(out.index) <= {f"decompose.{m}" for m in decomposition_metrics(sc)}
    # a scenario missing from the replica: no decomposition rather than a wrong one
    partial = _replica({k: v for k, v in LEVELS.items() if k != "none"})
    assert decompose_replica(sc, partial).empty


def test_regional_decomposition():
    sc = _scenario()
    regional = {"highlands": {"none": 1.0, "no_truce": 0.5, "no_legion": 1.0,
                              "what_happened": 0.5},
                "coast": dict.fromkeys(LEVELS, 1.0)}
    out = decompose_replica(sc, _replica(LEVELS, regional=regional)).set_index("metric")
    v = out["value"]
    # highlands: 100, 35, 80, 20 -> u(L)=65, u(T)=20, u(LT)=80: phi_L = (65 + 60) / 2
    assert v["decompose.region_averted.highlands.legion_arrives"] == pytest.approx(62.5)
    assert v["decompose.region_share.coast.legion_arrives"] == pytest.approx(35 / 60)


def test_claims_read_the_shares_over_replicas():
    claim = {"id": "legion_first", "quote": "The legion did more than the truce.",
             "test": {"metric": "decompose.excess.legion_arrives.tide_truce",
                      "lhs": {"scenario": "what_happened"}, "op": ">", "rhs": {"value": 0}}}
    sc = _scenario([claim])
    flipped = {"none": 100.0, "no_truce": 90.0, "no_legion": 50.0, "what_happened": 40.0}
    frames = with_decomposition(sc, [_replica(LEVELS, 0), _replica(LEVELS, 1),
                                     _replica(flipped, 2), _replica(LEVELS, 3)])
    row = evaluate_claims(sc, frames).set_index("claim").loc["legion_first"]
    assert row["p_holds"] == pytest.approx(0.75) and row["replicas"] == 4


def test_unknown_decomposition_metric_is_refused_at_plan_time():
    from factions.run.checks import engine_problems

    claim = {"id": "bad", "quote": "x", "test": {"metric": "decompose.share.nobody",
                                                 "lhs": {"scenario": "what_happened"},
                                                 "op": ">", "rhs": {"value": 0}}}
    problems = engine_problems(_scenario([claim]))
    assert len(problems) == 1 and "reports no metric 'share.nobody'" in problems[0].message


def test_the_draws_run_every_scenario_and_the_engine_the_decomposition_needs():
    from factions.run.pipeline import Pipeline, RunResults
    from factions.run.scope import ensemble_scope

    claim = {"id": "legion_first", "quote": "The legion did more than the truce.",
             "test": {"metric": "decompose.excess.legion_arrives.tide_truce",
                      "lhs": {"scenario": "what_happened"}, "op": ">", "rhs": {"value": 0}}}
    sc = _scenario([claim])
    sc = sc.model_copy(update={"claims": [c for c in sc.claims if c.id == "legion_first"]})
    plan = Pipeline(sc).plan()
    ids, names, _, pairs = ensemble_scope(sc, plan, RunResults(sc, plan.scenario_ids, 0, 1,
                                                                plan.names))
    assert "ground" in names
    assert set(ids) == {"none", "no_truce", "no_legion", "what_happened"}
    assert set(pairs["ground"]) == set(ids)
