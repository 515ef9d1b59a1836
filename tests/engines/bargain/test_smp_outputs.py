"""SMP outputs: tidy tables, the SQLite file, sensitivity sweeps, the joint engine run."""

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from factions.engines import get
from factions.engines.bargain import (
    bargain_issues,
    read_ktab_csv,
    smp_joint,
    smp_model,
    smp_sensitivity,
    validate_inputs,
)
from factions.errors import EngineError, InputError
from factions.scenario import load_scenario

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def soe():
    k = read_ktab_csv(DATA / "SOE-Pol-Comp.csv")
    return k, smp_model(k.capability, k.positions, k.saliences, names=k.actors,
                        dimensions=k.dimensions, matrices=True)


def test_tables_hold_the_history(soe):
    k, run = soe
    t = run.tables()
    pos = t["positions"]
    assert len(pos) == 28 * 13 * 2 and pos["state"].max() == 27
    wy = pos[(pos.actor == 12) & (pos.dimension == 0)]["position"]
    assert (wy == 15.0).all()
    # every actor's winning probability sums with its equivalents to 1 per state
    assert t["win_prob"].groupby("state")["prob"].sum().min() >= 1 - 1e-9
    b = t["bargains"]
    sq = b[b.status_quo]
    assert len(sq) == 27 * 13 and sq["init_prob"].equals(sq["rcvr_prob"])
    # each actor adopts exactly one bargain per step, as initiator or receiver
    chosen = pd.concat([b[b.init_chosen][["state", "initiator"]].set_axis(["state", "a"], axis=1),
                        b[b.rcvr_chosen & ~b.status_quo][["state", "receiver"]]
                        .set_axis(["state", "a"], axis=1)])
    assert chosen.groupby("state")["a"].nunique().eq(13).all() and len(chosen) == 27 * 13
    # the matrices kept on request: h = i gives the actors' own utilities
    u = t["utility"]
    assert len(u) == 28 * 13**3
    own = u[(u.state == 0) & (u.estimator == u.actor)]
    assert own["util"].between(0, 1).all()
    assert len(t["challenge_matrix"]) == 27 * 13 * 12


def test_sqlite_file_uses_ktab_names(soe, tmp_path):
    k, run = soe
    path = run.to_sqlite(tmp_path / "run.db")
    with sqlite3.connect(path) as con:
        names = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        assert {"ScenarioDesc", "ActorDescription", "VectorPosition", "PosProb", "Bargn",
                "BargnCoords", "PosUtil", "ProbVict", "BargnUtil"} <= names
        row = con.execute("select Pos_Coord from VectorPosition where Turn_t=27 and Act_i=0 "
                          "and Dim_k=0").fetchone()
        assert row[0] == pytest.approx(run.positions[27, 0, 0])
        desc = con.execute("select VotingRule, BargnModel, States from ScenarioDesc").fetchone()
        assert desc == ("Prop", "InitOnlyInterp", 28)
    slim = smp_model(k.capability, k.positions, k.saliences, maxIter=2)
    with pytest.raises(InputError, match="matrices=True"):
        slim.tables(matrices=True)


def test_sensitivity_over_options_and_inputs():
    k = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    res = smp_sensitivity(k.capability, k.positions, k.saliences, names=k.actors,
                          dimensions=k.dimensions, runs=3, seed=4,
                          vary={"VictoryProbModel": "values(Linear,Square)",
                                "capability.SActor-00": "uniform(50,150)"})
    assert len(res.runs) == 6 and set(res.runs["VictoryProbModel"]) == {"Linear", "Square"}
    # the same draws at both grid points (common random numbers), and reproducible
    draws = res.runs.pivot(index="run", columns="point", values="capability.SActor-00")
    np.testing.assert_array_equal(draws[0], draws[1])
    again = smp_sensitivity(k.capability, k.positions, k.saliences, names=k.actors,
                            dimensions=k.dimensions, runs=3, seed=4,
                            vary={"VictoryProbModel": "values(Linear,Square)",
                                  "capability.SActor-00": "uniform(50,150)"})
    pd.testing.assert_frame_equal(res.outcomes, again.outcomes)
    # each run is the model run with the varied value substituted
    r = res.runs.iloc[4]
    cap = k.capability.copy()
    cap[0] = r["capability.SActor-00"]
    direct = smp_model(cap, k.positions, k.saliences, VictoryProbModel=r["VictoryProbModel"])
    got = res.outcomes[(res.outcomes.point == r.point) & (res.outcomes.run == r.run)]
    np.testing.assert_allclose(got["outcome"], direct.outcome[-1])
    sens = res.sensitivity()
    assert set(sens["parameter"]) == {"capability.SActor-00"} and len(res.by_value()) == 6


