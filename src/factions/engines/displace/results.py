"""Results of the displace engine: tidy tables, metrics and figures from a run."""

from __future__ import annotations

__all__ = ["DisplaceResult", "assemble_result", "displace_metrics"]

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from factions.engines.base import METRIC_COLUMNS, EngineResult
from factions.engines.displace.adapter import ScenarioArrays, observed_targets
from factions.engines.displace.ard import ard_flee, ard_per_location
from factions.engines.displace.figures import flows_figure, stocks_figure
from factions.engines.displace.network import LocationKind
from factions.engines.displace.rules import FlowParameters, return_hazard_terms

_KIND_NAME = {int(k): k.name.lower() for k in LocationKind}


@dataclass
class DisplaceResult(EngineResult):
    """Stocks, flows, hindcast and errors of one displacement run (tidy tables)."""

    stocks: pd.DataFrame = field(default_factory=pd.DataFrame)
    flows: pd.DataFrame = field(default_factory=pd.DataFrame)
    hindcast: pd.DataFrame = field(default_factory=pd.DataFrame)
    errors: pd.DataFrame = field(default_factory=pd.DataFrame)
    parameters: pd.DataFrame = field(default_factory=pd.DataFrame)
    return_causes: pd.DataFrame = field(default_factory=pd.DataFrame)
    metric_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    kinds: dict[str, str] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"stocks": self.stocks, "flows": self.flows, "hindcast": self.hindcast,
                "ard": self.errors, "parameters": self.parameters,
                "return_causes": self.return_causes}

    def figures(self) -> dict[str, Any]:
        label = f"{self.scenario_id}"
        return {
            "stocks": stocks_figure(self.stocks, self.hindcast,
                                    f"Displaced people by location, model vs observed ({label})"),
            "flows": flows_figure(self.flows, self.kinds, f"Flows over the period ({label})"),
        }

    def metrics(self) -> pd.DataFrame:
        return self.metric_rows[METRIC_COLUMNS].copy()


