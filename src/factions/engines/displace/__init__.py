"""Displacement engine: refugee and IDP flows driven by violence and host-country pull.

Array-level API (no scenario needed): :func:`build_network`, :func:`check_inputs`,
:func:`simulate_flows`, :class:`FlowParameters`, :func:`fit_parameters`, :func:`ard_flee`,
:func:`ard_per_location`. Scenario level: :func:`run_displace` (registered as ``displace``).
See ``docs/models/displace.md`` for the rules and how they relate to Flee.
"""

from __future__ import annotations

__all__ = [
    "LocationKind",
    "FlowNetwork",
    "build_network",
    "validate_months",
    "FlowParameters",
    "leave_probability",
    "edge_probabilities",
    "FlowInputs",
    "FlowRun",
    "check_inputs",
    "simulate_flows",
    "ard_flee",
    "ard_per_location",
    "Target",
    "FitResult",
    "fit_parameters",
    "DisplaceResult",
    "run_displace",
    "OPTIONS",
]

from factions.engines import register
from factions.engines.base import Engine, Observable
from factions.engines.displace.adapter import violence_observation
from factions.engines.displace.ard import ard_flee, ard_per_location
from factions.engines.displace.calibrate import FitResult, Target, fit_parameters
from factions.engines.displace.engine import OPTIONS, DisplaceResult, run_displace
from factions.engines.displace.flow import FlowInputs, FlowRun, check_inputs, simulate_flows
from factions.engines.displace.network import (
    FlowNetwork,
    LocationKind,
    build_network,
    validate_months,
)
from factions.engines.displace.null import displace_null
from factions.engines.displace.results import displace_metrics
from factions.engines.displace.rules import FlowParameters, edge_probabilities, leave_probability
from factions.engines.needs import Need


def _violence(scenario, options) -> str | None:
    if violence_observation(scenario, options.get("violence_series")) is not None:
        return None
    if options.get("violence_series"):
        return f"option violence_series: no observation {options['violence_series']!r}"
    return ("needs an observation of deaths per month that declares `compares: ground.deaths` "
            "(without a region): the violence that drives flight")


register(Engine(
    name="displace", title="Displacement: refugee and IDP flows (after Flee)",
    run=run_displace, options=OPTIONS, order=50, stochastic=False,
    stochastic_when=lambda o: o.get("mode") == "stochastic",
    needs=(Need.section("locations"), Need.section("routes"),
           Need.locations("origin", "host|idp|camp"),
           Need.rule("an observed violence series", _violence)),
    observables={
        "stock": Observable("displaced people at a location at the end of the month",
                            ("host", "idp", "camp")),
        "idps": Observable("internally displaced people (all IDP settings) at the end of "
                           "the month"),
        "returns": Observable("refugees returned from a host during the month", ("host",)),
    },
    metrics=displace_metrics,
    reads=("locations.", "routes.", "parameters.", "dynamics."),
    consumes=("ties",),
    null=displace_null, uses_history=True))
