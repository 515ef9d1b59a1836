"""Scenario × engines → results; ensembles on Dask; calibration; claims answered with numbers.

:class:`Pipeline` is the main job (plan, engines in dependency order, ensemble, claims,
report); ``run_all`` runs it in this process; ``sweep`` runs seeded replicas (and parameter
draws) on a Dask cluster, writing Parquet as results arrive; ``abc_rejection`` /
``abc_smc`` calibrate through the same machinery. Dask is imported only when a sweep runs.
"""

from factions.run.abc_smc import abc_smc
from factions.run.calibrate import ABCResult, abc_rejection, posterior_sweep
from factions.run.claims import evaluate_claims
from factions.run.distributions import parse_varies
from factions.run.pipeline import Pipeline, PipelinePlan
from factions.run.progress import SweepProgressBar
from factions.run.runner import RunResults, replica_seeds, run_all
from factions.run.store import read_results
from factions.run.summaries import (
    ensemble_summary,
    fan_chart,
    sensitivity,
    sweep_claims,
    tornado_chart,
)
from factions.run.sweep import SweepProgress, SweepResult, sweep
from factions.run.sweep_report import write_sweep_report

__all__ = [
    "Pipeline", "PipelinePlan", "RunResults", "run_all", "replica_seeds", "evaluate_claims",
    "sweep", "SweepResult", "SweepProgress", "SweepProgressBar", "parse_varies", "read_results",
    "ensemble_summary", "sensitivity", "fan_chart", "tornado_chart", "sweep_claims",
    "write_sweep_report", "abc_rejection", "abc_smc", "posterior_sweep", "ABCResult",
]
