"""Held-out months scored against naive baselines: CRPS and MAE.

A calibration fitted up to a cut (``fit_until``) forecasts the months after it: the
accepted runs (weighted) are a forecast *distribution* for each held-out month. Each
series is scored by

* the **CRPS** (continuous ranked probability score; Gneiting & Raftery 2007, eq. 20,
  the score of the ViEWS prediction competition, Vesco et al. 2022) of the forecast
  distribution, ``E|X - y| - E|X - X'| / 2`` for an ensemble ``X`` with weights; for a
  point forecast it is the absolute error;
* the **MAE** of the forecast median,

each averaged over the held-out months, against the naive baselines that only know the
series up to the cut:

``no_change``
    the last observed value (a point forecast; the "no change" benchmark of ViEWS);
``no_change_spread``
    the last value times the changes over the same horizon seen up to the cut
    (``(1 + y_T)(1 + y_{t+h}) / (1 + y_t) - 1`` for every ``t + h <= T``): a forecast
    distribution with no model in it;
``trend``
    a straight line through ``log(1 + y)`` over the last 12 months up to the cut (the last
    two observations of a sparser series, e.g. a yearly one), extrapolated (a point
    forecast);
``seasonal``
    the value twelve months before (a point forecast).

The model's forecast is conditional on the scenario's inputs after the cut (forces,
shocks, data that a real forecaster would not have had); the baselines know nothing after
the cut. A model that does not beat ``no_change`` here has not earned its mechanisms.

References
----------
Gneiting, T., Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and
estimation. *Journal of the American Statistical Association* 102(477), 359-378.
Vesco, P., Hegre, H., Colaresi, M., et al. (2022). United they stand: findings from an
escalation prediction competition. *International Interactions* 48(4), 860-896.
"""

from __future__ import annotations

__all__ = ["crps_ensemble", "baseline_forecasts", "score_holdout", "engine_holdout",
           "validation_figure", "BASELINES"]

from collections.abc import Mapping

import numpy as np
import pandas as pd

from factions.errors import InputError
from factions.run.hindcast import weighted_quantile

BASELINES = ("no_change", "no_change_spread", "trend", "seasonal")


def crps_ensemble(values, y: float, weights=None) -> float:
    """CRPS of a (weighted) ensemble ``values`` for the outcome ``y``.

    ``sum_i w_i |x_i - y| - 1/2 sum_ij w_i w_j |x_i - x_j|`` with weights normalised to 1
    (the CRPS of the ensemble's empirical distribution); one value gives ``|x - y|``.

    Examples
    --------
    >>> crps_ensemble([3.0], 1.0)
    2.0
    >>> round(crps_ensemble([0.0, 2.0], 1.0), 6)
    0.5
    """
    x = np.asarray(values, float)
    if x.size == 0:
        raise InputError("CRPS of an empty ensemble")
    w = np.full(x.size, 1.0 / x.size) if weights is None else np.asarray(weights, float)
    w = w / w.sum()
    first = float(np.sum(w * np.abs(x - y)))
    second = float(np.sum(w[:, None] * w[None, :] * np.abs(x[:, None] - x[None, :])))
    return first - 0.5 * second


