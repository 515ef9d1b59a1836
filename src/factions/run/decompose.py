"""How much of a change each mechanism accounts for: Shapley values over counterfactuals.

The scenario's ``decomposition`` names a metric, a window, a scenario of what happened and
its *mechanisms* (shocks). For every subset ``S`` of the mechanisms the file has a scenario
that keeps ``S`` and leaves the others out (checked at load); in one replica, ``v(S)`` is
the metric's mean over the window in that scenario, and

* the **averted** amount of a set of mechanisms is ``u(S) = v(∅) − v(S)``;
* mechanism ``m``'s **Shapley value** is ``φ_m = Σ_{S ⊆ M∖{m}} |S|! (n−|S|−1)! / n! ·
  (u(S ∪ {m}) − u(S))`` (Shapley 1953): its marginal effect averaged over every order in
  which the mechanisms could be added; the values add up to ``u(M)``, whatever the
  interactions between mechanisms;
* its **share** is ``φ_m / u(M)`` (a named group's, the sum of its members').

Every replica (a seed and, with a posterior, a parameter draw, shared by all scenarios)
gives one decomposition, so the shares carry the calibration's uncertainty; a claim that
the share of ``a`` exceeds the share of ``b`` holds in the fraction of replicas where it
does, P(share_a > share_b | data) when the replicas are posterior draws.

Metrics (engine ``decompose``, scenario = the decomposition's scenario, no month):
``total_averted``, ``averted.<m>``, ``share.<m>``, ``excess.<a>.<b>`` (``share.a −
share.b``) for the mechanisms and groups, and per region (when the scenario has regions
and the engine reports ``region_<name>.<region>``) ``region_averted.<region>.<m>`` and
``region_share.<region>.<m>``.

References
----------
Shapley, L. S. (1953). A value for n-person games. In *Contributions to the Theory of
Games II*, Annals of Mathematics Studies 28, 307–317.
"""

from __future__ import annotations

__all__ = ["ENGINE", "shapley_values", "decompose_replica", "decomposition_metrics",
           "with_decomposition", "decomposition_summary", "decomposition_figure",
           "decomposition_figures", "needed_metrics", "source_engine"]

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd

ENGINE = "decompose"


def shapley_values(value, players) -> dict:
    """Shapley values of ``players`` for the game ``value(frozenset) -> float``.

    Parameters
    ----------
    value : callable
        ``value(S)`` for every subset ``S`` of the players (``value(∅)`` the reference).
    players : iterable
        The players (here: mechanisms).

    Returns
    -------
    dict
        ``{player: φ}`` with ``φ_p = Σ_{S ⊆ N∖{p}} |S|! (n−|S|−1)! / n! (v(S ∪ {p}) −
        v(S))`` (Shapley 1953, the value's formula); ``Σ φ = v(N) − v(∅)``.

    Examples
    --------
    >>> phi = shapley_values(lambda s: 10.0 * ({"a", "b"} <= s), ["a", "b"])
    >>> phi["a"], phi["b"]
    (5.0, 5.0)

    Notes
    -----
    Cost: ``n 2^(n-1)`` evaluations of ``value`` (the decomposition's are table look-ups;
    its mechanisms are at most 6).
    """
    players = list(players)
    n = len(players)
    out = {}
    for p in players:
        others = [q for q in players if q != p]
        phi = 0.0
        for k in range(n):
            weight = factorial(k) * factorial(n - k - 1) / factorial(n)
            for s in combinations(others, k):
                s = frozenset(s)
                phi += weight * (value(s | {p}) - value(s))
        out[p] = phi
    return out


def _names(spec) -> list[str]:
    return [*spec.mechanisms, *spec.groups]


def decomposition_metrics(scenario) -> list[str]:
    """The metric names (without ``decompose.``) a scenario's decomposition provides."""
    spec = scenario.decomposition
    if spec is None:
        return []
    names = _names(spec)
    out = ["total_averted", *(f"averted.{m}" for m in names), *(f"share.{m}" for m in names)]
    out += [f"excess.{a}.{b}" for a in names for b in names if a != b]
    if spec.regions:
        for r in scenario.regions:
            out += [f"region_averted.{r.id}.{m}" for m in names]
            out += [f"region_share.{r.id}.{m}" for m in names]
    return out


