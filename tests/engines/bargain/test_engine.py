"""The registered ``bargain`` engine on the small test scenario and on a KTAB CSV."""

import numpy as np
import pandas as pd
import pytest
from plotly.graph_objects import Figure

from factions.engines import get
from factions.engines.bargain import bargain_ktab, forecast, run_bargain
from factions.errors import EngineError, InputError
from factions.scenario import load_scenario


@pytest.fixture(scope="module")
def small():
    from pathlib import Path

    return load_scenario(Path(__file__).parents[2] / "data" / "small.yaml")


def test_engine_registered_with_documented_options():
    eng = get("bargain")
    assert eng.run is run_bargain
    assert {"models", "issue", "month", "rounds"} <= {o.name for o in eng.options}
    assert all(o.help for o in eng.options)


def test_outcomes_match_array_level_forecast_with_shocks_applied(small):
    # 2007-12 of 'historical': the ceasefire shock set mil_a inactive, so it drops out.
    res = get("bargain").run(small, "historical", 0, {"models": ["compromise", "median"],
                                                      "draws": 0})
    out = res.tables()["outcomes"].set_index("model")["outcome"]
    c, x, s = [0.5, 1.0, 0.15], [70, 95, 10], [0.6, 0.9, 0.7]
    assert out["compromise"] == pytest.approx(forecast(c, x, s, "compromise").outcome)
    assert out["median"] == 95.0
    before = get("bargain").run(small, "historical", 0, {"models": "compromise", "draws": 0,
                                                         "month": "2007-07"})
    c4, x4, s4 = [0.5, 1.0, 0.2, 0.15], [70, 95, 5, 10], [0.6, 0.9, 0.9, 0.7]
    assert before.summary["outcomes"]["presence"] == pytest.approx(
        round(forecast(c4, x4, s4, "compromise").outcome, 2))


def test_tables_metrics_figures_are_tidy(small):
    res = get("bargain").run(small, "historical", 1, {"draws": 20, "rounds": 5})
    tabs = res.tables()
    assert set(tabs) == {"outcomes", "positions", "trajectories", "rounds", "uncertainty",
                         "smp_positions", "smp_win_prob", "smp_bargains", "smp_risk"}
    assert tabs["trajectories"]["round"].max() <= 5
    assert tabs["smp_positions"]["state"].max() <= 5  # rounds is the SMP's maxIter
    m = res.metrics()
    assert list(m.columns) == ["metric", "month", "value"]
    bare = m.set_index("metric")["value"]
    assert bare["presence"] == bare["presence.compromise"]
    assert {"presence.expected_utility", "presence.smp", "presence.low"} <= set(bare.index)
    figs = res.figures()
    assert "scale_presence" in figs and all(isinstance(f, Figure) for f in figs.values())
    # one trajectory figure per issue, a panel per model that ran rounds
    dynamic = [m for m, f in res.issues[0].forecasts.items() if f.rounds > 0]
    traj = figs["trajectory_presence"]
    assert [a.text for a in traj.layout.annotations] == dynamic
    outcomes = [tr for tr in traj.data if tr.name == "outcome"]
    assert len(outcomes) == len(dynamic)
    assert isinstance(res.to_dict()["tables"]["outcomes"], list)


def test_same_seed_same_result(small):
    a = get("bargain").run(small, "historical", 7, {"draws": 30}).tables()["uncertainty"]
    b = get("bargain").run(small, "historical", 7, {"draws": 30}).tables()["uncertainty"]
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("opts, msg", [
    ({"models": ["bdm"]}, "option 'models' must be a list of names from compromise"),
    ({"issue": "oil"}, "unknown issue"),
    ({"month": "2010-01"}, "outside"),
    ({"draws": -1}, "draws"),
    ({"colour": 1}, "engine 'bargain': unknown option.s. colour"),
    ({"default_model": "smp", "models": "median"}, "default_model"),
    ({"model_options": {"smp": {"VictoryProbModel": "cubic"}}}, "VictoryProbModel"),
    ({"model_options": {"smp": {"victory": "Square"}}}, "unknown smp option"),
])
def test_bad_options_raise_engine_error(small, opts, msg):
    with pytest.raises(EngineError, match=msg):
        get("bargain").run(small, "historical", 0, opts)


KTAB = """Demo, two dims, 3, 2
Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,
A,first,10,20,30,80,50,
B,second,5,60,40,10,20,
C,third,1,100,10,0,90,
"""


def test_ktab_csv_through_the_same_result(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text(KTAB)
    res = bargain_ktab(p, seed=0, options={"models": "compromise,median", "draws": 0})
    out = res.tables()["outcomes"]
    assert set(out["issue"]) == {"1", "2"}
    comp = out[(out.issue == "1") & (out.model == "compromise")]["outcome"].item()
    assert comp == pytest.approx(np.average([20, 60, 100], weights=[3.0, 2.0, 0.1]))
    with pytest.raises(EngineError, match="dimension"):
        bargain_ktab(p, options={"issue": "9"})
    p.write_text(KTAB.replace("5,60", "-5,60"))
    with pytest.raises(InputError, match="k.csv:4"):
        bargain_ktab(p)


def test_format_result_lists_every_issue_model_and_actor(small):
    from factions.engines.bargain import format_result

    res = get("bargain").run(small, "historical", 0, {"draws": 10, "rounds": 4})
    text = format_result(res)
    assert "presence: Foreign presence" in text and "month 2007-12" in text
    for model in ("compromise", "median", "nash", "expected_utility", "smp"):
        assert model in text
    for actor in ("gov", "occ", "mil_b"):
        assert f"| {actor} (x=" in text
    assert "mil_a" not in text  # inactive after the ceasefire
    assert "90% interval" in text and "expected_utility outcome by round" in text
