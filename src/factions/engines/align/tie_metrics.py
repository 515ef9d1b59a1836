"""Metrics of the ties themselves, month by month: who is whose friend, how far apart two
communities are.

On ``(T, n, n)`` arrays of signed weights (a :class:`~factions.engines.channels.TieSeries`'s
``weights``, or its ``typed`` ties for the null model), with ``w(a, b)`` the tie:

* ``tie.<a>.<b>`` — ``w(a, b)``;
* ``ties_with.<a>.<identity>`` — the mean of ``w(a, c)`` over the other actors ``c`` of that
  identity label (a pair without a tie counts 0): ``a``'s stance towards a community;
* ``partner_margin.<a>.<b>`` — ``w(a, b) - max_c w(a, c)`` over the actors ``c`` other
  than ``a`` and ``b`` that are not of kind ``state``: positive when ``b`` is ``a``'s
  closest domestic partner (foreign states left out), by that margin;
* ``line_frustration.<i>.<j>`` — the total weight of the negative ties between actors of
  identity ``i`` and actors of identity ``j``: the frustration those ties would carry if the
  two communities sat in one bloc (the depth of the split along that line).

The engine reports these for the names the scenario's claims use (every pair would be
thousands of rows); :func:`tie_metric_names` lists every name it could report.
"""

from __future__ import annotations

__all__ = ["tie_metric_names", "tie_metric", "TIE_FAMILIES", "requested_tie_metrics",
           "requested_values", "emergent_table"]

from collections.abc import Sequence

import numpy as np
import pandas as pd

from factions.engines.channels import TieSeries

TIE_FAMILIES = ("tie", "ties_with", "partner_margin", "line_frustration")


def tie_metric_names(scenario) -> list[str]:
    """Every tie-metric name the engine can report on ``scenario``."""
    ids = [a.id for a in scenario.actors]
    labels = sorted({a.identity for a in scenario.actors})
    out = [f"{f}.{a}.{b}" for f in ("tie", "partner_margin") for a in ids for b in ids if a != b]
    out += [f"ties_with.{a}.{i}" for a in ids for i in labels]
    out += [f"line_frustration.{i}.{j}" for i in labels for j in labels if i != j]
    return out


def requested_tie_metrics(scenario) -> list[str]:
    """The tie metrics the scenario's claims name (``align.<family>.…``), bare names."""
    out = []
    for c in scenario.claims:
        m = c.test.metric if c.test is not None else None
        if m and m.startswith("align.") and m.split(".")[1] in TIE_FAMILIES:
            out.append(m.split(".", 1)[1])
    return list(dict.fromkeys(out))


def tie_metric(name: str, weights: np.ndarray, actors: Sequence[str],
               identity: Sequence[str], kinds: Sequence[str]) -> np.ndarray:
    """The values of tie metric ``name`` (see the module docs) in every month, shape (T,).

    Parameters
    ----------
    name : str
        ``<family>.<x>.<y>``.
    weights : ndarray, shape (T, n, n)
        Signed ties; row ``i`` is ``actors[i]``.
    actors, identity, kinds : sequence of str
        Actor ids, their identity labels and kinds (in row order).

    Raises
    ------
    KeyError
        An unknown family, actor or identity.
    """
    family, x, y = name.split(".")
    index = {a: i for i, a in enumerate(actors)}
    ident = np.asarray(identity, dtype=object)
    if family == "tie":
        return weights[:, index[x], index[y]].copy()
    if family == "ties_with":
        others = np.flatnonzero((ident == y) & (np.arange(len(actors)) != index[x]))
        if not others.size:
            if y not in set(identity):
                raise KeyError(f"no actor has identity {y!r}")
            return np.zeros(weights.shape[0])
        return weights[:, index[x], others].mean(axis=1)
    if family == "partner_margin":
        i, j = index[x], index[y]
        rest = [k for k, kind in enumerate(kinds) if kind != "state" and k not in (i, j)]
        best = weights[:, i, rest].max(axis=1) if rest else np.full(weights.shape[0], -1.0)
        return weights[:, i, j] - best
    if family == "line_frustration":
        a, b = np.flatnonzero(ident == x), np.flatnonzero(ident == y)
        if not a.size or not b.size:
            raise KeyError(f"no actor has identity {x if not a.size else y!r}")
        block = weights[:, a][:, :, b]
        return np.clip(-block, 0.0, None).sum(axis=(1, 2))
    raise KeyError(f"unknown tie metric family {family!r}; known: {', '.join(TIE_FAMILIES)}")


def requested_values(scenario, weights: np.ndarray) -> dict[str, np.ndarray]:
    """The tie metrics the claims name, computed on ``weights`` (T, n, n)."""
    actors = [a.id for a in scenario.actors]
    identity = [a.identity for a in scenario.actors]
    kinds = [a.kind for a in scenario.actors]
    return {name: tie_metric(name, weights, actors, identity, kinds)
            for name in requested_tie_metrics(scenario)}


def emergent_table(ts: TieSeries) -> pd.DataFrame:
    """The ties the dynamics moved: per pair and year-end month (and the last month), the
    typed tie beside the emergent one (columns ``a, b, month, typed, emergent, change``)."""
    moved = ts.moves()
    moved = moved[moved["by_dynamics"]]
    picks = [m for m in ts.months if m.endswith("-12")]
    picks = list(dict.fromkeys([*picks, ts.months[-1]]))
    rows = []
    for r in moved.itertuples(index=False):
        typed, used = ts.tie(r.a, r.b, typed=True), ts.tie(r.a, r.b)
        for mo in picks:
            k = ts.index(mo)
            rows.append({"a": r.a, "b": r.b, "month": mo, "typed": float(typed[k]),
                         "emergent": float(used[k]), "change": float(used[k] - typed[k])})
    return pd.DataFrame(rows, columns=["a", "b", "month", "typed", "emergent", "change"])
