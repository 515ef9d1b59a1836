"""The displace engine with its mechanism neutralised: nobody is pushed or pulled.

The displaced stay where the run starts them (the scenario's, or the observed, starting
stocks); refugees return from each host at the constant baseline rate ``base_return`` of the
flow parameters (no violence, restriction or hardship terms), and nobody new is displaced.
Used to grade claims (``docs/claims.md``): a claim whose verdict this null model reproduces
follows from the starting stocks and the baseline rate, not from the flows.
"""

from __future__ import annotations

__all__ = ["displace_null"]

from collections.abc import Mapping

import numpy as np
import pandas as pd

from factions.engines.base import METRIC_COLUMNS
from factions.engines.displace.adapter import scenario_arrays, start_from_observations
from factions.engines.displace.engine import OPTIONS
from factions.engines.displace.network import LocationKind
from factions.engines.displace.rules import FlowParameters
from factions.engines.options import check_options


def displace_null(scenario, scenario_id: str, options: Mapping | None = None) -> pd.DataFrame:
    """Null metrics of the displace engine (see the module docs), month by month."""
    o = check_options("displace", OPTIONS, options)
    arr = scenario_arrays(scenario, scenario.timeline(scenario_id), o["violence_series"],
                          o["violence_scale"])
    if o["start"] == "observed":
        arr = start_from_observations(scenario, arr)
    net, months = arr.net, arr.months
    rate = o["base_return"] if o["base_return"] is not None else FlowParameters().base_return
    host = net.kinds == int(LocationKind.HOST)
    idp = net.kinds == int(LocationKind.IDP)
    origin = net.kinds == int(LocationKind.ORIGIN)
    stock = net.population.astype(float).copy()
    ids = list(net.ids)
    rows = []
    yearly: dict[tuple[int, str], float] = {}
    for m in months:
        back = np.where(host, stock * rate, 0.0)
        stock = stock - back
        stock[origin] += back.sum() * (net.population[origin] / max(net.population[origin].sum(), 1))
        rows += [("refugees", m, float(stock[host].sum())), ("idps", m, float(stock[idp].sum())),
                 ("displaced", m, float(stock[~origin].sum())),
                 ("returns", m, float(back.sum())), ("new_displacement", m, 0.0)]
        for i in np.flatnonzero(host):
            rows += [(f"refugees.{ids[i]}", m, float(stock[i])),
                     (f"returns.{ids[i]}", m, float(back[i]))]
            yearly[(i, m[:4])] = yearly.get((i, m[:4]), 0.0) + float(back[i])
    for (i, y), v in yearly.items():
        rows.append((f"returns_from_{ids[i]}_{y}", None, v))
    for y in sorted({m[:4] for m in months}):
        rows.append((f"returns_{y}", None, sum(v for (_, yy), v in yearly.items() if yy == y)))
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)
