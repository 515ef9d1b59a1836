"""Claims answered with numbers.

A claim's test compares two sides with ``>``, ``<``, ``>=`` or ``<=``; each side is a
metric of a scenario aggregated over a window of months, an observed series aggregated the
same way, or a constant. With several seeds of stochastic engines, each seed is one
replica: the claim's probability is the share of replicas in which it holds, and the
estimate is the median difference lhs − rhs.
"""

from __future__ import annotations

__all__ = ["evaluate_claims", "side_value", "CLAIM_COLUMNS", "claim_sides", "split_replicas",
           "claim_replicas", "REPLICA_COLUMNS"]

import functools

import numpy as np
import pandas as pd

from factions.scenario import Scenario, month_index

CLAIM_COLUMNS = ["claim", "quote", "test", "lhs", "rhs", "difference", "p_holds", "replicas",
                 "verdict", "flag"]

#: Columns of :func:`claim_replicas`.
REPLICA_COLUMNS = ["claim", "replica", "seed", "lhs", "rhs", "margin", "holds"]

_OPS = {">": np.greater, "<": np.less, ">=": np.greater_equal, "<=": np.less_equal}


_month_number = functools.lru_cache(maxsize=4096)(month_index)


def _aggregate(months: np.ndarray, values: np.ndarray, window, how: str) -> float:
    """``how`` (mean, sum, max, min, last) of ``values`` in calendar order of ``months``
    (``YYYY-MM`` strings; missing ones last), within ``window`` (inclusive; a value without
    a month is never in a window). NaN values are skipped as pandas skips them (an
    all-NaN sum is 0), in the same order, so the result is the one pandas gives."""
    missing = pd.isna(months)
    if window is not None:
        lo, hi = _month_number(window[0]), _month_number(window[1])
        keep = np.fromiter((not gone and lo <= _month_number(m) <= hi
                            for m, gone in zip(months, missing, strict=True)),
                           bool, len(months))
        months, values, missing = months[keep], values[keep], missing[keep]
    if len(values) == 0:
        return float("nan")
    if len(values) > 1:
        present = np.flatnonzero(~missing)
        order = present[np.argsort(months[present], kind="stable")]
        values = values[np.concatenate([order, np.flatnonzero(missing)])]
    if how == "last":
        return float(values[-1])
    nan = np.isnan(values)
    if how in ("mean", "sum"):
        total = np.where(nan, 0.0, values).sum()
        if how == "sum":
            return float(total)
        count = len(values) - int(nan.sum())
        return float(total / count) if count else float("nan")
    if nan.all():
        return float("nan")
    return float(np.nanmax(values) if how == "max" else np.nanmin(values))


class MetricIndex:
    """One replica's metrics grouped by (scenario, metric), for repeated look-ups: each
    group as its ``(months, values)`` arrays, in the frame's row order."""

    def __init__(self, metrics: pd.DataFrame | None):
        self.groups: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        if metrics is not None and not metrics.empty:
            months = metrics["month"].to_numpy(object)
            values = metrics["value"].to_numpy(float)
            for k, pos in metrics.groupby(["scenario", "metric"], sort=False).indices.items():
                self.groups[k] = (months[pos], values[pos])
        self.empty = not self.groups

    def get(self, scenario: str, metric: str) -> tuple[np.ndarray, np.ndarray] | None:
        return self.groups.get((scenario, metric))


def side_value(side, test, scenario: Scenario, metrics) -> float:
    """Value of one side of a test in one replica (NaN when the metric is missing).

    ``metrics`` has columns ``scenario, metric, month, value`` (metric with engine prefix),
    or is a :class:`MetricIndex` of such a frame.
    """
    if side.value is not None:
        return float(side.value)
    if side.observation is not None:
        series = scenario.observation(side.observation).series
        return _aggregate(np.array(list(series), dtype=object),
                          np.array(list(series.values()), dtype=float), side.window, test.agg)
    if metrics is None or metrics.empty:
        return float("nan")
    if not isinstance(metrics, MetricIndex):
        metrics = MetricIndex(metrics[(metrics["scenario"] == side.scenario)
                                      & (metrics["metric"] == test.metric)])
    sel = metrics.get(side.scenario, test.metric)
    if sel is None or len(sel[1]) == 0:
        return float("nan")
    months, values = sel
    if pd.isna(months).all():  # a value without months (a summary statistic)
        return float(values[0])
    return _aggregate(months, values, side.window, test.agg)


def _describe_side(side, test) -> str:
    if side.value is not None:
        return f"{side.value:g}"
    win = f" {side.window[0]}..{side.window[1]}" if side.window else ""
    if side.observation is not None:
        return f"{test.agg} observed {side.observation}{win}"
    return f"{test.agg} {test.metric} [{side.scenario}]{win}"


def claim_sides(scenario: Scenario, replicas: list[pd.DataFrame]
                ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per tested claim: the lhs and rhs values in each replica (NaN where missing).

    Claims whose sides are all observations or values get one replica.
    """
    out = {}
    replicas = [r if isinstance(r, MetricIndex) else MetricIndex(r) for r in replicas]
    for c in scenario.claims:
        t = c.test
        if t is None:
            continue
        needs_metric = t.lhs.scenario is not None or t.rhs.scenario is not None
        reps = replicas if needs_metric else replicas[:1] or [None]
        out[c.id] = (np.array([side_value(t.lhs, t, scenario, r) for r in reps], float),
                     np.array([side_value(t.rhs, t, scenario, r) for r in reps], float))
    return out


def evaluate_claims(scenario: Scenario, replicas: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per claim: the comparison, the estimate and the probability that it holds.

    ``replicas`` holds one metrics frame per replica (seed); deterministic metrics are
    repeated in each.
    """
    rows = []
    available = set()
    for rep in replicas:
        available |= set(rep["metric"].unique()) if not rep.empty else set()
    replicas = [MetricIndex(r) for r in replicas]
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
    """Both sides of every tested claim in every replica (:func:`claim_sides`, as
    :func:`evaluate_claims` computes them) as rows: one per claim and replica with
    ``lhs``, ``rhs``, ``margin`` (lhs − rhs) and whether the comparison ``holds`` there;
    ``seed`` is the replica's seed of its stochastic engines when the frame says (else
    NaN).

    Claims without a test, whose metric no replica has, or whose sides are missing in a
    replica have no row for it; a claim on observations alone has one row (replica 0).
    The share of ``holds`` per claim is the claims table's ``p_holds``.
    """
    tests = {c.id: c.test for c in scenario.claims if c.test is not None}
    rows = []
    for cid, (lhs, rhs) in claim_sides(scenario, replicas).items():
        t = tests[cid]
        model = t.lhs.scenario is not None or t.rhs.scenario is not None
        for r, (a, b) in enumerate(zip(lhs, rhs, strict=True)):
            if np.isnan(a) or np.isnan(b):
                continue
            rep = replicas[r] if model and r < len(replicas) else None
            seed = np.nan
            if rep is not None and not rep.empty and "seed" in rep:
                seed = float(rep["seed"].max())
            rows.append({"claim": cid, "replica": r, "seed": seed, "lhs": float(a),
                         "rhs": float(b), "margin": float(a - b),
                         "holds": bool(_OPS[t.op](a, b))})
    return pd.DataFrame.from_records(rows, columns=REPLICA_COLUMNS)
