"""The engine contract, written once.

An engine is a pure function::

    run(scenario, scenario_id, seed, options, upstream) -> EngineResult

registered with :func:`factions.engines.register` as an :class:`Engine` that declares

* ``options`` — a tuple of :class:`~factions.engines.options.Option` (type, range,
  default); the registry converts and checks user values in one place, with one message
  template, and the run function receives every option with its value;
* ``needs`` — :class:`~factions.engines.needs.Need` entries on the scenario; an engine
  whose needs a scenario does not meet is skipped by the pipeline with the reason;
* ``provides`` / ``consumes`` — names of outputs that flow between engines (e.g.
  ``"ties"``: the alignment month by month, a
  :class:`~factions.engines.channels.TieSeries`). Engines never import each other: the
  pipeline orders engines so that providers run first (a cycle is an error) and passes
  ``upstream = {name: result.provided(name)}`` to consumers (by default the provider's
  whole result; typed objects live in :mod:`factions.engines.channels`, which both sides
  import); an absent provider leaves the name out of ``upstream`` and the consumer falls
  back on the scenario's own inputs;
* ``provide(scenario, scenario_id, seed, options, upstream)`` — optionally, a cheap function
  returning ``{name: object}`` for the names the engine provides without running the whole
  engine; the pipeline calls it when the engine runs only to feed a consumer (e.g. a
  consumer's task in an ensemble), and it must give what ``result.provided(name)`` gives;
* ``checks(scenario)`` — optionally, the located problems of the inputs only this engine
  understands (e.g. the model named by a ``dynamics`` entry), reported by ``factions check``
  and before every run with the other engine-dependent checks;
* ``observables`` — the quantities that scenario observations may declare they measure
  (``observations[].compares: <engine>.<quantity>``), with the location kinds a
  per-location quantity needs;
* ``metrics(scenario)`` — the metric names (``fnmatch`` patterns) the engine reports on a
  scenario, so that claims naming any other metric are refused at load;
* ``reads`` — the prefixes of the scenario parameters its result depends on
  (``("relations.", "actors.")``; ``None``: all), so that a draw that changes only other
  inputs reuses its result, and the verdicts can trace what a metric reads;
* ``uses_history`` — whether a result on any named scenario also depends on the scenario
  of what happened (an engine that fits to data under it), for the result cache;
* ``lean(metrics, options)`` — optionally, the options under which the engine computes only
  what ``metrics`` (its metric names, without the engine prefix) need, for the draws of an
  ensemble that keep only those metrics; each given option wins over them;
* ``null(scenario, scenario_id, options)`` — the engine's metrics with its *mechanism
  neutralised*: what the inputs alone say, without the model (see ``docs/claims.md``);
  a claim whose verdict the null model reproduces is graded *encoded*.

The run function must

* not mutate the scenario, and read shocks only through ``scenario.timeline(scenario_id)``;
* draw every random number from ``numpy.random.default_rng(seed)`` (or generators spawned
  from it), so that a seeded run is bit-for-bit reproducible;
* return an :class:`EngineResult` whose tables are tidy pandas frames, whose figures are
  :class:`plotly.graph_objects.Figure` objects drawn from the result's own data (its
  tables and fields, nothing else: the report reuses the figures of a result whose data
  equal an earlier scenario's), and whose ``metrics()`` frame feeds the claims table; a
  result that is
  degenerate (no violence in any month, nobody displaced) says so in ``degenerate``, and
  the report and the claims that use it flag it.

Figures are drawn for the interactive HTML report (:mod:`factions.report`): one card per
figure name with a scenario selector, rendered from the figure's JSON with one embedded
copy of plotly.js. Keep them small and quick to build: plain lists and dicts
(``factions.report.charts.new_plot``), no template (the report applies one), few traces,
data rounded where the picture does not need more digits.

Metrics are named ``<engine>.<metric>`` by the pipeline; an engine reports bare names
(``deaths``, ``frustration``) with a month (``YYYY-MM``) or ``None`` for scalars.
"""

from __future__ import annotations

