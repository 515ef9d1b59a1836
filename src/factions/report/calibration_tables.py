"""The report's tables of the calibration behind a run and of its decomposition.

With a posterior: its summary (prior and posterior of each parameter) and, when the
calibration held months out, its validation table (CRPS and MAE of the forecast against
naive baselines, :mod:`factions.run.validate`). With a ``decomposition`` section: the
median and 90 % interval over the replicas of every mechanism's share of the decline
(:mod:`factions.run.decompose`; the pairwise ``excess`` metrics, differences of two
shares, are left to the claims).
"""

from __future__ import annotations

__all__ = ["calibration_tables"]

from pathlib import Path

import pandas as pd


def calibration_tables(run) -> dict[str, pd.DataFrame]:
    """``{title: table}`` for the report (empty when there is nothing to show)."""
    from factions.run.decompose import decomposition_summary, with_decomposition

    out: dict[str, pd.DataFrame] = {}
    post = getattr(run, "posterior", None)
    if post is not None and post.path:
        d = Path(post.path)
        for name, title in (("posterior_summary.csv", "Posterior of the calibration"),
                            ("validation.csv", "Held-out months: CRPS and MAE against naive "
                                               "baselines")):
            if (d / name).exists():
                out[f"{title} ({d.name})"] = pd.read_csv(d / name)
    sc = run.scenario
    if sc.decomposition is not None and not run.metrics.empty and "seed" in run.metrics:
        frames = [g for _, g in run.metrics[run.metrics["seed"].notna()].groupby("seed")]
        summary = decomposition_summary(with_decomposition(sc, frames))
        summary = summary[~summary["metric"].str.startswith("decompose.excess.")]
        if not summary.empty:
            spec = sc.decomposition
            out[f"Decomposition of {spec.metric} over {spec.window[0]}..{spec.window[1]} "
                f"(median, 5 % and 95 % over replicas)"] = summary
    return out
