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

import pandas as pd

from factions.engines.align.evolve import typed_ties
from factions.engines.align.tie_metrics import requested_values
from factions.engines.base import METRIC_COLUMNS


def align_null(scenario, scenario_id: str, options: Mapping | None = None) -> pd.DataFrame:
    """Null metrics of the align engine (see the module docs), month by month."""
    tl = scenario.timeline(scenario_id)
    ids = [a.id for a in scenario.actors]
    rows = []
    for mo in tl.months:
        rel = tl.relations_at(mo)
        pos = sum(w for _, _, w in rel if w > 0)
        neg = -sum(w for _, _, w in rel if w < 0)
        total = pos + neg
        rows += [("frustration", mo, neg), ("k_frustration", mo, neg),
                 ("balance", mo, 1 - 2 * neg / total if total else 1.0),
                 ("triangle_balance", mo, pos / total if total else 1.0)]
        friends = dict.fromkeys(ids, 0)
        for a, b, w in rel:
            if w > 0:
                friends[a] += 1
                friends[b] += 1
        rows += [(f"bloc_size.{a}", mo, float(1 + n)) for a, n in friends.items()]
        seats = tl.actors_at(mo)["seats"].dropna()
        seats = seats[seats > 0]
        if not seats.empty:
            share = seats / seats.sum()
            rows += [(f"{m}.{p}", mo, float(v)) for p, v in share.items()
                     for m in ("banzhaf", "shapley_shubik")]
    for name, values in requested_values(scenario, typed_ties(tl, ids)).items():
        rows += [(name, mo, float(v)) for mo, v in zip(tl.months, values, strict=True)]
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)
