"""Ground engine: Epstein's civil-violence models I and II (numba), driven by a scenario.

Bare models: :func:`simulate`, :data:`PARAMETERS`, :func:`parse_set`. Array level:
:class:`Simulator`. Outburst statistics: :func:`find_outbursts`.
"""

from factions.engines.ground.models import SCHEDULABLE, GroundRun, simulate
from factions.engines.ground.neighbourhood import offsets
from factions.engines.ground.params import (
    PARAMETERS,
    Parameter,
    defaults,
    parse_set,
    validate_params,
)
from factions.engines.ground.simulator import Simulator

__all__ = [
    "PARAMETERS",
    "Parameter",
    "SCHEDULABLE",
    "GroundRun",
    "Simulator",
    "defaults",
    "offsets",
    "parse_set",
    "simulate",
    "validate_params",
]
