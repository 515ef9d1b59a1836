"""Typed objects that flow between engines through the pipeline (``provides``/``consumes``).

Engines never import each other; a provider and its consumers both import this module.

* ``"ties"`` — :class:`TieSeries`: the ties between the actors month by month, as the align
  engine publishes them: evolved where a scenario's ``dynamics`` leaves them free, as the
  file and its shocks set them elsewhere.
"""

from __future__ import annotations

__all__ = ["TieSeries", "TIES"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: the pipeline name of a :class:`TieSeries`
TIES = "ties"


@dataclass(frozen=True, eq=False)
class TieSeries:
    """Signed ties between actors, month by month.

    Attributes
    ----------
    actors : tuple of str
        Actor ids; row ``i`` of every matrix is ``actors[i]``.
    months : tuple of str
        ``YYYY-MM``; ``weights[k]`` is month ``months[k]``.
    weights : ndarray, shape (T, n, n)
        The ties engines should use: symmetric, zero diagonal, in [-1, 1] (0 = no tie).
    typed : ndarray, shape (T, n, n)
        The ties as the scenario file and its shocks give them (no dynamics).
    free : ndarray of bool, shape (T, n, n)
        Ties that evolved under the dynamics in that month.
    shocked : ndarray of bool, shape (T, n, n)
        Ties held by an active shock effect in that month (an exogenous fact).
    model : str or None
        The balance-dynamics model (``None``: no dynamics, ``weights`` equals ``typed``).
    """

    actors: tuple[str, ...]
    months: tuple[str, ...]
    weights: np.ndarray
    typed: np.ndarray
    free: np.ndarray
    shocked: np.ndarray
    model: str | None = None

    @property
    def dynamic(self) -> bool:
        """Whether any tie evolved (else ``weights`` equals ``typed``)."""
        return self.model is not None and bool(self.free.any())

    def index(self, month: str) -> int:
        """Position of ``month``; ``KeyError`` outside the period."""
        try:
            return self.months.index(month)
        except ValueError:
            raise KeyError(f"month {month!r} is outside the period {self.months[0]}.."
                           f"{self.months[-1]}") from None

    def matrix(self, month: str, typed: bool = False) -> np.ndarray:
        """The (n, n) ties at ``month`` (a copy); ``typed``: as the file sets them."""
        return (self.typed if typed else self.weights)[self.index(month)].copy()

    def relations_at(self, month: str, typed: bool = False) -> list[tuple[str, str, float]]:
        """Non-zero ties ``(a, b, weight)`` at ``month`` with ``a < b`` (as
        :meth:`factions.scenario.Timeline.relations_at`)."""
        w = (self.typed if typed else self.weights)[self.index(month)]
        out = []
        for i, j in zip(*np.nonzero(np.triu(w != 0, 1)), strict=True):
            a, b = sorted((self.actors[i], self.actors[j]))
            out.append((a, b, float(w[i, j])))
        return out

    def tie(self, a: str, b: str, typed: bool = False) -> np.ndarray:
        """The tie between ``a`` and ``b`` in every month, shape (T,)."""
        i, j = self.actors.index(a), self.actors.index(b)
        return (self.typed if typed else self.weights)[:, i, j].copy()

    def moves(self, tol: float = 1e-9) -> pd.DataFrame:
        """Per pair whose tie ever changes: how it moved.

        Columns ``a, b, first, typed_last, last, by_shock, by_dynamics, free_months``:
        the tie in the first month, its last value as typed and as used, whether a shock
        set it in some month, whether the dynamics moved it away from its typed value in
        some month, and the months it was free. Sorted by ``|last - typed_last|``.
        """
        t, n, _ = self.weights.shape
        i, j = np.triu_indices(n, 1)
        w, ty = self.weights[:, i, j], self.typed[:, i, j]
        changed = (np.abs(np.diff(w, axis=0)).max(axis=0, initial=0) > tol) | \
            (np.abs(np.diff(ty, axis=0)).max(axis=0, initial=0) > tol) | \
            (np.abs(w - ty).max(axis=0, initial=0) > tol)
        rows = []
        for p in np.flatnonzero(changed):
            a, b = self.actors[i[p]], self.actors[j[p]]
            rows.append({"a": a, "b": b, "first": float(w[0, p]), "typed_last": float(ty[-1, p]),
                         "last": float(w[-1, p]),
                         "by_shock": bool(self.shocked[:, i[p], j[p]].any()),
                         "by_dynamics": bool((np.abs(w[:, p] - ty[:, p]) > tol).any()),
                         "free_months": int(self.free[:, i[p], j[p]].sum())})
        out = pd.DataFrame(rows, columns=["a", "b", "first", "typed_last", "last", "by_shock",
                                          "by_dynamics", "free_months"])
        if out.empty:
            return out
        order = (out["last"] - out["typed_last"]).abs().sort_values(ascending=False).index
        return out.loc[order].reset_index(drop=True)