@pytest.mark.parametrize("vary, err, msg", [
    ({"VotingRule": "values(Prop,Nope)"}, EngineError, "VotingRule must be one of"),
    ({"capability.nobody": "uniform(1,2)"}, InputError, "no actor 'nobody'"),
    ({"position.SActor-00.Nope": "uniform(1,2)"}, InputError, "no dimension"),
    ({"colour": "values(1,2)"}, InputError, "not an SMP option"),
    ({"VotingRule": "wobbly(1)"}, InputError, "unknown distribution"),
])
def test_sensitivity_rejects_bad_specs(vary, err, msg):
    k = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    with pytest.raises(err, match=msg):
        smp_sensitivity(k.capability, k.positions, k.saliences, names=k.actors,
                        dimensions=k.dimensions, vary=vary)


def test_joint_run_over_issues_each_actor_on_the_issues_it_holds():
    a = validate_inputs([3, 2, 1], [10, 60, 90], [0.5, 0.6, 0.4], names=["x", "y", "z"],
                        scale=(0, 100))
    b = validate_inputs([3, 1, 2], [80, 20, 50], [0.3, 0.9, 0.7], names=["x", "z", "w"],
                        scale=(0, 100))
    fc, run = smp_joint([("a", a), ("b", b)])
    assert run.names == ("x", "y", "z", "w") and run.dimensions == ("a", "b")
    # y does not hold b: salience 0 there, position the c*s-weighted mean of b's holders
    mean_b = np.average([80, 20, 50], weights=[0.9, 0.9, 1.4])
    mean_a = np.average([10, 60, 90], weights=[1.5, 1.2, 0.4])
    np.testing.assert_allclose(run.positions[0, 1], [60, mean_b])
    np.testing.assert_allclose(run.positions[0, 3], [mean_a, 50])
    sal = np.array([[0.5, 0.3], [0.6, 0], [0.4, 0.9], [0, 0.7]])
    sal[2] /= 1.3  # z's saliences sum above 1: scaled to 1
    np.testing.assert_allclose(run.salience, sal)
    same = smp_model([3, 2, 1, 2], run.positions[0], sal, names=run.names)
    np.testing.assert_allclose(same.positions, run.positions)
    assert fc["b"].positions.shape == (3,) and fc["b"].outcome == pytest.approx(run.outcome[-1, 1])
    issues = [("a", "A", a), ("b", "B", b)]
    out, default, joint = bargain_issues(issues, {"models": "smp", "draws": 0}, seed=0)
    assert joint is not None and out[1].forecasts["smp"].outcome == fc["b"].outcome


def test_engine_smp_options_by_ktab_name():
    small = load_scenario(Path(__file__).parents[2] / "data" / "small.yaml")
    base = get("bargain").run(small, "historical", 0, {"models": "smp", "draws": 0})
    other = get("bargain").run(small, "historical", 0, {"models": "smp", "draws": 0,
                                                         "smp.VotingRule": "Binary",
                                                         "smp.maxIter": 1})
    assert other.smp_run.options.voting_rule == "Binary" and other.smp_run.n_states == 2
    assert base.smp_run.options.voting_rule == "Prop"
    with pytest.raises(EngineError, match="VotingRule must be one of"):
        get("bargain").run(small, "historical", 0, {"models": "smp", "smp.VotingRule": "x"})
