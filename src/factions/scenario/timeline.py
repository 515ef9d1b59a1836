"""Effects of shocks, month by month: the scenario's parameters under one named scenario.

The vocabulary (``docs/scenario.md``): an effect changes one parameter from month ``from``
(default: the shock's month) until ``until`` (default: the end of the period) by

* ``set: v``   — value becomes ``v``;
* ``shift: d`` — value becomes value + ``d``;
* ``scale: f`` — value becomes value × ``f``.

With ``ramp: r`` (months, r ≥ 1) the change is phased in linearly: in the k-th month of the
effect (k = 1, 2, …) a fraction min(1, k / r) of it applies, so ``set`` moves the value
part of the way towards ``v``, and ``scale`` multiplies by 1 + fraction·(f − 1). Effects
apply in the order the scenario lists its shocks, then in the order each shock lists its
effects; after each effect the value is clipped to the parameter's domain.
"""

from __future__ import annotations

__all__ = ["Timeline", "apply_effects"]

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from factions.scenario.months import month_index
from factions.scenario.params import ParamSpec, canonical_param, parameter_specs
from factions.scenario.schema import Shock

if TYPE_CHECKING:  # pragma: no cover
    from factions.scenario.scenario import Scenario


def apply_effects(frame: pd.DataFrame, shocks: Sequence[Shock],
                  specs: dict[str, ParamSpec], model) -> pd.DataFrame:
    """Return a copy of ``frame`` (months × parameters) with the shocks' effects applied."""
    effects = [(shock, eff) for shock in shocks for eff in shock.effects]
    if not effects:
        return frame.copy()
    # names as Python lists: iterating a pandas string index item by item is slow
    idx = np.array([month_index(m) for m in frame.index.tolist()])
    at = {c: j for j, c in enumerate(frame.columns.tolist())}
    table = frame.to_numpy(dtype=float, copy=True)  # one block: column access is cheap
    added: list[str] = []
    extra: list[np.ndarray] = []
    width = table.shape[1]
    for shock, eff in effects:
        name, spec = canonical_param(eff.param, model, specs)
        j = at.get(name)
        if j is None:
            j = at[name] = width + len(added)
            added.append(name)
            extra.append(np.zeros(len(idx)))
        start = month_index(eff.from_ or shock.month)
        stop = month_index(eff.until) if eff.until else 10**9
        k = idx - start + 1
        active = (k >= 1) & (idx <= stop)
        frac = np.where(active, 1.0 if eff.ramp == 0 else np.minimum(1.0, k / max(eff.ramp, 1)),
                        0.0)
        v = table[:, j] if j < width else extra[j - width]
        if eff.op == "set":
            new = v + frac * (eff.amount - v)
        elif eff.op == "shift":
            new = v + frac * eff.amount
        else:
            new = v * (1.0 + frac * (eff.amount - 1.0))
        new = np.clip(new, spec.lo, spec.hi)
        if j < width:
            table[:, j] = new
        else:
            extra[j - width] = new
    columns = frame.columns
    if added:
        table = np.column_stack([table, *extra])
        columns = columns.append(pd.Index(added, dtype=columns.dtype))
    return pd.DataFrame(table, index=frame.index, columns=columns)


class _Row(Mapping):
    """One month of a timeline as a read-only ``{parameter: value}`` view (no copy)."""

    def __init__(self, at: dict[str, int], values: np.ndarray):
        self._at, self._values = at, values

    def __getitem__(self, name: str) -> float:
        return float(self._values[self._at[name]])

    def __iter__(self):
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


