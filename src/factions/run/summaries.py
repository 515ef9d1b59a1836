"""Ensemble summaries: medians and intervals, sensitivity to varied parameters, figures.

All functions take the *ensemble frame* of a sweep (:meth:`SweepResult.ensemble`): one row
per replica (``point, run``), engine, scenario, metric and month, with a ``value`` and one
column per varied parameter.
"""

from __future__ import annotations

__all__ = ["ensemble_summary", "replica_outputs", "sensitivity", "prcc", "fan_chart",
           "tornado_chart", "sweep_claims"]

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from factions.errors import InputError

_KEYS = ["point", "run"]


def ensemble_summary(ensemble: pd.DataFrame, level: float = 0.9,
                     by: Sequence[str] = ("scenario", "metric", "month")) -> pd.DataFrame:
    """Median and central ``level`` interval of each metric over the ensemble.

    Parameters
    ----------
    ensemble
        Sweep ensemble frame (columns ``scenario, metric, month, value`` at least).
    level
        Coverage of the interval: ``0.9`` gives the 5 % and 95 % quantiles.
    by
        Grouping columns; add ``"point"`` to summarise every grid point apart.

    Returns
    -------
    DataFrame
        ``by`` columns, then ``n, mean, median, low, high`` (quantiles computed with
        linear interpolation, NumPy's default). Scalar metrics have ``month`` missing.
    """
    if not 0 < level < 1:
        raise InputError(f"interval level must be in (0, 1), got {level}")
    q = (1 - level) / 2
    by = list(by)
    data = ensemble.assign(month=ensemble["month"].fillna("")) if "month" in by else ensemble
    g = data.groupby(by, sort=True)["value"]
    out = pd.DataFrame({"n": g.count(), "mean": g.mean(), "median": g.median(),
                        "low": g.quantile(q), "high": g.quantile(1 - q)}).reset_index()
    if "month" in by:
        out["month"] = out["month"].replace("", None)
    return out


def replica_outputs(ensemble: pd.DataFrame, agg: str = "mean",
                    window: tuple[str, str] | None = None) -> pd.DataFrame:
    """One number per replica, scenario and metric: ``agg`` of the metric over months
    (within ``window`` if given), with the replica's parameter values as columns."""
    data = ensemble
    if window is not None:
        m = data["month"]
        data = data[m.isna() | ((m >= window[0]) & (m <= window[1]))]
    params = _param_columns(ensemble)
    ys = (data.groupby(_KEYS + ["scenario", "metric"], sort=True)["value"].agg(agg)
          .rename("output").reset_index())
    if params:
        pv = ensemble[_KEYS + params].drop_duplicates(_KEYS)
        ys = ys.merge(pv, on=_KEYS, how="left")
    return ys


def _param_columns(ensemble: pd.DataFrame) -> list[str]:
    fixed = {"key", "engine", "scenario", "point", "run", "seed", "metric", "month", "value",
             "status", "message", "params"}
    return [c for c in ensemble.columns if c not in fixed]


def prcc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Partial rank correlation of ``y`` with each column of ``x`` (Marino et al. 2008).

    Ranks all variables, removes from the rank of ``x_j`` and of ``y`` their linear
    regression on the ranks of the other columns, and correlates the residuals.

    References
    ----------
    Marino, S., Hogue, I. B., Ray, C. J., Kirschner, D. E. (2008). A methodology for
    performing global uncertainty and sensitivity analysis in systems biology. *Journal
    of Theoretical Biology* 254(1), 178–196, section 2.3.2.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    n, k = x.shape
    if n < k + 3:
        return np.full(k, np.nan)
    rx = np.column_stack([stats.rankdata(x[:, j]) for j in range(k)])
    ry = stats.rankdata(y)
    out = np.full(k, np.nan)
    for j in range(k):
        others = np.column_stack([np.ones(n), np.delete(rx, j, axis=1)])
        beta_x = np.linalg.lstsq(others, rx[:, j], rcond=None)[0]
        beta_y = np.linalg.lstsq(others, ry, rcond=None)[0]
        ex, ey = rx[:, j] - others @ beta_x, ry - others @ beta_y
        if ex.std() > 0 and ey.std() > 0:
            out[j] = float(np.corrcoef(ex, ey)[0, 1])
    return out


