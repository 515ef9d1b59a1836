"""The align engine with its mechanism neutralised: what the ties alone say.

Used to grade claims (``docs/claims.md``): a claim on an align metric whose verdict this
null model reproduces follows from the ties the compared scenarios set, not from the
structural-balance computation. The ties are the *typed* ones — the file's, with the
shocks applied — and a scenario's ``dynamics`` do not run: its free ties keep their typed
values (so a realignment the dynamics produce is not in the null model, and one a shock
types in is). Per month, with ``W+`` / ``W-`` the total positive / negative tie weight and
``W = W+ + W-``:

* ``frustration`` (and ``k_frustration``) = ``W-`` — every negative tie counted as if all
  actors sat in one bloc (no partition is searched);
* ``balance`` = ``1 - 2 W- / W`` and ``triangle_balance`` = ``W+ / W``;
* ``bloc_size.<actor>`` = 1 + the actor's positive direct ties (its friends, without the
  enemy-of-my-enemy reasoning);
* ``banzhaf.<party>`` / ``shapley_shubik.<party>`` = the party's seat share (no coalition
  arithmetic);
* the tie metrics (``tie.*``, ``ties_with.*``, ``partner_margin.*``, ``line_frustration.*``,
  :mod:`.tie_metrics`) = the same functions of the typed ties.
"""

from __future__ import annotations

__all__ = ["align_null"]

from collections.abc import Mapping

import numpy as np
import pandas as pd

from factions.engines.align.evolve import typed_ties
from factions.engines.align.tie_metrics import requested_values
from factions.engines.base import METRIC_COLUMNS


def align_null(scenario, scenario_id: str, options: Mapping | None = None) -> pd.DataFrame:
    """Null metrics of the align engine (see the module docs), month by month."""
    tl = scenario.timeline(scenario_id)
    ids = [a.id for a in scenario.actors]
    months = tl.months
    at, table = tl.table()
    rel = [(c, *c.split(".")[1:3]) for c in at if c.startswith("relations.")]
    w = (np.column_stack([table[:, at[c]] for c, _, _ in rel]) if rel
         else np.zeros((len(months), 0)))
    pos = np.where(w > 0, w, 0.0).sum(axis=1)
    neg = -np.where(w < 0, w, 0.0).sum(axis=1)
    total = pos + neg
    safe = np.where(total > 0, total, 1.0)
    balance = np.where(total > 0, 1 - 2 * neg / safe, 1.0)
    triangle = np.where(total > 0, pos / safe, 1.0)
    where = {a: j for j, a in enumerate(ids)}
    friends = np.ones((len(months), len(ids)))
    for j, (_, a, b) in enumerate(rel):
        for x in (a, b):
            if x in where:
                friends[:, where[x]] += w[:, j] > 0
    seats = np.column_stack([table[:, at[f"actors.{a}.seats"]] if f"actors.{a}.seats" in at
                             else np.full(len(months), np.nan) for a in ids])
    rows = []
    for i, mo in enumerate(months):
        rows += [("frustration", mo, float(neg[i])), ("k_frustration", mo, float(neg[i])),
                 ("balance", mo, float(balance[i])), ("triangle_balance", mo, float(triangle[i]))]
        rows += [(f"bloc_size.{a}", mo, float(friends[i, j])) for j, a in enumerate(ids)]
        held = [(a, v) for a, v in zip(ids, seats[i], strict=True) if v > 0]
        if held:
            tot = sum(v for _, v in held)
            rows += [(f"{m}.{a}", mo, float(v / tot)) for a, v in held
                     for m in ("banzhaf", "shapley_shubik")]
    for name, values in requested_values(scenario, typed_ties(tl, ids)).items():
        rows += [(name, mo, float(v)) for mo, v in zip(months, values, strict=True)]
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)