def _prev_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def _ard_rows(hindcast: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for name, grp in hindcast.groupby("series", sort=False):
        row: dict[str, Any] = {"series": name, "points": len(grp)}
        for col, sub in (("ard", grp), ("ard_in_sample", grp[grp["in_sample"]]),
                         ("ard_out_of_sample", grp[~grp["in_sample"]])):
            row[col] = (float(ard_per_location(sub["simulated"], sub["observed"])[0])
                        if len(sub) else float("nan"))
        rows.append(row)
    wide = hindcast.pivot(index="month", columns="series")
    flee = {"series": "all (Flee ARD)", "points": len(hindcast)}
    for col, mask in (("ard", slice(None)), ("ard_in_sample", wide["in_sample"].all(axis=1)),
                      ("ard_out_of_sample", ~wide["in_sample"].any(axis=1))):
        sub = wide.loc[mask]
        flee[col] = (ard_flee(sub["simulated"].to_numpy(), sub["observed"].to_numpy())
                     if len(sub) else float("nan"))
    rows.append(flee)
    return rows


def assemble_result(sc, scenario_id, seed, arrays, stocks_m, returns_m, edges_m, params, fit,
              fit_until):
    net, months = arrays.net, arrays.months
    ids = list(net.ids)
    kinds = {i: _KIND_NAME[int(c)] for i, c in zip(ids, net.kinds, strict=True)}
    labels = [_prev_month(months[0]), *months]
    stocks = pd.DataFrame({
        "month": np.repeat(labels, len(ids)),
        "location": ids * len(labels),
        "kind": [kinds[i] for i in ids] * len(labels),
        "people": stocks_m.ravel().astype(float),
    })
    flows = pd.DataFrame({
        "month": np.repeat(months, net.n_edges),
        "from": np.tile(np.asarray(ids)[net.src], len(months)),
        "to": np.tile(np.asarray(ids)[net.dst], len(months)),
        "people": edges_m.ravel().astype(float),
    })
    flows = flows[flows["people"] > 0].reset_index(drop=True)

    targets = observed_targets(sc, arrays, 1)
    hind_rows = []
    for tg in targets:
        sim = tg.simulated(stocks_m)
        for step, v, o in zip(tg.steps, sim, tg.values, strict=True):
            month = labels[step]
            hind_rows.append({"series": tg.name, "month": month, "simulated": float(v),
                              "observed": float(o),
                              "in_sample": fit is not None and (fit_until is None
                                                                or month <= fit_until)})
    hindcast = pd.DataFrame(hind_rows,
                            columns=["series", "month", "simulated", "observed", "in_sample"])
    err_cols = ["series", "ard", "ard_in_sample", "ard_out_of_sample", "points"]
    errors = pd.DataFrame(_ard_rows(hindcast) if hind_rows else [], columns=err_cols)

    causes = _return_causes(arrays, params, returns_m)
    fitted = set(fit.fitted) if fit else set()
    parameters = pd.DataFrame([{"parameter": n, "value": v, "fitted_in_sample": n in fitted}
                               for n, v in params.as_dict().items()])
    metric_rows = _metrics(net, kinds, months, stocks_m, returns_m, edges_m, errors, causes)
    host_ids = [i for i in ids if kinds[i] == "host"]
    summary = {
        "period": f"{months[0]}..{months[-1]}",
        "calibrated": fit is not None,
        "fit": None if fit is None else {"parameters": list(fit.fitted), "ssr": fit.cost,
                                         "points": fit.n_residuals, "success": fit.success,
                                         "in_sample": True},
        "ard_against": "observed stocks (history), whatever the scenario run",
        "ard": {r.series: (None if np.isnan(r.ard) else round(float(r.ard), 4))
                for r in errors.itertuples()},
        "ard_out_of_sample": {r.series: round(float(r.ard_out_of_sample), 4)
                              for r in errors.itertuples() if not np.isnan(r.ard_out_of_sample)},
        "end_stocks": {i: round(float(stocks_m[-1, ids.index(i)])) for i in host_ids},
        "end_idps": round(float(stocks_m[-1, net.kinds == int(LocationKind.IDP)].sum())),
    }
    moved = float(edges_m.sum()) + float(returns_m.sum())
    degenerate = None if moved > 0 else "nobody moved in any month (no flows, no returns)"
    return DisplaceResult(engine="displace", scenario_id=scenario_id, seed=seed, summary=summary,
                          stocks=stocks, flows=flows, hindcast=hindcast, errors=errors,
                          parameters=parameters, return_causes=causes, metric_rows=metric_rows,
                          kinds=kinds, degenerate=degenerate)


def displace_metrics(sc) -> list[str]:
    """The metric names the engine reports on ``sc`` (named after its locations)."""
    hosts = [loc.id for loc in sc.locations if loc.kind == "host"]
    out = ["refugees", "idps", "displaced", "returns", "new_displacement", "returns_*",
           "returns_from_*", "returns_due.*", "ard_flee", "ard.*", "ard_out_of_sample*"]
    for h in hosts:
        out += [f"refugees.{h}", f"returns.{h}"]
    return out


def _return_causes(arrays: ScenarioArrays, params: FlowParameters,
                   returns_m: np.ndarray) -> pd.DataFrame:
    """Split each month's returns by the additive terms of the leaving hazard.

    The hazard of leaving a host / IDP setting is a sum of terms (baseline, hardship,
    restriction, home safety); each term's share of the hazard is booked as its share of the
    returns that month (exact to first order in the hazard).
    """
    net, inp = arrays.net, arrays.inputs
    rows = []
    for t, month in enumerate(arrays.months):
        if not returns_m[t].any():
            continue
        terms = return_hazard_terms(net, inp.violence[t], inp.restriction[t], inp.hardship[t],
                                    params)
        total = sum(terms.values())
        for i in np.flatnonzero(returns_m[t] > 0):
            for factor, term in terms.items():
                share = term[i] / total[i] if total[i] > 0 else 0.0
                rows.append((month, net.ids[i], factor, float(returns_m[t, i] * share)))
    return pd.DataFrame(rows, columns=["month", "location", "factor", "people"])


def _metrics(net, kinds, months, stocks_m, returns_m, edges_m, errors, causes) -> pd.DataFrame:
    ids = list(net.ids)
    rows: list[tuple[str, str | None, float]] = []
    host = net.kinds == int(LocationKind.HOST)
    idp = net.kinds == int(LocationKind.IDP)
    origin = net.kinds == int(LocationKind.ORIGIN)
    flight = origin[net.src] & ~origin[net.dst]
    end = stocks_m[1:]
    for t, m in enumerate(months):
        rows += [("refugees", m, float(end[t, host].sum())), ("idps", m, float(end[t, idp].sum())),
                 ("displaced", m, float(end[t, ~origin].sum())),
                 ("returns", m, float(returns_m[t].sum())),
                 ("new_displacement", m, float(edges_m[t, flight].sum()))]
        for i in np.flatnonzero(host):
            rows += [(f"refugees.{ids[i]}", m, float(end[t, i])),
                     (f"returns.{ids[i]}", m, float(returns_m[t, i]))]
    years = sorted({m[:4] for m in months})
    for i in np.flatnonzero(~origin):
        for y in years:
            sel = [t for t, m in enumerate(months) if m.startswith(y)]
            rows.append((f"returns_from_{ids[i]}_{y}", None, float(returns_m[sel, i].sum())))
    for y in years:
        sel = [t for t, m in enumerate(months) if m.startswith(y)]
        rows.append((f"returns_{y}", None, float(returns_m[sel].sum())))
    if not causes.empty:
        by = causes.assign(year=causes["month"].str[:4]).groupby(["factor", "location", "year"])
        for (factor, loc, year), people in by["people"].sum().items():
            rows.append((f"returns_due.{factor}.{loc}_{year}", None, float(people)))
    for r in errors.itertuples():
        name = "ard_flee" if r.series.startswith("all") else f"ard.{r.series}"
        rows.append((name, None, float(r.ard)))
        if not np.isnan(r.ard_out_of_sample):
            rows.append((name.replace("ard", "ard_out_of_sample", 1), None,
                         float(r.ard_out_of_sample)))
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)
