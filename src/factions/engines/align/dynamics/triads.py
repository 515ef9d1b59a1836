"""Local and constrained triad dynamics (Antal, Krapivsky & Redner 2005), numba kernels.

Time is counted as in the paper: one unit is ``M`` update events, ``M`` the number of ties.
Local triad dynamics (LTD) picks a triangle uniformly at random among all ``T``; the kernel
skips the picks that land on balanced triangles in one draw (their number before the next
imbalanced pick is geometric with success ``n_imbalanced / T``), which leaves the process
and its clock unchanged in distribution. Constrained triad dynamics (CTD) picks an
imbalanced triangle, then one of its ties, each update.
"""

from __future__ import annotations

__all__ = ["run_local_triad", "run_constrained_triad", "is_jammed"]

import numba
import numpy as np

from factions.engines.align.dynamics.result import Outcome, Recorder
from factions.engines.align.dynamics.state import DynamicsState
from factions.engines.align.dynamics.triangles import Triads, build_triads, flip


@numba.njit(cache=True)
def _ltd(rng, p, inertia, fixed, tri, indptr, tri_of, sign, pos, lst, cnt, link_imb,
         n_tri, picks, target):
    """Run LTD until ``target`` picks or no imbalanced triangle is left; return picks."""
    while cnt[0] > 0:
        q = cnt[0] / n_tri
        g = 1
        if q < 1.0:
            g = 1 + int(np.floor(np.log(1.0 - rng.random()) / np.log1p(-q)))
        if picks + g > target:
            return target  # memoryless: the remaining wait restarts at the next call
        picks += g
        t = lst[rng.integers(0, cnt[0])]
        a, b, c = tri[t, 0], tri[t, 1], tri[t, 2]
        neg = (sign[a] < 0) + (sign[b] < 0) + (sign[c] < 0)
        if neg == 1:
            if rng.random() < p:  # Delta_1 -> Delta_0: the negative tie turns positive
                e = a if sign[a] < 0 else (b if sign[b] < 0 else c)
            else:  # Delta_1 -> Delta_2: one of the two positive ties turns negative
                r = rng.integers(0, 2)
                e = -1
                for x in (a, b, c):
                    if sign[x] > 0:
                        if r == 0:
                            e = x
                            break
                        r -= 1
        else:  # Delta_3 -> Delta_2: one of the three negative ties turns positive
            e = tri[t, rng.integers(0, 3)]
        if fixed[e]:
            continue
        if inertia > 0.0 and rng.random() < inertia:
            continue
        flip(e, tri, indptr, tri_of, sign, pos, lst, cnt, link_imb)
    return picks


@numba.njit(cache=True)
def _jammed(fixed, ntri, link_imb):
    for e in range(ntri.shape[0]):
        if not fixed[e] and link_imb[e] > 0 and ntri[e] - 2 * link_imb[e] <= 0:
            return False
    return True


@numba.njit(cache=True)
def _ctd(rng, inertia, fixed, tri, indptr, tri_of, ntri, sign, pos, lst, cnt, link_imb,
         picks, target, last_flip, rejects):
    """Run CTD until ``target`` picks, balance (code 1) or a jammed state (code 2).

    ``rejects[0]`` counts consecutive refused updates across calls; after
    ``max(16, 3 * n_imbalanced)`` of them the exact jam test runs (O(m))."""
    while cnt[0] > 0:
        if picks >= target:
            return picks, last_flip, 0
        picks += 1
        t = lst[rng.integers(0, cnt[0])]
        e = tri[t, rng.integers(0, 3)]
        ok = not fixed[e]
        if ok:
            d = ntri[e] - 2 * link_imb[e]  # change in the number of imbalanced triangles
            if d > 0:
                ok = False
            elif d == 0 and rng.random() >= 0.5:
                ok = False
        if ok and inertia > 0.0 and rng.random() < inertia:
            ok = False
        if ok:
            flip(e, tri, indptr, tri_of, sign, pos, lst, cnt, link_imb)
            last_flip = picks
            rejects[0] = 0
        else:
            rejects[0] += 1
            if rejects[0] >= max(16, 3 * cnt[0]):
                if _jammed(fixed, ntri, link_imb):
                    return picks, last_flip, 2
                rejects[0] = 0
    return picks, last_flip, 1


