"""The inputs a user may move: each with its value in the file, its range and its source.

Where the scenario has uncertain inputs (``Scenario.uncertain_inputs()``: ranges in the file
and default bands of assumptions, with ``name``, ``value``, ``low``, ``high`` and a
``label``), those are the inputs. Otherwise the dashboard offers the scenario-wide numeric parameters
(``parameters.<id>``) and each population's legitimacy and hardship, ranging over their
domain where it is bounded, else from half to one and a half times the file's value (a
stated choice of the dashboard, not a claim about the uncertainty of the input).
"""

from __future__ import annotations

__all__ = ["InputSpec", "input_specs", "MAX_INPUTS"]

import math
from dataclasses import dataclass

from factions.scenario import Scenario, parameter_specs

#: the most inputs offered (and accepted in one request)
MAX_INPUTS = 64


@dataclass(frozen=True)
class InputSpec:
    """One movable input: ``name`` as :meth:`Scenario.with_base` takes it."""

    name: str
    label: str
    value: float
    low: float
    high: float
    source: str = ""

    @property
    def step(self) -> float:
        span = self.high - self.low
        return float(f"{span / 100:.2g}") if span > 0 else 1.0


def _get(record, key, default=None):
    if isinstance(record, dict):
        return record.get(key, default)
    return getattr(record, key, default)


def _declared(sc: Scenario) -> list[InputSpec] | None:
    found = getattr(sc, "uncertain_inputs", None)
    if not callable(found):
        return None
    out = []
    for r in found():
        name = str(_get(r, "name"))
        value, low, high = (float(_get(r, k)) for k in ("value", "low", "high"))
        label = str(_get(r, "label") or name)
        out.append(InputSpec(name, label, value, min(low, value), max(high, value),
                             str(_get(r, "source") or "")))
    return out


def _range(value: float, lo: float, hi: float) -> tuple[float, float]:
    if math.isfinite(lo) and math.isfinite(hi):
        return lo, hi
    half = abs(value) / 2 or 1.0
    return max(lo, value - half), min(hi, value + half)


def _fallback(sc: Scenario) -> list[InputSpec]:
    specs = parameter_specs(sc)
    out = []
    for p in sc.parameters:
        name = f"parameters.{p.id}"
        lo, hi = _range(float(p.value), specs[name].lo, specs[name].hi)
        out.append(InputSpec(name, p.description or p.id, float(p.value), lo, hi, p.source))
    for g in sc.populations:
        for field in ("legitimacy", "hardship"):
            name = f"populations.{g.id}.{field}"
            out.append(InputSpec(name, f"{g.name}: {field}", float(getattr(g, field)),
                                 specs[name].lo, specs[name].hi, g.source))
    return out


#: which uncertain inputs come first when there are more than MAX_INPUTS: the strengths of
#: shocks and the scenario-wide parameters (the what-if knobs), then populations, actors,
#: ties, positions, places
_PRIORITY = ("shocks.", "parameters.", "populations.", "actors.", "relations.", "positions.",
             "locations.", "routes.")


def _rank(spec: InputSpec) -> int:
    return next((i for i, p in enumerate(_PRIORITY) if spec.name.startswith(p)), len(_PRIORITY))


def input_specs(sc: Scenario) -> list[InputSpec]:
    """The inputs to offer for ``sc`` (see the module docs), at most :data:`MAX_INPUTS`:
    its uncertain inputs if it has any (shock strengths and parameters first), else the
    scenario-wide parameters and the populations' legitimacy and hardship."""
    declared = _declared(sc)
    if declared:
        return sorted(declared, key=_rank)[:MAX_INPUTS]
    return _fallback(sc)[:MAX_INPUTS]
