"""The kernel's random stream: MT19937 held in an array and drawn inline.

This is NumPy's legacy ``RandomState`` stream (the one numba's ``np.random`` functions
reproduce): Mersenne Twister seeded by ``init_genrand``; doubles from two 32-bit words
(``(a >> 5) * 2**26 + (b >> 6)) / 2**53``; integers in ``[0, n)`` by masked rejection
from 32-bit words; permutations by Fisher-Yates from the top. Drawing through numba's
``np.random`` instead costs a call and a thread-local lookup per number, about a tenth
of an agent's step; with the state in an array the draws are inlined. The stream is
bit-for-bit that of ``numpy.random.RandomState(seed)`` (``tests/engines/ground/
test_stream.py``), so seeded results did not change when the kernel switched to it.

References
----------
.. [1] Matsumoto, M. and Nishimura, T. (1998). Mersenne Twister: a 623-dimensionally
   equidistributed uniform pseudo-random number generator. ACM TOMACS 8(1), 3-30.
"""

from __future__ import annotations

__all__ = ["Stream", "stream_of", "random", "randint", "randbelow", "shuffled", "permutation"]

from typing import NamedTuple

import numpy as np
from numba import njit

from factions.engines.ground.state import HOT, INLINE

_N, _M = 624, 397
_MATRIX_A, _UPPER, _LOWER = 0x9908B0DF, 0x80000000, 0x7FFFFFFF
_M32 = 0xFFFFFFFF


class Stream(NamedTuple):
    """State of one MT19937 stream: 624 words, their tempered outputs and the doubles that
    start at each output (both computed once per refill, not once per draw), and the index
    of the next output."""

    mt: np.ndarray
    out: np.ndarray
    dbl: np.ndarray
    at: np.ndarray


@njit(cache=True)
def stream_of(seed):
    """A stream seeded by ``init_genrand(seed)``, as ``RandomState(seed)`` for a 32-bit
    seed (only the low 32 bits of ``seed`` are used)."""
    rs = Stream(np.empty(_N, np.int64), np.empty(_N, np.int64), np.empty(_N - 1),
                np.full(1, _N, np.int64))
    s = seed & _M32
    for k in range(_N):
        rs.mt[k] = s
        s = (1812433253 * (s ^ (s >> 30)) + k + 1) & _M32
    return rs


@njit(**INLINE)
def _twist(mt, k, k1, km):
    y = (mt[k] & _UPPER) | (mt[k1] & _LOWER)
    mt[k] = mt[km] ^ (y >> 1) ^ (_MATRIX_A * (y & 1))


@njit(**HOT)
def _refill(rs):
    mt, out = rs.mt, rs.out
    for k in range(_N - _M):
        _twist(mt, k, k + 1, k + _M)
    for k in range(_N - _M, _N - 1):
        _twist(mt, k, k + 1, k + _M - _N)
    _twist(mt, _N - 1, 0, _M - 1)
    for k in range(_N):
        y = mt[k]
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        out[k] = y
    for k in range(_N - 1):
        rs.dbl[k] = _double(out[k], out[k + 1])


@njit(**INLINE)
def _double(w1, w2):
    return ((w1 >> 5) * 67108864.0 + (w2 >> 6)) / 9007199254740992.0


@njit(**INLINE)
def _next32(rs):
    k = rs.at[0]
    if k >= _N:
        _refill(rs)
        k = 0
    rs.at[0] = k + 1
    return rs.out[k]


@njit(**INLINE)
def random(rs):
    """Uniform double in [0, 1) (``RandomState.random_sample``): two outputs."""
    k = rs.at[0]
    if k + 2 <= _N:
        rs.at[0] = k + 2
        return rs.dbl[k]
    w1 = _next32(rs)  # the pair straddles a refill
    return _double(w1, _next32(rs))


@njit(**INLINE)
def randint(rs, n):
    """Uniform integer in [0, n), ``n`` in 1 .. 2**32 (``RandomState.randint(n)``)."""
    if n == 1:
        return 0
    top = n - 1
    mask = top
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    while True:
        r = _next32(rs) & mask
        if r <= top:
            return r


@njit(**INLINE)
def randbelow(rs, n):
    """``int(random() * n)``: uniform in [0, n) from one double (bias below 2**-50 for the
    ``n`` used here; cheaper than :func:`randint`)."""
    return int(random(rs) * n)


@njit(**HOT)
def shuffled(rs, out, n):
    """Write a random permutation of ``0 .. n-1`` into ``out[:n]`` (the draws of
    ``RandomState.permutation(n)``: Fisher-Yates from the top)."""
    for i in range(n):
        out[i] = i
    for i in range(n - 1, 0, -1):
        j = randint(rs, i + 1)
        out[i], out[j] = out[j], out[i]


@njit(cache=True)
def permutation(rs, n):
    """A random permutation of ``0 .. n-1`` (``RandomState.permutation(n)``)."""
    out = np.empty(n, np.int64)
    shuffled(rs, out, n)
    return out
