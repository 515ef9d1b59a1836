"""Alignment engine: signed networks, structural balance, blocs, realignment, voting power.

Array-level API (no scenario needed): build a :class:`SignedGraph` (``signed_graph``,
``read_edges_csv``, ``from_networkx``), then ``frustration`` (exact, HiGHS),
``frustration_heuristic``, ``k_blocs``, ``triad_census``, ``balance_score``,
``contributions``, ``optimal_partitions``, ``realignment``; voting power with ``banzhaf``,
``shapley_shubik``, ``minimal_winning_coalitions``, ``power_table``, ``read_seats_csv``;
structural-balance dynamics with ``balance_dynamics`` (subpackage ``dynamics``: continuous
dX/dt = X^2, bounded Heider, local / constrained triad, landscape), ``evolve_schedule``
(period by period, some ties held by the outside) and its helpers. On a scenario,
``tie_series`` gives the ties month by month with the free ones evolved (a ``TieSeries``,
what the engine publishes as ``"ties"``).
"""

from factions.engines import register
from factions.engines.align.balance import (
    balance_score,
    contributions,
    triad_census,
    triangle_balance,
)
from factions.engines.align.checks import dynamics_problems
from factions.engines.align.dynamics import (
    MODELS as DYNAMICS_MODELS,
)
from factions.engines.align.dynamics import (
    DynamicsResult,
    balance_dynamics,
    balanced_labels,
    evolve_schedule,
    imbalanced_triangles,
    landscape_energy,
    landscape_minima,
    landscape_reachable,
    parse_set,
)
from factions.engines.align.engine import (
    OPTIONS,
    AlignResult,
    align_metrics,
    match_blocs,
    run_align,
    scenario_graph,
)
from factions.engines.align.evolve import provide_ties, tie_series
from factions.engines.align.frustration import FrustrationResult, frustration
from factions.engines.align.graph import (
    SignedGraph,
    as_signed_graph,
    from_networkx,
    read_edges_csv,
    signed_graph,
    to_networkx,
)
from factions.engines.align.heuristic import HeuristicResult, frustration_heuristic
from factions.engines.align.kblocs import BlocResult, k_blocs
from factions.engines.align.null import align_null
from factions.engines.align.parliament import power_table, read_seats_csv
from factions.engines.align.power import (
    banzhaf,
    banzhaf_swings,
    minimal_winning_coalitions,
    shapley_shubik,
)
from factions.engines.align.realign import (
    OptimalSet,
    Realignment,
    optimal_partitions,
    realignment,
)
from factions.engines.base import Engine
from factions.engines.channels import TIES, TieSeries
from factions.engines.needs import Need

__all__ = [
    "OPTIONS",
    "AlignResult",
    "run_align",
    "scenario_graph",
    "match_blocs",
    "SignedGraph",
    "signed_graph",
    "as_signed_graph",
    "from_networkx",
    "to_networkx",
    "read_edges_csv",
    "FrustrationResult",
    "frustration",
    "HeuristicResult",
    "frustration_heuristic",
    "BlocResult",
    "k_blocs",
    "triad_census",
    "triangle_balance",
    "balance_score",
    "contributions",
    "OptimalSet",
    "optimal_partitions",
    "Realignment",
    "realignment",
    "banzhaf",
    "banzhaf_swings",
    "shapley_shubik",
    "minimal_winning_coalitions",
    "power_table",
    "read_seats_csv",
    "balance_dynamics",
    "DynamicsResult",
    "DYNAMICS_MODELS",
    "balanced_labels",
    "imbalanced_triangles",
    "landscape_energy",
    "landscape_minima",
    "landscape_reachable",
    "parse_set",
    "evolve_schedule",
    "tie_series",
    "TieSeries",
]

register(
    Engine(
        name="align",
        title="Alignment: blocs, structural balance and voting power",
        run=run_align,
        options=OPTIONS,
        needs=(Need.section("relations", "alignment is read from the ties between actors"),),
        metrics=align_metrics,
        reads=("relations.", "actors.", "dynamics."),
        null=align_null,
        provides=(TIES,),
        provide=provide_ties,
        checks=dynamics_problems,
        order=20,
        stochastic=False,
    )
)