def sensitivity(ensemble: pd.DataFrame, metrics: Sequence[str] | None = None,
                parameters: Sequence[str] | None = None, agg: str = "mean",
                window: tuple[str, str] | None = None) -> pd.DataFrame:
    """Rank sensitivity of each metric (aggregated per replica) to each varied parameter.

    Returns
    -------
    DataFrame
        ``scenario, metric, parameter, spearman, p_value, prcc, n``. ``spearman`` is
        Spearman's rank correlation between the parameter's draws and the replica
        outputs, with its two-sided p-value; ``prcc`` the partial rank correlation
        controlling for the other numeric parameters (:func:`prcc`). NaN where the output
        or the parameter does not vary.

    Notes
    -----
    Rank correlations capture monotone effects; a parameter with a strong non-monotone
    effect can score near zero. Grid axes and random draws are treated alike: each
    replica is one observation.
    """
    ys = replica_outputs(ensemble, agg, window)
    params = list(parameters) if parameters else _param_columns(ensemble)
    params = [p for p in params if p in ys.columns and pd.api.types.is_numeric_dtype(ys[p])]
    if metrics is not None:
        ys = ys[ys["metric"].isin(list(metrics))]
    rows = []
    for (sid, metric), g in ys.groupby(["scenario", "metric"], sort=True):
        g = g.dropna(subset=["output"])
        y = g["output"].to_numpy(float)
        x = g[params].to_numpy(float) if params else np.empty((len(g), 0))
        partial = prcc(x, y) if params else np.array([])
        for j, p in enumerate(params):
            rho = pval = np.nan
            if np.ptp(x[:, j]) > 0 and np.ptp(y) > 0 and len(y) > 2:
                res = stats.spearmanr(x[:, j], y)
                rho, pval = float(res.statistic), float(res.pvalue)
            rows.append({"scenario": sid, "metric": metric, "parameter": p, "spearman": rho,
                         "p_value": pval, "prcc": float(partial[j]), "n": len(y)})
    return pd.DataFrame.from_records(
        rows, columns=["scenario", "metric", "parameter", "spearman", "p_value", "prcc", "n"])


