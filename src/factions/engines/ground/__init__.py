"""Ground engine: Epstein's civil-violence models I and II (numba), driven by a scenario.

Bare models: :func:`simulate`, :data:`PARAMETERS`, :func:`parse_set`, :func:`run_figure`.
Array level: :class:`Simulator`. Outbursts: :func:`find_outbursts`, :func:`outburst_stats`.
On a scenario: :func:`run_ground` (registered as engine ``ground``),
:func:`plan_from_timeline` (the documented scenario -> parameter mapping).

The bare models import numpy and numba only; the names that need pandas, scipy or
matplotlib (the engine on a scenario, its mapping, null model and figures) are loaded on
first use, so that ``factions ground --model I`` starts quickly (``docs/performance.md``).
"""

from factions.engines import register
from factions.engines.base import Engine, Observable
from factions.engines.ground.models import SCHEDULABLE, GroundRun, simulate
from factions.engines.ground.neighbourhood import offsets
from factions.engines.ground.options import OPTIONS
from factions.engines.ground.outbursts import Outburst, find_outbursts, outburst_stats
from factions.engines.ground.params import (
    PARAMETERS,
    Parameter,
    defaults,
    parse_set,
    validate_params,
)
from factions.engines.ground.simulator import Simulator
from factions.engines.needs import Need
from factions.lazy import lazy_names

#: public names loaded on first use, and their modules
_LAZY = {
    "GroundResult": "engine", "ground_metrics": "engine", "parse_options": "engine",
    "run_ground": "engine",
    "grid_figure": "figures", "run_figure": "figures", "series_figure": "figures",
    "LatticePlan": "mapping", "incumbent": "mapping", "lattice_groups": "mapping",
    "plan_from_timeline": "mapping",
    "ground_null": "null",
}

__all__ = [
    "OPTIONS",
    "PARAMETERS",
    "SCHEDULABLE",
    "GroundResult",
    "GroundRun",
    "LatticePlan",
    "Outburst",
    "Parameter",
    "Simulator",
    "defaults",
    "find_outbursts",
    "grid_figure",
    "ground_metrics",
    "incumbent",
    "lattice_groups",
    "offsets",
    "outburst_stats",
    "parse_options",
    "parse_set",
    "plan_from_timeline",
    "run_figure",
    "run_ground",
    "series_figure",
    "simulate",
    "validate_params",
]


__getattr__ = lazy_names(__name__, _LAZY, globals())


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _run_ground(scenario, scenario_id, seed, options, upstream=None):
    """:func:`run_ground`, imported when the engine first runs."""
    return __getattr__("run_ground")(scenario, scenario_id, seed, options, upstream)


def _ground_metrics(scenario):
    """:func:`ground_metrics`, imported on first use."""
    return __getattr__("ground_metrics")(scenario)


def _ground_null(scenario, scenario_id, options=None):
    """:func:`ground_null`, imported on first use."""
    return __getattr__("ground_null")(scenario, scenario_id, options)


def _armed_in_population(scenario, options) -> str | None:
    for a in scenario.actors:
        if (a.kind in ("militia", "government") or a.fighters) and \
                scenario.population_of(a.identity) is not None:
            return None
    labels = ", ".join(lab for g in scenario.populations for lab in g.labels)
    return ("needs an armed actor (kind militia or government, or with fighters) whose "
            f"identity is one of the populations' labels ({labels}); add the label to a "
            "population's `identities`")


register(Engine(
    name="ground", title="Ground: Epstein civil violence (Models I and II)",
    run=_run_ground, options=OPTIONS, order=40, stochastic=True,
    needs=(Need.section("populations", "the lattice's citizens are the populations"),
           Need.rule("an armed actor in a population", _armed_in_population)),
    observables={"deaths": Observable("conflict deaths per month",
                                      regional="region_deaths.{region}", per_100k=True)},
    metrics=_ground_metrics,
    reads=("actors.", "relations.", "populations.", "forces.", "parameters.", "dynamics."),
    consumes=("ties",),
    null=_ground_null, null_relative=True))
