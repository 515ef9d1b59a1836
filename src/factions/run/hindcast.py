"""Hindcasts of a calibration: the accepted runs month by month against the data.

Each accepted run is first brought to the data's level (one factor per run, from the
fitted months only: the observed mean over the simulated mean with the ``shape``
distance, the observed total over the simulated total with ``scaled_log`` and
``scaled_sqrt``), then the
weighted 5 %, 50 % and 95 % quantiles are taken month by month, for every target and —
with several targets — for their sum (``total``). Months after ``fit_until`` are shown
(``fitted`` false) but never used for a factor or a correlation.
"""

from __future__ import annotations

__all__ = ["hindcast_of", "weighted_quantile"]

import numpy as np
import pandas as pd

from factions.run.targets import Target, run_factor


def weighted_quantile(values, q, weights=None) -> float:
    """Quantile ``q`` of ``values`` under normalised ``weights`` (interpolated on the
    weighted empirical CDF at mid-points; equal weights give NumPy's ``hazen`` rule)."""
    v = np.asarray(values, float)
    w = np.ones_like(v) if weights is None else np.asarray(weights, float)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cdf, v))


def _months(observed: pd.Series, window) -> pd.Index:
    months = observed.index
    if window is not None:
        months = months[(months >= window[0]) & (months <= window[1])]
    return months.sort_values()


def _run_scale(series: dict, targets: list[Target], fit, distance: str) -> float:
    """The level a run is brought to before it is shown against the data: with ``shape``
    its mean over the fitted months becomes the observed mean, with ``scaled_log`` or
    ``scaled_sqrt`` its total the observed total (the factor those distances fit); else
    1."""
    if distance in ("scaled_log", "scaled_sqrt"):
        return run_factor(series, targets, fit)
    if distance != "shape":
        return 1.0
    sims, obs = [], []
    for t in targets:
        months = _months(t.observed, fit).intersection(series[t.metric].index)
        sims.append(series[t.metric].loc[months].to_numpy(float) * t.to_counts)
        obs.append(t.observed.loc[months].to_numpy(float))
    ms = float(np.nanmean(np.concatenate(sims))) if sims else 0.0
    return float(np.nanmean(np.concatenate(obs))) / ms if ms else float("nan")


def hindcast_of(series: dict, runs, weights, targets: list[Target], window, fit,
              distance: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, float, float]:
    """Hindcast of each target and (several targets) of their total; the main one
    (single target or total), and Spearman's rho of its median with the data over the
    fitted months."""
    runs = list(runs)
    scale = {r: _run_scale(series[r], targets, fit, distance) for r in runs}
    w = None if weights is None else np.asarray(weights, float)
    frames, total_sim, total_obs, member_frames = [], None, None, []
    weight_of = dict(zip(runs, np.ones(len(runs)) / len(runs) if w is None else w / w.sum(),
                         strict=True))

    def members_of(name, acc):
        long = acc.rename_axis("month").reset_index().melt(id_vars="month", var_name="run")
        long.insert(0, "target", name)
        long["weight"] = long["run"].map(weight_of)
        return long

    for t in targets:
        months = _months(t.observed, window)
        acc = pd.DataFrame({r: series[r][t.metric].reindex(months).to_numpy(float)
                            * t.to_counts * scale[r] for r in runs}, index=months)
        frames.append(_quantile_frame(t.name, acc, t.observed.loc[months], w, fit))
        member_frames.append(members_of(t.name, acc))
        if len(targets) > 1:
            total_sim = acc if total_sim is None else total_sim.add(acc, fill_value=np.nan)
            ob = t.observed.loc[months]
            total_obs = ob if total_obs is None else total_obs.add(ob)
    if len(targets) > 1:
        keep = total_obs.dropna().index
        frames.append(_quantile_frame("total", total_sim.loc[keep], total_obs.loc[keep], w, fit))
        member_frames.append(members_of("total", total_sim.loc[keep]))
    hindcasts = pd.concat(frames, ignore_index=True)
    members = pd.concat(member_frames, ignore_index=True)
    main = hindcasts[hindcasts["target"] == ("total" if len(targets) > 1 else targets[0].name)]
    main = main.drop(columns="target").reset_index(drop=True)
    fitted = main[main["fitted"]]
    rho = pval = float("nan")
    if len(fitted) > 2 and np.nanstd(fitted["median"]) > 0 and np.ptp(fitted["observed"]) > 0:
        from scipy import stats

        r = stats.spearmanr(fitted["median"], fitted["observed"], nan_policy="omit")
        rho, pval = float(r.statistic), float(r.pvalue)
    if len(targets) == 1 and fit == window:
        main = main.drop(columns="fitted")
    return main, hindcasts, members, rho, pval


def _quantile_frame(name: str, acc: pd.DataFrame, observed: pd.Series, w, fit) -> pd.DataFrame:
    def q(level):
        out = []
        for row in acc.to_numpy(float):
            ok = ~np.isnan(row)
            out.append(weighted_quantile(row[ok], level, None if w is None else w[ok])
                       if ok.any() else np.nan)
        return out

    months = acc.index
    fitted = np.ones(len(months), bool) if fit is None else np.asarray(
        (months >= fit[0]) & (months <= fit[1]))
    return pd.DataFrame({"target": name, "month": months,
                         "observed": observed.to_numpy(float), "median": q(0.5),
                         "low": q(0.05), "high": q(0.95), "fitted": fitted})
