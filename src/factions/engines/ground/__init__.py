"""Ground engine: Epstein's civil-violence models I and II (numba), driven by a scenario.

Bare models: :func:`simulate`, :data:`PARAMETERS`, :func:`parse_set`, :func:`run_figure`.
Array level: :class:`Simulator`. Outbursts: :func:`find_outbursts`, :func:`outburst_stats`.
On a scenario: :func:`run_ground` (registered as engine ``ground``),
:func:`plan_from_timeline` (the documented scenario -> parameter mapping).
"""

from factions.engines import register
from factions.engines.base import Engine, Observable
from factions.engines.ground.engine import (
    OPTIONS,
    GroundResult,
    ground_metrics,
    parse_options,
    run_ground,
)
from factions.engines.ground.figures import grid_figure, run_figure, series_figure
from factions.engines.ground.mapping import (
    LatticePlan,
    incumbent,
    lattice_groups,
    plan_from_timeline,
)
from factions.engines.ground.models import SCHEDULABLE, GroundRun, simulate
from factions.engines.ground.neighbourhood import offsets
from factions.engines.ground.null import ground_null
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
    run=run_ground, options=OPTIONS, order=40, stochastic=True,
    needs=(Need.section("populations", "the lattice's citizens are the populations"),
           Need.rule("an armed actor in a population", _armed_in_population)),
    observables={"deaths": Observable("conflict deaths per month",
                                      regional="region_deaths.{region}", per_100k=True)},
    metrics=ground_metrics,
    reads=("actors.", "relations.", "populations.", "forces.", "parameters.", "dynamics."),
    consumes=("ties",),
    null=ground_null, null_relative=True))
