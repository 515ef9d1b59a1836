"""A scenario's ties month by month: typed by the file and its shocks, free ones evolved.

:func:`tie_series` is what the align engine publishes as ``"ties"`` (a
:class:`~factions.engines.channels.TieSeries`). Without a ``dynamics`` entry for the named
scenario every tie is *fixed*: the series is the timeline's ties (data, shocks applied).
With one (``scenarios[].dynamics``, ``docs/scenario.md``), from its month ``from`` the
*free* ties (the pairs its ``free`` patterns match and its ``fixed`` patterns do not)
evolve under its model, one month at a time
(:func:`~factions.engines.align.dynamics.evolve_schedule`), except while a shock's effect
on the pair is active: a tie a shock sets is an exogenous fact and follows the timeline.
A dated fact of the file is one too: in a month where a free tie's typed value changes (a
dated relation begins or ends: ``start``/``end``), the tie takes the new typed value that
month and evolves freely again from there (:func:`dated_changes`).
"""

from __future__ import annotations

__all__ = ["tie_series", "typed_ties", "shocked_ties", "free_pattern", "provide_ties",
           "dated_changes"]

from collections.abc import Mapping
from typing import Any

import numpy as np

from factions.engines.align.dynamics.schedule import evolve_schedule
from factions.engines.channels import TIES, TieSeries
from factions.errors import EngineError, FactionsError
from factions.scenario.months import month_index
from factions.scenario.params import canonical_param, parameter_specs


def typed_ties(tl, actors: list[str]) -> np.ndarray:
    """``(T, n, n)`` ties of a timeline (the file's ties with the shocks applied)."""
    index = {a: i for i, a in enumerate(actors)}
    at, table = tl.table()
    out = np.zeros((table.shape[0], len(actors), len(actors)))
    for col, j in at.items():
        if col.startswith("relations."):
            _, a, b = col.split(".")
            out[:, index[a], index[b]] = table[:, j]
            out[:, index[b], index[a]] = table[:, j]
    return out


def shocked_ties(scenario, tl, actors: list[str]) -> np.ndarray:
    """``(T, n, n)`` bool: ties on which a shock's effect is active (its ``from`` or the
    shock's month, to its ``until`` or the end; as :func:`factions.scenario.apply_effects`)."""
    index = {a: i for i, a in enumerate(actors)}
    idx = np.array([month_index(m) for m in tl.months])
    out = np.zeros((len(idx), len(actors), len(actors)), dtype=bool)
    specs = parameter_specs(scenario)
    for shock in tl.shocks:
        for eff in shock.effects:
            name, _ = canonical_param(eff.param, scenario, specs)
            if not name.startswith("relations."):
                continue
            _, a, b = name.split(".")
            lo = month_index(eff.from_ or shock.month)
            hi = month_index(eff.until) if eff.until else 10**9
            act = (idx >= lo) & (idx <= hi)
            out[act, index[a], index[b]] = out[act, index[b], index[a]] = True
    return out


def dated_changes(typed: np.ndarray) -> np.ndarray:
    """``(T, n, n)`` bool: the months in which a tie's typed value differs from the month
    before (a dated relation of the file begins or ends, or a shock's effect starts, ramps
    or stops); month 0 is never a change."""
    out = np.zeros(typed.shape, dtype=bool)
    out[1:] = np.abs(np.diff(typed, axis=0)) > 1e-12
    return out


def free_pattern(spec, actors: list[str]) -> np.ndarray:
    """``(n, n)`` bool: the pairs ``spec.free`` matches and ``spec.fixed`` does not (``*``
    matches any actor; the diagonal is never free)."""
    def match(pairs) -> np.ndarray:
        m = np.zeros((len(actors), len(actors)), dtype=bool)
        for p, q in pairs:
            rows = np.array([p in ("*", a) for a in actors])
            cols = np.array([q in ("*", a) for a in actors])
            m |= np.outer(rows, cols)
        return m | m.T

    out = match(spec.free) & ~match(spec.fixed)
    np.fill_diagonal(out, False)
    return out


def tie_series(scenario, scenario_id: str, seed: int = 0) -> TieSeries:
    """The ties of ``scenario_id`` month by month (see the module docs).

    Computed once per scenario object, named scenario and seed (kept on the scenario, whose
    copies made by ``with_base`` start without it); the arrays are read-only.

    Parameters
    ----------
    scenario : factions.scenario.Scenario
        Validated scenario (not modified).
    scenario_id : str
        A named scenario; its ``dynamics`` (if any) says which ties evolve.
    seed : int
        Seed of the stochastic dynamics models (unused by ``heider`` and ``continuous``).

    Returns
    -------
    TieSeries
        ``weights`` (evolved), ``typed`` (file and shocks), ``free`` and ``shocked`` masks.

    Raises
    ------
    EngineError
        A dynamics model or option the library refuses (``factions check`` reports these
        with their location first).

    Notes
    -----
    Month ``k`` of the period, from the dynamics' ``from`` on, starts from last month's
    ties on its free pairs and this month's typed ties on the others, then runs ``rate``
    model time of the model with the fixed ones held (``inertia`` keeps that share of the
    month's start on each free tie). Cost: see
    :func:`~factions.engines.align.dynamics.evolve_schedule` (a few milliseconds for 25
    actors over 48 months with the heider model).
    """
    cache = getattr(scenario, "_derived", None)
    key = ("tie_series", scenario_id, int(seed))
    if cache is not None and key in cache:
        return cache[key]
    out = _tie_series(scenario, scenario_id, seed)
    for arr in (out.weights, out.typed, out.free, out.shocked):
        arr.flags.writeable = False
    if cache is not None:
        cache[key] = out
    return out


def _tie_series(scenario, scenario_id: str, seed: int) -> TieSeries:
    tl = scenario.timeline(scenario_id)
    actors = [a.id for a in scenario.actors]
    typed = typed_ties(tl, actors)
    shocked = shocked_ties(scenario, tl, actors)
    spec = scenario.dynamics_of(scenario_id)
    if spec is None:
        return TieSeries(tuple(actors), tuple(tl.months), typed, typed,
                         np.zeros_like(shocked), shocked, None)
    start = tl.months.index(spec.from_) if spec.from_ else 0
    free = np.zeros_like(shocked)
    free[start:] = free_pattern(spec, actors)[None] & ~shocked[start:]
    free[start:] &= ~dated_changes(typed)[start:]
    try:
        weights = evolve_schedule(typed, free, spec.model, start=start, seed=seed,
                                  rate=spec.rate, inertia=spec.inertia, **spec.options)
    except FactionsError as exc:
        raise EngineError(f"align: dynamics {spec.id!r}: {exc}") from None
    return TieSeries(tuple(actors), tuple(tl.months), weights, typed, free, shocked,
                     spec.model)


def provide_ties(scenario, scenario_id: str, seed: int, options: Mapping[str, Any],
                 upstream: Mapping[str, Any] | None = None) -> dict[str, TieSeries]:
    """The engine's cheap path: only the ties it publishes (``{"ties": TieSeries}``), what
    :meth:`AlignResult.provided` gives after a full run."""
    return {TIES: tie_series(scenario, scenario_id, seed)}
