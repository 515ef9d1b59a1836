"""Scenario digest engine: the scenario's tables and timeline, no model."""

from factions.engines import register
from factions.engines.base import Engine
from factions.engines.digest.digest import DigestResult, run_digest

__all__ = ["DigestResult", "run_digest"]

register(Engine(name="digest", title="Scenario digest: actors, ties, shocks, data",
                run=run_digest, options={}, order=10, stochastic=False))
