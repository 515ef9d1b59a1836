"""Tables and figures of a finished sweep, written next to its Parquet parts.

:func:`write_sweep_report` is what ``factions sweep`` calls at the end: ``summary.csv``
(median and 90 % interval per scenario, metric and month), ``sensitivity.csv`` (when
parameters were varied), ``claims.csv`` (the scenario's claims with their probabilities
over the runs of grid point 0), and ``figures.html``: a fan chart per main metric and a
tornado chart per main metric with varied parameters (interactive plotly figures in one
self-contained page).
"""

from __future__ import annotations

__all__ = ["main_metrics", "write_sweep_report"]

from pathlib import Path

import pandas as pd

from factions.run.summaries import (
    ensemble_summary,
    fan_chart,
    sensitivity,
    sweep_claims,
    tornado_chart,
)
from factions.run.sweep import SweepResult
from factions.scenario import Scenario


def main_metrics(scenario: Scenario, ensemble: pd.DataFrame, limit: int = 6) -> list[str]:
    """Metrics the scenario's claims test that the sweep produced (monthly ones first),
    else the first ``limit`` monthly metrics."""
    have = set(ensemble["metric"].unique())
    monthly = set(ensemble.loc[ensemble["month"].notna(), "metric"].unique())
    tested = []
    for c in scenario.claims:
        m = c.test.metric if c.test is not None else None
        if m and m in have and m not in tested:
            tested.append(m)
    tested.sort(key=lambda m: m not in monthly)
    if tested:
        return tested[:limit]
    return sorted(monthly)[:limit]


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)


def write_sweep_report(scenario: Scenario, result: SweepResult,
                       out_dir: str | Path | None = None,
                       metrics: list[str] | None = None) -> dict[str, Path]:
    """Write the sweep's summary tables and figures; returns ``{name: path}`` (every
    ``fan:<metric>`` and ``tornado:<metric>`` figure is in ``figures.html``)."""
    out = Path(out_dir or result.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ens = result.ensemble()
    written: dict[str, Path] = {}
    summary = ensemble_summary(ens, by=("point", "scenario", "metric", "month"))
    written["summary"] = out / "summary.csv"
    summary.to_csv(written["summary"], index=False)
    claims = sweep_claims(scenario, result)
    written["claims"] = out / "claims.csv"
    claims.to_csv(written["claims"], index=False)
    if ens.empty:
        return written
    chosen = metrics or main_metrics(scenario, ens)
    varied = bool(result.plan.vary) or any(t.params for t in result.plan.tasks)
    sens = sensitivity(ens, metrics=chosen) if varied else pd.DataFrame()
    if not sens.empty:
        written["sensitivity"] = out / "sensitivity.csv"
        sens.to_csv(written["sensitivity"], index=False)
    figures, keys = {}, []
    for m in chosen:
        sub = ens[(ens["metric"] == m) & (ens["point"] == 0)]
        if sub["month"].notna().any():
            figures[f"fan_{_safe(m)}"] = fan_chart(sub, m)
            keys.append(f"fan:{m}")
        if not sens.empty and sens.loc[sens["metric"] == m, "spearman"].notna().any():
            figures[f"tornado_{_safe(m)}"] = tornado_chart(sens, m)
            keys.append(f"tornado:{m}")
    if figures:
        from factions.report.layout import figures_page

        page = figures_page(f"Sweep of {scenario.meta.name}", figures, out / "figures.html",
                            intro="Fan charts (median, 50 % and 90 % bands over the runs of "
                                  "grid point 0) and tornado charts (rank correlation with "
                                  "each varied parameter) of the main metrics.")
        written.update({k: page for k in keys})
    return written