def baseline_forecasts(observed: pd.Series, cut: str, months) -> dict[str, list[np.ndarray]]:
    """Each baseline's forecast (an array of values, one for a point forecast) for each
    month of ``months`` (all after ``cut``), from the observed values up to ``cut``.

    Raises
    ------
    InputError
        No observation up to the cut.
    """
    known = observed[observed.index <= cut].sort_index().astype(float)
    if known.empty:
        raise InputError(f"no observed value up to {cut}: nothing to forecast from")
    index = {m: i for i, m in enumerate(_month_list(known.index[0], max(months)))}
    y = np.full(len(index), np.nan)
    for m, v in known.items():
        y[index[m]] = v
    t = index[known.index[-1]]
    last = float(known.iloc[-1])
    points = [(index[m], np.log1p(max(v, 0.0))) for m, v in known.items()]
    recent = [p for p in points if p[0] > t - 12]
    if len(recent) < 3:  # sparse (e.g. yearly) series: the last two observations
        recent = points[-2:]
    out: dict[str, list[np.ndarray]] = {b: [] for b in BASELINES}
    for m in months:
        h = index[m] - t
        out["no_change"].append(np.array([last]))
        lagged = y[:t + 1]
        ratios = [(1 + lagged[i + h]) / (1 + lagged[i]) for i in range(t + 1 - h)
                  if not (np.isnan(lagged[i]) or np.isnan(lagged[i + h]))]
        out["no_change_spread"].append((1 + last) * np.asarray(ratios) - 1 if ratios
                                       else np.array([last]))
        if len(recent) >= 2:
            xs, ls = np.array(recent).T
            b, a = np.polyfit(xs, ls, 1)
            out["trend"].append(np.array([max(0.0, float(np.expm1(a + b * (t + h))))]))
        else:
            out["trend"].append(np.array([last]))
        back = index[m] - 12
        out["seasonal"].append(np.array([y[back]]) if 0 <= back <= t and not np.isnan(y[back])
                               else np.array([last]))
    return out


def _month_list(first: str, last: str) -> list[str]:
    from factions.scenario.months import month_range

    return month_range(first, last)


def score_holdout(members: pd.DataFrame, observed: Mapping[str, pd.Series], cut: str,
                  until: str | None = None) -> pd.DataFrame:
    """Score the forecast of every series after ``cut`` (through ``until``) and the
    baselines'.

    Parameters
    ----------
    members
        Forecast ensemble: ``target, month, run, value, weight`` (the accepted runs of a
        calibration, :attr:`factions.run.calibrate.ABCResult.members`).
    observed
        ``{target: observed series}``.

    Returns
    -------
    DataFrame
        ``series, method, crps, mae, months, first, last`` (methods ``model`` then
        :data:`BASELINES`), sorted as the targets come; ``skill_crps`` is
        ``1 - crps / crps(no_change)`` (positive: better than no change; NaN where no
        change is exact).
    """
    rows = []
    for target, obs in observed.items():
        mem = members[members["target"] == target]
        months = sorted(m for m in obs.index if m > cut and (until is None or m <= until)
                        and not np.isnan(obs[m]) and m in set(mem["month"]))
        if not months:
            continue
        base = baseline_forecasts(obs, cut, months)
        scores: dict[str, list[tuple[float, float]]] = {"model": []}
        for k, m in enumerate(months):
            y = float(obs[m])
            sel = mem[(mem["month"] == m) & mem["value"].notna()]
            x, w = sel["value"].to_numpy(float), sel["weight"].to_numpy(float)
            scores["model"].append((crps_ensemble(x, y, w),
                                    abs(weighted_quantile(x, 0.5, w) - y)))
            for b in BASELINES:
                v = base[b][k]
                scores.setdefault(b, []).append((crps_ensemble(v, y),
                                                 abs(float(np.median(v)) - y)))
        for method, sc in scores.items():
            crps, mae = np.mean(sc, axis=0)
            rows.append({"series": target, "method": method, "crps": float(crps),
                         "mae": float(mae), "months": len(months), "first": months[0],
                         "last": months[-1]})
    table = pd.DataFrame.from_records(rows, columns=["series", "method", "crps", "mae",
                                                     "months", "first", "last"])
    ref = table[table["method"] == "no_change"].set_index("series")["crps"]
    base = table["series"].map(ref)
    table["skill_crps"] = np.where(base > 0, 1.0 - table["crps"] / base.where(base > 0),
                                   np.nan)
    return table


