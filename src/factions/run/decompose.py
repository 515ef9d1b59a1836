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


def _window_means(frame: pd.DataFrame, metric: str, window) -> dict[str, float]:
    sel = frame[(frame["metric"] == metric) & frame["month"].notna()]
    sel = sel[(sel["month"] >= window[0]) & (sel["month"] <= window[1])]
    return sel.groupby("scenario")["value"].mean().to_dict()


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
    nat = _one(_window_means(frame, spec.metric, spec.window), subsets, spec)
    if nat is None:
        return pd.DataFrame(columns=cols)
    values.update(nat)
    engine, _, name = spec.metric.partition(".")
    if spec.regions:
        for r in scenario.regions:
            reg = _one(_window_means(frame, f"{engine}.region_{name}.{r.id}", spec.window),
                       subsets, spec)
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
    """Waterfall of the national decline (median deaths averted by each mechanism) and the
    regions' shares stacked (medians over the replicas)."""
    from factions.report.plots import new_figure

    spec = scenario.decomposition
    med = summary.set_index("metric")["median"]
    fig = new_figure(11, 4)
    ax, ax2 = fig.subplots(1, 2)
    mech = list(spec.mechanisms)
    vals = [med.get(f"{ENGINE}.averted.{m}", np.nan) for m in mech]
    start = 0.0
    for i, v in enumerate(vals):
        ax.bar(i, v, bottom=start, color="C2" if v >= 0 else "C3")
        ax.text(i, start + v / 2, f"{v:.3g}", ha="center", va="center", fontsize=8)
        start += v
    total = med.get(f"{ENGINE}.total_averted", np.nan)
    ax.bar(len(mech), total, color="C0")
    ax.set_xticks(range(len(mech) + 1), [*mech, "all"], fontsize=8)
    ax.set_ylabel(f"{spec.metric} averted per month")
    ax.set_title(f"Decline of {spec.metric}, {spec.window[0]}..{spec.window[1]} (median "
                 "Shapley values)", fontsize=9)
    regions = [r.id for r in scenario.regions
               if f"{ENGINE}.region_share.{r.id}.{mech[0]}" in med.index]
    bottom = np.zeros(len(regions) + 1)
    labels = ["national", *regions]
    for k, m in enumerate(mech):
        shares = [med.get(f"{ENGINE}.share.{m}", np.nan)]
        shares += [med.get(f"{ENGINE}.region_share.{r}.{m}", np.nan) for r in regions]
        shares = np.nan_to_num(np.asarray(shares, float))
        pos, neg = np.clip(shares, 0, None), np.clip(shares, None, 0)
        ax2.bar(range(len(labels)), pos, bottom=np.clip(bottom, 0, None), color=f"C{k}",
                label=m)
        ax2.bar(range(len(labels)), neg, color=f"C{k}", alpha=0.6)
        bottom += pos
    ax2.axhline(0, color="k", lw=0.8)
    ax2.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    ax2.set_ylabel("share of the decline (median)")
    ax2.set_title("Shares of the decline by region (medians over the replicas)", fontsize=9)
    ax2.legend(fontsize=7)
    return fig


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
