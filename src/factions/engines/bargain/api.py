"""One entry point for every bargaining model, and forecasts under input uncertainty."""

from __future__ import annotations

__all__ = ["MODELS", "DEFAULT_MODEL", "forecast", "run_model", "forecast_many", "ForecastDistribution",
           "forecast_distribution"]

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from factions.engines.bargain.expected_utility import expected_utility
from factions.engines.bargain.inputs import BargainInput, validate_inputs
from factions.engines.bargain.result import Forecast
from factions.engines.bargain.smp.forecast import smp
from factions.engines.bargain.static import compromise, median, nash
from factions.errors import EngineError, InputError

MODELS: dict[str, Callable[..., Forecast]] = {
    "compromise": compromise,
    "median": median,
    "nash": nash,
    "expected_utility": expected_utility,
    "smp": smp,
}
#: The model used when none is named (see docs/models/bargain.md for why).
DEFAULT_MODEL = "compromise"


def _model(name: str) -> Callable[..., Forecast]:
    if name == "exchange":
        raise EngineError("model 'exchange' needs several issues at once; call "
                          "factions.engines.bargain.exchange(capability, positions, saliences)")
    try:
        return MODELS[name]
    except KeyError:
        raise EngineError(
            f"unknown bargaining model {name!r}; known models: {', '.join(MODELS)}"
        ) from None


def forecast(
    capability, position, salience, model: str = DEFAULT_MODEL, *, names=None,
    scale: tuple[float, float] | None = None, **options,
) -> Forecast:
    """Forecast the outcome of one issue with one model.

    Parameters
    ----------
    capability, position, salience : array_like
        One value per actor: capability :math:`c_i \\ge 0`, position :math:`x_i`, salience
        :math:`s_i \\in [0, 1]`.
    model : str
        ``compromise``, ``median``, ``nash``, ``expected_utility`` or ``smp``
        (default :data:`DEFAULT_MODEL`).
    names : sequence of str, optional
        Unique actor labels.
    scale : (low, high), optional
        The issue scale (default: range of the positions). Models that measure
        distances divide them by ``high - low``.
    **options
        Passed to the model function (e.g. ``rounds``, ``q``, ``t`` for
        ``expected_utility``; KTAB's names ``VictoryProbModel``, ``VotingRule``, ... for ``smp``;
        ``disagreement`` for ``nash``).

    Returns
    -------
    Forecast
        ``outcome``, ``trajectory`` (rounds + 1 by actors), final ``positions``.

    Raises
    ------
    InputError
        On invalid arrays (see :func:`validate_inputs`).
    EngineError
        On an unknown model or option.

    Notes
    -----
    The contract every model meets: it is a pure function of the validated inputs and
    its options; it returns the outcome on the input scale; the outcome is unchanged
    when actors are relabelled (permuted) and moves with any shift or positive scaling
    of the scale (equivariance), because all distances are divided by the scale width.
    """
    _model(model)
    data = validate_inputs(capability, position, salience, names=names, scale=scale)
    return run_model(data, model, **options)


def run_model(data: BargainInput, model: str, **options) -> Forecast:
    """Run a named model on already validated inputs (options checked by the model)."""
    func = _model(model)
    try:
        return func(data, **options)
    except TypeError as exc:
        if "unexpected keyword argument" in str(exc):
            raise EngineError(f"model {model!r}: {exc}") from None
        raise


def forecast_many(data: BargainInput, models: Sequence[str] = tuple(MODELS),
                  options: dict[str, dict] | None = None) -> pd.DataFrame:
    """Tidy ``model, outcome, rounds`` table of several models on one issue."""
    options = options or {}
    rows = []
    for name in models:
        f = run_model(data, name, **options.get(name, {}))
        rows.append({"model": name, "outcome": f.outcome, "rounds": f.rounds})
    return pd.DataFrame(rows, columns=["model", "outcome", "rounds"])


@dataclass(frozen=True)
class ForecastDistribution:
    """Forecasts of one model under jittered inputs.

    Attributes
    ----------
    model : str
    point : float
        The forecast with the unperturbed inputs.
    draws : numpy.ndarray
        One outcome per perturbed draw.
    median, low, high : float
        Median and the central ``level`` interval of the draws.
    level : float
    seed : int
    """

    model: str
    point: float
    draws: np.ndarray
    median: float
    low: float
    high: float
    level: float
    seed: int


def forecast_distribution(
    capability, position, salience, model: str = DEFAULT_MODEL, *, names=None,
    scale: tuple[float, float] | None = None, n_draws: int = 200,
    position_error: float = 5.0, salience_error: float = 0.1, capability_error: float = 0.2,
    level: float = 0.9, seed: int = 0, **options,
) -> ForecastDistribution:
    """Forecast under perturbed inputs: a distribution, its median and an interval.

    Each draw perturbs every actor independently:
    :math:`x_i' = \\mathrm{clip}(x_i + \\varepsilon, L, H)`,
    :math:`\\varepsilon \\sim N(0, \\sigma_x)` with :math:`\\sigma_x` = ``position_error``
    in scale units; :math:`s_i' = \\mathrm{clip}(s_i + N(0, \\sigma_s), 0, 1)`;
    :math:`c_i' = c_i \\exp(N(0, \\sigma_c))` (a relative error). Then the model runs on
    the draw and the outcomes are summarised by their median and the central
    ``level`` quantile interval.

    Parameters
    ----------
    capability, position, salience, model, names, scale, **options
        As in :func:`forecast`.
    n_draws : int
        Number of perturbed draws (default 200).
    position_error, salience_error, capability_error : float
        Standard deviations of the perturbations (>= 0).
    level : float
        Coverage of the interval, in (0, 1) (default 0.9).
    seed : int
        Seed of ``numpy.random.default_rng``; same seed, same draws.

    Returns
    -------
    ForecastDistribution

    Raises
    ------
    InputError
        On invalid arrays or error sizes.
    EngineError
        On an unknown model, option, or a bad ``n_draws``/``level``.
    """
    data = validate_inputs(capability, position, salience, names=names, scale=scale)
    _model(model)
    for label, v in (("position_error", position_error), ("salience_error", salience_error),
                     ("capability_error", capability_error)):
        if not (np.isfinite(v) and v >= 0):
            raise InputError(f"{label} must be a finite number >= 0; got {v!r}")
    if int(n_draws) != n_draws or n_draws < 1:
        raise EngineError(f"n_draws must be an integer >= 1; got {n_draws!r}")
    if not 0 < level < 1:
        raise EngineError(f"level must lie in (0, 1); got {level!r}")
    rng = np.random.default_rng(seed)
    low, high = data.scale
    point = run_model(data, model, **options).outcome
    n = data.n
    draws = np.empty(int(n_draws))
    for k in range(int(n_draws)):
        pos = np.clip(data.position + rng.normal(0.0, position_error, n), low, high)
        sal = np.clip(data.salience + rng.normal(0.0, salience_error, n), 0.0, 1.0)
        cap = data.capability * np.exp(rng.normal(0.0, capability_error, n))
        if not np.any(cap * sal > 0):  # keep the draw usable: fall back to the input weights
            sal = data.salience
        draw = BargainInput(cap, pos, sal, data.names, data.scale)
        draws[k] = run_model(draw, model, **options).outcome
    tail = (1.0 - level) / 2.0
    lo_q, med, hi_q = np.quantile(draws, [tail, 0.5, 1.0 - tail])
    return ForecastDistribution(model, float(point), draws, float(med), float(lo_q),
                                float(hi_q), float(level), int(seed))
