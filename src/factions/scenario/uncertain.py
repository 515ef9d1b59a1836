"""Uncertain inputs: a number with its range, and default bands for judgements.

Any number of a scenario file that is an *input judgement* may carry its uncertainty::

    capability: {value: 0.3, range: [0.2, 0.45]}              # uniform on the range
    weight: {value: -0.8, range: [-1.0, -0.5], dist: triangular}  # mode at the value

Every such number whose row's ``source`` is an assumption (the text contains
``assumption``) or an approximation (``approx``) and that has no range gets the
documented default band of its field kind (:data:`DEFAULT_BANDS`, ``docs/claims.md``).
:func:`extract_ranges` takes the ranges out of the raw YAML before validation (so the
model sees plain numbers) and reports bad ones as located problems; :func:`uncertain_inputs`
lists every uncertain input of a checked scenario with the parameter name that
:meth:`~factions.scenario.Scenario.with_base` accepts, its value, bounds and origin.
"""

from __future__ import annotations

__all__ = ["Band", "UncertainInput", "extract_ranges", "uncertain_inputs", "DEFAULT_BANDS",
           "DISTS"]

import math
from dataclasses import dataclass
from typing import Any

from factions.errors import Problem

DISTS = ("uniform", "triangular")
_KEYS = {"value", "range", "dist"}
INF = math.inf

#: (section, field) -> domain of the numbers that may carry a range
_FIELDS: dict[tuple[str, str], tuple[float, float]] = {
    ("actors", "capability"): (0, INF), ("actors", "fighters"): (0, INF),
    ("actors", "seats"): (0, INF),
    ("positions", "position"): (0, 100), ("positions", "salience"): (0, 1),
    ("relations", "weight"): (-1, 1),
    ("populations", "share"): (0, 1), ("populations", "legitimacy"): (0, 1),
    ("populations", "hardship"): (0, 1), ("movements", "share"): (0, 1),
    ("parameters", "value"): (-INF, INF),
    ("locations", "population"): (0, INF), ("locations", "restriction"): (0, 1),
    ("locations", "hardship"): (0, 1), ("routes", "distance_km"): (0, INF),
    ("effects", "set"): (-INF, INF), ("effects", "shift"): (-INF, INF),
    ("effects", "scale"): (0, INF),
    ("dynamics", "rate"): (0, INF), ("dynamics", "inertia"): (0, 1),
}

#: Default bands of judgement fields whose source is an assumption or an approximation:
#: ("rel", a, b) multiplies the value by [a, b]; ("abs", d) adds [-d, +d]; ("sign", d) adds
#: [-d, +d] without changing the sign; ("factor", a, b) is 1 + (f - 1) * [a, b] (scales).
DEFAULT_BANDS: dict[tuple[str, str], tuple] = {
    ("actors", "capability"): ("rel", 0.7, 1.3),
    ("actors", "fighters"): ("rel", 0.7, 1.3),
    ("positions", "position"): ("abs", 10.0),
    ("positions", "salience"): ("abs", 0.15),
    ("relations", "weight"): ("sign", 0.2),
    ("populations", "share"): ("rel", 0.9, 1.1),
    ("populations", "legitimacy"): ("abs", 0.1),
    ("populations", "hardship"): ("abs", 0.1),
    ("movements", "share"): ("rel", 0.75, 1.25),
    ("parameters", "value"): ("rel", 0.75, 1.25),
    ("locations", "population"): ("rel", 0.9, 1.1),
    ("locations", "restriction"): ("abs", 0.15),
    ("locations", "hardship"): ("abs", 0.15),
    ("routes", "distance_km"): ("rel", 0.85, 1.15),
    ("effects", "shift"): ("rel", 0.75, 1.25),
    ("effects", "scale"): ("factor", 0.5, 1.5),
    ("dynamics", "rate"): ("rel", 0.5, 2.0),
    ("dynamics", "inertia"): ("abs", 0.2),
    # effects' `set` takes the band of the parameter it sets (see _effect_set_band)
}


