"""Continuous-time structural balance: dX/dt = X^2 (Marvel, Kleinberg, Kleinberg & Strogatz).

Without fixed ties and without inertia the exact solution is used,
``X(t) = X0 (I - t X0)^{-1} = V diag(lambda_k / (1 - lambda_k t)) V^T``; the split time is
found by bisection (the balanced sign pattern, once reached, is kept). With fixed ties the
masked system is integrated numerically (scipy ``solve_ivp``, DOP853); with inertia each step
is blended with the previous state.
"""

from __future__ import annotations

__all__ = ["run_continuous", "exact_solution", "split_time"]

import numpy as np
from scipy.integrate import solve_ivp

from factions.engines.align.dynamics.result import Outcome, Recorder
from factions.engines.align.dynamics.state import DynamicsState, balanced_labels

_BLOW_UP = 1e6  # |X| at which the numerical integration declares the blow-up reached


def exact_solution(lam: np.ndarray, vec: np.ndarray, t: float) -> np.ndarray:
    """``X(t) = V diag(lambda / (1 - lambda t)) V^T`` for ``t`` below the blow-up time."""
    f = lam / (1.0 - lam * t)
    return (vec * f) @ vec.T


def _split_pattern(vec: np.ndarray) -> np.ndarray:
    sigma = np.sign(vec[:, -1])
    sigma[sigma == 0] = 1.0
    return sigma


def _is_split(x: np.ndarray, sigma: np.ndarray) -> bool:
    y = sigma[:, None] * x * sigma[None, :]
    np.fill_diagonal(y, 1.0)
    return bool(y.min() > 0)


def split_time(lam: np.ndarray, vec: np.ndarray, tol: float) -> float:
    """First time at which every tie has the sign of ``u_i u_j`` (``u`` the dominant
    eigenvector), to relative precision ``tol`` of the blow-up time ``1/lambda_1``.

    Once reached the pattern is kept (the system restricted to a balanced pattern has
    non-negative right-hand side after switching), so bisection is exact up to ``tol``.
    Returns ``inf`` when ``lambda_1 <= 0`` (no blow-up; X(t) decays to 0).
    """
    l1 = lam[-1]
    sigma = _split_pattern(vec)
    if _is_split(exact_solution(lam, vec, 0.0), sigma):
        return 0.0
    if l1 <= 0:
        return np.inf
    t_star = 1.0 / l1
    lo, hi = 0.0, t_star * (1.0 - tol / 16.0)
    if not _is_split(exact_solution(lam, vec, hi), sigma):
        return t_star  # reached only in the limit (non-generic start)
    while hi - lo > tol * t_star:
        mid = 0.5 * (lo + hi)
        if _is_split(exact_solution(lam, vec, mid), sigma):
            hi = mid
        else:
            lo = mid
    return hi


def _report(x: np.ndarray) -> np.ndarray:
    out = np.clip(x, -1.0, 1.0)
    np.fill_diagonal(out, 0.0)
    return out


def run_continuous(st: DynamicsState, opts: dict, rng: np.random.Generator,
                   rec: Recorder) -> Outcome:
    """Evolve ``st`` under dX/dt = X^2; see :func:`~.balance_dynamics` for the contract."""
    if st.fixed.any() or opts["inertia"] > 0:
        return _stepped(st, opts, rec)
    return _exact(st, opts, rec)


