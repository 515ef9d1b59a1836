"""Calibration by approximate Bayesian computation (ABC rejection) through the sweep.

A *prior* — independent distributions of free parameters (engine options such as
``ground.kill_scale`` or scenario parameters such as ``parameters.violence_scale``) — is
sampled by a sweep: run ``r`` draws its parameters from the prior and uses seed
``seed + r``, so prior draws and model noise are both in the ensemble. Each run's monthly
metric series (default ``ground.deaths`` under the scenario of what happened) is compared
with an observed series (default: the observation that declares it measures the metric,
``compares: ground.deaths``) by a distance; the runs with the smallest
distances — a fraction ``accept`` of all — form the posterior sample (Pritchard et al.
1999; Beaumont 2010, section 2).

The accepted runs are also the *hindcast*: their median and 90 % interval month by month
against the data, with Spearman's rank correlation between the median and the data.
:func:`posterior_sweep` reruns any scenarios with parameter sets drawn from the posterior
(``draws=`` of :func:`factions.run.sweep.sweep`), so that scenario comparisons and claims
carry the calibration uncertainty.
"""

from __future__ import annotations

__all__ = ["DISTANCES", "series_distance", "ABCResult", "abc_rejection", "posterior_sweep",
           "resolve_targets"]

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from factions.errors import InputError
from factions.run.distributions import Distribution
from factions.run.hindcast import hindcast_of as _hindcast
from factions.run.hindcast import weighted_quantile
from factions.run.sweep import SweepResult, sweep
from factions.run.targets import (
    Target,
    calibration_targets,
    fit_window,
    stacked_distance,
)
from factions.scenario import Scenario


def _rmse(s, o):
    return float(np.sqrt(np.mean((s - o) ** 2)))


def _log_rmse(s, o):
    return _rmse(np.log1p(np.clip(s, 0, None)), np.log1p(np.clip(o, 0, None)))


def _nrmse(s, o):
    scale = float(np.mean(np.abs(o)))
    return _rmse(s, o) / scale if scale > 0 else _rmse(s, o)


def _rank(s, o):
    if np.ptp(s) == 0 or np.ptp(o) == 0:
        return 1.0
    from scipy import stats

    return float(1.0 - stats.spearmanr(s, o).statistic)


def _shape(s, o):
    ms, mo = float(np.mean(s)), float(np.mean(o))
    if ms <= 0 or mo <= 0:
        return float("inf")
    return _rmse(s / ms, o / mo)


def _scaled_log(s, o):
    ts, to = float(np.sum(s)), float(np.sum(o))
    if ts <= 0 or to <= 0:
        return float("inf")
    return _log_rmse(s * (to / ts), o)


def _scaled_sqrt(s, o):
    ts, to = float(np.sum(s)), float(np.sum(o))
    if ts <= 0 or to <= 0:
        return float("inf")
    o = np.clip(o, 0, None)
    return _rmse(np.sqrt(np.clip(s, 0, None) * (to / ts)), np.sqrt(o)) / np.sqrt(np.mean(o))


#: distance name -> function of (simulated, observed) aligned arrays
DISTANCES = {"rmse": _rmse, "log_rmse": _log_rmse, "nrmse": _nrmse, "rank": _rank,
             "shape": _shape, "scaled_log": _scaled_log, "scaled_sqrt": _scaled_sqrt}


