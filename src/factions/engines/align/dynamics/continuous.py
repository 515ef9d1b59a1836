"""Continuous-time structural balance: dX/dt = X^2 (Marvel, Kleinberg, Kleinberg & Strogatz).

Model [1]_: ``X`` is the symmetric matrix of friendliness (``x_ij > 0``) or hostility
(``x_ij < 0``) between actors, diagonal included, and

    dX/dt = X^2,   i.e.   dx_ij/dt = sum_k x_ik x_kj,

whose solution is ``X(t) = X0 (I - t X0)^{-1} = V diag(lambda_k / (1 - lambda_k t)) V^T``
(``X0 = V diag(lambda) V^T``). It blows up at ``t* = 1/lambda_1``, where
``X(t) ~ u u^T / (t* - t)`` with ``u`` the dominant eigenvector.

What the paper states (abstract of [1]_): "for generic initial conditions" the only
outcomes are that "all relationships become friendly, or two hostile factions emerge", with
"a closed-form expression for faction membership as a function of the initial conditions",
and "the initial amount of friendliness in large social networks (started from random
initial conditions) determines whether they will end up in intractable conflict or global
harmony." The factions are the signs of ``u``.

What the tests check (``tests/engines/align/test_dynamics_continuous.py``): the exact
solution against scipy ``solve_ivp``; on 40 random starts (30 actors, entries U(-1, 1)) the
run ends balanced before ``t*`` with the factions of ``sign(u)``; the split time is the
first balanced time; mean friendliness mu moves the outcome from conflict (mu = 0: 0 of 30
in harmony) to harmony (mu = 0.45: 30 of 30); Zachary's karate club (see
docs/models/align.md). No number from the paper's body is tested: only the abstract could
be read.

Implementation. Without fixed ties and without inertia the exact solution is used; the
split time ``t_s`` (after it the sign pattern ``sign(u_i u_j)`` is kept for good) is found
by bisection on ``log(t* - t)``; for large random networks ``t* - t_s`` is a tiny fraction
of ``t*`` (8e-9 at 1,000 actors). With fixed ties the masked system (``dx_ij/dt = 0`` on
fixed ties) is integrated by scipy ``solve_ivp`` (DOP853, rtol 1e-9) until ``max|X|``
reaches 1e6 (the blow-up); with inertia each step is blended with the previous state.

References
----------
.. [1] Marvel, S. A., Kleinberg, J., Kleinberg, R. D., & Strogatz, S. H. (2011).
   Continuous-time model of structural balance. PNAS 108(5), 1771-1776.
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


def _margins(lam, vec, sigma, s):
    """``s sigma_i sigma_j X_ij`` at ``t = t* - s`` (diagonal: inf).

    ``X(t) = (1/s) u u^T + R(t)`` with ``R`` the other eigen-terms; the dominant term is
    formed from ``1/s`` directly, so there is no cancellation however close to ``t*``."""
    t = 1.0 / lam[-1] - s
    f = lam[:-1] / (1.0 - lam[:-1] * t)
    rest = (vec[:, :-1] * f) @ vec[:, :-1].T
    u = np.abs(vec[:, -1])
    y = np.outer(u, u) + s * (sigma[:, None] * rest * sigma[None, :])
    np.fill_diagonal(y, np.inf)
    return y


def _margin(lam, vec, sigma, s):
    return float(_margins(lam, vec, sigma, s).min())


def _margin_pairs(lam, vec, sigma, s, i, j):
    """The same margins for the pairs ``(i[k], j[k])`` only: O(n) per pair."""
    t = 1.0 / lam[-1] - s
    f = lam[:-1] / (1.0 - lam[:-1] * t)
    rest = np.einsum("pk,k,pk->p", vec[i, :-1], f, vec[j, :-1])
    u = np.abs(vec[:, -1])
    return float((u[i] * u[j] + s * sigma[i] * sigma[j] * rest).min())


def split_time(lam: np.ndarray, vec: np.ndarray, tol: float) -> float:
    """First time at which every tie has the sign of ``u_i u_j`` (``u`` the dominant
    eigenvector): the split.

    Once reached the pattern is kept (after switching by ``sign(u)`` the right-hand side is
    non-negative), so the balanced times form an interval ``[t_s, t*)``, ``t* = 1/lambda_1``.
    The distance ``s = t* - t_s`` is found by bisection on ``log s`` to relative precision
    ``tol``, started from the estimate ``min |u_i u_j| / max(0, -sigma_i sigma_j R_ij(t*))``.
    For large random networks ``s`` is a tiny fraction of ``t*`` (the split completes just
    before the blow-up). Returns ``inf`` when ``lambda_1 <= 0`` (X(t) decays to 0), ``t*``
    when the split is reached only in the limit (a zero entry of ``u``).
    """
    l1 = lam[-1]
    sigma = _split_pattern(vec)
    if _is_split(exact_solution(lam, vec, 0.0), sigma):
        return 0.0
    if l1 <= 0:
        return np.inf
    t_star = 1.0 / l1
    if np.any(vec[:, -1] == 0):
        return t_star
    # estimate from R at the blow-up: y_ij(s) ~ |u_i u_j| + s q_ij
    f = lam[:-1] / (1.0 - lam[:-1] / l1)
    q = sigma[:, None] * ((vec[:, :-1] * f) @ vec[:, :-1].T) * sigma[None, :]
    u = np.abs(vec[:, -1])
    with np.errstate(divide="ignore"):
        ratio = np.where(q < 0, np.outer(u, u) / -q, np.inf)
    np.fill_diagonal(ratio, np.inf)
    guess = min(float(ratio.min()), t_star)
    lo, hi = guess / 2.0, min(2.0 * guess, t_star)  # balanced at lo, not at hi (to check)
    while _margin(lam, vec, sigma, lo) <= 0:
        hi, lo = lo, lo / 4.0
        if lo < t_star * 1e-300:
            return t_star
    if _margin(lam, vec, sigma, hi) > 0:
        lo = hi  # balanced up to hi = min(2 guess, t*): search no further out than t*
        hi = t_star
        if _margin(lam, vec, sigma, hi * (1 - 1e-12)) > 0:
            return 0.0
    # the last pair to turn is among those still wrong at hi: bisect on those alone
    i, j = np.nonzero(np.triu(_margins(lam, vec, sigma, hi) <= 0, 1))
    a, b = lo, hi
    while b / a > 1.0 + tol:
        mid = np.sqrt(a * b)
        if _margin_pairs(lam, vec, sigma, mid, i, j) > 0:
            a = mid
        else:
            b = mid
    if _margin(lam, vec, sigma, a) > 0:  # confirm on every pair
        return t_star - a
    while hi / lo > 1.0 + tol:  # fall back to full bisection (a pair turned twice)
        mid = np.sqrt(lo * hi)
        if _margin(lam, vec, sigma, mid) > 0:
            lo = mid
        else:
            hi = mid
    return t_star - lo


def _report(x: np.ndarray) -> np.ndarray:
    out = np.clip(x, -1.0, 1.0)
    np.fill_diagonal(out, 0.0)
    return out


def run_continuous(st: DynamicsState, opts: dict, rng: np.random.Generator,
                   rec: Recorder) -> Outcome:
    """Evolve ``st`` under dX/dt = X^2.

    Parameters
    ----------
    st : DynamicsState
        Validated start (all pairs evolve; absent ties start at 0; diagonal starts at 0).
    opts : dict
        Validated options (``tol`` and the common ones).
    rng : numpy.random.Generator
        Unused (deterministic model); kept for the common runner signature.
    rec : Recorder
        Trajectory recorder.

    Returns
    -------
    Outcome
        ``matrix = clip(X(t), -1, 1)``; ``extra``: ``lambda1``, ``blow_up_time`` (t*),
        ``split_time`` (run to convergence), ``scale`` (max |X| of the internal state).

    Examples
    --------
    >>> import numpy as np
    >>> from factions.engines.align import balance_dynamics
    >>> x = np.array([[0, .5, -.4], [.5, 0, -.3], [-.4, -.3, 0]])
    >>> balance_dynamics(x, "continuous").blocs.tolist()
    [0, 0, 1]

    Notes
    -----
    Cost: one symmetric eigendecomposition O(n^3), then a few n x n products to locate the
    split (the bisection runs on the pairs still wrong at its upper bracket, O(n) each).
    Steps past ``t*`` end the run: the reported ties saturate at ``sign(u_i u_j)``.
    """
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
