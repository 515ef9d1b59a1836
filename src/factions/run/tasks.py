"""What a worker runs: one task of a sweep (:func:`execute_task`) or the tasks of one draw
together (:func:`execute_bundle`), and how a sweep's tasks are grouped into such bundles
(:func:`bundles`)."""

from __future__ import annotations

__all__ = ["execute_task", "execute_bundle", "bundles"]

from collections.abc import Mapping, Sequence

import pandas as pd

from factions.run.plan import SCENARIO_PREFIXES, SweepTask
from factions.scenario import Scenario


def execute_task(scenario: Scenario, engine: str, scenario_id: str, seed: int,
                 params: Mapping, options: Mapping, engines: Sequence[str] | None = None,
                 strict: bool = False, keep=None) -> tuple[str, str, pd.DataFrame]:
    """Run one task (on a worker): ``(status, message, metrics[metric, month, value])``.

    Scenario parameters in ``params`` replace base values (:meth:`Scenario.with_base`);
    ``<engine>.<option>`` entries override that engine's options (``options`` is
    ``{engine: {option: value}}``). The engine runs after the providers among ``engines``
    of what it consumes, with the skip rules of :func:`factions.run.execute.run_engine`: an
    engine that cannot run on the scenario gives status ``skipped`` and its reason (or,
    when ``strict``, raises). The metrics are the engine's and its null model's
    (``null:<engine>.<metric>``), only those named in ``keep`` if given.
    """
    return execute_bundle(scenario, [(engine, scenario_id, seed, params)], options,
                          engines or [engine], keep, strict=strict)[0]


def execute_bundle(scenario: Scenario, items: Sequence[tuple[str, str, int, Mapping]],
                   options: Mapping, engines: Sequence[str] | None = None,
                   keep=None, strict: bool = False) -> list[tuple[str, str, pd.DataFrame]]:
    """Run several tasks of one draw (on a worker), one :func:`execute_task` result each.

    ``items`` are ``(engine, scenario_id, seed, params)`` whose params agree wherever they
    overlap (the inputs of one draw, as each task's engines read them). They run on one
    copy of the scenario with all of them applied — an engine reads only its own inputs,
    as the task keys assume — so what they share is computed once: the scenario's
    timelines, the results of deterministic providers (the align engine's ties for every
    consumer), and the ground engine's common history (:mod:`factions.engines.ground.prefix`).
    Each result is the one :func:`execute_task` gives for that task alone (``strict``: an
    engine that cannot run raises instead of giving status ``skipped``).
    """
    from factions.engines import get, resolve_engines
    from factions.run.execute import metric_rows, run_chain

    merged: dict = {}
    for _, _, _, params in items:
        merged.update(params)
    base = {k: float(v) for k, v in merged.items() if k.startswith(SCENARIO_PREFIXES)}
    opts = {k: dict(v) for k, v in options.items()}
    for k, v in merged.items():
        head, _, name = k.partition(".")
        if not k.startswith(SCENARIO_PREFIXES) and name:
            opts.setdefault(head, {})[name] = v
    sc = scenario.with_base(base) if base else scenario
    chain = [get(n) for n in (engines or dict.fromkeys(e for e, _, _, _ in items))]
    for e, _, _, _ in items:
        if e not in {c.name for c in chain}:
            chain.append(get(e))
    _, _, stoch = resolve_engines([e.name for e in chain], {k: v for k, v in opts.items()
                                                           if k in {e.name for e in chain}})
    done: dict = {}
    out = []
    for engine, sid, seed, _ in items:
        res = run_chain(get(engine), chain, sc, sid, int(seed), opts, strict=strict,
                        done=done, stochastic=stoch)
        if not res.ok:
            out.append(("skipped", res.skipped, _empty_metrics()))
        else:
            out.append(("ok", "", metric_rows(res, None if keep is None else set(keep))))
    return out


def _empty_metrics() -> pd.DataFrame:
    return pd.DataFrame({"metric": pd.Series(dtype=object), "month": pd.Series(dtype=object),
                         "value": pd.Series(dtype=float)})


def bundles(tasks: Sequence[SweepTask], max_size: int = 256) -> list[list[SweepTask]]:
    """Tasks grouped by draw (``run``) into bundles whose parameters agree where they
    overlap, in plan order (at most ``max_size`` each)."""
    open_: dict[int, list[tuple[dict, list[SweepTask]]]] = {}
    out: list[list[SweepTask]] = []
    for t in tasks:
        for merged, group in open_.setdefault(t.run, []):
            if len(group) < max_size and all(merged.get(k, v) == v
                                              for k, v in t.params.items()):
                merged.update(t.params)
                group.append(t)
                break
        else:
            group = [t]
            open_[t.run].append((dict(t.params), group))
            out.append(group)
    return out