def series_distance(simulated: pd.Series, observed: pd.Series, kind: str = "log_rmse",
                    window: tuple[str, str] | None = None) -> float:
    """Distance between a simulated and an observed monthly series on their common months.

    Parameters
    ----------
    simulated, observed
        Series indexed by month ``'YYYY-MM'``.
    kind
        ``log_rmse`` (default: root mean squared difference of ``log(1 + x)``, i.e. of
        relative errors, so that a 10 % miss counts alike at 100 and at 3,000 deaths),
        ``rmse``, ``nrmse`` (RMSE over the mean absolute observation), ``rank``
        (``1 - Spearman`` correlation) or ``shape`` (RMSE between the two series each
        divided by its mean over the compared months: the time profile, whatever the
        level; infinite when the simulated series is all zero) or ``scaled_log``
        (``log_rmse`` after multiplying the simulated series by the one factor that makes
        its total the observed total: the level is fitted, relative errors count). Use
        ``shape`` or ``scaled_log`` when the model's unit is not the data's (a stylised
        lattice against a country's deaths); ``scaled_sqrt`` is the same with square roots
        (the variance-stabilising transform of counts, Anscombe 1948) instead of logs,
        divided by the root of the observed mean: a month without deaths on a small
        lattice costs the root of the observed value, not the whole log-scale distance to
        it; with several series at once
        (:mod:`factions.run.targets`) the months of all are stacked, so one factor serves
        them all and their levels are compared too.
    window
        First and last month to compare (inclusive).

    Raises
    ------
    InputError
        Unknown ``kind`` or no common month.
    """
    if kind not in DISTANCES:
        raise InputError(f"unknown distance {kind!r}; use one of {', '.join(DISTANCES)}")
    common = simulated.index.intersection(observed.index)
    if window is not None:
        common = common[(common >= window[0]) & (common <= window[1])]
    common = common.sort_values()
    s = simulated.loc[common].to_numpy(float)
    o = observed.loc[common].to_numpy(float)
    ok = ~(np.isnan(s) | np.isnan(o))
    if not ok.any():
        raise InputError("the simulated and observed series have no month in common"
                         + (f" within {window[0]}..{window[1]}" if window else ""))
    return DISTANCES[kind](s[ok], o[ok])


