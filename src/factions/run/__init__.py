"""Scenario × engines → results; ensembles on Dask; calibration; claims answered with numbers.

:class:`Pipeline` is the main job (plan, engines in dependency order, ensemble, claims,
report); ``run_all`` runs it in this process; ``sweep`` runs seeded replicas (and parameter
draws) on a Dask cluster, writing Parquet as results arrive; ``abc_rejection`` /
``abc_smc`` calibrate through the same machinery. Dask is imported only when a sweep runs.
"""

from factions.lazy import lazy_names

# eager: these two share their module's name, which a later import of the module would
# otherwise put in their place on the package
from factions.run.abc_smc import abc_smc
from factions.run.sweep import sweep

#: where each public name lives; imported on first use, so that ``import factions.run``
#: (and the cached main job) does not load scipy.stats, Dask or the calibration
_LAZY = {
    "ABCResult": "calibrate", "abc_rejection": "calibrate",
    "posterior_sweep": "calibrate", "evaluate_claims": "claims",
    "parse_varies": "distributions", "Pipeline": "pipeline", "PipelinePlan": "pipeline",
    "SweepProgressBar": "progress", "RunResults": "runner", "replica_seeds": "runner",
    "run_all": "runner", "read_results": "store", "ensemble_summary": "summaries",
    "fan_chart": "summaries", "sensitivity": "summaries", "sweep_claims": "summaries",
    "tornado_chart": "summaries", "SweepProgress": "sweep", "SweepResult": "sweep",
    "write_sweep_report": "sweep_report",
}


__getattr__ = lazy_names(__name__, _LAZY, globals())


__all__ = [
    "Pipeline", "PipelinePlan", "RunResults", "run_all", "replica_seeds", "evaluate_claims",
    "sweep", "SweepResult", "SweepProgress", "SweepProgressBar", "parse_varies", "read_results",
    "ensemble_summary", "sensitivity", "fan_chart", "tornado_chart", "sweep_claims",
    "write_sweep_report", "abc_rejection", "abc_smc", "posterior_sweep", "ABCResult",
]
