"""Scenario × engines → results in this process: :func:`run_all`.

A thin front of :class:`~factions.run.pipeline.Pipeline` with ``local=True``: every engine
on every named scenario, stochastic engines once per replica seed (``seed, seed+1, …``),
the claims answered over the replicas; no Dask, no report.
"""

from __future__ import annotations

__all__ = ["RunResults", "run_all", "replica_seeds"]

from collections.abc import Callable, Mapping, Sequence

from factions.run.pipeline import Pipeline, RunResults, replica_seeds
from factions.scenario import Scenario


class _Hooks:
    def __init__(self, on_start, on_task):
        self.on_start, self.on_task = on_start, on_task

    def start(self, total: int) -> None:
        if self.on_start:
            self.on_start(total)

    def task(self, engine: str, scenario: str, seed: int) -> None:
        if self.on_task:
            self.on_task(engine, scenario, seed)

    def sweep(self, state) -> None:  # pragma: no cover - local runs do not sweep
        pass


def run_all(scenario: Scenario, scenario_ids: Sequence[str] | None = None,
            engines: Sequence[str] | None = None, seed: int = 0, replicas: int = 1,
            options: Mapping[str, Mapping] | None = None,
            on_task: Callable[[str, str, int], None] | None = None,
            on_start: Callable[[int], None] | None = None) -> RunResults:
    """Run ``engines`` (default: all registered) on ``scenario_ids`` (default: all).

    Parameters
    ----------
    options
        ``{engine_name: {option: value}}``; refused unless the engine is run and declares
        the option.
    on_task, on_start
        Progress hooks: ``on_start(total_tasks)`` then ``on_task(engine, scenario, seed)``
        after each task.

    Raises
    ------
    EngineError, ScenarioError
        See :meth:`Pipeline.plan`.
    """
    return Pipeline(scenario, scenario_ids, engines, options, seed=seed, replicas=replicas,
                    local=True).run(progress=_Hooks(on_start, on_task))