@dataclass(frozen=True)
class Band:
    """A range given in the file: ``low <= value <= high`` and its distribution."""

    low: float
    high: float
    dist: str = "uniform"


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input of a scenario.

    ``name`` is the parameter name :meth:`Scenario.with_base` accepts; ``path`` where the
    number is in the file (``actors[3].capability``); ``origin`` is ``range`` (given in the
    file), ``assumption`` or ``approx`` (a default band).
    """

    name: str
    path: str
    value: float
    low: float
    high: float
    dist: str
    origin: str
    label: str

    def as_dict(self) -> dict:
        return {"name": self.name, "path": self.path, "value": self.value, "low": self.low,
                "high": self.high, "dist": self.dist, "origin": self.origin,
                "label": self.label}


def _field_key(path: tuple) -> tuple[str, str] | None:
    """(section, field) of a numeric path, or None if it is not one that takes a range."""
    if len(path) == 3 and isinstance(path[1], int):
        return (path[0], path[2]) if (path[0], path[2]) in _FIELDS else None
    if (len(path) == 5 and path[0] == "populations" and path[2] == "movements"
            and isinstance(path[3], int)):
        return ("movements", path[4]) if ("movements", path[4]) in _FIELDS else None
    if len(path) == 5 and path[0] == "shocks" and path[2] == "effects" and isinstance(path[3], int):
        return ("effects", path[4]) if ("effects", path[4]) in _FIELDS else None
    return None


def _looks_uncertain(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and set(node) <= _KEYS and len(node) > 1


def extract_ranges(data: Any, located) -> tuple[Any, dict[tuple, Band], list[Problem]]:
    """Replace every ``{value, range, dist}`` by its value; return the bands and problems.

    Problems (located): a range on a field that does not take one, a range that is not two
    numbers, ``low > high``, a value outside its range, a range outside the field's
    domain, an unknown distribution.
    """
    bands: dict[tuple, Band] = {}
    problems: list[Problem] = []

    def walk(node: Any, path: tuple) -> Any:
        if _looks_uncertain(node):
            return unwrap(node, path)
        if isinstance(node, dict):
            return {k: walk(v, (*path, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*path, i)) for i, v in enumerate(node)]
        return node

    def unwrap(node: dict, path: tuple) -> Any:
        value = node["value"]
        key = _field_key(path)
        if key is None:
            problems.append(located.problem(path, "a range can only be given on an input "
                                                  "number (capability, position, weight, "
                                                  "share, …); this field does not take one"))
            return value
        rng, dist = node.get("range"), node.get("dist", "uniform")
        if not _is_number(value):
            problems.append(located.problem((*path, "value"), f"must be a number, got {value!r}"))
            return value
        if dist not in DISTS:
            problems.append(located.problem((*path, "dist"), f"must be one of {', '.join(DISTS)}"
                                                            f", got {dist!r}"))
            return value
        if (not isinstance(rng, list) or len(rng) != 2 or not all(_is_number(x) for x in rng)):
            problems.append(located.problem((*path, "range"), "must be two numbers [low, high]"))
            return value
        low, high = float(rng[0]), float(rng[1])
        lo, hi = _FIELDS[key]
        if low > high:
            problems.append(located.problem((*path, "range"), f"low {low:g} > high {high:g}"))
        elif not low <= float(value) <= high:
            problems.append(located.problem((*path, "range"), f"the value {value:g} is outside "
                                                              f"its range [{low:g}, {high:g}]"))
        elif low < lo or high > hi:
            problems.append(located.problem((*path, "range"), f"[{low:g}, {high:g}] is outside "
                                                              f"the field's domain [{lo:g}, {hi:g}]"))
        else:
            bands[path] = Band(low, high, dist)
        return value

    return walk(data, ()), bands, problems


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _origin(source: str) -> str | None:
    text = (source or "").lower()
    if "assumption" in text:
        return "assumption"
    if "approx" in text:
        return "approx"
    return None


def _default(rule: tuple, value: float, domain: tuple[float, float]) -> tuple[float, float]:
    kind = rule[0]
    if kind == "rel":
        a, b = sorted((value * rule[1], value * rule[2]))
    elif kind == "abs":
        a, b = value - rule[1], value + rule[1]
    elif kind == "sign":
        a, b = value - rule[1], value + rule[1]
        if value > 0:
            a = max(a, min(0.05, value))
        elif value < 0:
            b = min(b, max(-0.05, value))
    else:  # factor of a scale
        a, b = sorted((1 + (value - 1) * rule[1], 1 + (value - 1) * rule[2]))
    return max(a, domain[0]), min(b, domain[1])


def uncertain_inputs(scenario, bands: dict[tuple, Band]) -> list[UncertainInput]:
    """Every uncertain input of ``scenario`` (ranges from the file, else default bands).

    Inputs whose band is empty (``low == high``, e.g. a zero with a relative band) are left
    out: they cannot move.
    """
    from factions.scenario.params import canonical_param, effect_name, parameter_specs

    out: list[UncertainInput] = []
    ties: dict[tuple[str, str], int] = {}

    def add(path: tuple, name: str, value: float, key: tuple[str, str], source: str,
            label: str, domain: tuple[float, float] | None = None,
            rule: tuple | None = None) -> None:
        domain = domain or _FIELDS[key]
        band = bands.get(path)
        if band is not None:
            low, high, dist, origin = band.low, band.high, band.dist, "range"
        else:
            origin = _origin(source)
            rule = rule or DEFAULT_BANDS.get(key)
            count = key[1] in ("fighters", "seats", "population")
            if origin is None or rule is None or (key[1] == "seats"):
                return
            if origin == "approx" and not count and key[0] != "effects":
                return  # "approx." qualifies counts; a judgement needs "assumption"
            low, high = _default(rule, float(value), domain)
            dist = "uniform"
        if high - low <= 1e-12 * max(1.0, abs(value)):
            return
        out.append(UncertainInput(name, _fmt_path(path), float(value), float(low),
                                  float(high), dist, origin, label))

    for i, a in enumerate(scenario.actors):
        for f in ("capability", "fighters", "seats"):
            v = getattr(a, f)
            if v is not None:
                add(("actors", i, f), f"actors.{a.id}.{f}", v, ("actors", f), a.source,
                    f"{f} of {a.name}")
    for i, p in enumerate(scenario.positions):
        for f in ("position", "salience"):
            add(("positions", i, f), f"positions.{p.actor}.{p.issue}.{f}", getattr(p, f),
                ("positions", f), p.source, f"{f} of {p.actor} on {p.issue}")
    for i, r in enumerate(scenario.relations):
        x, y = sorted((r.a, r.b))
        k = ties.get((x, y), 0)
        ties[(x, y)] = k + 1
        when = f" from {r.start}" if r.start else ""
        add(("relations", i, "weight"), f"relations.{x}.{y}.{k}", r.weight,
            ("relations", "weight"), r.source, f"tie {r.a}–{r.b}{when}")
    for i, g in enumerate(scenario.populations):
        for f in ("share", "legitimacy", "hardship"):
            add(("populations", i, f), f"populations.{g.id}.{f}", getattr(g, f),
                ("populations", f), g.source, f"{f} of {g.name}")
        for j, mv in enumerate(g.movements):
            add(("populations", i, "movements", j, "share"),
                f"populations.{g.id}.movements.{mv.id}.share", mv.share,
                ("movements", "share"), mv.source, f"share of {g.name} in {mv.name}",
                domain=(1e-6, 1 - 1e-6))
    for i, p in enumerate(scenario.parameters):
        if p.value != 0:
            add(("parameters", i, "value"), f"parameters.{p.id}", p.value,
                ("parameters", "value"), p.source, f"parameter {p.id}")
    for i, loc in enumerate(scenario.locations):
        for f in ("population", "restriction", "hardship"):
            v = getattr(loc, f)
            if v is not None:
                add(("locations", i, f), f"locations.{loc.id}.{f}", v, ("locations", f),
                    loc.source, f"{f} of {loc.name}")
    for i, r in enumerate(scenario.routes):
        add(("routes", i, "distance_km"), f"routes.{r.a}.{r.b}.distance_km", r.distance_km,
            ("routes", "distance_km"), r.source, f"distance {r.a}–{r.b}",
            domain=(1e-6, INF))
    for i, d in enumerate(scenario.dynamics or ()):
        for f, domain in (("rate", (1e-9, INF)), ("inertia", (0.0, 0.95))):
            add(("dynamics", i, f), f"dynamics.{d.id}.{f}", getattr(d, f), ("dynamics", f),
                d.source, f"{f} of the dynamics {d.id}", domain=domain)
    specs = parameter_specs(scenario)
    for i, sh in enumerate(scenario.shocks):
        for j, e in enumerate(sh.effects):
            name = effect_name(sh, j)
            source = e.source or sh.source
            label = f"{sh.name}: {e.op} {e.param}"
            if e.op == "set" and e.param.endswith(".active"):
                continue  # a switch, not a strength
            if e.op == "set":
                _, spec = canonical_param(e.param, scenario, specs)
                rule = _effect_set_band(e.param, spec)
                add(("shocks", i, "effects", j, "set"), name, e.amount, ("effects", "set"),
                    source, label, domain=(spec.lo, spec.hi), rule=rule)
            else:
                add(("shocks", i, "effects", j, e.op), name, e.amount, ("effects", e.op),
                    source, label)
    return out


def _effect_set_band(param: str, spec) -> tuple:
    """The default band of an effect that sets ``param``: that of the parameter's kind."""
    if param.startswith("relations."):
        return ("sign", 0.2)
    if spec.lo == 0 and spec.hi == 1:
        return ("abs", 0.15)
    if spec.lo == 0 and spec.hi == 100:
        return ("abs", 10.0)
    return ("rel", 0.75, 1.25)


def _fmt_path(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out
