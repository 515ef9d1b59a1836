"""The engine contract, written once.

An engine is a pure function::

    run(scenario: Scenario, scenario_id: str, seed: int, options: Mapping) -> EngineResult

registered with :func:`factions.engines.register`. It must

* not mutate the scenario, and read shocks only through ``scenario.timeline(scenario_id)``;
* draw every random number from ``numpy.random.default_rng(seed)`` (or generators spawned
  from it), so that a seeded run is bit-for-bit reproducible;
* refuse unknown options with :class:`factions.errors.EngineError`;
* return an :class:`EngineResult` whose tables are tidy pandas frames, whose figures are
  renderings of those tables, and whose ``metrics()`` frame feeds the claims table.

Metrics are named ``<engine>.<metric>`` by the runner; an engine reports bare names
(``deaths``, ``frustration``) with a month (``YYYY-MM``) or ``None`` for scalars.
"""

from __future__ import annotations

__all__ = ["EngineResult", "Engine", "METRIC_COLUMNS"]

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

METRIC_COLUMNS = ["metric", "month", "value"]


@dataclass
class EngineResult:
    """What every engine returns. Subclass it to add typed fields.

    Attributes
    ----------
    engine, scenario_id, seed
        Provenance, recorded in every result.
    summary
        A few headline numbers or strings for the console summary (JSON-serialisable).
    """

    engine: str
    scenario_id: str
    seed: int
    summary: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Named tidy tables (each becomes ``<engine>_<scenario>_<name>.csv`` in a report)."""
        return {}

    def figures(self) -> dict[str, Figure]:
        """Named matplotlib figures drawn from the tables (embedded in the HTML report)."""
        return {}

    def metrics(self) -> pd.DataFrame:
        """Tidy frame with columns ``metric, month, value`` (month ``None`` for scalars)."""
        return pd.DataFrame(columns=METRIC_COLUMNS)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: provenance, summary and tables as records."""
        return {
            "engine": self.engine,
            "scenario_id": self.scenario_id,
            "seed": self.seed,
            "summary": self.summary,
            "tables": {k: _records(v) for k, v in self.tables().items()},
        }


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = df.reset_index(drop=True).astype(object).where(pd.notna(df.reset_index(drop=True)), None)
    return out.to_dict(orient="records")


@dataclass(frozen=True)
class Engine:
    """A registered engine: its name, a one-line title, the run function and its options.

    ``options`` maps each accepted option name to a one-line description; the runner
    refuses any other option before the engine starts. ``stochastic`` says whether the
    result depends on the seed (then the runner runs one replica per seed);
    ``stochastic_when(options)`` overrides it for engines that are stochastic only in
    some modes.
    """

    name: str
    title: str
    run: Callable[..., EngineResult]
    options: Mapping[str, str] = field(default_factory=dict)
    order: int = 50
    stochastic: bool = False
    stochastic_when: Callable[[Mapping], bool] | None = None

    def is_stochastic(self, options: Mapping | None = None) -> bool:
        """Whether results depend on the seed under these options (then replicas differ)."""
        if self.stochastic_when is not None:
            return bool(self.stochastic_when(options or {}))
        return self.stochastic
