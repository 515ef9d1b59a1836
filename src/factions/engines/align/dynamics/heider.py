"""Bounded continuous Heider dynamics (Kulakowski, Gawronski & Gronek 2005).

``dr_ij/dt = (1 - (r_ij/R)^2) sum_{k != i, j} r_ik r_kj``: the dX/dt = X^2 drive of balance,
slowed to a stop as a relation reaches the bound ``+-R``. Integrated with classical
fourth-order Runge-Kutta (vectorised numpy, one matrix product per stage).
"""

from __future__ import annotations

__all__ = ["run_heider", "heider_rhs"]

import numpy as np

from factions.engines.align.dynamics.result import Outcome, Recorder
from factions.engines.align.dynamics.state import DynamicsState, balanced_labels


def heider_rhs(r: np.ndarray, bound: float, free: np.ndarray) -> np.ndarray:
    """Right-hand side on the free off-diagonal entries (diagonal and fixed ties: 0)."""
    p = r @ r  # off-diagonal (r r)_ij sums over k != i, j since the diagonal of r is 0
    return np.where(free, (1.0 - (r / bound) ** 2) * p, 0.0)


def _rk4(r, h, bound, free):
    k1 = heider_rhs(r, bound, free)
    k2 = heider_rhs(r + 0.5 * h * k1, bound, free)
    k3 = heider_rhs(r + 0.5 * h * k2, bound, free)
    k4 = heider_rhs(r + h * k3, bound, free)
    out = r + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return np.clip(out, -bound, bound)  # RK4 can overshoot the fixed point +-R by O(h^5)


def run_heider(st: DynamicsState, opts: dict, rng: np.random.Generator,
               rec: Recorder) -> Outcome:
    """Evolve ``st`` under the bounded Heider dynamics; see :func:`~.balance_dynamics`."""
    bound, rate, a, steps = opts["bound"], opts["rate"], opts["inertia"], opts["steps"]
    r = st.weights.copy()
    if np.abs(r).max(initial=0.0) > bound:
        from factions.errors import InputError

        raise InputError(f"initial weights reach {np.abs(r).max():g}, above the bound "
                         f"R = {bound:g} of the heider model")
    free = ~st.fixed
    np.fill_diagonal(free, False)
    nsub = max(1, int(np.ceil(rate / opts["dt"] - 1e-9)))
    h = rate / nsub
    balanced = balanced_labels(r) is not None
    rec.record(0, 0.0, r, balanced=balanced)
    limit = steps if steps is not None else opts["max_steps"]
    t, k, status = 0.0, 0, "steps" if steps is not None else "max_steps"
    if steps is None and balanced:
        return Outcome(r, "balanced", True, 0, 0.0, {"balance_time": 0.0})
    extra: dict = {}
    for k in range(1, limit + 1):
        prev = r
        for j in range(1, nsub + 1):
            r = _rk4(r, h, bound, free)
            if steps is None and a == 0 and balanced_labels(r) is not None:
                extra["balance_time"] = t + j * h
                break
        r = np.where(free, a * prev + (1.0 - a) * r, st.weights)
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
