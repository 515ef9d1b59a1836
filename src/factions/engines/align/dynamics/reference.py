"""Small, obviously-correct references for the balance dynamics (tests and benchmarks).

* :func:`continuous_ivp`: dX/dt = X^2 integrated by scipy ``solve_ivp`` on all n^2 entries;
* :func:`ltd_python`, :func:`ctd_python`: the triad dynamics on a complete graph in plain
  Python, one update event at a time (no skipping, no incremental bookkeeping);
* :func:`triad_chain`: the exact Markov chain of LTD or CTD on a complete graph of a few
  actors (all 2^M sign states): absorption probabilities and expected absorption time.
"""

from __future__ import annotations

__all__ = ["continuous_ivp", "ltd_python", "ctd_python", "triad_chain", "TriadChain"]

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp


def continuous_ivp(x0: np.ndarray, t: float, rtol: float = 1e-10) -> np.ndarray:
    """X(t) for dX/dt = X^2 by explicit Runge-Kutta (DOP853) on the full matrix."""
    n = x0.shape[0]
    sol = solve_ivp(lambda _t, y: (y.reshape(n, n) @ y.reshape(n, n)).ravel(), (0.0, t),
                    np.asarray(x0, dtype=float).ravel(), method="DOP853", rtol=rtol,
                    atol=rtol * 1e-2)
    return sol.y[:, -1].reshape(n, n)


def _signs(s):
    n = s.shape[0]
    return [[int(s[i][j]) if i != j else 0 for j in range(n)] for i in range(n)]


def _imbalanced(s, n):
    return sum(1 for i, j, k in itertools.combinations(range(n), 3)
               if s[i][j] * s[j][k] * s[i][k] < 0)


def _reverse(s, n, a, b):
    """Reverse tie a-b; return the change in the number of imbalanced triads (the n - 2
    triads through a-b change their balance, no other does)."""
    before = sum(1 for c in range(n) if c not in (a, b) and s[a][b] * s[a][c] * s[c][b] < 0)
    s[a][b] = s[b][a] = -s[a][b]
    return (n - 2 - before) - before


def _random_triad(n, rng):
    return sorted(rng.choice(n, size=3, replace=False).tolist())


def ltd_python(signs: np.ndarray, p: float, rng: np.random.Generator,
               max_time: float = 1e4) -> tuple[np.ndarray, float]:
    """Local triad dynamics on a complete graph, event by event: pick a random triad; if
    imbalanced, balance it (one negative tie: it turns positive with probability ``p``,
    else one of the positive ties turns negative; three negative ties: one turns positive).
    Time advances by 1/M per pick. Returns the final signs and the absorption time."""
    n = signs.shape[0]
    s = _signs(signs)
    m = n * (n - 1) // 2
    bad = _imbalanced(s, n)
    picks = 0
    while bad > 0 and picks < max_time * m:
        picks += 1
        i, j, k = _random_triad(n, rng)
        ties = [(i, j), (i, k), (j, k)]
        neg = [t for t in ties if s[t[0]][t[1]] < 0]
        if len(neg) % 2 == 0:
            continue
        if len(neg) == 1:
            if rng.random() < p:
                a, b = neg[0]
            else:
                pos = [t for t in ties if s[t[0]][t[1]] > 0]
                a, b = pos[int(rng.integers(0, 2))]
        else:
            a, b = neg[int(rng.integers(0, 3))]
        bad += _reverse(s, n, a, b)
    return np.array(s, dtype=float), picks / m


def ctd_python(signs: np.ndarray, rng: np.random.Generator,
               max_time: float = 1e4) -> tuple[np.ndarray, float, bool]:
    """Constrained triad dynamics on a complete graph, event by event: pick a random
    imbalanced triad (uniform, by drawing triads until one is imbalanced) and one of its
    ties; reverse it if that lowers the number of imbalanced triads, with probability 1/2 if
    it leaves it unchanged. Time advances by 1/M per event. Returns final signs, time (of
    the last reversal when jammed) and whether the state is jammed."""
    n = signs.shape[0]
    s = _signs(signs)
    m = n * (n - 1) // 2
    bad = _imbalanced(s, n)
    events = last = refused = 0
    while bad > 0 and events < max_time * m:
        if refused >= max(16, 3 * bad):
            if _jammed(s, n):
                return np.array(s, dtype=float), last / m, True
            refused = 0
        while True:
            i, j, k = _random_triad(n, rng)
            if s[i][j] * s[j][k] * s[i][k] < 0:
                break
        events += 1
        a, b = [(i, j), (i, k), (j, k)][int(rng.integers(0, 3))]
        delta = s[a][b] * sum(s[a][c] * s[c][b] for c in range(n) if c not in (a, b))
        if delta < 0 or (delta == 0 and rng.random() < 0.5):
            bad += _reverse(s, n, a, b)
            last, refused = events, 0
        else:
            refused += 1
    return np.array(s, dtype=float), events / m, False


