"""Stokman's exchange model: actors trade position shifts across issues.

Unlike the other models it needs several issues at once, so it has its own entry point,
:func:`exchange`, which returns one :class:`Forecast` per issue.
"""

from __future__ import annotations

__all__ = ["exchange"]

from collections.abc import Sequence

import numpy as np

from factions.engines.bargain.result import Forecast
from factions.errors import EngineError, InputError


def _validate(capability, positions, saliences, names, issues):
    try:
        c = np.asarray(capability, dtype=float)
        x = np.asarray(positions, dtype=float)
        s = np.asarray(saliences, dtype=float)
    except (TypeError, ValueError):
        raise InputError("exchange needs numeric capability, positions and saliences") from None
    if c.ndim != 1 or x.ndim != 2 or s.shape != x.shape or x.shape[0] != c.size:
        raise InputError(f"exchange needs capability (n,), positions and saliences (n, m); got "
                         f"{c.shape}, {x.shape}, {s.shape}")
    if x.shape[1] < 2:
        raise InputError("exchange needs at least two issues (positions of shape (n, m >= 2))")
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        raise InputError("capability must be finite and >= 0")
    present = np.isfinite(x) & np.isfinite(s)
    if np.any(s[present] < 0) or np.any(s[present] > 1):
        raise InputError("saliences must lie in [0, 1] (NaN marks an absent actor)")
    weight = np.where(present, c[:, None] * np.where(present, s, 0.0), 0.0)
    empty = np.flatnonzero(weight.sum(axis=0) <= 0)
    if empty.size:
        raise InputError(f"issue {empty[0]} has no actor with positive capability x salience")
    names = tuple(str(v) for v in (names if names is not None else range(c.size)))
    issues = tuple(str(v) for v in (issues if issues is not None else range(x.shape[1])))
    if len(names) != c.size or len(set(names)) != c.size:
        raise InputError("names must be unique, one per actor")
    if len(issues) != x.shape[1]:
        raise InputError("issues must name every column of positions")
    return c, np.where(present, x, np.nan), np.where(present, s, 0.0), present, names, issues


def _candidates(c, x, s, present, w_tot, outcome):
    """All feasible exchanges: (gain, a, b, i, j, new x_ia, new x_jb)."""
    n, m = x.shape
    rows = []
    eye = np.eye(n, dtype=bool)
    for a in range(m):
        for b in range(m):
            if a == b:
                continue
            xa, xb, sa, sb = x[:, a], x[:, b], s[:, a], s[:, b]
            both = present[:, a] & present[:, b] & (sa > 0) & (sb > 0) & (c > 0)
            da, db = xa - outcome[a], xb - outcome[b]
            ok = (both[:, None] & both[None, :] & ~eye
                  & (da[:, None] * da[None, :] < 0) & (db[:, None] * db[None, :] < 0)
                  & (sb[:, None] * sa[None, :] > sa[:, None] * sb[None, :]))
            ii, jj = np.nonzero(ok)
            if ii.size == 0:
                continue
            # i gives way on a (moving at most to the outcome), j gives way on b.
            u_max = c[ii] * sa[ii] * np.abs(da[ii]) / w_tot[a]
            v_max = c[jj] * sb[jj] * np.abs(db[jj]) / w_tot[b]
            k = (sa[ii] + sa[jj]) / (sb[ii] + sb[jj])  # equal gains: v = k u
            u = np.minimum(u_max, v_max / k)
            v = k * u
            gain = sb[ii] * v - sa[ii] * u
            new_ia = xa[ii] - np.sign(da[ii]) * u * w_tot[a] / (c[ii] * sa[ii])
            new_jb = xb[jj] - np.sign(db[jj]) * v * w_tot[b] / (c[jj] * sb[jj])
            rows.append(np.column_stack([gain, np.full(ii.size, a), np.full(ii.size, b),
                                         ii, jj, new_ia, new_jb]))
    return np.vstack(rows) if rows else np.empty((0, 7))