def is_jammed(tr: Triads, fixed: np.ndarray) -> bool:
    """True when imbalanced triangles remain but no allowed CTD move exists (every free tie
    in an imbalanced triangle would increase their number if reversed)."""
    return bool(tr.cnt[0] > 0 and _jammed(fixed, tr.ntri, tr.link_imb))


def _setup(st: DynamicsState):
    iu, ju = np.nonzero(np.triu(st.present, 1))
    w = st.weights[iu, ju]
    tr = build_triads(st.n, iu, ju, np.sign(w))
    return iu, ju, np.abs(w), st.fixed[iu, ju].copy(), tr


def _matrix(n, iu, ju, mag, sign):
    x = np.zeros((n, n))
    x[iu, ju] = mag * sign
    x[ju, iu] = x[iu, ju]
    return x


def _run(st: DynamicsState, opts: dict, rng: np.random.Generator, rec: Recorder,
         constrained: bool) -> Outcome:
    iu, ju, mag, fixed, tr = _setup(st)
    m = iu.size
    rate, steps, inertia = opts["rate"], opts["steps"], opts["inertia"]
    limit = steps if steps is not None else opts["max_steps"]
    x = _matrix(st.n, iu, ju, mag, tr.sign)
    rec.record(0, 0.0, x, balanced=tr.cnt[0] == 0, imbalanced=int(tr.cnt[0]))
    picks, last_flip, code, k = 0, 0, 0, 0
    rejects = np.zeros(1, dtype=np.int64)
    status = "steps" if steps is not None else "max_steps"
    extra = {"ties": m, "triangles": tr.n_triangles}
    for k in range(1, limit + 1):
        if tr.cnt[0] == 0:
            code = 1
            break
        target = int(round(k * rate * max(m, 1)))
        if constrained:
            picks, last_flip, code = _ctd(rng, inertia, fixed, tr.tri, tr.indptr, tr.tri_of,
                                          tr.ntri, tr.sign, tr.pos, tr.lst, tr.cnt,
                                          tr.link_imb, picks, target, last_flip, rejects)
        else:
            picks = _ltd(rng, opts["p"], inertia, fixed, tr.tri, tr.indptr, tr.tri_of,
                         tr.sign, tr.pos, tr.lst, tr.cnt, tr.link_imb, tr.n_triangles,
                         picks, target)
            code = 1 if tr.cnt[0] == 0 else 0
        if code or rec.due(k):
            t = (last_flip if code == 2 else picks) / max(m, 1)
            rec.record(k, t, _matrix(st.n, iu, ju, mag, tr.sign), balanced=code == 1,
                       imbalanced=int(tr.cnt[0]))
        if code:
            break
    t = (last_flip if code == 2 else picks) / max(m, 1)
    x = _matrix(st.n, iu, ju, mag, tr.sign)
    if code == 1:
        status, extra["balance_time"] = "balanced", t
    elif code == 2:
        status, extra["jam_time"] = "jammed", t
    rec.record(k, t, x, balanced=code == 1, imbalanced=int(tr.cnt[0]))
    extra["imbalanced_triads"] = int(tr.cnt[0])
    extra["updates"] = int(picks)
    return Outcome(x, status, code > 0, k, float(t), extra)


def run_local_triad(st: DynamicsState, opts: dict, rng: np.random.Generator,
                    rec: Recorder) -> Outcome:
    """Local triad dynamics; see :func:`~.balance_dynamics`."""
    return _run(st, opts, rng, rec, constrained=False)


def run_constrained_triad(st: DynamicsState, opts: dict, rng: np.random.Generator,
                          rec: Recorder) -> Outcome:
    """Constrained triad dynamics; see :func:`~.balance_dynamics`."""
    return _run(st, opts, rng, rec, constrained=True)
