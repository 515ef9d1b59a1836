"""Bargaining engine: who gets what on an issue.

Models (one entry point, :func:`forecast`): ``compromise``, ``median``, ``nash``,
``expected_utility`` (Bueno de Mesquita as formalised by Scholz, Calbert & Smith 2011)
and ``smp`` (a spatial model of politics after KAPSARC's KTAB). Inputs are plain arrays
(capability, position, salience per actor), a KTAB-style CSV (:func:`read_ktab_csv`) or
a scenario (the registered engine ``bargain``).
"""

from factions.engines import register
from factions.engines.bargain.api import (
    DEFAULT_MODEL,
    MODELS,
    ForecastDistribution,
    forecast,
    forecast_distribution,
    forecast_many,
    run_model,
)
from factions.engines.bargain.engine import (
    OPTIONS,
    BargainResult,
    IssueForecast,
    bargain_issues,
    bargain_ktab,
    bargain_metrics,
    run_bargain,
)
from factions.engines.bargain.exchange import exchange
from factions.engines.bargain.expected_utility import (
    challenge_utilities,
    code_win_probabilities,
    eu_round,
    expected_utility,
    risk_exponents,
    win_probabilities,
)
from factions.engines.bargain.inputs import BargainInput, KtabData, read_ktab_csv, validate_inputs
from factions.engines.bargain.null import bargain_null
from factions.engines.bargain.result import Forecast
from factions.engines.bargain.smp import (
    SMPOptions,
    SMPRun,
    coalitions,
    condorcet_election,
    scalar_pce,
    smp_model,
    smp_options,
    smp_sensitivity,
    victory_probabilities,
    write_db,
)
from factions.engines.bargain.smp.forecast import smp, smp_joint
from factions.engines.bargain.static import compromise, median, nash, weighted_median
from factions.engines.bargain.text import format_result
from factions.engines.base import Engine
from factions.engines.needs import Need

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "BargainInput",
    "BargainResult",
    "IssueForecast",
    "bargain_issues",
    "bargain_ktab",
    "run_bargain",
    "Forecast",
    "ForecastDistribution",
    "KtabData",
    "challenge_utilities",
    "code_win_probabilities",
    "compromise",
    "SMPOptions",
    "SMPRun",
    "coalitions",
    "condorcet_election",
    "scalar_pce",
    "smp_model",
    "smp_options",
    "smp_joint",
    "smp_sensitivity",
    "write_db",
    "eu_round",
    "exchange",
    "expected_utility",
    "forecast",
    "forecast_distribution",
    "forecast_many",
    "format_result",
    "median",
    "nash",
    "read_ktab_csv",
    "risk_exponents",
    "run_model",
    "smp",
    "validate_inputs",
    "victory_probabilities",
    "weighted_median",
    "win_probabilities",
]

def bargain_lean(metrics, options) -> dict:
    """Options that compute only ``metrics``: no perturbed draws unless an interval
    (``<issue>.low`` / ``.high``) is read, and only the models read (``<issue>.<model>``)
    besides the default model (a bare ``<issue>``)."""
    out: dict = {}
    tails = [m.split(".", 1)[1] for m in metrics if "." in m]
    if not any(t in ("low", "high") for t in tails):
        out["draws"] = 0
    known = {*MODELS, "exchange"}
    if all(t in known or t in ("low", "high") for t in tails):
        default = options.get("default_model") or DEFAULT_MODEL
        out["models"] = sorted({default, *(t for t in tails if t in known)})
    return out


register(
    Engine(
        name="bargain",
        title="Bargaining: who gets what on each issue",
        run=run_bargain,
        options=OPTIONS,
        needs=(Need.section("issues"), Need.section("positions")),
        metrics=bargain_metrics,
        reads=("actors.", "positions."),
        null=bargain_null,
        lean=bargain_lean,
        order=30,
        stochastic=False,
    )
)