@dataclass
class ABCResult:
    """Result of :func:`abc_rejection`.

    Attributes
    ----------
    runs
        One row per run: ``run, seed``, parameter values, ``distance``, ``accepted``,
        ``weight`` (importance weight of an accepted run; 1 in rejection ABC).
    posterior
        Per parameter: prior and posterior mean, median, 5 % and 95 % quantiles.
    hindcast
        Per month: ``observed`` and the accepted runs' ``median, low, high`` (with the
        ``shape`` distance each accepted run is first scaled to the observed mean).
    spearman, spearman_p
        Rank correlation of hindcast median with the observations, and its p-value.
    epsilon
        Largest accepted distance.
    generations
        ABC-SMC only: per generation ``generation, runs, epsilon, ess`` (effective sample
        size of the weights).
    targets
        The observed series fitted (:class:`~factions.run.targets.Target`); one unless
        several observations were fitted jointly.
    hindcasts
        Per target (and ``total``, their sum, when there are several) and month: ``target,
        month, observed, median, low, high, fitted`` (``fitted``: the month was used by
        the fit; the others, after ``fit_until``, are held out).
    members
        The accepted runs themselves, as shown in the hindcast: ``target, month, run,
        value, weight`` (the forecast distribution that :mod:`factions.run.validate`
        scores on held-out months).
    fit_until
        Last month fitted (``None``: every month of the window).
    """

    prior: dict[str, Distribution]
    metric: str
    observed: pd.Series
    runs: pd.DataFrame
    posterior: pd.DataFrame
    hindcast: pd.DataFrame
    spearman: float
    spearman_p: float
    epsilon: float
    sweep: SweepResult
    generations: pd.DataFrame | None = None
    targets: list = field(default_factory=list)
    hindcasts: pd.DataFrame = field(default_factory=pd.DataFrame)
    fit_until: str | None = None
    members: pd.DataFrame = field(default_factory=pd.DataFrame)

    def posterior_draws(self, n: int | None = None, seed: int = 0) -> pd.DataFrame:
        """Parameter sets from the posterior (one column per parameter), for
        ``sweep(draws=…)``: the accepted sets themselves when they weigh alike and ``n`` is
        not given, else ``n`` (default: as many as accepted) resampled by weight with
        ``numpy.random.default_rng(seed)``."""
        acc = self.runs[self.runs["accepted"]]
        w = acc["weight"].to_numpy(float) if "weight" in acc else np.ones(len(acc))
        if n is None and np.allclose(w, w[0]):
            return acc[list(self.prior)].reset_index(drop=True)
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(acc), size=n or len(acc), replace=True, p=w / w.sum())
        return acc[list(self.prior)].iloc[idx].reset_index(drop=True)

    def figures(self) -> dict:
        """``hindcast``: accepted runs against the data; ``posterior``: prior vs posterior."""
        from factions.report.plots import month_axis, new_figure

        panels = ([("", self.hindcast)] if self.hindcasts.empty else
                  list(self.hindcasts.groupby("target", sort=False)))
        cols = 1 if len(panels) == 1 else 3
        rows = (len(panels) + cols - 1) // cols
        fig = new_figure(9 if cols == 1 else 11, 3.8 if cols == 1 else 2.8 * rows)
        for i, (name, h) in enumerate(panels):
            ax = fig.add_subplot(rows, cols, i + 1)
            x = np.arange(len(h))
            ax.fill_between(x, h["low"], h["high"], color="C0", alpha=0.25, lw=0,
                            label="accepted runs, 90 %")
            ax.plot(x, h["median"], color="C0", label="accepted runs, median")
            ax.plot(x, h["observed"], "ko", ms=3, label="observed")
            if self.fit_until is not None and (h["month"] > self.fit_until).any():
                ax.axvline(int((h["month"] <= self.fit_until).sum()) - 0.5, color="C3", lw=1,
                           ls="--", label=f"fitted up to {self.fit_until}")
            title = (f"Hindcast of {self.metric} (Spearman {self.spearman:.2f})" if not name
                     else f"{name}" + (f" (Spearman {self.spearman:.2f}, fitted months)"
                                       if name == "total" else ""))
            ax.set_title(title, fontsize=9 if name else 10)
            if i == 0:
                ax.legend(fontsize=7)
            month_axis(ax, list(h["month"]), every=max(1, len(h) // 8))
        post = new_figure(3.2 * len(self.prior), 3)
        for i, name in enumerate(self.prior):
            a = post.add_subplot(1, len(self.prior), i + 1)
            vals = self.runs[name].to_numpy(float)
            bins = np.histogram_bin_edges(vals, bins=20)
            a.hist(vals, bins=bins, color="grey", alpha=0.5, density=True, label="prior")
            a.hist(self.runs.loc[self.runs["accepted"], name].to_numpy(float), bins=bins,
                   color="C1", alpha=0.7, density=True, label="posterior")
            a.set_title(name, fontsize=8)
        post.axes[0].legend(fontsize=7)
        return {"hindcast": fig, "posterior": post}


def _observed(scenario: Scenario, observation, metric: str = "ground.deaths") -> pd.Series:
    """The observed series: a Series, an observation id, or (``None``) the national
    observation that declares ``compares: <metric>``."""
    if isinstance(observation, pd.Series):
        return observation.astype(float).sort_index()
    if observation is None:
        found = [o for o in scenario.observations_of(metric) if o.region is None]
        if not found:
            raise InputError(f"no observation declares `compares: {metric}`; name one")
        observation = found[0].id
    try:
        obs = scenario.observation(observation)
    except KeyError:
        known = ", ".join(o.id for o in scenario.observations) or "none"
        raise InputError(f"observation {observation!r} is not in the scenario; "
                         f"it has: {known}") from None
    return pd.Series(obs.series, dtype=float).sort_index()


def _scale(scenario: Scenario, scale) -> float:
    if isinstance(scale, str):
        kind, _, pid = scale.partition(":")
        values = {p.id: p.value for p in scenario.parameters}
        if kind != "per_100k" or pid not in values:
            raise InputError(f"observation_scale {scale!r}: use a number or per_100k:<param> "
                             f"with a scenario parameter ({', '.join(values) or 'none'})")
        if not values[pid] > 0:
            raise InputError(f"observation_scale {scale!r}: parameter {pid} must be > 0")
        return 1e5 / float(values[pid])
    return float(scale)


def _quantiles(v, w=None) -> dict:
    v = np.asarray(v, float)
    w = np.ones_like(v) if w is None else np.asarray(w, float)
    return {"mean": float(np.average(v, weights=w)),
            "median": weighted_quantile(v, 0.5, w), "low": weighted_quantile(v, 0.05, w),
            "high": weighted_quantile(v, 0.95, w)}


def _check(prior: Mapping[str, Distribution], distance: str) -> None:
    if not prior:
        raise InputError("calibration needs at least one parameter with a prior")
    for name, dist in prior.items():
        if not dist.random:
            raise InputError(f"prior of {name}: {dist.describe()} is a grid, not a "
                             "distribution; use uniform, normal or choice")
    if distance not in DISTANCES:
        raise InputError(f"unknown distance {distance!r}; use one of {', '.join(DISTANCES)}")


def _score(res: SweepResult, targets: list[Target], names, distance: str,
           window) -> tuple[pd.DataFrame, dict]:
    """Per run: seed, parameter values and distance; and each run's simulated series
    ``{run: {metric: Series}}`` (every month, held-out ones too)."""
    ens = res.ensemble()
    metrics = {t.metric for t in targets}
    ens = ens[ens["metric"].isin(metrics) & ens["month"].notna()]
    if ens.empty:
        raise InputError("the sweep produced no monthly values of "
                         + ", ".join(repr(m) for m in sorted(metrics)))
    rows, series = [], {}
    for run, g in ens.groupby("run", sort=True):
        sims = {m: pd.Series(x["value"].to_numpy(float), index=x["month"].to_numpy())
                for m, x in g.groupby("metric", sort=False)}
        series[run] = sims
        if len(targets) == 1 and targets[0].to_counts == 1.0:
            t = targets[0]
            d = series_distance(sims[t.metric], t.observed, distance, window)
        else:
            d = stacked_distance(sims, targets, distance, window)
        rows.append({"run": run, "seed": int(g["seed"].iloc[0]),
                     **{p: g[p].iloc[0] for p in names}, "distance": d})
    return pd.DataFrame.from_records(rows), series


def _keep_best(table: pd.DataFrame, n_keep: int) -> pd.DataFrame:
    order = np.lexsort((table["run"].to_numpy(), table["distance"].to_numpy()))
    table = table.copy()
    table["accepted"] = False
    table.loc[table.index[order[:n_keep]], "accepted"] = True
    return table


def _posterior_table(prior, prior_values: pd.DataFrame, accepted: pd.DataFrame,
                     weights=None) -> pd.DataFrame:
    rows = []
    for p in prior:
        if not pd.api.types.is_numeric_dtype(accepted[p]):
            continue
        pri = _quantiles(prior_values[p].to_numpy(float))
        pos = _quantiles(accepted[p].to_numpy(float), weights)
        rows.append({"parameter": p, "prior": prior[p].describe(),
                     **{f"prior_{k}": v for k, v in pri.items()},
                     **{f"post_{k}": v for k, v in pos.items()}})
    return pd.DataFrame.from_records(rows)


def abc_rejection(scenario: Scenario, prior: Mapping[str, Distribution],
                  observation: str | pd.Series | None = None, metric: str = "ground.deaths",
                  scenario_id: str | None = None, runs: int = 200, accept: float = 0.1,
                  distance: str = "log_rmse", window: tuple[str, str] | None = None,
                  seed: int = 0, out_dir: str | Path = "calibration",
                  options: Mapping[str, Mapping] | None = None,
                  observation_scale: float | str = 1.0,
                  observations: Sequence[str] | None = None, fit_until: str | None = None,
                  **sweep_kwargs) -> ABCResult:
    """ABC rejection of ``prior`` against ``observation`` through a sweep.

    Parameters
    ----------
    prior
        Random distributions (uniform, normal, choice) of the free parameters; grid axes
        are refused (each run must be a draw from the prior).
    metric
        ``<engine>.<metric>``; the engine is run alone on ``scenario_id``.
    accept
        Fraction of runs kept (the ``accept`` quantile of the distances is the tolerance
        epsilon; at least one run is kept).
    window
        Months compared (default: every month in both series).
    observation_scale
        Factor applied to the observed series before comparison, or ``per_100k:<param>``
        to turn counts into rates per 100,000 people of the scenario parameter ``<param>``
        (e.g. ``per_100k:<population parameter>``, since the ground engine reports deaths per
        100,000 lattice citizens while IBC counts deaths in the whole country).
    observations
        Several observation ids fitted jointly instead of ``observation`` (e.g. one series
        per region), each against the metric it measures (:mod:`factions.run.targets`);
        ``metric`` and ``observation_scale`` are then not used.
    fit_until
        Last month fitted: later months are simulated (the hindcast shows them) but never
        enter a distance or the choice of the accepted runs.
    sweep_kwargs
        Passed to :func:`factions.run.sweep.sweep` (``scheduler``, ``workers``,
        ``progress``, …).

    Returns
    -------
    ABCResult

    Raises
    ------
    InputError
        Bad prior, ``accept`` outside (0, 1], unknown observation, no common months.

    Notes
    -----
    Rejection ABC with a quantile tolerance draws from an approximation of the posterior
    that tends to the true one as ``accept`` → 0 and ``runs`` → ∞ (Beaumont 2010). With
    one seed per draw the model's own noise enters the distance, as it should for a
    stochastic simulator. No regression adjustment is applied.

    References
    ----------
    Pritchard, J. K., Seielstad, M. T., Perez-Lezaun, A., Feldman, M. W. (1999).
    Population growth of human Y chromosomes: a study of Y chromosome microsatellites.
    *Molecular Biology and Evolution* 16(12), 1791–1798.
    Beaumont, M. A. (2010). Approximate Bayesian computation in evolution and ecology.
    *Annual Review of Ecology, Evolution, and Systematics* 41, 379–406.
    """
    _check(prior, distance)
    if not 0 < accept <= 1:
        raise InputError(f"accept must be in (0, 1], got {accept}")
    targets = resolve_targets(scenario, observation, metric, observation_scale, observations)
    fit = fit_window(window, fit_until)
    scenario_id = scenario_id or scenario.history_id()
    engines = list(dict.fromkeys(t.metric.split(".", 1)[0] for t in targets))
    res = sweep(scenario, [scenario_id], engines, runs=runs, vary=dict(prior), seed=seed,
                out_dir=out_dir, options=options, **sweep_kwargs)
    table, series = _score(res, targets, list(prior), distance, fit)
    table = _keep_best(table, max(1, int(np.floor(accept * len(table) + 1e-9))))
    table["weight"] = table["accepted"].astype(float)
    accepted = table[table["accepted"]]
    epsilon = float(accepted["distance"].max())
    posterior = _posterior_table(prior, table, accepted)
    hind, hinds, members, rho, pval = _hindcast(series, accepted["run"], None, targets,
                                                window, fit, distance)
    label = targets[0].metric if len(targets) == 1 else ", ".join(t.metric for t in targets)
    return ABCResult(dict(prior), label, targets[0].observed, table, posterior, hind, rho,
                     pval, epsilon, res, targets=targets, hindcasts=hinds,
                     fit_until=fit_until, members=members)


def resolve_targets(scenario: Scenario, observation, metric: str, observation_scale,
                    observations: Sequence[str] | None) -> list[Target]:
    """The targets of a calibration: several observations (their own metrics), or one
    observation against ``metric`` (scaled by ``observation_scale``)."""
    if observations:
        return calibration_targets(scenario, observations)
    observed = _observed(scenario, observation, metric) * _scale(scenario, observation_scale)
    name = observation if isinstance(observation, str) else "observed"
    return [Target(name, metric, observed)]


def posterior_sweep(scenario: Scenario, abc: ABCResult, runs: int | None = None,
                    scenario_ids: Sequence[str] | None = None,
                    engine_names: Sequence[str] | None = None, **sweep_kwargs) -> SweepResult:
    """Sweep ``scenario_ids`` with parameter sets from the posterior: run ``r`` takes the
    ``r``-th accepted set (cycling; resampled by weight after ABC-SMC), so the posterior's
    joint structure is kept. ``runs`` defaults to the number of accepted sets."""
    acc = abc.runs[abc.runs["accepted"]]
    equal = np.allclose(acc["weight"], acc["weight"].iloc[0])
    draws = abc.posterior_draws() if equal else abc.posterior_draws(n=runs or len(acc))
    engines = engine_names or [abc.metric.split(".", 1)[0]]
    return sweep(scenario, scenario_ids, engines, runs=runs or len(draws), draws=draws,
                 **sweep_kwargs)
