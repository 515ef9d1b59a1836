"""Claims answered with numbers.

A claim's test compares two sides with ``>``, ``<``, ``>=`` or ``<=``; each side is a
metric of a scenario aggregated over a window of months, an observed series aggregated the
same way, or a constant. With several seeds of stochastic engines, each seed is one
replica: the claim's probability is the share of replicas in which it holds, and the
estimate is the median difference lhs − rhs.
"""

from __future__ import annotations

__all__ = ["evaluate_claims", "side_value", "CLAIM_COLUMNS", "split_replicas", "claim_replicas",
           "REPLICA_COLUMNS"]

import numpy as np
import pandas as pd

from factions.scenario import Scenario, month_index

CLAIM_COLUMNS = ["claim", "quote", "test", "lhs", "rhs", "difference", "p_holds", "replicas",
                 "verdict", "flag"]

#: Columns of :func:`claim_replicas`.
REPLICA_COLUMNS = ["claim", "replica", "seed", "lhs", "rhs", "margin", "holds"]

_OPS = {">": np.greater, "<": np.less, ">=": np.greater_equal, "<=": np.less_equal}


def _agg(values: pd.Series, how: str) -> float:
    if values.empty:
        return float("nan")
    values = values.sort_index()
    return float({"mean": values.mean, "sum": values.sum, "max": values.max,
                  "min": values.min, "last": lambda: values.iloc[-1]}[how]())


def _window(series: pd.Series, window) -> pd.Series:
    if window is None:
        return series
    lo, hi = month_index(window[0]), month_index(window[1])
    keep = [m is not None and lo <= month_index(m) <= hi for m in series.index]
    return series[keep]


def side_value(side, test, scenario: Scenario, metrics: pd.DataFrame | None) -> float:
    """Value of one side of a test in one replica (NaN when the metric is missing).

    ``metrics`` has columns ``scenario, metric, month, value`` (metric with engine prefix).
    """
    if side.value is not None:
        return float(side.value)
    if side.observation is not None:
        obs = scenario.observation(side.observation)
        return _agg(_window(pd.Series(obs.series, dtype=float), side.window), test.agg)
    if metrics is None or metrics.empty:
        return float("nan")
    sel = metrics[(metrics["scenario"] == side.scenario) & (metrics["metric"] == test.metric)]
    if sel.empty:
        return float("nan")
    if sel["month"].isna().all():
        return float(sel["value"].iloc[0])
    series = pd.Series(sel["value"].to_numpy(float), index=sel["month"].to_list())
    return _agg(_window(series, side.window), test.agg)


def _describe_side(side, test) -> str:
    if side.value is not None:
        return f"{side.value:g}"
    win = f" {side.window[0]}..{side.window[1]}" if side.window else ""
    if side.observation is not None:
        return f"{test.agg} observed {side.observation}{win}"
    return f"{test.agg} {test.metric} [{side.scenario}]{win}"


