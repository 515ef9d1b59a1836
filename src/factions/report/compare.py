"""Cross-scenario figures: every metric a claim tests, one line (or bar) per scenario.

With several replicas the lines are means over replicas and the shaded bands their 5–95 %
range (a fan chart); scalar metrics are bars with the range over replicas as error bars.
"""

from __future__ import annotations

__all__ = ["compare_figures", "claim_metrics"]

import numpy as np

from factions.report.plots import month_axis, new_figure


def claim_metrics(scenario) -> list[str]:
    """Metrics named by the scenario's claims, in order of first use."""
    seen: list[str] = []
    for c in scenario.claims:
        if c.test is not None and c.test.metric and c.test.metric not in seen:
            seen.append(c.test.metric)
    return seen


#: engine metric -> the quantity observations declare for it (``compares:``), and whether
#: the metric's last name part is the location
_OBSERVED_AS = {"ground.deaths": ("ground.deaths", False),
                "displace.refugees": ("displace.stock", True),
                "displace.idps": ("displace.idps", False),
                "displace.returns": ("displace.returns", True)}


def _observation_for(scenario, metric: str):
    """The observation that declares it measures ``metric`` (``compares:``), if any:
    ``ground.deaths`` ↔ ``compares: ground.deaths`` (national), ``displace.refugees.<host>``
    ↔ ``compares: displace.stock`` at ``<host>``, ``displace.idps`` ↔ ``displace.idps``."""
    head, _, last = metric.rpartition(".")
    for name, location in ((metric, None), (head, last)):
        found = _OBSERVED_AS.get(name)
        if found is None or found[1] != (location is not None):
            continue
        for o in scenario.observations_of(found[0], location):
            if o.region is None:
                return o
    return None


def compare_figures(run, max_scenarios: int = 12) -> dict:
    """One figure per claimed metric (monthly: lines over time; scalar: bars by scenario)."""
    m = run.metrics
    if m is None or m.empty:
        return {}
    figs = {}
    months = run.scenario.months()
    for metric in claim_metrics(run.scenario):
        sel = m[m["metric"] == metric]
        if sel.empty:
            continue
        ids = [s for s in run.scenario_ids if s in set(sel["scenario"])][:max_scenarios]
        monthly = sel["month"].notna().any()
        fig = new_figure(9, 3.6)
        ax = fig.add_subplot()
        if monthly:
            grouped = sel.dropna(subset=["month"]).groupby(["scenario", "month"])["value"]
            mean = grouped.mean().unstack("scenario")
            fan = sel["seed"].nunique() > 1 if "seed" in sel else False
            if fan:  # a fan chart: the 90 % band over replicas around the mean
                low = grouped.quantile(0.05).unstack("scenario")
                high = grouped.quantile(0.95).unstack("scenario")
            x_of = {mo: i for i, mo in enumerate(months)}
            for sid in ids:
                if sid in mean:
                    col = mean[sid].dropna()
                    keep = [mo in x_of for mo in col.index]
                    xs = [x_of[mo] for mo in col.index if mo in x_of]
                    line, = ax.plot(xs, col[keep].to_numpy(), label=sid,
                                    lw=2.2 if sid == run.scenario_ids[0] else 1.1)
                    if fan:
                        ax.fill_between(xs, low[sid].reindex(col.index)[keep].to_numpy(),
                                        high[sid].reindex(col.index)[keep].to_numpy(),
                                        color=line.get_color(), alpha=0.12, lw=0)
            obs = _observation_for(run.scenario, metric)
            if obs is not None:
                pts = [(x_of[mo], v) for mo, v in sorted(obs.series.items()) if mo in x_of]
                if pts:
                    xs, ys = zip(*pts, strict=True)
                    ax2 = ax.twinx()
                    ax2.plot(xs, ys, color="black", ls=":", lw=1.2, label=f"observed {obs.id}")
                    ax2.set_ylabel(obs.unit, fontsize=8)
                    ax2.legend(fontsize=7, loc="upper right")
            month_axis(ax, months)
            ax.legend(fontsize=7, ncol=3, loc="upper left")
        else:
            vals = sel.groupby("scenario")["value"].agg(["mean", "min", "max"]).reindex(ids)
            x = np.arange(len(ids))
            err = np.vstack([vals["mean"] - vals["min"], vals["max"] - vals["mean"]])
            ax.bar(x, vals["mean"].to_numpy(), yerr=np.clip(np.nan_to_num(err), 0, None), color="tab:blue", alpha=.7)
            ax.set_xticks(x)
            ax.set_xticklabels(ids, rotation=30, ha="right", fontsize=8)
        ax.set_title(metric)
        figs[metric] = fig
    return figs


