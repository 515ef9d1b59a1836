"""Forecasts under jittered inputs."""

import numpy as np
import pytest

from factions.engines.bargain import forecast, forecast_distribution
from factions.errors import EngineError, InputError

C, X, S = [3.0, 2.0, 1.0, 1.0], [10.0, 40.0, 60.0, 90.0], [0.9, 0.5, 0.7, 1.0]


def test_same_seed_same_draws_other_seed_other_draws():
    a = forecast_distribution(C, X, S, "compromise", scale=(0, 100), n_draws=50, seed=3)
    b = forecast_distribution(C, X, S, "compromise", scale=(0, 100), n_draws=50, seed=3)
    c = forecast_distribution(C, X, S, "compromise", scale=(0, 100), n_draws=50, seed=4)
    np.testing.assert_array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)


def test_zero_error_collapses_to_the_point():
    d = forecast_distribution(C, X, S, "median", scale=(0, 100), n_draws=10, position_error=0,
                              salience_error=0, capability_error=0)
    assert d.point == forecast(C, X, S, "median").outcome
    np.testing.assert_allclose(d.draws, d.point)
    assert d.low == d.high == d.median == d.point


def test_interval_orders_and_widens_with_error():
    small = forecast_distribution(C, X, S, "compromise", scale=(0, 100), n_draws=300,
                                  position_error=1.0, seed=1)
    large = forecast_distribution(C, X, S, "compromise", scale=(0, 100), n_draws=300,
                                  position_error=10.0, seed=1)
    assert small.low <= small.median <= small.high
    assert large.high - large.low > small.high - small.low
    # the point forecast lies inside the 90% interval for a linear model
    assert large.low < large.point < large.high


def test_distribution_errors():
    with pytest.raises(InputError, match="position_error"):
        forecast_distribution(C, X, S, position_error=-1)
    with pytest.raises(EngineError, match="level"):
        forecast_distribution(C, X, S, level=1.5)
    with pytest.raises(EngineError, match="unknown bargaining model"):
        forecast_distribution(C, X, S, "nope")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compromise_spread_matches_closed_form(seed):
    # Only positions jittered, far from the scale ends (no clipping): the compromise is
    # linear in x, so its sd is sigma * sqrt(sum w^2) / sum w. Sampling sd of the sd with
    # 400 draws is ~3.5 %; allow 12 %.
    c, x, s = np.array([3.0, 2.0, 1.0, 1.0]), np.array([40.0, 45, 55, 60]), np.ones(4)
    d = forecast_distribution(c, x, s, "compromise", scale=(0, 100), n_draws=400,
                              position_error=3.0, salience_error=0, capability_error=0, seed=seed)
    w = c * s
    expected = 3.0 * np.sqrt(np.sum(w**2)) / np.sum(w)
    assert np.std(d.draws, ddof=1) == pytest.approx(expected, rel=0.12)
    assert d.median == pytest.approx(d.point, abs=4 * expected / np.sqrt(400) * 1.25)
