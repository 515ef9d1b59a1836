"""Bounded continuous Heider dynamics (Kulakowski, Gawronski & Gronek 2005).

Model [1]_: relations ``r_ij`` of a complete graph, limited to ``[-R, R]``, evolve by

    dr_ij/dt = (1 - (r_ij / R)^2) sum_{k != i, j} r_ik r_kj,

the dX/dt = X^2 drive of balance, slowed as a relation nears the bound.

What the paper states (abstract of [1]_): "The form of equations guarantees that once HB
[Heider balance] is reached, it persists. Also, for N = 3 the dynamics reproduces properly
the tendency of the system to the balanced state. [...] Initially, r(i, j) are random
numbers distributed around zero with a symmetric uniform distribution of unit width.
Calculations up to N = 500 show that HB is always reached. Time tau(N) to get the balanced
state varies with the system size N as N^{-1/2}. The spectrum of relations, initially
narrow, gets very wide near HB. This means that the relations are strongly polarized."
The value of R is not in the abstract; the paper's body could not be read here.

What the tests check (``tests/engines/align/test_dynamics_heider.py``), with R = 1 and
their start U(-1/2, 1/2): balance reached in every run (20 starts each at N = 10, 20, 40);
the fitted exponent of tau(N) over N = 20..160 (measured -0.43) within 0.15 of -1/2; the
N = 3 triads; relations stay within R and polarise. Zachary's karate club: see
docs/models/align.md (what [1]_ report for it could not be read).

Implementation. Classical fourth-order Runge-Kutta in ``theta = artanh(r / R)``, in which
the equations read ``dtheta_ij/dt = (1/R) sum_k r_ik r_kj`` (since
``dr = R (1 - (r/R)^2) dtheta``): the bound holds exactly, with no clipping. Clipping ``r``
at ``+-R`` instead makes the bound absorbing (``dr/dt = 0`` there) and freezes a tie that
overshoots with the wrong sign, which the exact dynamics never does (it only approaches
``+-R`` exponentially): with clipping, 1 of 12 runs at N = 160 never balanced.

References
----------
.. [1] Kulakowski, K., Gawronski, P., & Gronek, P. (2005). The Heider balance: a continuous
   approach. Int. J. Mod. Phys. C 16(5), 707-716.
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
