"""Hand-computable cases and invariances for every model."""

import numpy as np
import pytest

from factions.engines.bargain import MODELS, forecast, weighted_median
from factions.errors import EngineError

ALL = list(MODELS)


def _random_issue(seed, n=9):
    rng = np.random.default_rng(seed)
    return (rng.uniform(0.5, 3.0, n), rng.choice([0, 20, 35, 50, 70, 100], n).astype(float),
            rng.uniform(0.2, 1.0, n))


@pytest.mark.parametrize("seed", range(5))
def test_compromise_equals_closed_form(seed):
    c, x, s = _random_issue(seed)
    assert forecast(c, x, s, "compromise").outcome == pytest.approx(np.sum(c * s * x) / np.sum(c * s))


def test_two_actors_by_hand():
    c, x, s = [3.0, 1.0], [0.0, 100.0], [1.0, 1.0]
    assert forecast(c, x, s, "compromise").outcome == pytest.approx(25.0)
    assert forecast(c, x, s, "median").outcome == 0.0
    # Nash, worst-case disagreement: gains 1.01e4 - z^2 and 1.01e4 - (100 - z)^2 with
    # weights 3 and 1; first-order condition solved numerically by brute force here.
    z = np.linspace(0, 100, 200001)
    obj = 3 * np.log(1.01e4 - z**2) + np.log(1.01e4 - (100 - z) ** 2)
    assert forecast(c, x, s, "nash").outcome == pytest.approx(z[np.argmax(obj)], abs=1e-3)


def test_two_equal_actors_meet_in_the_middle_for_symmetric_models():
    c, x, s = [1.0, 1.0], [20.0, 80.0], [1.0, 1.0]
    for model in ("compromise", "median", "nash"):
        assert forecast(c, x, s, model, scale=(0, 100)).outcome == pytest.approx(50.0)


@pytest.mark.parametrize("model", ALL)
def test_identical_positions_give_that_position(model):
    f = forecast([1, 2, 3], [40, 40, 40], [0.5, 1, 0.2], model, scale=(0, 100))
    assert f.outcome == pytest.approx(40.0)
    np.testing.assert_allclose(f.positions, 40.0)


@pytest.mark.parametrize("model", ["median", "expected_utility", "smp"])
def test_dominant_actor_wins(model):
    # actor 0 carries 100 of 103 weight units
    c, x, s = [100.0, 1.0, 1.0, 1.0], [90.0, 10.0, 20.0, 30.0], [1.0, 1.0, 1.0, 1.0]
    assert forecast(c, x, s, model, scale=(0, 100)).outcome == pytest.approx(90.0, abs=0.5)


def test_dominant_actor_pulls_compromise():
    c, x, s = [100.0, 1.0, 1.0, 1.0], [90.0, 10.0, 20.0, 30.0], [1.0, 1.0, 1.0, 1.0]
    assert forecast(c, x, s, "compromise").outcome == pytest.approx(9060 / 103)


@pytest.mark.parametrize("seed", range(3))
def test_nash_equals_brute_force_grid(seed):
    c, x, s = _random_issue(seed)
    w = c * s
    worst = np.maximum(x**2, (100 - x) ** 2) + 100.0
    z = np.linspace(0, 100, 100001)
    obj = (w[:, None] * np.log(worst[:, None] - (z[None, :] - x[:, None]) ** 2)).sum(0)
    got = forecast(c, x, s, "nash", scale=(0, 100)).outcome
    assert got == pytest.approx(z[np.argmax(obj)], abs=2e-3)


@pytest.mark.parametrize("model", ALL)
@pytest.mark.parametrize("seed", [1, 2])
def test_relabelling_actors_leaves_outcome_unchanged(model, seed):
    c, x, s = _random_issue(seed)
    perm = np.random.default_rng(seed + 10).permutation(x.size)
    a = forecast(c, x, s, model, scale=(0, 100))
    b = forecast(c[perm], x[perm], s[perm], model, scale=(0, 100))
    assert b.outcome == pytest.approx(a.outcome, abs=1e-9)
    np.testing.assert_allclose(b.positions, a.positions[perm], atol=1e-9)


@pytest.mark.parametrize("model", ALL)
@pytest.mark.parametrize("seed", [3, 4])
def test_shift_and_scale_of_the_scale(model, seed):
    c, x, s = _random_issue(seed)
    a = forecast(c, x, s, model, scale=(0, 100))
    b = forecast(c, 2.5 * x - 40, s, model, scale=(-40, 210))
    assert b.outcome == pytest.approx(2.5 * a.outcome - 40, abs=1e-6)


def test_weighted_median_ties_split_and_zero_weights_ignored():
    assert weighted_median(np.array([1.0, 3.0]), np.array([1.0, 1.0])) == 2.0
    assert weighted_median(np.array([1.0, 3.0, 9.0]), np.array([1.0, 2.0, 0.0])) == 3.0


def test_nash_status_quo_between_positions_is_the_forecast():
    f = forecast([1, 1, 1], [10, 50, 90], [1, 1, 1], "nash", scale=(0, 100), disagreement=45.0)
    assert f.outcome == 45.0


def test_nash_status_quo_outside_positions_moves_towards_them():
    f = forecast([1, 1], [60, 80], [1, 1], "nash", scale=(0, 100), disagreement=0.0)
    assert 60 < f.outcome < 80


def test_unknown_model_and_option_raise_engine_error():
    with pytest.raises(EngineError, match="unknown bargaining model 'bdm'"):
        forecast([1], [1], [1], "bdm")
    with pytest.raises(EngineError, match="model 'median'"):
        forecast([1], [1], [1], "median", rounds=3)
    with pytest.raises(EngineError, match="disagreement"):
        forecast([1, 1], [0, 1], [1, 1], "nash", disagreement="best")
