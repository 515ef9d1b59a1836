"""Small, obviously-correct brute-force references (exponential; for tests and checks).

Each function enumerates every case; use only on tiny inputs (n <= ~12).
"""

from __future__ import annotations

__all__ = ["brute_force_frustration", "brute_force_power"]

import itertools
import math
from fractions import Fraction

import numpy as np

from factions.engines.align.graph import SignedGraph


def brute_force_frustration(graph: SignedGraph, k: int = 2) -> float:
    """Minimum frustration over every assignment of the nodes to at most ``k`` blocs."""
    best = np.inf
    for labels in itertools.product(range(k), repeat=graph.n):
        best = min(best, graph.frustration_of(np.asarray(labels)))
    return float(best)


def brute_force_power(weights, quota) -> tuple[list[int], list[Fraction]]:
    """Banzhaf swing counts and Shapley-Shubik indices by enumerating coalitions.

    A coalition S wins when ``sum(weights[S]) >= quota``; player i swings for S (i not in
    S) when S loses and S + i wins. Shapley-Shubik weights each swing by
    ``|S|! (n - |S| - 1)! / n!``.
    """
    n = len(weights)
    swings = [0] * n
    shapley = [Fraction(0)] * n
    for mask in range(1 << n):
        members = [i for i in range(n) if mask >> i & 1]
        total = sum(weights[i] for i in members)
        if total >= quota:
            continue
        s = len(members)
        coef = Fraction(math.factorial(s) * math.factorial(n - s - 1), math.factorial(n))
        for i in range(n):
            if not mask >> i & 1 and total + weights[i] >= quota:
                swings[i] += 1
                shapley[i] += coef
    return swings, shapley
