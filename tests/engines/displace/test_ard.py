"""Averaged relative difference (Suleimenova et al. 2017) on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from factions.engines.displace import ard_flee, ard_per_location
from factions.errors import InputError


def test_ard_flee_by_hand():
    sim = np.array([[110.0, 50.0], [200.0, 100.0]])
    obs = np.array([[100.0, 100.0], [200.0, 200.0]])
    # t0: (10 + 50) / 200 = 0.3; t1: (0 + 100) / 400 = 0.25
    assert ard_flee(sim, obs) == pytest.approx(0.275)


def test_ard_per_location_by_hand_and_nan_skipped():
    sim = np.array([[110.0, 50.0], [200.0, 100.0], [1.0, 1.0]])
    obs = np.array([[100.0, 100.0], [200.0, 200.0], [np.nan, 0.0]])
    out = ard_per_location(sim, obs)
    assert out[0] == pytest.approx((0.1 + 0.0) / 2)
    assert out[1] == pytest.approx((0.5 + 0.5) / 2)
    # rows with a missing value are left out of the Flee aggregate
    assert ard_flee(sim, obs) == pytest.approx(0.275)


def test_perfect_fit_is_zero_and_1d_accepted():
    obs = np.array([5.0, 6.0, 7.0])
    assert ard_per_location(obs, obs)[0] == 0.0
    assert ard_flee(obs, obs) == 0.0


def test_no_observations_gives_nan():
    assert np.isnan(ard_per_location([1.0], [np.nan])[0])
    assert np.isnan(ard_flee([[1.0]], [[np.nan]]))


def test_ard_errors():
    with pytest.raises(InputError, match="same"):
        ard_flee(np.zeros((2, 2)), np.zeros((3, 2)))
    with pytest.raises(InputError, match="finite"):
        ard_per_location([np.inf], [1.0])
    with pytest.raises(InputError, match=">= 0"):
        ard_per_location([1.0], [-1.0])
