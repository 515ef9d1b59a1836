"""Checking what the browser sends before anything runs.

A request names a scenario offered by the :class:`~factions.dashboard.library.ScenarioLibrary`,
a named scenario to start from, the shocks switched on, the inputs moved and the number of
replicas. Every problem is reported, one line each, in one :class:`~factions.errors.InputError`;
a request larger than :data:`MAX_REQUEST_BYTES` is refused unread.
"""

from __future__ import annotations

__all__ = ["parse_request", "MAX_REQUEST_BYTES", "MAX_REPLICAS"]

import json
import math
from collections.abc import Mapping

from factions.dashboard.inputs import MAX_INPUTS, input_specs
from factions.dashboard.library import ScenarioLibrary
from factions.dashboard.whatif import WhatIf
from factions.errors import InputError

#: the largest request accepted (its JSON text)
MAX_REQUEST_BYTES = 16_384
#: the most replicas an interactive run may ask for
MAX_REPLICAS = 5


def _size(payload) -> int:
    try:
        return len(json.dumps(payload, allow_nan=True).encode())
    except (TypeError, ValueError):
        raise InputError("request: not plain JSON data") from None


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        x = float(value)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _short(x) -> str:
    return repr(x)[:40]


def _shocks(sc, start: str, given, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(given, list | tuple):
        problems.append("shocks: expected a list of shock ids")
        return ()
    known = [s.id for s in sc.shocks]
    out = []
    for s in given:
        if not isinstance(s, str) or s not in known:
            problems.append(f"shocks: unknown shock {_short(s)}; this scenario has: "
                            + ", ".join(known))
        elif s in out:
            problems.append(f"shocks: {s!r} given twice")
        else:
            out.append(s)
    sdef = sc.scenario_def(start) if start in sc.scenario_ids() else None
    order = list(sdef.shocks) if sdef else []
    order += [s for s in known if s not in order]
    return tuple(s for s in order if s in out)


def _inputs(sc, given, problems: list[str]) -> tuple[tuple[str, float], ...]:
    if not isinstance(given, Mapping):
        problems.append("inputs: expected {name: number}")
        return ()
    if len(given) > MAX_INPUTS:
        problems.append(f"inputs: {len(given)} given, at most {MAX_INPUTS}")
        return ()
    specs = {s.name: s for s in input_specs(sc)}
    moved = []
    for name, raw in given.items():
        spec = specs.get(name)
        if spec is None:
            problems.append(f"inputs: {_short(name)} is not an input of this scenario")
            continue
        x = _number(raw)
        if x is None:
            problems.append(f"inputs: {name} must be a finite number, got {_short(raw)}")
            continue
        tol = 1e-9 * max(1.0, abs(spec.high - spec.low))
        if not spec.low - tol <= x <= spec.high + tol:
            problems.append(f"inputs: {name} = {x:g} is outside its range "
                            f"[{spec.low:g}, {spec.high:g}]")
            continue
        if abs(x - spec.value) > tol:
            moved.append((name, min(max(x, spec.low), spec.high)))
    return tuple(sorted(moved))


def parse_request(library: ScenarioLibrary, payload) -> WhatIf:
    """The checked :class:`WhatIf` of ``payload`` (keys ``scenario``, ``start``, ``shocks``,
    ``inputs``, ``replicas``).

    Raises
    ------
    InputError
        One line per problem: an oversized or malformed request, an unknown scenario,
        named scenario, shock or input, a value that is not a finite number or lies outside
        its range, replicas not a whole number in 1..:data:`MAX_REPLICAS`.
    """
    size = _size(payload)
    if size > MAX_REQUEST_BYTES:
        raise InputError(f"request: {size} bytes, at most {MAX_REQUEST_BYTES}")
    if not isinstance(payload, Mapping):
        raise InputError("request: expected an object")
    unknown = sorted(set(payload) - {"scenario", "start", "shocks", "inputs", "replicas"})
    if unknown:
        raise InputError(f"request: unknown field {_short(unknown[0])}")
    sc = library.get(payload.get("scenario"))
    problems: list[str] = []
    start = payload.get("start")
    if not isinstance(start, str) or start not in sc.scenario_ids():
        problems.append(f"start: unknown named scenario {_short(start)}; this scenario has: "
                        + ", ".join(sc.scenario_ids()))
    shocks = _shocks(sc, start if isinstance(start, str) else "", payload.get("shocks", []),
                     problems)
    inputs = _inputs(sc, payload.get("inputs", {}) or {}, problems)
    reps = _number(payload.get("replicas", 1))
    if reps is None or reps != int(reps) or not 1 <= reps <= MAX_REPLICAS:
        problems.append(f"replicas: a whole number from 1 to {MAX_REPLICAS}, got "
                        f"{_short(payload.get('replicas'))}")
        reps = 1
    if problems:
        raise InputError("\n".join(problems))
    return WhatIf(payload["scenario"], start, shocks, inputs, int(reps))
