"""Structural-balance dynamics: how signed networks realign over time.

One entry point, :func:`balance_dynamics` (``model=`` one of :data:`MODELS`), on a
:class:`~factions.engines.align.SignedGraph`, a networkx graph or a plain matrix; each model
in its own module: ``continuous`` (dX/dt = X^2, Marvel et al. 2011), ``heider`` (bounded,
Kulakowski et al. 2005), ``local_triad`` and ``constrained_triad`` (Antal et al. 2005),
``landscape`` (Axelrod & Bennett 1993). Helpers: :func:`landscape_minima`,
:func:`landscape_reachable`, :func:`landscape_energy`, :func:`balanced_labels`,
:func:`imbalanced_triangles`, :func:`validate_options`, :func:`parse_set`;
:func:`evolve_schedule` runs a model period by period while outside values hold some ties.
"""

from factions.engines.align.dynamics.continuous import exact_solution, split_time
from factions.engines.align.dynamics.dispatch import balance_dynamics
from factions.engines.align.dynamics.landscape import (
    landscape_energy,
    landscape_minima,
    landscape_reachable,
)
from factions.engines.align.dynamics.options import (
    MODELS,
    ModelSpec,
    Param,
    model_names,
    parse_set,
    validate_options,
)
from factions.engines.align.dynamics.result import DynamicsResult
from factions.engines.align.dynamics.schedule import evolve_schedule
from factions.engines.align.dynamics.state import (
    DynamicsState,
    balanced_labels,
    imbalanced_triangles,
    prepare,
)

__all__ = [
    "balance_dynamics",
    "evolve_schedule",
    "DynamicsResult",
    "DynamicsState",
    "MODELS",
    "ModelSpec",
    "Param",
    "model_names",
    "validate_options",
    "parse_set",
    "prepare",
    "balanced_labels",
    "imbalanced_triangles",
    "exact_solution",
    "split_time",
    "landscape_energy",
    "landscape_minima",
    "landscape_reachable",
]