def _jammed(s, n) -> bool:
    for a, b in itertools.combinations(range(n), 2):
        field = sum(s[a][c] * s[c][b] for c in range(n) if c not in (a, b))
        in_bad = any(s[a][b] * s[a][c] * s[c][b] < 0 for c in range(n) if c not in (a, b))
        if in_bad and s[a][b] * field <= 0:
            return False
    return True


@dataclass(frozen=True)
class TriadChain:
    """Exact chain over the 2^M sign states of a complete graph on ``n`` actors."""

    n: int
    pairs: list
    states: np.ndarray       # (2^M, M) signs
    absorbing: np.ndarray    # indices of balanced states
    absorption: np.ndarray   # (2^M, n_absorbing) probabilities
    mean_time: np.ndarray    # (2^M,) expected time to absorption (units of M events)

    def index(self, signs: np.ndarray) -> int:
        bits = [(1 if signs[a, b] < 0 else 0) for a, b in self.pairs]
        return int(sum(bit << k for k, bit in enumerate(bits)))


def triad_chain(n: int, model: str, p: float = 0.5) -> TriadChain:
    """Exact LTD (``model='local_triad'``) or CTD (``'constrained_triad'``) chain on K_n.

    Transitions are enumerated from the rules (LTD: uniform imbalanced triad, the geometric
    number of balanced picks enters only the clock, ``T / n_imbalanced`` picks per jump on
    average; CTD: uniform imbalanced triad and tie, one event per attempt). Absorption
    probabilities and mean times solve the fundamental-matrix equations. n <= 5.
    """
    pairs = list(itertools.combinations(range(n), 2))
    m = len(pairs)
    pid = {pq: k for k, pq in enumerate(pairs)}
    triads = [(pid[(i, j)], pid[(i, k)], pid[(j, k)])
              for i, j, k in itertools.combinations(range(n), 3)]
    size = 1 << m
    states = np.array([[-1 if (c >> k) & 1 else 1 for k in range(m)] for c in range(size)])
    trans = np.zeros((size, size))
    hold = np.zeros(size)  # expected time spent per visit
    for c in range(size):
        s = states[c]
        bad = [t for t in triads if s[t[0]] * s[t[1]] * s[t[2]] < 0]
        if not bad:
            continue
        for t in bad:
            for e, prob in _moves(s, t, triads, model, p):
                trans[c, c ^ (1 << e)] += prob / len(bad)
        stay = 1.0 - trans[c].sum()
        trans[c, c] += stay
        hold[c] = (len(triads) / len(bad) if model == "local_triad" else 1.0) / m
    absorbing = np.flatnonzero(hold == 0)
    transient = np.flatnonzero(hold > 0)
    q = trans[np.ix_(transient, transient)]
    r = trans[np.ix_(transient, absorbing)]
    fund = np.linalg.solve(np.eye(transient.size) - q, np.eye(transient.size))
    absorption = np.zeros((size, absorbing.size))
    absorption[absorbing, np.arange(absorbing.size)] = 1.0
    absorption[transient] = fund @ r
    mean_time = np.zeros(size)
    mean_time[transient] = fund @ hold[transient]
    return TriadChain(n, pairs, states, absorbing, absorption, mean_time)


def _moves(s, t, triads, model, p):
    neg = [e for e in t if s[e] < 0]
    if model == "local_triad":
        if len(neg) == 1:
            pos = [e for e in t if s[e] > 0]
            return [(neg[0], p)] + [(e, (1 - p) / 2) for e in pos]
        return [(e, 1 / 3) for e in t]
    out = []
    for e in t:
        delta = 0
        for u in triads:
            if e in u:
                prod = s[u[0]] * s[u[1]] * s[u[2]]
                delta += 1 if prod > 0 else -1  # reversing e flips this triad's balance
        prob = 1.0 if delta < 0 else (0.5 if delta == 0 else 0.0)
        if prob:
            out.append((e, prob / 3))
    return out
