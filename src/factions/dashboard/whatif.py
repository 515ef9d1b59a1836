"""A what-if as a scenario variant: the user's shocks become one more named scenario.

The user starts from one of the file's named scenarios (``start``, by default the history)
and switches shocks on and off; that choice becomes a new named scenario (id
:data:`WHAT_IF`, or ``what_if_2`` … when the file already uses it) and every claim side
that names ``start`` is re-aimed at it, so the claims say what they would say had the world
been the what-if. Moved inputs replace base values of the whole variant
(:meth:`~factions.scenario.Scenario.with_base`), so they apply to every scenario the claims
compare. The *as written* variant is the file itself, without moved inputs: the reference
the what-if is set against.
"""

from __future__ import annotations

__all__ = ["WhatIf", "WHAT_IF", "what_if_variant", "as_written", "claim_scenarios"]

from dataclasses import dataclass

from factions.scenario import Scenario
from factions.scenario.schema import ScenarioDef

WHAT_IF = "what_if"


@dataclass(frozen=True)
class WhatIf:
    """A checked what-if request (see :func:`factions.dashboard.validate.parse_request`).

    ``inputs`` holds only the inputs moved away from the file's value, sorted by name.
    """

    scenario: str
    start: str
    shocks: tuple[str, ...]
    inputs: tuple[tuple[str, float], ...] = ()
    replicas: int = 1

    @property
    def overrides(self) -> dict[str, float]:
        return dict(self.inputs)


def _free_id(sc: Scenario) -> str:
    taken = set(sc.scenario_ids())
    sid, n = WHAT_IF, 1
    while sid in taken:
        n += 1
        sid = f"{WHAT_IF}_{n}"
    return sid


def _defs(sc: Scenario) -> list[ScenarioDef]:
    if sc.scenarios:
        return list(sc.scenarios)
    return [ScenarioDef(id=sid, name=sid) for sid in sc.scenario_ids()]  # the implicit one


def _copy(sc: Scenario, **update) -> Scenario:
    clone = sc.model_copy(update=update)
    clone._timelines = {}
    return clone


def _reaim(claim, start: str, target: str):
    t = claim.test
    if t is None:
        return claim
    sides = {k: s.model_copy(update={"scenario": target})
             for k, s in (("lhs", t.lhs), ("rhs", t.rhs)) if s.scenario == start}
    if not sides:
        return claim
    return claim.model_copy(update={"test": t.model_copy(update=sides)})


def claim_scenarios(sc: Scenario) -> list[str]:
    """Named scenarios the claims compare, in order of first use."""
    out: list[str] = []
    for c in sc.claims:
        if c.test is None:
            continue
        for side in (c.test.lhs, c.test.rhs):
            if side.scenario is not None and side.scenario not in out:
                out.append(side.scenario)
    return out


def what_if_variant(sc: Scenario, w: WhatIf) -> tuple[Scenario, str, list[str]]:
    """``(variant, what-if id, scenario ids to run)`` for the request ``w`` on ``sc``.

    The ids to run are the what-if's and every other scenario its claims compare.
    """
    sid = _free_id(sc)
    name = "What if: " + (", ".join(w.shocks) if w.shocks else "no shocks")
    defs = _defs(sc) + [ScenarioDef(id=sid, name=name[:200], shocks=list(w.shocks))]
    variant = _copy(sc, scenarios=defs, claims=[_reaim(c, w.start, sid) for c in sc.claims])
    if w.inputs:
        variant = variant.with_base(w.overrides)
    ids = [sid] + [s for s in claim_scenarios(variant) if s != sid]
    return variant, sid, ids


def as_written(sc: Scenario, start: str) -> tuple[Scenario, list[str]]:
    """``(scenario, ids to run)``: the file's own claims on its own scenarios."""
    ids = [start] + [s for s in claim_scenarios(sc) if s != start]
    return sc, ids
