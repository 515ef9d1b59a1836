"""The SMP behind the bargaining engine's one-issue :class:`Forecast` contract."""

from __future__ import annotations

__all__ = ["smp", "smp_joint"]

from collections.abc import Sequence

import numpy as np

from factions.engines.bargain.inputs import BargainInput
from factions.engines.bargain.result import Forecast
from factions.engines.bargain.smp.model import SMPRun, smp_model


def _details(run: SMPRun, rows=None, dim: int | None = None) -> dict:
    sel = slice(None) if rows is None else rows
    out = {"stopped": run.stopped, "states": run.n_states, "options": run.options.ktab(),
           "win_prob": run.win_prob[:, sel], "risk": run.risk[:, sel]}
    if dim is not None:
        out["dimension"] = run.dimensions[dim]
    return out


def smp(data: BargainInput, **options) -> Forecast:
    """KTAB's SMP on one issue (:func:`~factions.engines.bargain.smp.smp_model` with d = 1).

    Actors with zero capability or zero salience take no part (KTAB cannot weigh them)
    and keep their positions. The ``outcome`` is the expected outcome of the final state,
    :math:`\\sum_q P_q x_q` over its unique positions with KTAB's winning probabilities;
    ``outcomes`` holds it for every state.

    Parameters
    ----------
    data : BargainInput
    **options
        SMP options by KTAB name (``VictoryProbModel="Square"``) or snake case, plus
        ``seed``, ``accommodation`` and ``matrices`` (see ``smp_model``).

    Returns
    -------
    Forecast
        ``details``: ``stopped``, ``states``, ``options`` (KTAB names), ``win_prob`` and
        ``risk`` per state.
    """
    low, high = data.scale
    scale = (low, high) if high > low else (low, low + 1.0)
    active = np.flatnonzero((data.capability > 0) & (data.salience > 0))
    if active.size < 2:
        pos = data.position.copy()
        out = float(pos[active[0]]) if active.size else float(np.mean(pos))
        return Forecast("smp", out, pos, pos[None, :], np.array([out]), data.names,
                        {"stopped": "single actor", "states": 1})
    run = smp_model(data.capability[active], data.position[active, None],
                    data.salience[active, None], names=[data.names[k] for k in active],
                    scale=scale, **options)
    traj = np.repeat(data.position[None, :], run.n_states, axis=0)
    traj[:, active] = run.positions[:, :, 0]
    return Forecast("smp", float(run.outcome[-1, 0]), traj[-1].copy(), traj,
                    run.outcome[:, 0].copy(), data.names, _details(run))


def smp_joint(issues: Sequence[tuple[str, BargainInput]], **options
              ) -> tuple[dict[str, Forecast], SMPRun | None]:
    """One SMP run over several issues jointly, each actor on the issues it holds.

    The actors are the union over issues (capability: the first issue's value). An actor
    holding an issue brings its position and salience there; on an issue it does not hold
    its salience is 0 (it does not care) and its position is the issue's
    capability-and-salience-weighted mean of the holders' positions
    (``assumption:``, a neutral stand-in that others can evaluate; KTAB needs a position on
    every dimension). An actor whose saliences sum above 1 has them divided by that sum
    (``assumption:`` KTAB requires a share of attention of at most 100 %). Actors with
    zero capability, or zero salience on every issue, take no part.

    Parameters
    ----------
    issues : sequence of (issue id, BargainInput)
        Every issue on the same scale (the first issue's).
    **options
        As :func:`smp`.

    Returns
    -------
    (dict, SMPRun or None)
        A :class:`Forecast` per issue (restricted to that issue's actors, outcome on that
        dimension) and the joint run (``None`` when fewer than two actors take part).
    """
    names: dict[str, float] = {}
    for _, d in issues:
        for nm, c in zip(d.names, d.capability, strict=True):
            names.setdefault(nm, float(c))
    order = list(names)
    index = {nm: k for k, nm in enumerate(order)}
    n, nd = len(order), len(issues)
    pos = np.full((n, nd), np.nan)
    sal = np.zeros((n, nd))
    for a, (_, d) in enumerate(issues):
        rows = [index[nm] for nm in d.names]
        pos[rows, a], sal[rows, a] = d.position, d.salience
        w = d.capability * d.salience
        mean = float(np.average(d.position, weights=w)) if w.sum() > 0 else float(d.position.mean())
        pos[np.isnan(pos[:, a]), a] = mean
    total = sal.sum(axis=1)
    sal = sal / np.maximum(total, 1.0)[:, None]
    cap = np.array([names[nm] for nm in order])
    active = np.flatnonzero((cap > 0) & (sal.sum(axis=1) > 0))
    if active.size < 2:  # nobody to bargain with: every issue stays where it is
        return {i: smp(d, **options) for i, d in issues}, None
    low, high = issues[0][1].scale
    scale = (low, high) if high > low else (low, low + 1.0)
    run = smp_model(cap[active], pos[active], sal[active], names=[order[k] for k in active],
                    dimensions=[i for i, _ in issues], scale=scale, **options)
    where = {order[k]: r for r, k in enumerate(active)}
    out = {}
    for a, (issue_id, d) in enumerate(issues):
        traj = np.repeat(d.position[None, :], run.n_states, axis=0)
        cols = [(c, where[nm]) for c, nm in enumerate(d.names) if nm in where]
        rows = [r for _, r in cols]
        for c, r in cols:
            traj[:, c] = run.positions[:, r, a]
        out[issue_id] = Forecast("smp", float(run.outcome[-1, a]), traj[-1].copy(), traj,
                                 run.outcome[:, a].copy(), d.names, _details(run, rows, a))
    return out, run