def _exact(st: DynamicsState, opts: dict, rec: Recorder) -> Outcome:
    rate, steps = opts["rate"], opts["steps"]
    x0 = st.weights
    lam, vec = np.linalg.eigh(x0)
    l1 = float(lam[-1])
    t_star = 1.0 / l1 if l1 > 0 else np.inf
    sigma = _split_pattern(vec)
    limit = np.outer(sigma, sigma)
    np.fill_diagonal(limit, 0.0)
    extra = {"lambda1": l1, "blow_up_time": t_star}
    rec.record(0, 0.0, _report(x0), balanced=balanced_labels(x0) is not None)
    if steps is None:
        t_split = split_time(lam, vec, opts["tol"])
        extra["split_time"] = float(t_split)
        n_steps = opts["max_steps"] if not np.isfinite(t_split) else max(
            1, int(np.ceil(t_split / rate - 1e-12)))
        done = n_steps <= opts["max_steps"] and np.isfinite(t_split)
        n_steps = min(n_steps, opts["max_steps"])
        t_end = t_split if done else n_steps * rate
    else:
        n_steps, t_end, done = steps, steps * rate, False
    for k in range(1, n_steps):
        if k * rate >= t_star:
            break
        if rec.due(k):
            xk = exact_solution(lam, vec, k * rate)
            rec.record(k, k * rate, _report(xk), balanced=_is_split(xk, sigma))
    if t_end >= t_star:  # blown up: ties saturate with the signs of u_i u_j
        final, t_end = limit, t_star
        n_steps = int(np.ceil(t_star / rate - 1e-12))
        x_int_scale = np.inf
    else:
        xf = exact_solution(lam, vec, t_end)
        final, x_int_scale = _report(xf), float(np.abs(xf).max())
    extra["scale"] = x_int_scale
    balanced = balanced_labels(final) is not None
    rec.record(n_steps, t_end, final, balanced=balanced)
    status = "balanced" if balanced else ("steps" if steps is not None else "max_steps")
    return Outcome(final, status, balanced, n_steps, float(t_end), extra)


def _flow_masked(x: np.ndarray, free: np.ndarray, dt: float):
    n = x.shape[0]

    def rhs(_t, y):
        m = y.reshape(n, n)
        return np.where(free, m @ m, 0.0).ravel()

    def blow(_t, y):
        return _BLOW_UP - np.abs(y).max()

    blow.terminal = True
    sol = solve_ivp(rhs, (0.0, dt), x.ravel(), method="DOP853", rtol=1e-9, atol=1e-12,
                    events=blow)
    return sol.y[:, -1].reshape(n, n), sol.status == 1, float(sol.t[-1])


def _flow_exact(x: np.ndarray, dt: float):
    lam, vec = np.linalg.eigh(x)
    if lam[-1] > 0 and dt >= 1.0 / lam[-1]:
        sigma = _split_pattern(vec)
        return np.outer(sigma, sigma) * _BLOW_UP, True, float(1.0 / lam[-1])
    return exact_solution(lam, vec, dt), False, dt


def _stepped(st: DynamicsState, opts: dict, rec: Recorder) -> Outcome:
    rate, steps, a = opts["rate"], opts["steps"], opts["inertia"]
    free = ~st.fixed
    x = st.weights.copy()
    rec.record(0, 0.0, _report(x), balanced=balanced_labels(x) is not None)
    limit = steps if steps is not None else opts["max_steps"]
    status, t, k, blown = "max_steps" if steps is None else "steps", 0.0, 0, False
    for k in range(1, limit + 1):
        if st.fixed.any():
            y, blown, dt = _flow_masked(x, free, rate)
        else:
            y, blown, dt = _flow_exact(x, rate)
        x = np.where(free, a * x + (1.0 - a) * y, st.weights) if not blown else \
            np.where(free, y, st.weights)
        t += dt
        balanced = balanced_labels(_report(x)) is not None
        if blown or rec.due(k) or (steps is None and balanced):
            rec.record(k, t, _report(x), balanced=balanced)
        if blown:
            status = "balanced" if balanced else "blow_up"
            break
        if steps is None and balanced:
            status = "balanced"
            break
    final = _report(x)
    balanced = balanced_labels(final) is not None
    rec.record(k, t, final, balanced=balanced)
    if balanced:
        status = "balanced"
    return Outcome(final, status, balanced or blown, k, float(t),
                   {"scale": float(np.abs(x).max()), "blown_up": blown})