def _window_means(frame: pd.DataFrame, metrics: list[str], window
                  ) -> dict[str, dict[str, float]]:
    """``{metric: {scenario: mean over the window's months}}`` for each of ``metrics``:
    the frame cut once to those metrics and months, then one mean per metric."""
    sel = frame[frame["metric"].isin(metrics) & frame["month"].notna()]
    sel = sel[(sel["month"] >= window[0]) & (sel["month"] <= window[1])]
    by_metric = sel["metric"].to_numpy(object)
    return {m: sel[by_metric == m].groupby("scenario")["value"].mean().to_dict()
            for m in metrics}


def _one(means: dict[str, float], subsets: dict, spec) -> dict[str, float] | None:
    if any(sid not in means for sid in subsets.values()):
        return None
    v = {kept: means[sid] for kept, sid in subsets.items()}
    none = v[frozenset()]
    phi = shapley_values(lambda s: none - v[frozenset(s)], spec.mechanisms)
    for g, members in spec.groups.items():
        phi[g] = sum(phi[m] for m in members)
    total = none - v[frozenset(spec.mechanisms)]
    share = {m: phi[m] / total if total != 0 else float("nan") for m in phi}
    return {"total_averted": total, **{f"averted.{m}": x for m, x in phi.items()},
            **{f"share.{m}": x for m, x in share.items()},
            **{f"excess.{a}.{b}": share[a] - share[b] for a in phi for b in phi if a != b}}


def decompose_replica(scenario, frame: pd.DataFrame) -> pd.DataFrame:
    """The decomposition metrics of one replica's metrics frame (columns ``scenario,
    metric, month, value``); empty when a scenario it needs is missing."""
    from factions.scenario.checks_regions import decomposition_scenarios

    spec = scenario.decomposition
    cols = ["engine", "scenario", "seed", "metric", "month", "value"]
    if spec is None or frame.empty:
        return pd.DataFrame(columns=cols)
    subsets = decomposition_scenarios(scenario)
    hist = subsets[frozenset(spec.mechanisms)]
    values: dict[str, float] = {}
    engine, _, name = spec.metric.partition(".")
    regional = {r.id: f"{engine}.region_{name}.{r.id}" for r in scenario.regions} \
        if spec.regions else {}
    means = _window_means(frame, [spec.metric, *regional.values()], spec.window)
    nat = _one(means[spec.metric], subsets, spec)
    if nat is None:
        return pd.DataFrame(columns=cols)
    values.update(nat)
    if spec.regions:
        for r in scenario.regions:
            reg = _one(means[regional[r.id]], subsets, spec)
            if reg is None:
                continue
            for m in _names(spec):
                values[f"region_averted.{r.id}.{m}"] = reg[f"averted.{m}"]
                values[f"region_share.{r.id}.{m}"] = reg[f"share.{m}"]
    seed = frame["seed"].iloc[0] if "seed" in frame else None
    return pd.DataFrame({"engine": ENGINE, "scenario": hist, "seed": seed,
                         "metric": [f"{ENGINE}.{k}" for k in values], "month": None,
                         "value": [float(v) for v in values.values()]}, columns=cols)


