"""What a calibration is held against: one or several observed series, each with the
metric it measures, and the distance between simulated and observed series.

A *target* is an observation and the engine metric it measures: its ``compares`` quantity
``<engine>.<name>`` for a national series, the engine's regional metric for a series with
``region:`` (declared by the engine's :class:`~factions.engines.base.Observable`, e.g.
``ground.region_deaths.<region>``). Several targets are compared at once by stacking
their months into one vector; when the engine reports the quantity per 100,000 residents,
each region's simulated values are first multiplied by its residents / 100,000 (the
country's residents for a national series), so that one scale factor for the whole
country maps the model to the data and the regions' levels are compared too, not only
their time profiles.

A fit may stop at a month (``fit_until``): later months never enter a distance, a scale
factor or the choice of the accepted runs — they are held out for
:mod:`factions.run.validate`.
"""

from __future__ import annotations

__all__ = ["Target", "calibration_targets", "stacked_distance", "fit_window", "run_factor"]

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from factions.errors import InputError


@dataclass(frozen=True)
class Target:
    """One observed series and the metric it measures.

    ``to_counts`` multiplies the simulated metric before comparison (residents / 100,000
    for a per-100k metric held with other regions, else 1).
    """

    name: str
    metric: str
    observed: pd.Series
    to_counts: float = 1.0
    region: str | None = None


def calibration_targets(scenario, observations: Sequence[str]) -> list[Target]:
    """The targets of several observations (ids), each with its metric.

    Raises
    ------
    InputError
        An unknown observation, one without ``compares``, or a regional observation whose
        quantity has no regional metric.
    """
    from factions.engines import observables

    known = observables()
    residents = {r.id: r.population for r in scenario.regions}
    country = sum(v for v in residents.values() if v) or None
    out = []
    for oid in observations:
        try:
            obs = scenario.observation(oid)
        except KeyError:
            have = ", ".join(o.id for o in scenario.observations) or "none"
            raise InputError(f"observation {oid!r} is not in the scenario; it has: {have}") \
                from None
        if obs.compares is None or obs.compares not in known:
            raise InputError(f"observation {oid!r} declares no quantity an engine reports "
                             "(`compares:`), so it cannot be a calibration target")
        spec = known[obs.compares]
        engine = obs.compares.split(".", 1)[0]
        people = country
        metric = obs.compares
        if obs.region is not None:
            if spec.regional is None:
                raise InputError(f"observation {oid!r}: {obs.compares} has no regional form")
            metric = f"{engine}.{spec.regional.format(region=obs.region)}"
            people = residents.get(obs.region)
        factor = float(people) / 1e5 if spec.per_100k and people else 1.0
        out.append(Target(oid, metric, pd.Series(obs.series, dtype=float).sort_index(),
                          factor, obs.region))
    return out


def fit_window(window: tuple[str, str] | None, fit_until: str | None,
               ) -> tuple[str, str] | None:
    """The months a fit uses: ``window`` cut at ``fit_until`` (inclusive)."""
    if fit_until is None:
        return window
    lo, hi = window if window is not None else ("0000-01", fit_until)
    if fit_until < lo:
        raise InputError(f"fit_until {fit_until} is before the window's first month {lo}")
    return lo, min(hi, fit_until)


def _aligned(sim: pd.Series, target: Target, window) -> tuple[np.ndarray, np.ndarray]:
    common = sim.index.intersection(target.observed.index)
    if window is not None:
        common = common[(common >= window[0]) & (common <= window[1])]
    common = common.sort_values()
    s = sim.loc[common].to_numpy(float) * target.to_counts
    o = target.observed.loc[common].to_numpy(float)
    ok = ~(np.isnan(s) | np.isnan(o))
    return s[ok], o[ok]


def run_factor(series: dict[str, pd.Series], targets: Sequence[Target], window) -> float:
    """The one scale factor of a run: observed total / simulated total (in counts) over the
    fit window and all targets (NaN when the run simulated nothing)."""
    s_tot = o_tot = 0.0
    for t in targets:
        if t.metric not in series:
            continue
        s, o = _aligned(series[t.metric], t, window)
        s_tot += float(s.sum())
        o_tot += float(o.sum())
    return o_tot / s_tot if s_tot > 0 else float("nan")


def stacked_distance(series: dict[str, pd.Series], targets: Sequence[Target], kind: str,
                     window) -> float:
    """Distance between one run's metrics and all targets, months of every target stacked.

    Raises
    ------
    InputError
        Unknown ``kind``, a target metric the run lacks, or no month in common.
    """
    from factions.run.calibrate import DISTANCES

    if kind not in DISTANCES:
        raise InputError(f"unknown distance {kind!r}; use one of {', '.join(DISTANCES)}")
    sims, obs = [], []
    for t in targets:
        if t.metric not in series:
            raise InputError(f"the runs report no metric {t.metric!r} (target {t.name})")
        s, o = _aligned(series[t.metric], t, window)
        sims.append(s)
        obs.append(o)
    s, o = np.concatenate(sims), np.concatenate(obs)
    if not len(s):
        raise InputError("the simulated and observed series have no month in common"
                         + (f" within {window[0]}..{window[1]}" if window else ""))
    return DISTANCES[kind](s, o)
