"""The bargain engine with its mechanism neutralised: what the positions alone say.

For every issue, the outcome is the capability × salience weighted mean of the positions
at the engine's month — the positions as they stand, with no bargaining, voting or
exchange between actors (for every model name too). Used to grade claims
(``docs/claims.md``): a claim whose verdict this null model reproduces follows from the
positions and capabilities the compared scenarios set.
"""

from __future__ import annotations

__all__ = ["bargain_null"]

from collections.abc import Mapping

import pandas as pd

from factions.engines.bargain.api import MODELS
from factions.engines.bargain.engine import OPTIONS
from factions.engines.base import METRIC_COLUMNS
from factions.engines.options import check_options


def bargain_null(scenario, scenario_id: str, options: Mapping | None = None) -> pd.DataFrame:
    """Null metrics of the bargain engine (see the module docs)."""
    o = check_options("bargain", OPTIONS, options)
    tl = scenario.timeline(scenario_id)
    month = o["month"] or tl.months[-1]
    actors = tl.actors_at(month)
    cap = actors["capability"].astype(float) * actors["active"].astype(float)
    pos = tl.positions_at(month)
    rows = []
    for issue in scenario.issues:
        p = pos[pos["issue"] == issue.id]
        w = cap.reindex(p["actor"]).to_numpy(float) * p["salience"].to_numpy(float)
        if w.sum() <= 0:
            continue
        value = float((w * p["position"].to_numpy(float)).sum() / w.sum())
        rows.append((issue.id, None, value))
        rows += [(f"{issue.id}.{m}", None, value) for m in (*MODELS, "exchange")]
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)