def fan_chart(ensemble: pd.DataFrame, metric: str, scenarios: Sequence[str] | None = None,
              observed: pd.Series | None = None, levels: Sequence[float] = (0.5, 0.9),
              title: str | None = None):
    """Fan chart of a monthly metric: median line and shaded central intervals per scenario.

    ``observed`` (a Series indexed by month) is drawn as points over the fans. Returns a
    :class:`plotly.graph_objects.Figure`; clicking a scenario in the legend hides its line
    and bands together.
    """
    import plotly.graph_objects as go

    from factions.report.charts import colour, new_plot

    data = ensemble[(ensemble["metric"] == metric) & ensemble["month"].notna()]
    if data.empty:
        raise InputError(f"no monthly values of metric {metric!r} in the ensemble")
    scenarios = list(scenarios) if scenarios else sorted(data["scenario"].unique())
    fig = new_plot(title or f"{metric}: ensemble over {data['run'].nunique()} runs",
                   height=400, hovermode="x unified")
    for k, sid in enumerate(scenarios):
        c = colour(k)
        g = data[data["scenario"] == sid].groupby("month")["value"]
        idx = sorted(g.groups)
        for lev in sorted(levels, reverse=True):
            q = (1 - lev) / 2
            lo, hi = g.quantile(q).loc[idx], g.quantile(1 - q).loc[idx]
            alpha = 0.15 if lev == max(levels) else 0.3
            fig.add_trace(go.Scatter(x=idx, y=hi.to_numpy(float), mode="lines",
                                     line={"width": 0}, legendgroup=sid, showlegend=False,
                                     hoverinfo="skip"))
            fig.add_trace(go.Scatter(x=idx, y=lo.to_numpy(float), mode="lines",
                                     line={"width": 0}, fill="tonexty", legendgroup=sid,
                                     fillcolor=_rgba(c, alpha), showlegend=False,
                                     hoverinfo="skip", name=f"{sid} {lev:.0%}"))
        fig.add_trace(go.Scatter(x=idx, y=g.median().loc[idx].to_numpy(float), mode="lines",
                                 line={"color": c, "width": 1.6}, legendgroup=sid,
                                 name=f"{sid} (median, "
                                      f"{'/'.join(f'{lev:.0%}' for lev in levels)})"))
    if observed is not None:
        lo, hi = min(data["month"]), max(data["month"])
        obs = observed[[lo <= m <= hi for m in observed.index]]
        fig.add_trace(go.Scatter(x=list(obs.index), y=obs.to_numpy(float), mode="markers",
                                 marker={"color": "#000", "size": 5}, name="observed"))
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def tornado_chart(sens: pd.DataFrame, metric: str, scenario: str | None = None,
                  column: str = "spearman"):
    """Tornado chart: one horizontal bar per parameter, sorted by absolute ``column``
    (negative correlations red). Returns a :class:`plotly.graph_objects.Figure`."""
    import plotly.graph_objects as go

    from factions.report.charts import new_plot

    sel = sens[sens["metric"] == metric]
    if scenario is not None:
        sel = sel[sel["scenario"] == scenario]
    sel = sel.dropna(subset=[column])
    if sel.empty:
        raise InputError(f"no sensitivity values for metric {metric!r}")
    if scenario is None and sel["scenario"].nunique() > 1:
        sel = sel.groupby("parameter", as_index=False)[column].mean()
    sel = sel.reindex(sel[column].abs().sort_values().index)
    vals = sel[column].to_numpy(float)
    fig = new_plot(f"Sensitivity of {metric}" + (f" [{scenario}]" if scenario else ""),
                   height=int(110 + 28 * len(sel)))
    fig.add_trace(go.Bar(x=vals, y=sel["parameter"].to_list(), orientation="h",
                         marker={"color": ["#D55E00" if v < 0 else "#0072B2" for v in vals]},
                         hovertemplate="%{y}: %{x:.2f}<extra></extra>", showlegend=False))
    fig.update_layout(xaxis={"range": [-1, 1], "title": {"text": f"{column} rank correlation"},
                             "zeroline": True, "zerolinecolor": "#000"})
    return fig


def sweep_claims(scenario, result, point: int = 0, fitted=(), judged: bool = True
                 ) -> pd.DataFrame:
    """The scenario's claims over the runs of grid point ``point`` of a sweep: each run
    is one replica (its seed and its parameter draw), with the probability's interval,
    the grade and the drivers of :func:`factions.run.verdicts.judge`; the scenario's
    decomposition (:mod:`factions.run.decompose`) is computed per replica first. With
    ``judged=False`` only the verdicts and probabilities (:func:`evaluate_claims`), for a
    caller that grades them itself."""
    from factions.engines import get
    from factions.run.decompose import with_decomposition
    from factions.run.verdicts import judge

    frames = with_decomposition(scenario, result.replica_frames(point))
    if not frames:
        frames = [pd.DataFrame(columns=["scenario", "metric", "month", "value"])]
    if not judged:
        from factions.run.claims import evaluate_claims
        from factions.run.execute import NULL_PREFIX

        return evaluate_claims(scenario, [
            f[~f["metric"].astype(str).str.startswith(NULL_PREFIX)] if not f.empty else f
            for f in frames])
    params = _replica_params_table(result, point)
    relative = {e: get(e).null_relative for e in result.plan.engines}
    claims, _ = judge(scenario, frames, draws=params, fitted=fitted, null_relative=relative,
                      seed=result.plan.seed)
    return claims


def _replica_params_table(result, point: int) -> pd.DataFrame | None:
    """The varied parameters of each run of grid point ``point`` (None if none)."""
    from factions.run.sweep import _replica_params

    table = _replica_params(result.plan)
    if table.empty:
        return None
    table = table[table["point"] == point]
    # runs with a metric row only (as the replica frames), in run order
    ok = result.metrics[result.metrics["metric"].notna()]
    runs = set(result.plan.replicas.loc[result.plan.replicas["key"].isin(set(ok["key"])),
                                        "run"])
    table = table[table["run"].isin(runs)].sort_values("run")
    cols = [c for c in table.columns if c not in ("point", "run")]
    return table[cols].reset_index(drop=True) if cols else None