def evaluate_claims(scenario: Scenario, replicas: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per claim: the comparison, the estimate and the probability that it holds.

    ``replicas`` holds one metrics frame per replica (seed); deterministic metrics are
    repeated in each.
    """
    rows = []
    available = set()
    for rep in replicas:
        available |= set(rep["metric"].unique()) if not rep.empty else set()
    for c in scenario.claims:
        row = {"claim": c.id, "quote": c.quote}
        if c.test is None:
            rows.append({**row, "test": "", "lhs": np.nan, "rhs": np.nan, "difference": np.nan,
                         "p_holds": np.nan, "replicas": 0, "verdict": f"untestable: {c.untestable}"})
            continue
        t = c.test
        desc = f"{_describe_side(t.lhs, t)} {t.op} {_describe_side(t.rhs, t)}"
        needs_metric = t.lhs.scenario is not None or t.rhs.scenario is not None
        if needs_metric and t.metric not in available:
            engine = t.metric.split(".")[0]
            rows.append({**row, "test": desc, "lhs": np.nan, "rhs": np.nan, "difference": np.nan,
                         "p_holds": np.nan, "replicas": 0,
                         "verdict": f"not tested: no result for {t.metric} (engine {engine!r} not run or has no such metric)"})
            continue
        reps = replicas if needs_metric else replicas[:1] or [None]
        lhs = np.array([side_value(t.lhs, t, scenario, r) for r in reps])
        rhs = np.array([side_value(t.rhs, t, scenario, r) for r in reps])
        ok = ~(np.isnan(lhs) | np.isnan(rhs))
        if not ok.any():
            rows.append({**row, "test": desc, "lhs": np.nan, "rhs": np.nan, "difference": np.nan,
                         "p_holds": np.nan, "replicas": 0,
                         "verdict": "not tested: no values in the window"})
            continue
        holds = _OPS[t.op](lhs[ok], rhs[ok])
        p = float(holds.mean())
        verdict = "holds" if p >= 0.95 else "fails" if p <= 0.05 else "uncertain"
        if not needs_metric:
            verdict += " (observed)"
        rows.append({**row, "test": desc, "lhs": float(np.median(lhs[ok])),
                     "rhs": float(np.median(rhs[ok])),
                     "difference": float(np.median(lhs[ok] - rhs[ok])), "p_holds": p,
                     "replicas": int(ok.sum()), "verdict": verdict})
    out = pd.DataFrame.from_records(rows, columns=CLAIM_COLUMNS)
    out["flag"] = out["flag"].astype(object).where(out["flag"].notna(), "")
    return out


def split_replicas(metrics: pd.DataFrame, replicas: int | None = None) -> list[pd.DataFrame]:
    """The per-replica metrics frames inside one long frame of every replica's metrics
    (``RunResults.metrics``: columns ``engine, scenario, seed, metric, month, value``).

    A value that occurs once (a deterministic engine run once) belongs to every replica;
    a value that occurs ``n`` times (once per replica, as a stochastic engine per seed or
    every engine of an ensemble run) gives its ``r``-th occurrence to replica ``r``, in
    the frame's row order. ``replicas`` defaults to the largest number of occurrences.
    """
    if metrics is None or metrics.empty:
        return [metrics]
    keys = [c for c in ("engine", "scenario", "metric", "month") if c in metrics.columns]
    g = metrics.groupby(keys, dropna=False, sort=False)
    occurrence = g.cumcount().to_numpy()
    count = g["value"].transform("size").to_numpy()
    n = int(replicas or count.max())
    shared = count == 1
    return [metrics[shared | (occurrence == r)].reset_index(drop=True) for r in range(n)]


def claim_replicas(scenario: Scenario, replicas: list[pd.DataFrame]) -> pd.DataFrame:
    """Both sides of every tested claim in every replica, as :func:`evaluate_claims`
    computes them: one row per claim and replica with ``lhs``, ``rhs``, ``margin``
    (lhs − rhs) and whether the comparison ``holds`` there; ``seed`` is the replica's seed
    of its stochastic engines when the frame says (else NaN).

    Claims without a test, whose metric no replica has, or whose sides are missing in a
    replica have no row for it; a claim on observations alone has one row (replica 0).
    The share of ``holds`` per claim is the claims table's ``p_holds``.
    """
    available = set()
    for rep in replicas:
        if rep is not None and not rep.empty:
            available |= set(rep["metric"].unique())
    # each replica's values by (scenario, metric), so that a side reads a small frame
    parts = [{} if rep is None or rep.empty else dict(tuple(rep.groupby(["scenario", "metric"])))
             for rep in replicas]
    rows = []
    for c in scenario.claims:
        t = c.test
        if t is None:
            continue
        needs_metric = t.lhs.scenario is not None or t.rhs.scenario is not None
        if needs_metric and t.metric not in available:
            continue
        reps = replicas if needs_metric else replicas[:1] or [None]
        for r, rep in enumerate(reps):
            part = parts[r] if r < len(parts) else {}
            lhs = side_value(t.lhs, t, scenario, part.get((t.lhs.scenario, t.metric)))
            rhs = side_value(t.rhs, t, scenario, part.get((t.rhs.scenario, t.metric)))
            if np.isnan(lhs) or np.isnan(rhs):
                continue
            seed = np.nan
            if needs_metric and rep is not None and "seed" in rep and not rep.empty:
                seed = float(rep["seed"].max())
            rows.append({"claim": c.id, "replica": r, "seed": seed, "lhs": lhs, "rhs": rhs,
                         "margin": lhs - rhs, "holds": bool(_OPS[t.op](lhs, rhs))})
    return pd.DataFrame.from_records(rows, columns=REPLICA_COLUMNS)
