"""Alignment engine: signed networks, structural balance, blocs, realignment, voting power."""

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

__all__ = [
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
]