def engine_holdout(scenario, engine: str, cut: str, scenario_id: str | None = None,
                   options: Mapping | None = None) -> pd.DataFrame:
    """Hold-out scores of a deterministic engine that fits itself (option ``fit_until``)
    and reports a ``hindcast`` table (``series, month, simulated, observed``): the months
    after ``cut`` against the baselines, from the observed values up to ``cut``.

    The engine's forecast is a point (CRPS = absolute error).

    Raises
    ------
    InputError
        The engine reports no hindcast, or no observation after the cut.
    """
    from factions.engines import get

    eng = get(engine)
    opts = {**dict(options or {}), "fit_until": cut}
    res = eng.execute(scenario, scenario_id or scenario.history_id(), 0, opts)
    hind = res.tables().get("hindcast")
    if hind is None or hind.empty:
        raise InputError(f"engine {engine!r} reports no hindcast to score")
    members, observed = [], {}
    for name, g in hind.groupby("series", sort=False):
        observed[name] = pd.Series(g["observed"].to_numpy(float), index=g["month"].to_list())
        members.append(pd.DataFrame({"target": name, "month": g["month"], "run": 0,
                                     "value": g["simulated"].to_numpy(float), "weight": 1.0}))
    table = score_holdout(pd.concat(members, ignore_index=True), observed, cut)
    if table.empty:
        raise InputError(f"engine {engine!r}: no observation after {cut} to score")
    return table


def validation_figure(table: pd.DataFrame, title: str = "Held-out months: CRPS"):
    """Bars of each series' CRPS by method, relative to ``no_change`` (1 = as good)."""
    from factions.report.plots import new_figure

    series = list(dict.fromkeys(table["series"]))
    methods = list(dict.fromkeys(table["method"]))
    fig = new_figure(max(6.0, 1.1 * len(series) + 2), 3.6)
    ax = fig.add_subplot()
    width = 0.8 / len(methods)
    for k, method in enumerate(methods):
        sel = table[table["method"] == method].set_index("series")
        vals = [1.0 - sel.at[s, "skill_crps"] if s in sel.index else np.nan for s in series]
        ax.bar(np.arange(len(series)) + (k - (len(methods) - 1) / 2) * width, vals, width,
               label=method, color="C3" if method == "model" else f"C{k % 10}")
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_xticks(np.arange(len(series)), series, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("CRPS / CRPS(no change)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, ncol=3)
    return fig


def validate_calibration(scenario, abc, cut: str, until: str | None = None,
                         displacement: bool = True) -> tuple[pd.DataFrame, object]:
    """The hold-out table of a calibration fitted up to ``cut`` (its targets and, with
    several, their ``total``), and — when the scenario has displacement observations and
    ``displacement`` — the displacement engine's hold-out of its last observed year
    (:func:`engine_holdout`, fitted up to twelve months before its last observation).

    Returns
    -------
    (DataFrame, Figure)
        :func:`score_holdout`'s columns with ``engine`` and ``cut`` first; the figure of
        :func:`validation_figure`.
    """
    from factions.scenario.months import add_months

    observed = {t.name: t.observed for t in abc.targets}
    if len(abc.targets) > 1:
        total = None
        for t in abc.targets:
            total = t.observed if total is None else total.add(t.observed)
        observed["total"] = total.dropna()
    engine = abc.targets[0].metric.split(".", 1)[0]
    table = score_holdout(abc.members, observed, cut, until)
    table.insert(0, "cut", cut)
    table.insert(0, "engine", engine)
    frames = [table]
    stocks = [o for o in scenario.observations
              if o.compares and o.compares.startswith("displace.")]
    if displacement and stocks:
        last = max(m for o in stocks for m in o.series)
        dcut = add_months(last, -12)
        try:
            dis = engine_holdout(scenario, "displace", dcut)
        except InputError:
            dis = None
        if dis is not None:
            dis.insert(0, "cut", dcut)
            dis.insert(0, "engine", "displace")
            frames.append(dis)
    out = pd.concat(frames, ignore_index=True)
    return out, validation_figure(out, "Held-out months: CRPS relative to no change "
                                       "(below 1: better than no change)")
