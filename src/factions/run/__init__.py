"""Scenario × engines → results; claims answered with numbers."""

from factions.run.claims import evaluate_claims
from factions.run.runner import RunResults, replica_seeds, run_all

__all__ = ["RunResults", "run_all", "replica_seeds", "evaluate_claims"]