__all__ = ["EngineResult", "Engine", "METRIC_COLUMNS", "Observable"]

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from factions.engines.needs import Need
from factions.engines.options import Option, check_options, describe_options

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from plotly.graph_objects import Figure

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
    degenerate
        ``None``, or why the result carries no information (e.g. "no violence in any
        month"); the report and the claims that use the engine's metrics flag it.
    """

    engine: str
    scenario_id: str
    seed: int
    summary: dict[str, Any] = field(default_factory=dict)
    degenerate: str | None = field(default=None, kw_only=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Named tidy tables (each becomes ``<engine>_<scenario>_<name>.csv`` in a report)."""
        return {}

    def figures(self) -> dict[str, Figure]:
        """Named plotly figures drawn from the tables (interactive in the HTML report)."""
        return {}

    def metrics(self) -> pd.DataFrame:
        """Tidy frame with columns ``metric, month, value`` (month ``None`` for scalars)."""
        import pandas as pd

        return pd.DataFrame(columns=METRIC_COLUMNS)

    def provided(self, name: str) -> Any:
        """What this result passes to consumers under ``name`` (default: the result)."""
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: provenance, summary and tables as records."""
        return {
            "engine": self.engine,
            "scenario_id": self.scenario_id,
            "seed": self.seed,
            "summary": self.summary,
            "degenerate": self.degenerate,
            "tables": {k: _records(v) for k, v in self.tables().items()},
        }


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    import pandas as pd

    out = df.reset_index(drop=True).astype(object).where(pd.notna(df.reset_index(drop=True)), None)
    return out.to_dict(orient="records")


@dataclass(frozen=True)
class Observable:
    """A quantity an observation may measure: ``help`` and, for per-location quantities,
    the location kinds its ``location`` must have (``None``: no location).

    ``regional``: the metric (a template with ``{region}``) the engine reports for one
    region's part of the quantity, for observations with ``region:`` (``None``: the
    quantity has no regional form); ``per_100k``: the engine reports the quantity per
    100,000 residents (so a region's metric times its residents / 100,000 is comparable
    with a count, up to one scale factor for the whole country)."""

    help: str
    location_kinds: tuple[str, ...] | None = None
    regional: str | None = None
    per_100k: bool = False


@dataclass(frozen=True)
class Engine:
    """A registered engine: its name, a one-line title, the run function and declarations.

    See the module docs for ``options``, ``needs``, ``provides``, ``consumes``,
    ``observables`` and ``metrics``. ``stochastic`` says whether the result depends on the
    seed (then the pipeline runs one replica per seed); ``stochastic_when(options)``
    overrides it for engines that are stochastic only in some modes.
    """

    name: str
    title: str
    run: Callable[..., EngineResult]
    options: tuple[Option, ...] = ()
    needs: tuple[Need, ...] = ()
    provides: tuple[str, ...] = ()
    consumes: tuple[str, ...] = ()
    observables: Mapping[str, Observable] = field(default_factory=dict)
    metrics: Callable[[Any], list[str]] | None = None
    reads: tuple[str, ...] | None = None
    null: Callable[..., pd.DataFrame] | None = None
    null_relative: bool = False
    lean: Callable[[Sequence[str], Mapping[str, Any]], dict[str, Any]] | None = None
    provide: Callable[..., Mapping[str, Any]] | None = None
    checks: Callable[[Any], list] | None = None
    uses_history: bool = False
    order: int = 50
    stochastic: bool = False
    stochastic_when: Callable[[Mapping], bool] | None = None

    def reads_param(self, name: str, scenario=None) -> bool:
        """Whether the engine's result depends on scenario parameter ``name`` (an effect
        strength ``shocks.<shock>.<effect>`` counts as the parameter the effect changes)."""
        if self.reads is None:
            return True
        if name.startswith("shocks.") and scenario is not None:
            from factions.scenario.params import effect_param, parameter_specs

            try:
                sid, j, _ = effect_param(name, scenario, parameter_specs(scenario))
            except KeyError:
                return True
            name = scenario.shock(sid).effects[j].param
        if name.startswith("routes."):
            return "routes." in self.reads
        return name.startswith(self.reads)

    def check_options(self, options: Mapping[str, Any] | None) -> dict[str, Any]:
        """Every declared option with its value; :class:`EngineError` for a bad one."""
        return check_options(self.name, self.options, options)

    def option_help(self) -> dict[str, str]:
        return describe_options(self.options)

    def is_stochastic(self, options: Mapping | None = None) -> bool:
        """Whether results depend on the seed under these options (then replicas differ)."""
        if self.stochastic_when is not None:
            return bool(self.stochastic_when(self.check_options(options)))
        return self.stochastic

    def execute(self, scenario, scenario_id: str, seed: int,
                options: Mapping[str, Any] | None = None,
                upstream: Mapping[str, Any] | None = None) -> EngineResult:
        """Check the options, then run (the only way the pipeline calls an engine)."""
        opts = self.check_options(options)
        ups = {k: v for k, v in (upstream or {}).items() if k in self.consumes}
        return self.run(scenario, scenario_id, int(seed), opts, ups)
