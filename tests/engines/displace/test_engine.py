"""The displace engine on a small scenario fixture (shipped under tests/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from plotly.graph_objects import Figure

from factions.engines import get
from factions.engines.displace import run_displace
from factions.errors import EngineError
from factions.scenario import load_scenario, parse_scenario

FIXTURE = Path(__file__).parent / "data" / "mini_displace.yaml"
FIXED = {"start": "scenario", "calibrate": False, "return_safety": 0.05, "return_restriction": 0.02,
         "return_hardship": 0.02}


@pytest.fixture(scope="module")
def sc():
    return load_scenario(FIXTURE)


@pytest.fixture(scope="module")
def historical(sc):
    return run_displace(sc, "historical", 7, {"start": "scenario"})


def _metric(result, name, month=None):
    m = result.metrics()
    rows = m[(m["metric"] == name) & ((m["month"] == month) if month else m["month"].isna())]
    assert len(rows) == 1, name
    return float(rows["value"].iloc[0])


def test_registered():
    engine = get("displace")
    assert engine.run is run_displace
    assert "violence_scale" in {o.name for o in engine.options}


def test_tables_metrics_and_figures(historical):
    tables = historical.tables()
    assert set(tables) == {"stocks", "flows", "hindcast", "ard", "parameters", "return_causes"}
    stocks = tables["stocks"]
    # 24 months plus the starting stock, 7 locations
    assert len(stocks) == 25 * 7
    totals = stocks.groupby("month")["people"].sum()
    assert np.allclose(totals, totals.iloc[0], rtol=1e-12)
    assert stocks["people"].min() >= 0
    m = historical.metrics()
    assert list(m.columns) == ["metric", "month", "value"]
    assert {"refugees.syria", "returns.syria", "idps", "returns_from_syria_2008", "ard.syria",
            "ard_flee"} <= set(m["metric"])
    assert m["month"].dropna().str.match(r"^\d{4}-\d{2}$").all()
    hind = tables["hindcast"]
    assert set(hind["series"]) == {"syria", "jordan", "lebanon", "idps"}
    assert (hind["month"].isin(["2007-12", "2008-12"])).all()
    figs = historical.figures()
    assert set(figs) == {"stocks", "flows"}
    for fig in figs.values():
        assert isinstance(fig, Figure)
    link = figs["flows"].data[0].link  # the Sankey carries every flow once, in total
    assert sum(link.value) == pytest.approx(historical.flows["people"].sum())
    assert historical.summary["calibrated"] and historical.summary["fit"]["in_sample"]
    # the reported ARD is the per-host ARD of the hindcast table
    syr = hind[hind["series"] == "syria"]
    ard = np.mean(np.abs(syr["simulated"] - syr["observed"]) / syr["observed"])
    assert _metric(historical, "ard.syria") == pytest.approx(ard)


def test_calibration_does_not_worsen_the_fit(sc, historical):
    default = run_displace(sc, "historical", 7, {"start": "scenario", "calibrate": False})
    assert historical.summary["ard"]["all (Flee ARD)"] <= default.summary["ard"]["all (Flee ARD)"]


def test_visa_rule_cuts_syria_stock(sc):
    hist = run_displace(sc, "historical", 0, FIXED)
    open_ = run_displace(sc, "open_syria", 0, FIXED)
    assert _metric(open_, "refugees.syria", "2008-12") > _metric(hist, "refugees.syria", "2008-12")
    assert _metric(open_, "returns_from_syria_2008") < _metric(hist, "returns_from_syria_2008")


def test_higher_violence_means_fewer_returns_more_refugees(sc):
    hist = run_displace(sc, "historical", 0, FIXED)
    hot = run_displace(sc, "still_violent", 0, FIXED)
    assert _metric(hot, "returns_2008") < _metric(hist, "returns_2008")
    assert _metric(hot, "refugees", "2008-12") > _metric(hist, "refugees", "2008-12")


def test_violence_scale_option_zero_stops_violent_flight(sc):
    calm = run_displace(sc, "historical", 0, {**FIXED, "violence_scale": 0.0, "base_flight": 0.0})
    m = calm.metrics()
    assert m[m["metric"] == "new_displacement"]["value"].sum() == 0.0


def test_closed_border_in_scenario_holds(sc):
    text = FIXTURE.read_text().replace(
        "- {param: locations.syria.restriction, set: 0.8}",
        "- {param: locations.syria.restriction, set: 1.0, from: 2007-01}")
    closed = parse_scenario(text, "closed.yaml")
    res = run_displace(closed, "historical", 3, {**FIXED, "mode": "stochastic"})
    flows = res.tables()["flows"]
    assert flows[flows["to"] == "syria"]["people"].sum() == 0
    s = res.tables()["stocks"]
    syria = s[s["location"] == "syria"]["people"].to_numpy()
    assert np.all(np.diff(syria) <= 0)


def test_stochastic_mode_is_seeded(sc):
    a = run_displace(sc, "historical", 5, {**FIXED, "mode": "stochastic"})
    b = run_displace(sc, "historical", 5, {**FIXED, "mode": "stochastic"})
    c = run_displace(sc, "historical", 6, {**FIXED, "mode": "stochastic"})
    pd.testing.assert_frame_equal(a.tables()["stocks"], b.tables()["stocks"])
    assert not a.tables()["stocks"].equals(c.tables()["stocks"])
    totals = a.tables()["stocks"].groupby("month")["people"].sum()
    assert (totals == totals.iloc[0]).all()


def test_substeps_agree_with_monthly_steps(sc):
    one = run_displace(sc, "historical", 0, FIXED)
    four = run_displace(sc, "historical", 0, {**FIXED, "steps_per_month": 4})
    a = _metric(one, "refugees", "2008-12")
    b = _metric(four, "refugees", "2008-12")
    assert abs(a - b) / a < 0.03


@pytest.mark.parametrize(
    "options, message",
    [
        ({"speed": 3}, "engine 'displace': unknown option.s. speed; accepted: base_flight"),
        ({"mode": "agents"}, "option 'mode' must be one of 'expected', 'stochastic'; got 'agents'"),
        ({"start": "2007-01"}, "option 'start' must be one of"),
        ({"fit_until": "2007-13"}, "option 'fit_until' must be a month YYYY-MM; got '2007-13'"),
        ({"fit_until": "2006-06"}, "no observed stocks to fit"),
        ({"steps_per_month": 0}, "option 'steps_per_month' must be a whole number >= 1; got 0"),
        ({"steps_per_month": "many"}, "option 'steps_per_month' must be a whole number"),
        ({"calibrate": "perhaps"}, "option 'calibrate' must be true or false; got 'perhaps'"),
        ({"violence_series": "acled"}, "violence series 'acled' is not among"),
        ({"return_safety": -1.0}, "return_safety must be a finite number >= 0"),
        ({"fit": "speed"}, "option 'fit' must be a list of names from"),
        ({"violence_scale": -2.0, "calibrate": False}, "option 'violence_scale' must be a number >= 0"),
    ],
)
def test_bad_options(sc, options, message):
    if options.get("fit_until") == "2006-06":  # not an error: reported in the notes
        res = run_displace(sc, "historical", 0, {"start": "scenario", **options})
        assert message in " ".join(res.summary["notes"]) and not res.summary["calibrated"]
        return
    with pytest.raises(EngineError, match=message):
        run_displace(sc, "historical", 0, {"start": "scenario", **options})


def test_scenario_without_routes_is_refused():
    text = FIXTURE.read_text()
    head, tail = text.split("routes:")
    tail = tail[tail.index("shocks:"):]
    sc = parse_scenario(head + tail, "noroutes.yaml")
    with pytest.raises(EngineError, match="routes"):
        run_displace(sc, "historical", 0, {})


def test_return_causes_add_up_to_returns(sc):
    res = run_displace(sc, "historical", 0, FIXED)
    causes = res.tables()["return_causes"]
    assert set(causes["factor"]) == {"baseline", "hardship", "restriction", "safety"}
    by_loc = causes.groupby("location")["people"].sum()
    m = res.metrics()
    for loc in ("syria", "jordan"):
        total = sum(_metric(res, f"returns_from_{loc}_{y}") for y in ("2007", "2008"))
        assert by_loc[loc] == pytest.approx(total, rel=1e-9)
    # the visa rule (restriction 0.8 from 2007-10) is booked only after it starts
    syr = causes[(causes["location"] == "syria") & (causes["factor"] == "restriction")]
    assert syr[syr["month"] < "2007-10"]["people"].sum() == 0
    assert syr[syr["month"] >= "2007-10"]["people"].sum() > 0
    assert (m["metric"] == "returns_due.restriction.syria_2008").sum() == 1


def test_start_from_observed_stocks(sc):
    res = run_displace(sc, "historical", 0, {**FIXED, "start": "observed"})
    stocks = res.tables()["stocks"]
    first = stocks[stocks["month"] == "2007-12"].set_index("location")["people"]
    # the run restarts from the stocks observed at 2007-12 ...
    assert first["syria"] == 1_500_000 and first["jordan"] == 500_000
    assert first[["idp_settings", "idp_camp"]].sum() == pytest.approx(2_390_000)
    # ... with the scenario's total population
    total = load_scenario(FIXTURE).locations
    assert first.sum() == pytest.approx(sum(loc.population or 0 for loc in total))
    hind = res.tables()["hindcast"]
    assert set(hind["month"]) == {"2008-12"}
    assert "run starts 2008-01" in " ".join(res.summary["notes"])


def test_runs_on_the_shipped_iraq_scenario():
    from factions.scenario import default_scenario

    iraq = default_scenario()
    res = run_displace(iraq, "historical", 0, {})
    stocks = res.tables()["stocks"]
    totals = stocks.groupby("month")["people"].sum()
    assert np.allclose(totals, totals.iloc[0], rtol=1e-12)
    assert stocks["people"].min() >= 0
    ard = res.tables()["ard"]
    assert ard["ard"].notna().all()
    assert {"returns.syria", "returns.jordan", "idps"} <= set(res.metrics()["metric"])


def test_fit_until_splits_in_and_out_of_sample(sc):
    res = run_displace(sc, "historical", 0, {"start": "scenario", "fit_until": "2007-12"})
    hind = res.tables()["hindcast"]
    assert hind.loc[hind["month"] == "2007-12", "in_sample"].all()
    assert not hind.loc[hind["month"] == "2008-12", "in_sample"].any()
    ard = res.tables()["ard"].set_index("series")
    syr = hind[(hind["series"] == "syria") & (hind["month"] == "2008-12")].iloc[0]
    expect = abs(syr["simulated"] - syr["observed"]) / syr["observed"]
    assert ard.loc["syria", "ard_out_of_sample"] == pytest.approx(expect)
    assert res.summary["fit"]["points"] == 4
    assert "ard_out_of_sample.syria" in set(res.metrics()["metric"])


def test_stochastic_from_observed_stocks_rounds_to_whole_people(sc):
    res = run_displace(sc, "historical", 2, {**FIXED, "start": "observed", "mode": "stochastic"})
    stocks = res.tables()["stocks"]
    assert (stocks["people"] == np.round(stocks["people"])).all()
    totals = stocks.groupby("month")["people"].sum()
    assert (totals == totals.iloc[0]).all()
    expected = sum(loc.population or 0 for loc in sc.locations)
    assert abs(totals.iloc[0] - expected) <= 0.5
