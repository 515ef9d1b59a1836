"""Scores of held-out months: CRPS of an ensemble, the naive baselines, the table."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from factions.errors import InputError
from factions.run.validate import BASELINES, baseline_forecasts, crps_ensemble, score_holdout
from factions.scenario import month_range


def test_crps_of_a_point_is_the_absolute_error():
    assert crps_ensemble([7.0], 4.0) == 3.0
    assert crps_ensemble([2.0, 2.0, 2.0], 5.0) == pytest.approx(3.0)


def test_crps_of_a_large_normal_sample_matches_the_closed_form():
    # Gneiting & Raftery (2007), eq. 21: CRPS(N(mu, s), y) = s [z(2 Phi(z) - 1) + 2 phi(z)
    # - 1/sqrt(pi)], z = (y - mu) / s
    rng = np.random.default_rng(0)
    x = rng.normal(10.0, 2.0, 4000)
    y = 12.5
    z = (y - 10.0) / 2.0
    exact = 2.0 * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))
    assert crps_ensemble(x, y) == pytest.approx(exact, rel=0.02)


def test_crps_weights_count_like_repeated_members():
    assert crps_ensemble([1.0, 5.0], 2.0, [3, 1]) == pytest.approx(
        crps_ensemble([1.0, 1.0, 1.0, 5.0], 2.0))
    with pytest.raises(InputError):
        crps_ensemble([], 1.0)


def _series(values, start="2006-01"):
    months = month_range(start, "2009-12")[:len(values)]
    return pd.Series(np.asarray(values, float), index=months)


def test_baselines_know_only_the_months_up_to_the_cut():
    y = _series(np.arange(1, 37) * 10.0)  # 2006-01 .. 2008-12
    cut, months = "2007-12", ["2008-01", "2008-06"]
    base = baseline_forecasts(y, cut, months)
    assert set(base) == set(BASELINES)
    assert [float(b[0]) for b in base["no_change"]] == [240.0, 240.0]
    assert [float(b[0]) for b in base["seasonal"]] == [130.0, 180.0]  # 2007-01, 2007-06
    # changing a held-out value changes no baseline
    y2 = y.copy()
    y2["2008-03"] = 1e6
    again = baseline_forecasts(y2, cut, months)
    for b in BASELINES:
        assert all(np.array_equal(u, v) for u, v in zip(base[b], again[b], strict=True))


def test_trend_extrapolates_an_exponential_series():
    y = _series(np.expm1(0.1 * np.arange(24)))  # log(1 + y) is a straight line
    (t,) = baseline_forecasts(y, "2007-12", ["2008-03"])["trend"]
    assert float(t[0]) == pytest.approx(np.expm1(0.1 * 26))


def test_spread_baseline_uses_past_changes_at_the_same_horizon():
    y = _series([100.0, 200.0, 100.0, 200.0])
    (h1,) = baseline_forecasts(y, "2006-04", ["2006-05"])["no_change_spread"]
    # one-month changes seen: x2, x0.5, x2 (on 1 + y)
    assert sorted(np.round((h1 + 1) / 201, 3)) == sorted(np.round([201 / 101, 101 / 201,
                                                                    201 / 101], 3))


def test_score_table_ranks_a_perfect_model_first():
    y = _series(100 + 50 * np.sin(np.arange(36)))
    cut = "2007-12"
    held = [m for m in y.index if m > cut]
    members = pd.DataFrame([{"target": "a", "month": m, "run": r, "value": y[m] + e,
                             "weight": 0.25} for m in y.index for r, e in
                            enumerate([-1.0, 0.0, 0.0, 1.0])])
    table = score_holdout(members, {"a": y}, cut)
    model = table[table["method"] == "model"].iloc[0]
    assert model["months"] == len(held) and model["first"] == "2008-01"
    assert model["mae"] == pytest.approx(0.0) and model["crps"] < 0.3
    assert (table[table["method"] != "model"]["crps"] > model["crps"]).all()
    assert model["skill_crps"] > 0.9
    nc = table[table["method"] == "no_change"].iloc[0]
    assert nc["skill_crps"] == 0.0 and nc["crps"] == pytest.approx(nc["mae"])
