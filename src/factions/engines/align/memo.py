"""Exact frustration of a month's network, solved once per scenario object.

The named scenarios of a file share most months' networks (a shock that does not touch
the ties leaves them as they are), and the engine solves one exact MIP per distinct
network (:func:`~factions.engines.align.frustration`). This memo keeps each proven
optimum on the scenario object (``Scenario._derived``, which :meth:`with_base` copies
start without), keyed by the network's ties and the time limit, so a network met again in
another named scenario is not solved again. Only proven optima are kept: they do not
depend on the random stream (HiGHS's own seed is fixed; the stream is used only when time
runs out), so a result taken from the memo is the one a new solve would give and leaves
the caller's stream where a new solve would leave it.
"""

from __future__ import annotations

__all__ = ["solved"]

import numpy as np

from factions.engines.align.frustration import FrustrationResult, frustration
from factions.engines.align.graph import SignedGraph, signed_graph


def solved(scenario, relations: tuple, time_limit, rng) -> tuple[SignedGraph,
                                                                  FrustrationResult]:
    """``(graph, frustration result)`` of the network ``relations`` (sorted ``(a, b, w)``
    ties); the result's labels are read-only."""
    cache = getattr(scenario, "_derived", None)
    key = ("frustration", relations, time_limit)
    if cache is not None and key in cache:
        return cache[key]
    g = signed_graph([(a, b, w, abs(w)) for a, b, w in relations])
    fr = frustration(g, time_limit=time_limit, seed=rng)
    np.asarray(fr.labels).flags.writeable = False
    if cache is not None and fr.status == "optimal":
        cache[key] = (g, fr)
    return g, fr
