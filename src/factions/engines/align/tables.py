"""Table builders of the ``align`` engine: bloc moves, tie flips, Council power."""

from __future__ import annotations

__all__ = ["bloc_changes", "council_power"]

from collections.abc import Sequence

import numpy as np
import pandas as pd

from factions.engines.align.parliament import power_table
from factions.engines.align.power import minimal_winning_coalitions
from factions.errors import EngineError, InputError


def bloc_changes(snapshots: Sequence[str], blocs: pd.DataFrame, tl
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bloc moves of actors and sign changes of ties between consecutive snapshot months."""
    moves, flips = [], []
    for before, after in zip(snapshots, snapshots[1:], strict=False):
        b = blocs[blocs.month == before].set_index("actor")["bloc"]
        a = blocs[blocs.month == after].set_index("actor")["bloc"]
        for actor in dict.fromkeys([*b.index, *a.index]):
            x, y = b.get(actor), a.get(actor)
            moves.append({"from_month": before, "to_month": after, "actor": actor,
                          "bloc_before": x, "bloc_after": y,
                          "moved": bool(x is not None and y is not None and x != y)})
        rb = {(x, y): w for x, y, w in tl.relations_at(before)}
        ra = {(x, y): w for x, y, w in tl.relations_at(after)}
        for pair in dict.fromkeys([*rb, *ra]):
            x, y = np.sign(rb.get(pair, 0.0)), np.sign(ra.get(pair, 0.0))
            if x != y:
                flips.append({"from_month": before, "to_month": after, "a": pair[0],
                              "b": pair[1], "before": rb.get(pair, 0.0), "after": ra.get(pair, 0.0),
                              "change": "appeared" if x == 0 else "vanished" if y == 0
                              else "flipped"})
    cols_m = ["from_month", "to_month", "actor", "bloc_before", "bloc_after", "moved"]
    cols_f = ["from_month", "to_month", "a", "b", "before", "after", "change"]
    moves_df = pd.DataFrame(moves, columns=cols_m)
    moves_df[["bloc_before", "bloc_after"]] = moves_df[["bloc_before", "bloc_after"]].astype(
        "Int64")
    return moves_df, pd.DataFrame(flips, columns=cols_f)


def council_power(tl, month, snapshots, quota_option):
    """Banzhaf and Shapley-Shubik power of the parties holding seats, month by month.

    Returns the power table at the snapshot months, the minimal winning coalitions at the
    focus month, and ``{index: {(month, party): value}}`` for the monthly metrics. Seat
    vectors that repeat are computed once.
    """
    frames, monthly, coalitions = [], {"banzhaf": {}, "shapley_shubik": {}}, pd.DataFrame()
    cache: dict[tuple, pd.DataFrame] = {}
    for mo in tl.months:
        actors = tl.actors_at(mo)
        seats = actors["seats"].dropna()
        seats = seats[seats > 0]
        if seats.empty:
            continue
        key = tuple(seats.items())
        if key not in cache:
            total = int(seats.sum())
            quota = total // 2 + 1 if quota_option is None else quota_option
            try:
                t = power_table(list(seats.index), [int(s) for s in seats], quota)
            except InputError as exc:
                raise EngineError(f"voting power at {mo}: {exc}") from None
            t.insert(2, "quota", quota)
            cache[key] = t
        t = cache[key]
        for r in t.itertuples():
            monthly["banzhaf"][(mo, r.party)] = r.banzhaf
            monthly["shapley_shubik"][(mo, r.party)] = r.shapley_shubik
        if mo in snapshots or mo == month:
            frames.append(t.assign(month=mo)[["month", *t.columns]])
        if mo == month and len(t) <= 20:
            mwc = minimal_winning_coalitions(t["seats"].tolist(), t["quota"].iloc[0],
                                             names=t["party"].tolist())
            seat = dict(zip(t["party"], t["seats"], strict=True))
            coalitions = pd.DataFrame({
                "month": mo, "coalition": [" + ".join(c) for c in mwc],
                "parties": [len(c) for c in mwc], "seats": [sum(seat[p] for p in c) for c in mwc]})
    power = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return power, coalitions, monthly
