"""Local and constrained triad dynamics (Antal, Krapivsky & Redner 2005), numba kernels.

Model [1]_: ties ``s_ij = +-1``; a triad is imbalanced when ``s_ij s_jk s_ik = -1`` (type
Delta_1: one negative tie, or Delta_3: three).

* Local triad dynamics (LTD): pick a triad at random; if imbalanced, balance it: a Delta_1
  becomes Delta_0 (its negative tie turns positive) with probability ``p`` and Delta_2 (one
  of its two positive ties turns negative) with probability ``1 - p``; a Delta_3 becomes
  Delta_2 (one of its negative ties turns positive).
* Constrained triad dynamics (CTD): pick an imbalanced triad and one of its ties at random;
  reverse the tie if that lowers the total number of imbalanced triads, with probability
  1/2 if it leaves it unchanged, never if it raises it.

Time: one unit is ``M`` update events, ``M`` the number of ties.

What the paper states (abstract of [1]_): "an infinite network undergoes a dynamic phase
transition from a steady state to 'paradise' -- all links are friendly -- as the propensity
p for friendly links in an update event passes through 1/2. A finite network always falls
into a socially-balanced absorbing state where no imbalanced triads remain. If the
additional constraint that the number of imbalanced triads in the network does not
increase in an update is imposed, then the network quickly reaches a balanced final state."
As summarised by later work (Chatterjee et al. 2022, arXiv:2210.02394) [1]_ show that for
p < 1/2 the expected time to balance grows exponentially with the size and that CTD was
claimed to reach balance in a time logarithmic in N, while jammed states (imbalanced, yet
every reversal adds imbalanced triads) can stop it. The paper's body could not be read here;
its stationary density below is the fixed point of the mean-field rate equation for the
friendly density, ``d rho/dt = 3 rho^2 (1 - rho)(2p - 1) + (1 - rho)^3`` (our derivation
from the rules, for uncorrelated ties): ``rho_inf = 1 / (sqrt(3 (1 - 2p)) + 1)`` for
``p <= 1/2``, 1 above.

What the tests check (``tests/engines/align/test_dynamics_triads.py``): the kernels against
the exact Markov chain over all 2^M states (K_4 LTD, K_5 CTD: absorption probabilities and
mean time); the LTD quasi-stationary density on K_48 within 0.01 of ``rho_inf`` (p = 0,
0.2, 0.4); for p = 3/4 paradise in every run and a mean time growing like ln N; on K_9 the
fate flips from two cliques (p = 0.3) to paradise (p = 0.7); CTD ends balanced or jammed,
in a time growing slower than N^(1/2); a jammed end state is a strict local minimum.

Implementation. LTD picks a triangle uniformly among all ``T``; the kernel skips the picks
that land on balanced triangles in one draw (their number before the next imbalanced pick
is geometric with success ``n_imbalanced / T``), which leaves the process and its clock
unchanged in distribution. On a general graph the triads are its triangles. Fixed ties and
moves refused by inertia are update events in which nothing changes. A CTD run stops as
``jammed`` when no allowed move remains (checked exactly after ``3 n_imbalanced``
consecutive refusals).

References
----------
.. [1] Antal, T., Krapivsky, P. L., & Redner, S. (2005). Dynamics of social balance on
   networks. Phys. Rev. E 72, 036121.
"""

from __future__ import annotations

__all__ = ["run_local_triad", "run_constrained_triad", "is_jammed"]

import numba
import numpy as np

from factions.engines.align.dynamics.result import Outcome, Recorder
from factions.engines.align.dynamics.state import DynamicsState, balanced_labels
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
    if code == 1:  # no imbalanced triangle; on a sparse graph a longer cycle may remain
        whole = balanced_labels(x, st.present) is not None
        status = "balanced" if whole else "triad_balanced"
        extra["balance_time"] = t
    elif code == 2:
        status, extra["jam_time"] = "jammed", t
    rec.record(k, t, x, balanced=code == 1, imbalanced=int(tr.cnt[0]))
    extra["imbalanced_triads"] = int(tr.cnt[0])
    extra["updates"] = int(picks)
    return Outcome(x, status, code > 0, k, float(t), extra)


def run_local_triad(st: DynamicsState, opts: dict, rng: np.random.Generator,
                    rec: Recorder) -> Outcome:
    """Local triad dynamics (LTD) on the ties of ``st``.

    Parameters
    ----------
    st : DynamicsState
        Validated start; only the sign of a tie evolves, its strength is kept.
    opts : dict
        Validated options (``p`` and the common ones).
    rng : numpy.random.Generator
        All the randomness (passed into the numba kernel).
    rec : Recorder
        Trajectory recorder.

    Returns
    -------
    Outcome
        ``status='balanced'`` when no imbalanced triangle remains; ``extra``:
        ``balance_time``, ``imbalanced_triads``, ``updates``, ``ties``, ``triangles``.

    Examples
    --------
    >>> import numpy as np
    >>> from factions.engines.align import balance_dynamics
    >>> x = -np.ones((5, 5)) + np.eye(5)
    >>> balance_dynamics(x, "local_triad", p=0.9, seed=0).balanced
    True

    Notes
    -----
    Cost: O(m n) to list triangles (O(T) memory), O(triangles through a tie) per reversal.
    """
    return _run(st, opts, rng, rec, constrained=False)


def run_constrained_triad(st: DynamicsState, opts: dict, rng: np.random.Generator,
                          rec: Recorder) -> Outcome:
    """Constrained triad dynamics (CTD) on the ties of ``st``.

    Parameters
    ----------
    st : DynamicsState
        Validated start; only the sign of a tie evolves, its strength is kept.
    opts : dict
        Validated options (the common ones).
    rng : numpy.random.Generator
        All the randomness (passed into the numba kernel).
    rec : Recorder
        Trajectory recorder.

    Returns
    -------
    Outcome
        ``status`` ``'balanced'`` or ``'jammed'`` (``extra['jam_time']``: time of the last
        reversal) when it can no longer change.

    Examples
    --------
    >>> import numpy as np
    >>> from factions.engines.align import balance_dynamics
    >>> x = -np.ones((5, 5)) + np.eye(5)
    >>> balance_dynamics(x, "constrained_triad", seed=0).status
    'balanced'

    Notes
    -----
    Cost as for :func:`run_local_triad`, plus O(m) per exact jam test.
    """
    return _run(st, opts, rng, rec, constrained=True)
