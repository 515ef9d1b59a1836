"""Voting power in weighted majority games: Banzhaf and Shapley-Shubik, exact.

Counts of coalitions are kept as exact multi-precision integers (62-bit limbs in numba
arrays), so games of 1,000 players neither overflow nor lose precision.
"""

from __future__ import annotations

__all__ = [
    "banzhaf",
    "banzhaf_swings",
    "shapley_shubik",
    "minimal_winning_coalitions",
]

import math
from collections.abc import Sequence
from fractions import Fraction

import numba
import numpy as np

from factions.errors import InputError

_BITS = 62
_MASK = (1 << _BITS) - 1
_SHAPLEY_MEMORY = 1_500_000_000  # bytes the exact Shapley-Shubik table may use


def _game(weights, quota) -> tuple[list[int], int]:
    """Validate once at the boundary: non-negative integer weights, 0 < quota <= total."""
    ws = []
    for i, w in enumerate(weights):
        if isinstance(w, bool) or not isinstance(w, int | np.integer | float | np.floating):
            raise InputError(f"weight of player {i} must be an integer, got {w!r}")
        if w != int(w) or not math.isfinite(w):
            raise InputError(f"weight of player {i} must be an integer, got {w!r}")
        if w < 0:
            raise InputError(f"weight of player {i} must be >= 0, got {w!r}")
        ws.append(int(w))
    if not ws:
        raise InputError("a weighted game needs at least one player")
    total = sum(ws)
    if isinstance(quota, bool) or not isinstance(quota, int | np.integer | float | np.floating):
        raise InputError(f"quota must be a number, got {quota!r}")
    if not (0 < quota <= total):
        raise InputError(f"quota must be in (0, {total}] (the total weight), got {quota!r}")
    q = math.ceil(quota)  # integer weights: a coalition wins iff its weight >= ceil(quota)
    g = math.gcd(q, *ws)
    return [w // g for w in ws], q // g


def _limbs(n: int) -> int:
    """Limbs for counts up to 2^n."""
    return n // _BITS + 1


def _to_int(limbs) -> int:
    return sum(int(x) << (_BITS * j) for j, x in enumerate(limbs) if x)


@numba.njit(cache=True, inline="always")
def _add(dst, rd, src, rs, used):
    """dst[rd] += src[rs] over ``used`` 62-bit limbs (rows of 2-D limb arrays)."""
    if used == 1:  # the caller guarantees the sum fits one limb
        dst[rd, 0] += src[rs, 0]
        return
    carry = 0
    for j in range(used):
        s = dst[rd, j] + src[rs, j] + carry
        dst[rd, j] = s & 0x3FFFFFFFFFFFFFFF
        carry = s >> 62


@numba.njit(cache=True, inline="always")
def _sub(dst, rd, a, ra, b, rb, used):
    """dst[rd] = a[ra] - b[rb] over ``used`` limbs (the caller guarantees a >= b)."""
    borrow = 0
    for j in range(used):
        s = a[ra, j] - b[rb, j] - borrow
        if s < 0:
            s += 0x4000000000000000
            borrow = 1
        else:
            borrow = 0
        dst[rd, j] = s


@numba.njit(cache=True)
def _banzhaf_kernel(weights, distinct, q, L):
    """Swings of a player of each distinct weight, as limbs (players of weight 0 excluded).

    ``c[w]`` counts coalitions of weight ``w < q``. After j players every count is at most
    2^j, so only ``j // 62 + 1`` limbs are touched.
    """
    c = np.zeros((q, L), dtype=np.int64)
    c[0, 0] = 1
    done = 0
    for wi in weights:
        done += 1
        used = min(L, done // 62 + 1)
        if wi < q:
            for w in range(q - 1, wi - 1, -1):
                _add(c, w, c, w - wi, used)
    used = min(L, weights.size // 62 + 1)
    out = np.zeros((distinct.size, L), dtype=np.int64)
    cm = np.zeros((q, L), dtype=np.int64)
    for d in range(distinct.size):
        wi = distinct[d]
        if wi >= q:  # every losing coalition of the others becomes winning with i
            for w in range(q):
                _add(out, d, c, w, used)
            continue
        for w in range(q):
            if w < wi:
                cm[w] = c[w]
            else:
                _sub(cm, w, c, w, cm, w - wi, used)
        for w in range(q - wi, q):
            _add(out, d, cm, w, used)
    return out


@numba.njit(cache=True)
def _shapley_kernel(weights, distinct, q, L, kmax, n_all):
    """Swings by coalition size for each distinct positive weight: shape (D * kmax, L).

    Row ``k * q + w`` of ``c`` counts coalitions of size ``k`` and weight ``w < q``.
    """
    c = np.zeros((kmax * q, L), dtype=np.int64)
    c[0, 0] = 1
    top = 0
    done = 0
    for wi in weights:
        done += 1
        used = min(L, done // 62 + 1)
        if wi < q:
            top = min(top + 1, kmax - 1)
            for k in range(top, 0, -1):
                for w in range(q - 1, wi - 1, -1):
                    _add(c, k * q + w, c, (k - 1) * q + w - wi, used)
    used = min(L, n_all // 62 + 1)
    out = np.zeros((distinct.size * kmax, L), dtype=np.int64)
    cm = np.zeros((2 * q, L), dtype=np.int64)  # layers k and k - 1 of the quotient
    for d in range(distinct.size):
        wi = distinct[d]
        for k in range(kmax):
            cur, prev = (k % 2) * q, ((k + 1) % 2) * q
            for w in range(q):
                r = k * q + w
                if wi >= q or k == 0 or w < wi:
                    for j in range(used):
                        cm[cur + w, j] = c[r, j]
                else:
                    _sub(cm, cur + w, c, r, cm, prev + w - wi, used)
            for w in range(max(0, q - wi), q):
                _add(out, d * kmax + k, cm, cur + w, used)
    return out


def banzhaf_swings(weights: Sequence[int], quota: float) -> list[int]:
    """Exact Banzhaf swing counts: coalitions of the others that player i turns winning.

    Parameters
    ----------
    weights : sequence of int
        Non-negative integer weights (e.g. seats).
    quota : number
        Winning threshold, ``0 < quota <= sum(weights)``; a coalition wins iff its weight is
        at least ``quota``.

    Returns
    -------
    list of int
        Python integers (no overflow at any size).

    Raises
    ------
    InputError
        Negative or non-integer weights, no players, quota out of range.

    Notes
    -----
    The generating-function recursion of :func:`banzhaf` (Notes there), in exact integers.

    References
    ----------
    .. [1] Brams, S. J., & Affuso, P. J. (1976). Power and size: a new paradox. Theory and
       Decision, 7, 29-56.
    """
    ws, q = _game(weights, quota)
    positive = [w for w in ws if w > 0]
    zeros = len(ws) - len(positive)
    distinct = np.unique(np.asarray(positive, dtype=np.int64))
    L = _limbs(len(positive))
    limbs = _banzhaf_kernel(np.asarray(positive, dtype=np.int64), distinct, q, L)
    by_weight = {int(w): _to_int(row) << zeros for w, row in zip(distinct, limbs, strict=True)}
    return [by_weight[w] if w > 0 else 0 for w in ws]


def banzhaf(weights: Sequence[int], quota: float, *, normalized: bool = True,
            exact: bool = False) -> np.ndarray | list[Fraction]:
    """Banzhaf index of a weighted majority game, by generating-function counting.

    Parameters
    ----------
    weights : sequence of int
        Non-negative integer weights.
    quota : number
        Winning threshold, ``0 < quota <= sum(weights)``.
    normalized : bool
        True: swings / total swings (sums to 1). False: the absolute (Penrose-Banzhaf)
        index, swings / 2^(n-1), the probability of being decisive.
    exact : bool
        Return :class:`fractions.Fraction` values instead of floats.

    Returns
    -------
    ndarray of float, or list of Fraction

    Raises
    ------
    InputError
        Negative or non-integer weights, quota out of range.

    Notes
    -----
    With ``C(x) = prod_j (1 + x^{w_j})`` the generating function of coalition weights,
    the coalitions of the others are counted by ``C_{-i}(x) = C(x) / (1 + x^{w_i})``
    (computed by the recursion ``c_{-i}[w] = c[w] - c_{-i}[w - w_i]``), and the swings of
    *i* are ``eta_i = sum_{w = q - w_i}^{q - 1} c_{-i}[w]`` [2]_. Cost O(n q) limb
    operations, each O(n / 62); only coefficients below the quota are kept. Players of
    weight 0 are dummies (each doubles everyone else's swings); a player with
    ``w_i >= q`` swings every losing coalition of the others. For a valid quota some
    player always swings, so the normalisation is defined.

    References
    ----------
    .. [1] Banzhaf, J. F. (1965). Weighted voting doesn't work: a mathematical analysis.
       Rutgers Law Review, 19, 317-343.
    .. [2] Brams, S. J., & Affuso, P. J. (1976). Power and size: a new paradox. Theory and
       Decision, 7, 29-56 (generating functions for power indices).
    """
    swings = banzhaf_swings(weights, quota)
    denom = sum(swings) if normalized else 1 << (len(swings) - 1)
    values = [Fraction(s, denom) for s in swings]
    return values if exact else np.array([float(v) for v in values])


def shapley_shubik(weights: Sequence[int], quota: float, *,
                   exact: bool = False) -> np.ndarray | list[Fraction]:
    """Shapley-Shubik index of a weighted majority game, exact.

    Parameters
    ----------
    weights : sequence of int
        Non-negative integer weights.
    quota : number
        Winning threshold, ``0 < quota <= sum(weights)``.
    exact : bool
        Return :class:`fractions.Fraction` values (they sum to exactly 1).

    Returns
    -------
    ndarray of float, or list of Fraction

    Raises
    ------
    InputError
        Bad weights or quota, or a game whose exact table would exceed 1.5 GB
        (``kmax * q * (n/62 + 1)`` limbs of 8 bytes); the message gives the size.

    Notes
    -----
    ``phi_i = sum_{S: i pivotal} |S|! (n - |S| - 1)! / n!`` [1]_. Coalitions of the others
    are counted by size and weight with ``C(x, y) = prod_j (1 + y x^{w_j})`` and divided by
    ``(1 + y x^{w_i})`` as for :func:`banzhaf` [2]_. Cost O(n^2 q) limb operations; the
    sizes are capped at the largest possible losing coalition.

    References
    ----------
    .. [1] Shapley, L. S., & Shubik, M. (1954). A method for evaluating the distribution of
       power in a committee system. American Political Science Review, 48(3), 787-792.
    .. [2] Bilbao, J. M., Fernandez, J. R., Jimenez Losada, A., & Lopez, J. J. (2000).
       Generating functions for computing power indices efficiently. TOP, 8(2), 191-213.
    """
    ws, q = _game(weights, quota)
    n = len(ws)
    small = sorted(w for w in ws if w < q)
    # a losing coalition has weight < q: its size is bounded by greedy filling with the
    # lightest players
    kmax, acc = 0, 0
    for w in small:
        if acc + w >= q:
            break
        acc += w
        kmax += 1
    kmax = kmax + 1
    L = _limbs(n)
    need = (kmax + 2) * q * L * 8
    if need > _SHAPLEY_MEMORY:
        raise InputError(f"exact Shapley-Shubik for {n} players and quota {q} needs "
                         f"{need / 1e9:.1f} GB (limit {_SHAPLEY_MEMORY / 1e9:.1f} GB)")
    distinct = np.unique(np.asarray([w for w in ws if w > 0], dtype=np.int64))
    limbs = _shapley_kernel(np.asarray(small, dtype=np.int64), distinct, q, L, kmax, n)
    limbs = limbs.reshape(distinct.size, kmax, L)
    fact = [math.factorial(k) for k in range(n + 1)]
    value = {}
    for w, rows in zip(distinct, limbs, strict=True):
        num = sum(_to_int(rows[k]) * fact[k] * fact[n - k - 1] for k in range(min(kmax, n)))
        value[int(w)] = Fraction(num, fact[n])
    out = [value[w] if w > 0 else Fraction(0) for w in ws]
    return out if exact else np.array([float(v) for v in out])


def minimal_winning_coalitions(weights: Sequence[int], quota: float,
                               names: Sequence | None = None,
                               max_players: int = 20) -> list[tuple]:
    """Every minimal winning coalition (each member is needed) of a small game.

    Parameters
    ----------
    weights : sequence of int
        Non-negative integer weights.
    quota : number
        Winning threshold.
    names : sequence, optional
        Player names (default: positions).
    max_players : int
        Refuse games larger than this (2^n coalitions are enumerated).

    Returns
    -------
    list of tuple
        Coalitions as tuples of names, sorted by size then by weight (descending).

    Raises
    ------
    InputError
        Bad game, ``len(names) != len(weights)`` or more than ``max_players`` players.

    Notes
    -----
    A coalition S is minimal winning when ``w(S) >= q`` and ``w(S) - min_{i in S} w_i < q``
    (removing its lightest member, hence any member, makes it lose). All ``2^n`` coalitions
    are evaluated with vectorised numpy, O(2^n n).

    References
    ----------
    .. [1] Riker, W. H. (1962). The Theory of Political Coalitions. Yale University Press
       (minimal winning coalitions).
    """
    ws, q = _game(weights, quota)
    n = len(ws)
    names = list(range(n)) if names is None else list(names)
    if len(names) != n:
        raise InputError(f"{len(names)} names for {n} weights")
    if n > max_players:
        raise InputError(f"minimal winning coalitions are enumerated only up to {max_players} "
                         f"players (2^n coalitions); this game has {n}")
    masks = np.arange(1 << n, dtype=np.int64)
    w = np.asarray(ws, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(n)) & 1
    total = bits @ w
    lightest = np.where(bits == 1, w[None, :], np.iinfo(np.int64).max).min(axis=1)
    minimal = np.flatnonzero((total >= q) & (total - lightest < q))
    out = [tuple(names[i] for i in range(n) if bits[m, i]) for m in minimal]
    order = sorted(range(len(out)), key=lambda j: (len(out[j]), -total[minimal[j]]))
    return [out[j] for j in order]