class Timeline:
    """The parameters of one scenario (a named set of shocks) for every month of the period."""

    def __init__(self, scenario: Scenario, scenario_id: str, frame: pd.DataFrame,
                 shocks: Sequence[Shock], region: str | None = None):
        self.scenario = scenario
        self.scenario_id = scenario_id
        self.shocks = list(shocks)
        self._frame = frame
        #: the region this timeline is for (``None``: the whole country)
        self.region = region

    @property
    def months(self) -> list[str]:
        return list(self._frame.index)

    def frame(self) -> pd.DataFrame:
        """Months × parameters (a copy)."""
        return self._frame.copy()

    def table(self) -> tuple[dict[str, int], np.ndarray]:
        """``({parameter: column}, months x parameters array)``, built once and read only:
        the fast way to read many parameters of every month."""
        if getattr(self, "_table", None) is None:
            arr = self._frame.to_numpy(dtype=float, copy=True)
            arr.flags.writeable = False
            self._table = ({c: j for j, c in enumerate(self._frame.columns)}, arr)
        return self._table

    def _check_month(self, month: str) -> str:
        if month not in self._frame.index:
            raise KeyError(f"month {month!r} is outside the period "
                           f"{self.months[0]}..{self.months[-1]}")
        return month

    def value(self, param: str, month: str) -> float:
        """The value of ``param`` at ``month``."""
        name, _ = canonical_param(param, self.scenario, parameter_specs(self.scenario))
        self._check_month(month)
        if name not in self._frame.columns:  # a relation no tie or effect ever touches
            return 0.0
        return float(self._frame.at[month, name])

    def series(self, param: str) -> pd.Series:
        name, _ = canonical_param(param, self.scenario, parameter_specs(self.scenario))
        if name not in self._frame.columns:
            return pd.Series(0.0, index=self._frame.index, name=name)
        return self._frame[name].copy()

    def _row(self, month: str) -> _Row:
        """The parameters at ``month``, read by name from one array of the whole frame."""
        if getattr(self, "_months", None) is None:
            self._months = {m: i for i, m in enumerate(self._frame.index)}
        at, table = self.table()
        return _Row(at, table[self._months[self._check_month(month)]])

    def _arrays(self):
        """Month index, the relation pairs and weights, and the actors' fields as arrays
        (built once: the monthly accessors below only index them)."""
        if getattr(self, "_cache", None) is None:
            f = self._frame
            rel = [c for c in f.columns if c.startswith("relations.")]
            pairs = [tuple(c.split(".")[1:]) for c in rel]
            cols = {}
            for field in ("capability", "fighters", "seats", "active"):
                names = [f"actors.{a.id}.{field}" for a in self.scenario.actors]
                cols[field] = np.column_stack([
                    f[n].to_numpy(float) if n in f.columns else np.full(len(f), np.nan)
                    for n in names]) if names else np.zeros((len(f), 0))
            self._cache = ({m: i for i, m in enumerate(f.index)}, pairs,
                           f[rel].to_numpy(float) if rel else np.zeros((len(f), 0)), cols)
        return self._cache

    def relations_at(self, month: str) -> list[tuple[str, str, float]]:
        """Non-zero ties ``(a, b, weight)`` at ``month``, with ``a < b``."""
        index, pairs, weights, _ = self._arrays()
        row = weights[index[self._check_month(month)]]
        return [(pairs[j][0], pairs[j][1], float(row[j])) for j in np.flatnonzero(row)]

    def actors_at(self, month: str) -> pd.DataFrame:
        """Index actor id; columns capability, fighters, seats (NaN where not given), active."""
        index, _, _, cols = self._arrays()
        i = index[self._check_month(month)]
        return pd.DataFrame({k: cols[k][i] for k in ("capability", "fighters", "seats",
                                                     "active")},
                            index=pd.Index([a.id for a in self.scenario.actors], name="actor"))

    def positions_at(self, month: str) -> pd.DataFrame:
        """Columns actor, issue, position, salience."""
        row = self._row(month)
        recs = [{"actor": p.actor, "issue": p.issue,
                 "position": row[f"positions.{p.actor}.{p.issue}.position"],
                 "salience": row[f"positions.{p.actor}.{p.issue}.salience"]}
                for p in self.scenario.positions]
        return pd.DataFrame.from_records(recs, columns=["actor", "issue", "position", "salience"])

    def populations_at(self, month: str) -> pd.DataFrame:
        """Index group id; columns share, legitimacy, hardship."""
        row = self._row(month)
        recs = [{"group": g.id, **{f: row[f"populations.{g.id}.{f}"]
                                   for f in ("share", "legitimacy", "hardship")}}
                for g in self.scenario.populations]
        return pd.DataFrame.from_records(
            recs, columns=["group", "share", "legitimacy", "hardship"]).set_index("group")

    def forces_at(self, month: str) -> dict[str, float]:
        row = self._row(month)
        return {f.id: float(row[f"forces.{f.id}"]) for f in self.scenario.forces}

    def parameter(self, pid: str, month: str) -> float:
        return float(self._row(month)[f"parameters.{pid}"])

    def location_fields(self, field: str, ids: Sequence[str]) -> np.ndarray:
        """``(months, len(ids))`` values of ``locations.<id>.<field>`` (NaN where a
        location does not give it)."""
        f = self._frame
        return np.column_stack([
            f[f"locations.{i}.{field}"].to_numpy(float) if f"locations.{i}.{field}" in f.columns
            else np.full(len(f), np.nan) for i in ids]) if ids else np.zeros((len(f), 0))

    def locations_at(self, month: str) -> pd.DataFrame:
        """Index location id; columns restriction, hardship, population (NaN if not given)."""
        row = self._row(month)
        recs = [{"location": loc.id,
                 "restriction": row[f"locations.{loc.id}.restriction"],
                 "hardship": row[f"locations.{loc.id}.hardship"],
                 "population": row.get(f"locations.{loc.id}.population", np.nan)}
                for loc in self.scenario.locations]
        return pd.DataFrame.from_records(
            recs, columns=["location", "restriction", "hardship", "population"]
        ).set_index("location")
