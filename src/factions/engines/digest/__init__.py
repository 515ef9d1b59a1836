"""Scenario digest engine: the scenario's tables and timeline, no model."""

from factions.engines import register
from factions.engines.base import Engine
from factions.engines.digest.digest import DigestResult, digest_metrics, digest_null, run_digest

__all__ = ["DigestResult", "run_digest", "digest_metrics"]

register(Engine(name="digest", title="Scenario digest: actors, ties, shocks, data",
                run=run_digest, metrics=digest_metrics, order=10, stochastic=False,
                null=digest_null))
