"""Claims: comparison of sides, windows, aggregation and probabilities over replicas."""

import pandas as pd
import pytest

from factions.run import evaluate_claims, run_all
from factions.scenario import load_scenario, parse_scenario


@pytest.fixture
def sc(small_path):
    return load_scenario(small_path)


def _metrics(values_by_seed):
    frames = []
    for hist, nos in values_by_seed:
        frames.append(pd.DataFrame({
            "scenario": ["historical"] * 2 + ["no_surge"] * 2,
            "metric": ["digest.forces.occ_troops"] * 4,
            "month": ["2007-06", "2007-07"] * 2,
            "value": [hist, hist, nos, nos]}))
    return frames


def test_probability_is_share_of_replicas(sc):
    reps = _metrics([(10, 5), (10, 20), (10, 1), (10, 2)])
    row = evaluate_claims(sc, reps).set_index("claim").loc["surge_more_troops"]
    assert row["p_holds"] == pytest.approx(0.75)
    assert row["verdict"] == "uncertain" and row["replicas"] == 4


def test_observed_claim_uses_window_means(sc):
    row = evaluate_claims(sc, [pd.DataFrame(columns=["scenario", "metric", "month", "value"])]
                          ).set_index("claim").loc["deaths_fell"]
    first = (900 + 850 + 950 + 800 + 700 + 650) / 6
    second = (600 + 500 + 400 + 350 + 300 + 300) / 6
    assert row["difference"] == pytest.approx(second - first)
    assert row["verdict"] == "holds (observed)"


def test_missing_metric_is_reported_not_guessed(small_text):
    text = small_text.replace("metric: digest.forces.occ_troops", "metric: ground.deaths")
    res = run_all(parse_scenario(text), engines=["digest"])
    row = res.claims.set_index("claim").loc["surge_more_troops"]
    assert row["verdict"].startswith("not tested: no result for ground.deaths")


def test_run_all_end_to_end(sc):
    res = run_all(sc, engines=["digest"])
    row = res.claims.set_index("claim").loc["surge_more_troops"]
    # the digest reports the inputs: a claim on it holds by construction
    assert row["verdict"] == "encoded (holds by construction)" and row["grade"] == "encoded"
    assert row["difference"] == pytest.approx(20000) and row["p_null"] == 1.0
    assert set(res.metrics["scenario"]) == {"historical", "no_surge", "rupture"}
    assert res.claims.set_index("claim").loc["economy", "verdict"].startswith("untestable")
    # graded again (as a run read back and re-judged is): the wording does not nest
    from factions.run.verdicts import judge

    frames = [res.metrics.assign(seed=0)]
    again, _ = judge(sc, frames, res.claims)
    assert again.set_index("claim").loc["surge_more_troops", "verdict"] == \
        "encoded (holds by construction)"


@pytest.mark.parametrize("how, window, want", [
    ("mean", None, 2.0), ("sum", None, 6.0), ("last", None, 5.0), ("min", None, 0.0),
    ("last", ("2007-01", "2007-12"), 1.0), ("mean", ("2007-01", "2007-12"), 0.5),
    ("max", ("2008-01", "2008-12"), float("nan"))])
def test_a_side_aggregates_in_calendar_order_with_monthless_values_last(how, window, want):
    """Months sorted whatever the row order; a value without a month counts only without
    a window, after the dated ones (pandas' order); NaN values are skipped."""
    from types import SimpleNamespace as NS

    import numpy as np

    from factions.run.claims import MetricIndex, side_value

    frame = pd.DataFrame({"scenario": "s", "metric": "e.m",
                          "month": ["2007-06", None, "2007-02", "2007-04"],
                          "value": [1.0, 5.0, 0.0, np.nan]})
    got = side_value(NS(value=None, observation=None, scenario="s", window=window),
                     NS(metric="e.m", agg=how), None, MetricIndex(frame))
    assert got == pytest.approx(want, nan_ok=True)
    # the same from the plain frame
    assert side_value(NS(value=None, observation=None, scenario="s", window=window),
                      NS(metric="e.m", agg=how), None, frame) == pytest.approx(want, nan_ok=True)
