"""Static (one-shot) bargaining models: compromise, weighted median, Nash bargaining.

Each takes a validated :class:`~factions.engines.bargain.inputs.BargainInput` and returns
a :class:`~factions.engines.bargain.result.Forecast` with no rounds (actors keep their
positions; the trajectory has a single row).
"""

from __future__ import annotations

__all__ = ["weighted_median", "compromise", "median", "nash"]

import numpy as np

from factions.engines.bargain.inputs import BargainInput
from factions.engines.bargain.result import Forecast
from factions.errors import EngineError


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted median: the point with at most half the weight strictly on each side.

    When the cumulative weight reaches exactly half at a data point, the median is the
    midpoint between that point and the next (so the result is symmetric under
    reflection of the scale). Zero-weight points are ignored.

    Parameters
    ----------
    x, w : numpy.ndarray
        Values and non-negative weights with ``w.sum() > 0``.

    Returns
    -------
    float
    """
    keep = w > 0
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    cum = np.cumsum(ws)
    half = cum[-1] / 2.0
    k = int(np.searchsorted(cum, half, side="left"))
    if np.isclose(cum[k], half, rtol=1e-12, atol=0.0) and k + 1 < xs.size:
        return float((xs[k] + xs[k + 1]) / 2.0)
    return float(xs[k])


def _static(model: str, data: BargainInput, outcome: float, **details) -> Forecast:
    return Forecast(
        model=model,
        outcome=float(outcome),
        positions=data.position.copy(),
        trajectory=data.position[None, :].copy(),
        outcomes=np.array([outcome], dtype=float),
        names=data.names,
        details=dict(details),
    )


def compromise(data: BargainInput) -> Forecast:
    """Compromise model: the capability-and-salience-weighted mean position.

    .. math:: \\hat{x} = \\frac{\\sum_i c_i s_i x_i}{\\sum_i c_i s_i}

    Parameters
    ----------
    data : BargainInput

    Returns
    -------
    Forecast
        ``outcome`` is :math:`\\hat{x}`; positions are unchanged.

    Notes
    -----
    Cost O(n). Van den Bos (1991) and Achen (2006) derive it as the outcome of
    bargaining in which each actor's pull is proportional to power times salience; in
    the DEU studies it is the baseline that few models beat (Thomson et al. 2006).

    References
    ----------
    .. [1] Achen, C. H. (2006). Evaluating political decision-making models. In
       Thomson et al. (eds), *The European Union Decides*, Cambridge UP, 264-298.
    .. [2] Van den Bos, J. M. M. (1991). *Dutch EC Policy Making*. Thesis, Amsterdam.
    """
    w = data.weight
    return _static("compromise", data, float(np.dot(w, data.position) / w.sum()))


def median(data: BargainInput) -> Forecast:
    """Weighted median (median voter) model with weights :math:`c_i s_i`.

    The outcome :math:`m` satisfies :math:`\\sum_{x_i < m} c_i s_i \\le W/2` and
    :math:`\\sum_{x_i > m} c_i s_i \\le W/2` with :math:`W = \\sum_i c_i s_i`; it is the
    position that beats every other in pairwise majority votes weighted by
    :math:`c_i s_i` (Black 1948), and the starting forecast of Bueno de Mesquita (1994).

    Parameters
    ----------
    data : BargainInput

    Returns
    -------
    Forecast

    Notes
    -----
    Cost O(n log n). Exact half-weight ties are split at the midpoint (see
    :func:`weighted_median`).

    References
    ----------
    .. [1] Black, D. (1948). On the rationale of group decision-making. *Journal of
       Political Economy* 56(1), 23-34.
    .. [2] Bueno de Mesquita, B. (1994). Political forecasting: an expected utility
       method. In Stokman et al. (eds), *European Community Decision Making*, Yale UP.
    """
    return _static("median", data, weighted_median(data.position, data.weight))


def nash(data: BargainInput, disagreement: str | float = "worst") -> Forecast:
    """Asymmetric Nash bargaining solution on a one-dimensional issue.

    .. math:: \\hat{x} = \\arg\\max_{x \\in [L, H]} \\sum_i c_i s_i
              \\log\\bigl(u_i(x) - u_i(d)\\bigr), \\qquad u_i(x) = -(x - x_i)^2

    Utility is quadratic loss in distance (Achen 2006). Bargaining power is
    :math:`c_i s_i`: with a fixed disagreement point a salience factor in the utility
    would only add a constant to the logarithm, so salience has to enter as power.

    Parameters
    ----------
    data : BargainInput
    disagreement : "worst" or float
        ``"worst"`` (default): each actor's disagreement utility is its worst outcome on
        the scale :math:`[L, H]`, i.e. :math:`u_i(d) = -\\max((x_i-L)^2, (H-x_i)^2)` minus
        a margin of 1 % of the squared span so that every gain is positive. A number
        :math:`q` is the reversion point (status quo): only outcomes that leave every
        actor with salience > 0 weakly better off than :math:`q` are feasible; when
        that set is the single point :math:`q` (the usual case when :math:`q` lies
        between actors' positions) the forecast is :math:`q`.

    Returns
    -------
    Forecast

    Raises
    ------
    EngineError
        If ``disagreement`` is neither ``"worst"`` nor a number on the scale.

    Notes
    -----
    The objective is strictly concave, so its derivative has one root, found by
    Brent's method (cost O(n) per evaluation, a few dozen evaluations). With the "worst" disagreement
    point the solution lies close to the compromise mean (Achen 2006 shows the two
    coincide as the disagreement point recedes).

    References
    ----------
    .. [1] Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
    .. [2] Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson
       et al. (eds), *The European Union Decides*, Cambridge UP, 86-123.
    """
    low, high = data.scale
    x, w = data.position, data.weight
    span = data.span
    if isinstance(disagreement, str):
        if disagreement != "worst":
            raise EngineError(f"nash disagreement must be 'worst' or a number; got {disagreement!r}")
        worst = np.maximum((x - low) ** 2, (high - x) ** 2) + 0.01 * span**2
        lo_x, hi_x = low, high
    else:
        try:
            q = float(disagreement)
        except (TypeError, ValueError):
            raise EngineError(f"nash disagreement must be 'worst' or a number; got {disagreement!r}") from None
        if not low <= q <= high:
            raise EngineError(f"nash disagreement point {q} lies outside the scale [{low}, {high}]")
        worst = (q - x) ** 2
        active = w > 0
        # Feasible set: every active actor at least as well off as at q.
        lo_x = float(np.max(np.minimum(q, 2 * x[active] - q)))
        hi_x = float(np.min(np.maximum(q, 2 * x[active] - q)))
        if hi_x - lo_x <= 1e-12 * span:
            return _static("nash", data, q, disagreement=q, feasible=(q, q))

    act = w > 0
    wa, xa, ga = w[act], x[act], worst[act]

    def slope(z: float) -> float:
        """Derivative of the (strictly concave) Nash objective; decreasing in z."""
        return float(np.sum(wa * -2.0 * (z - xa) / (ga - (z - xa) ** 2)))

    if hi_x - lo_x <= 0:
        return _static("nash", data, lo_x, disagreement=disagreement)
    eps = 1e-12 * span
    a, b = lo_x + eps, hi_x - eps
    if slope(a) <= 0:
        z = a
    elif slope(b) >= 0:
        z = b
    else:
        from scipy.optimize import brentq  # imported here: scipy.optimize costs ~0.8 s

        z = brentq(slope, a, b, xtol=1e-13 * span, rtol=4 * np.finfo(float).eps)
    return _static("nash", data, float(z), disagreement=disagreement, feasible=(lo_x, hi_x))
