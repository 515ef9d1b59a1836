"""The kernel's inline MT19937 stream is NumPy's legacy ``RandomState`` stream."""

import numpy as np
import pytest
from numba import njit

from factions.engines.ground.stream import permutation, randbelow, randint, random, stream_of


@njit(cache=True)
def _draw(seed, n):
    rs = stream_of(seed)
    doubles = np.empty(n)
    ints = np.empty(n, np.int64)
    for k in range(n):  # interleaved, so that doubles start at odd and even words
        doubles[k] = random(rs)
        ints[k] = randint(rs, 1 + (k * 7919) % 1000)
    perm = permutation(rs, 700)
    below = np.empty(50, np.int64)
    for k in range(50):
        below[k] = randbelow(rs, 112)
    return doubles, ints, perm, below


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**32 - 2])
def test_stream_equals_numpy_random_state(seed):
    doubles, ints, perm, below = _draw(seed, 1500)  # 1500 doubles + ints: several refills
    ref = np.random.RandomState(seed)
    want_d, want_i = [], []
    for k in range(1500):
        want_d.append(ref.random_sample())
        want_i.append(ref.randint(1 + (k * 7919) % 1000))
    assert np.array_equal(doubles, want_d)
    assert np.array_equal(ints, want_i)
    assert np.array_equal(perm, ref.permutation(700))
    assert np.array_equal(below, (ref.random_sample(50) * 112).astype(np.int64))


def test_streams_of_different_seeds_differ():
    a = _draw(7, 100)
    b = _draw(8, 100)
    assert not np.array_equal(a[0], b[0])
    assert not np.array_equal(a[2], b[2])