def exchange(
    capability, positions, saliences, *, names: Sequence[str] | None = None,
    issues: Sequence[str] | None = None, rounds: int = 10, tol: float = 1e-9,
) -> dict[str, Forecast]:
    """Exchange model of Stokman & Van Oosten (1994), with equal-gain exchanges.

    The expected outcome of issue a is the compromise
    :math:`O_a = \\sum_i c_i s_{ia} x_{ia} / W_a`, :math:`W_a = \\sum_i c_i s_{ia}`. Actors
    i and j can exchange on issues (a, b) when they lie on opposite sides of :math:`O_a`
    and of :math:`O_b` and i cares relatively more about b,
    :math:`s_{ib}/s_{ia} > s_{jb}/s_{ja}`. Then i shifts on a towards j (the outcome
    moves by u), j shifts on b towards i (outcome moves by v). Gains are
    :math:`G_i = s_{ib} v - s_{ia} u` and :math:`G_j = s_{ja} u - s_{jb} v`; equal gains give
    :math:`v = u (s_{ia} + s_{ja}) / (s_{ib} + s_{jb})`, and u is as large as possible
    without either actor moving past the expected outcome of the issue it gives way on.
    Each round the exchanges are executed in decreasing order of gain, each
    (actor, issue) at most once; then outcomes are recomputed. Stop when no exchange
    gains more than ``tol`` or after ``rounds`` rounds.

    Parameters
    ----------
    capability : array_like, shape (n,)
    positions, saliences : array_like, shape (n, m), m >= 2
        NaN marks an actor absent from an issue. Saliences in [0, 1].
    names, issues : sequence of str, optional
    rounds : int
        Maximum rounds (default 10).
    tol : float
        Smallest gain worth an exchange.

    Returns
    -------
    dict of str to Forecast
        One forecast per issue (outcome: the compromise of the final positions;
        trajectory: positions each round, absent actors NaN).

    Raises
    ------
    InputError
        On bad arrays. EngineError on bad ``rounds``.

    Notes
    -----
    Choices: the equal-gain split and the "do not pass the expected outcome" bound
    follow the equal-gain variant discussed by Stokman & Van Oosten; only exchanges
    between actors on opposite sides of both outcomes are considered. Cost per round
    O(n^2 m^2).

    References
    ----------
    .. [1] Stokman, F. & Van Oosten, R. (1994). The exchange of voting positions: an
       object-oriented model of policy networks. In Bueno de Mesquita & Stokman (eds),
       *European Community Decision Making*, Yale UP, 105-127.
    .. [2] Arregui, J., Stokman, F. & Thomson, R. (2006). Compromise, exchange and
       challenge in the European Union. In Thomson et al. (eds), *The European Union
       Decides*, CUP, 124-152.
    """
    if int(rounds) != rounds or rounds < 1:
        raise EngineError(f"exchange rounds must be an integer >= 1; got {rounds!r}")
    c, x, s, present, names, issues = _validate(capability, positions, saliences, names, issues)
    w = np.where(present, c[:, None] * s, 0.0)
    w_tot = w.sum(axis=0)

    def outcomes_of(pos):
        return np.nansum(w * np.nan_to_num(pos), axis=0) / w_tot

    traj, outs, n_exch = [x.copy()], [outcomes_of(x)], []
    for _ in range(int(rounds)):
        cand = _candidates(c, x, s, present, w_tot, outs[-1])
        cand = cand[cand[:, 0] > tol]
        if cand.shape[0] == 0:
            break
        order = np.lexsort((cand[:, 4], cand[:, 3], cand[:, 2], cand[:, 1], -cand[:, 0]))
        used = np.zeros_like(present)
        new = x.copy()
        done = 0
        for _gain, a, b, i, j, xa_new, xb_new in cand[order]:
            a, b, i, j = int(a), int(b), int(i), int(j)
            if used[i, a] or used[j, b] or used[i, b] or used[j, a]:
                continue
            new[i, a], new[j, b] = xa_new, xb_new
            used[i, a] = used[j, b] = used[i, b] = used[j, a] = True
            done += 1
        x = new
        traj.append(x.copy())
        outs.append(outcomes_of(x))
        n_exch.append(done)
    traj_arr, outs_arr = np.stack(traj), np.vstack(outs)
    return {
        issue: Forecast(model="exchange", outcome=float(outs_arr[-1, a]),
                        positions=traj_arr[-1, :, a].copy(), trajectory=traj_arr[:, :, a].copy(),
                        outcomes=outs_arr[:, a].copy(), names=names,
                        details={"exchanges": np.asarray(n_exch, dtype=int)})
        for a, issue in enumerate(issues)
    }
