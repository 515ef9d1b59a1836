"""Balance dynamics interleaved with outside changes: one period at a time.

:func:`balance_dynamics` evolves one network without interruption. A scenario's ties are
evolved month by month while the world keeps setting some of them (data, shocks): in each
period some ties are *free* (they evolve) and the others are *fixed* at the values the
outside gives them that period. :func:`evolve_schedule` runs that schedule.
"""

from __future__ import annotations

__all__ = ["evolve_schedule"]

import numpy as np

from factions.engines.align.dynamics.dispatch import balance_dynamics
from factions.engines.align.dynamics.heider import _rk4, _to_r, _to_theta
from factions.engines.align.dynamics.options import validate_options
from factions.errors import InputError


def evolve_schedule(typed, free, model: str = "heider", *, start: int = 0,
                    seed: int | np.random.Generator = 0, **params) -> np.ndarray:
    """Evolve the free ties of a network period by period while the fixed ones follow
    outside values.

    Parameters
    ----------
    typed : array_like, shape (T, n, n)
        The ties the outside gives in each period (symmetric, zero diagonal, in [-1, 1]).
    free : array_like of bool, shape (T, n, n)
        Which ties evolve in each period (symmetric; the diagonal is ignored).
    model : str
        One of :data:`~factions.engines.align.dynamics.MODELS`.
    start : int
        First period that evolves; before it the result is ``typed``.
    seed : int or numpy.random.Generator
        Randomness of the stochastic models (one stream through all periods).
    **params
        ``rate`` (model time per period), ``inertia`` and the model's own parameters
        (``bound``, ``dt``, ``p``, ...), as for :func:`balance_dynamics`; ``steps``,
        ``max_steps`` and ``record_every`` are set by the schedule.

    Returns
    -------
    ndarray, shape (T, n, n)
        ``X[k]``: the ties at the end of period ``k``.

    Raises
    ------
    EngineError
        Unknown model or parameter, a value out of range.
    InputError
        Shapes that differ, a non-symmetric or out-of-range ``typed``, ``start`` outside
        ``0..T``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([[0, .5, .5], [.5, 0, -.5], [.5, -.5, 0]])[None].repeat(3, 0)
    >>> free = np.zeros((3, 3, 3), bool); free[:, 1, 2] = free[:, 2, 1] = True
    >>> x = evolve_schedule(t, free, "heider", rate=1.0)
    >>> bool(x[-1, 1, 2] > 0)          # the enemies of a common friend make up
    True
    >>> x[:, 0, 1].tolist()            # a fixed tie never moves
    [0.5, 0.5, 0.5]

    Notes
    -----
    Period ``k >= start`` begins from ``X[k-1]`` on its free ties (``typed[start-1]``, or
    ``typed[0]`` when ``start = 0``, before the first) and from ``typed[k]`` on its fixed
    ones, then runs one step of ``rate`` model time, the fixed ties held: exactly
    ``balance_dynamics(.., fixed=~free[k], steps=1, ..)``. A tie that turns from fixed to
    free continues from its last outside value; one that turns fixed takes the outside
    value at once.

    The ``heider`` model runs on a vectorised path with the model's own Runge-Kutta step
    (:mod:`.heider`; the same numbers as calling :func:`balance_dynamics` per period), with
    one difference: a free tie at the bound ``+-R`` is not held there. In one run the
    exact dynamics never reaches the bound, but over many periods a saturated tie rounds to
    ``+-R`` in floating point, and holding it would freeze it for good; here it keeps
    ``artanh`` of the largest representable ``|r/R| < 1`` and can move back. Other models
    call :func:`balance_dynamics` once per period (their own rules for which pairs evolve:
    the triad and landscape models act on the ties present).

    Cost: heider, ``ceil(rate / dt)`` Runge-Kutta steps per period of four n x n products
    each; the other models, one run of one step per period.

    References
    ----------
    .. [1] Kulakowski, K., Gawronski, P., & Gronek, P. (2005). The Heider balance: a
       continuous approach. Int. J. Mod. Phys. C 16(5), 707-716.
    .. [2] Marvel, S. A., Kleinberg, J., Kleinberg, R. D., & Strogatz, S. H. (2011).
       Continuous-time model of structural balance. PNAS 108(5), 1771-1776.
    """
    x = np.asarray(typed, dtype=np.float64)
    mask = np.asarray(free, dtype=bool)
    if x.ndim != 3 or x.shape[1] != x.shape[2] or mask.shape != x.shape:
        raise InputError(f"typed and free must both have shape (T, n, n); got {x.shape} "
                         f"and {mask.shape}")
    t, n, _ = x.shape
    if not 0 <= int(start) <= t:
        raise InputError(f"start must be within 0..{t}, got {start}")
    if not np.allclose(x, np.swapaxes(x, 1, 2), atol=1e-12) or np.abs(x).max(initial=0) > 1:
        raise InputError("typed ties must be symmetric with weights in [-1, 1]")
    opts = validate_options(model, {k: v for k, v in params.items()
                                    if k not in ("steps", "max_steps", "record_every")})
    mask = mask & np.swapaxes(mask, 1, 2)
    mask[:, np.arange(n), np.arange(n)] = False
    out = x.copy()
    start = int(start)
    if start >= t or not mask[start:].any():
        return out
    prev = x[start - 1].copy() if start > 0 else x[0].copy()
    if model == "heider":
        return _heider(x, mask, start, prev, out, opts)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    own = {k: v for k, v in opts.items() if k not in ("steps", "max_steps", "record_every")}
    for k in range(start, t):
        cur = np.where(mask[k], prev, x[k])
        if mask[k].any():
            res = balance_dynamics(cur, model, fixed=~mask[k] & ~np.eye(n, dtype=bool),
                                   seed=rng, steps=1, record_every=0, **own)
            cur = 0.5 * (res.matrix + res.matrix.T)
        out[k] = cur
        prev = cur
    return out


def _heider(x, mask, start, prev, out, opts) -> np.ndarray:
    bound, rate, a = opts["bound"], opts["rate"], opts["inertia"]
    if np.abs(x).max(initial=0.0) > bound:
        raise InputError(f"ties reach {np.abs(x).max():g}, above the bound R = {bound:g} of "
                         "the heider model")
    nsub = max(1, int(np.ceil(rate / opts["dt"] - 1e-9)))
    h = rate / nsub
    for k in range(start, x.shape[0]):
        free = mask[k]
        r = np.where(free, prev, x[k])
        if free.any():
            held = ~free
            theta = _to_theta(r, bound, held)  # artanh clipped below the bound: never held
            for _ in range(nsub):
                theta = _rk4(theta, h, bound, free, held)
            flow = _to_r(theta, bound, held)
            new = np.where(free, a * r + (1.0 - a) * flow, r) if a > 0 else flow
            r = 0.5 * (new + new.T)
        out[k] = r
        prev = r
    return out
