"""Bounded continuous Heider dynamics (Kulakowski, Gawronski & Gronek 2005).

``dr_ij/dt = (1 - (r_ij/R)^2) sum_{k != i, j} r_ik r_kj``: the dX/dt = X^2 drive of balance,
slowed as a relation nears the bound ``+-R``. Integrated with classical fourth-order
Runge-Kutta in the variable ``theta = artanh(r / R)``, in which the same equations read
``dtheta_ij/dt = (1/R) sum_k r_ik r_kj`` (because ``dr = R (1 - (r/R)^2) dtheta``): the
bound then holds exactly, with no clipping. Clipping ``r`` at ``+-R`` instead would make
the bound absorbing (``g(+-R) = 0``) and freeze a tie that overshoots with the wrong sign,
which the exact dynamics never does (it only approaches ``+-R`` exponentially).
"""

from __future__ import annotations

__all__ = ["run_heider", "heider_rhs"]

import numpy as np

from factions.engines.align.dynamics.result import Outcome, Recorder
from factions.engines.align.dynamics.state import DynamicsState, balanced_labels
from factions.errors import InputError

_EDGE = 1.0 - 2.0**-52  # largest |r/R| whose artanh is finite


def heider_rhs(r: np.ndarray, bound: float, free: np.ndarray) -> np.ndarray:
    """``dr/dt`` on the free off-diagonal entries (diagonal and held ties: 0)."""
    p = r @ r  # off-diagonal (r r)_ij sums over k != i, j since the diagonal of r is 0
    return np.where(free, (1.0 - (r / bound) ** 2) * p, 0.0)


def _theta_rhs(theta, bound, free, held):
    r = _to_r(theta, bound, held)
    return np.where(free, (r @ r) / bound, 0.0)


def _rk4(theta, h, bound, free, held):
    k1 = _theta_rhs(theta, bound, free, held)
    k2 = _theta_rhs(theta + 0.5 * h * k1, bound, free, held)
    k3 = _theta_rhs(theta + 0.5 * h * k2, bound, free, held)
    k4 = _theta_rhs(theta + h * k3, bound, free, held)
    return theta + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def _to_theta(r, bound, held):
    """State array: ``artanh(r/R)`` for evolving ties, ``r`` itself for held ones."""
    return np.where(held, r, np.arctanh(np.clip(r / bound, -_EDGE, _EDGE)))


def _to_r(theta, bound, held):
    return np.where(held, theta, bound * np.tanh(theta))


def run_heider(st: DynamicsState, opts: dict, rng: np.random.Generator,
               rec: Recorder) -> Outcome:
    """Evolve ``st`` under the bounded Heider dynamics.

    Parameters
    ----------
    st : DynamicsState
        Validated start; ``|r_ij| <= R``.
    opts : dict
        Validated options (``bound`` R, ``dt`` RK4 substep, common ones).
    rng : numpy.random.Generator
        Unused (deterministic model); kept for the common runner signature.
    rec : Recorder
        Trajectory recorder.

    Returns
    -------
    Outcome
        ``status='balanced'`` at the first substep whose sign pattern is balanced (run to
        convergence) with ``extra['balance_time']``.

    Raises
    ------
    InputError
        A starting weight above the bound R.

    Notes
    -----
    Ties held fixed, and free ties starting exactly at ``+-R`` (where ``dr/dt = 0``
    exactly), keep their value. With inertia ``a`` each step blends the relations,
    ``r <- a r_prev + (1 - a) r_flow``. Cost per substep: 4 products of n x n matrices.
    """
    bound, rate, a, steps = opts["bound"], opts["rate"], opts["inertia"], opts["steps"]
    r = st.weights.copy()
    if np.abs(r).max(initial=0.0) > bound:
        raise InputError(f"initial weights reach {np.abs(r).max():g}, above the bound "
                         f"R = {bound:g} of the heider model")
    held = st.fixed | (np.abs(r) >= bound)
    free = ~held
    np.fill_diagonal(free, False)
    nsub = max(1, int(np.ceil(rate / opts["dt"] - 1e-9)))
    h = rate / nsub
    theta = _to_theta(r, bound, held)
    balanced = balanced_labels(r) is not None
    rec.record(0, 0.0, r, balanced=balanced)
    if steps is None and balanced:
        return Outcome(r, "balanced", True, 0, 0.0, {"balance_time": 0.0})
    limit = steps if steps is not None else opts["max_steps"]
    t, k, status, extra = 0.0, 0, "steps" if steps is not None else "max_steps", {}
    for k in range(1, limit + 1):
        prev = r
        for j in range(1, nsub + 1):
            theta = _rk4(theta, h, bound, free, held)
            if steps is None and a == 0 and balanced_labels(_to_r(theta, bound, held)) \
                    is not None:
                extra["balance_time"] = t + j * h
                break
        r = _to_r(theta, bound, held)
        if a > 0:
            r = np.where(free, a * prev + (1.0 - a) * r, st.weights)
            theta = _to_theta(r, bound, held)
        t = extra.get("balance_time", t + rate)
        balanced = balanced_labels(r) is not None
        if rec.due(k) or balanced:
            rec.record(k, t, r, balanced=balanced)
        if steps is None and balanced:
            status = "balanced"
            extra.setdefault("balance_time", t)
            break
    balanced = balanced_labels(r) is not None
    rec.record(k, t, r, balanced=balanced)
    if balanced:
        status = "balanced"
    return Outcome(r, status, balanced, k, float(t), extra)