def with_decomposition(scenario, frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """Each replica's frame with its decomposition metrics appended (unchanged when the
    scenario has no decomposition)."""
    if scenario.decomposition is None:
        return frames
    out = []
    for f in frames:
        extra = decompose_replica(scenario, f)
        out.append(f if extra.empty else pd.concat([f, extra], ignore_index=True))
    return out


def decomposition_summary(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Median and 90 % interval of every decomposition metric over the replicas."""
    rows = [f[f["metric"].str.startswith(f"{ENGINE}.")] for f in frames]
    rows = [r for r in rows if not r.empty]
    if not rows:
        return pd.DataFrame(columns=["metric", "replicas", "median", "low", "high"])
    data = pd.concat(rows, ignore_index=True)
    g = data.groupby("metric", sort=False)["value"]
    return pd.DataFrame({"replicas": g.count(), "median": g.median(), "low": g.quantile(0.05),
                         "high": g.quantile(0.95)}).reset_index()


def decomposition_figure(scenario, summary: pd.DataFrame):
    """Plotly figure: waterfall of the national decline (median deaths averted by each
    mechanism, then all together) and the regions' shares stacked (medians over the
    replicas)."""
    from factions.report.charts import new_plot, panels

    spec = scenario.decomposition
    med = summary.set_index("metric")["median"]
    mech = list(spec.mechanisms)
    vals = [float(med.get(f"{ENGINE}.averted.{m}", np.nan)) for m in mech]
    total = float(med.get(f"{ENGINE}.total_averted", np.nan))
    layout, (left, right) = panels(1, 2, hspace=0.12, titles=(
        f"decline of {spec.metric}, {spec.window[0]}..{spec.window[1]} (median Shapley "
        "values)", "shares of the decline by region (medians)"))
    clean = [0.0 if not np.isfinite(v) else v for v in vals]
    data = [{"type": "waterfall", "x": [*mech, "all"], "y": [*clean, total],
             "measure": ["relative"] * len(mech) + ["total"], "name": "averted per month",
             "text": [f"{v:.3g}" for v in [*clean, total]], "textposition": "inside",
             "showlegend": False, **left}]
    regions = [r.id for r in scenario.regions
               if f"{ENGINE}.region_share.{r.id}.{mech[0]}" in med.index]
    labels = ["national", *regions]
    palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]
    for k, m in enumerate(mech):
        shares = [med.get(f"{ENGINE}.share.{m}", np.nan)]
        shares += [med.get(f"{ENGINE}.region_share.{r}.{m}", np.nan) for r in regions]
        data.append({"type": "bar", "x": labels,
                     "y": np.nan_to_num(np.asarray(shares, float)).tolist(), "name": m,
                     "marker": {"color": palette[k % len(palette)]}, **right})
    layout["yaxis"]["title"] = {"text": f"{spec.metric} averted per month"}
    layout["yaxis2"]["title"] = {"text": "share of the decline"}
    return new_plot("", 420, data, barmode="relative", margin={"t": 64},
                    legend={"orientation": "h", "y": -0.2}, **layout)


def decomposition_figures(scenario, metrics: pd.DataFrame) -> dict:
    """``{title: figure}`` of the decomposition over the replicas in a run's metrics frame
    (one replica per seed); empty without a decomposition or its scenarios."""
    if scenario.decomposition is None or metrics.empty or "seed" not in metrics:
        return {}
    det = metrics[metrics["seed"].isna()] if metrics["seed"].isna().any() else None
    frames = []
    for _, g in metrics[metrics["seed"].notna()].groupby("seed", sort=True):
        frames.append(g if det is None else pd.concat([det, g], ignore_index=True))
    summary = decomposition_summary(with_decomposition(scenario, frames))
    if summary.empty:
        return {}
    spec = scenario.decomposition
    n = int(summary["replicas"].max())
    return {f"decomposition of {spec.metric}, {spec.window[0]}..{spec.window[1]} "
            f"({n} replicas)": decomposition_figure(scenario, summary)}


def needed_metrics(scenario) -> list[str]:
    """The engine metrics the decomposition reads (its metric and, per region, its
    regional form), so that an ensemble that keeps only claimed metrics keeps these."""
    spec = scenario.decomposition
    if spec is None:
        return []
    engine, _, name = spec.metric.partition(".")
    out = [spec.metric]
    if spec.regions:
        out += [f"{engine}.region_{name}.{r.id}" for r in scenario.regions]
    return out


def source_engine(metric: str, scenario) -> str:
    """The engine whose runs a metric comes from: the decomposition's metric's engine for
    ``decompose.*``, else the metric's own prefix."""
    head = metric.split(".", 1)[0]
    if head == ENGINE and scenario.decomposition is not None:
        return scenario.decomposition.metric.split(".", 1)[0]
    return head
