"""Parameters of Epstein's civil-violence models, validated once at the boundary.

:data:`PARAMETERS` is the single table of every settable parameter (name, the paper's
symbol, default, meaning). :func:`validate_params` turns a user mapping into a complete,
checked ``dict``; :func:`parse_set` turns ``NAME=VALUE`` strings (the CLI's ``--set``) into
such a mapping. Everything downstream trusts the validated dict.
"""

from __future__ import annotations

__all__ = [
    "Parameter",
    "PARAMETERS",
    "NEIGHBOURHOODS",
    "ROUNDINGS",
    "MAX_CELLS",
    "MAX_VISION",
    "defaults",
    "validate_params",
    "parse_set",
]

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from factions.errors import InputError

NEIGHBOURHOODS = ("von_neumann", "moore", "lateral", "euclidean")
ROUNDINGS = ("floor", "round", "none")
#: Largest lattice accepted (cells). About 105 bytes of state per cell are allocated (two
#: agent slots per cell), so 25 million cells need ~2.6 GB; beyond that we refuse.
MAX_CELLS = 25_000_000
#: Largest vision radius accepted: the kernel's neighbourhood counts are 16-bit (the count
#: fields of :mod:`.sight` and the packed counters of :mod:`.scan`), and a Moore square of
#: radius 64 has 16,640 sites (Epstein's runs use v = 1-7).
MAX_VISION = 64


@dataclass(frozen=True)
class Parameter:
    """One model parameter: CLI name, symbol in Epstein (2002), default, meaning, type."""

    name: str
    symbol: str
    default: Any
    meaning: str
    kind: type
    models: str = "I,II"


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("width", "-", 40, "lattice width (torus)", int),
    Parameter("height", "-", 40, "lattice height (torus)", int),
    Parameter("citizen_density", "-", 0.7, "initial share of sites holding a citizen", float),
    Parameter("cop_density", "-", 0.04, "initial share of sites holding a cop", float),
    Parameter("vision", "v", 7, "citizens' vision radius (lattice steps)", int),
    Parameter("cop_vision", "v*", 7, "cops' (and peacekeepers') vision radius", int),
    Parameter("legitimacy", "L", 0.82, "perceived legitimacy (Model II: of the other group)", float),
    Parameter("max_jail_term", "J_max", 30, "jail terms are uniform integers in [0, J_max]", int),
    Parameter("threshold", "T", 0.1, "go active iff G - N > T", float),
    Parameter("k", "k", 2.3, "arrest-probability constant in P = 1 - exp(-k floor(C/A))", float),
    Parameter("movement", "M", True, "agents move to a random empty site within vision", bool),
    Parameter(
        "neighbourhood", "-", "von_neumann",
        "vision shape: von_neumann (|dx|+|dy|<=v, Mesa), moore (square), lateral "
        "(N/S/E/W lines, Epstein's wording), euclidean (disc, NetLogo)", str,
    ),
    Parameter(
        "arrest_rounding", "-", "floor",
        "how C/A is made an integer: floor (NetLogo Rebellion), round (Mesa), none", str,
    ),
    Parameter(
        "activation", "-", "async",
        "async: random asynchronous activation (Epstein); sync: optional synchronous mode, all "
        "citizens decide on the tick's initial state, then act in random order", str,
    ),
    Parameter("share_a", "-", 0.5, "Model II: share of citizens in group A", float, "II"),
    Parameter(
        "legitimacy_a", "L_A", None, "Model II: legitimacy of group B in A's eyes "
        "(default: legitimacy)", float, "II",
    ),
    Parameter(
        "legitimacy_b", "L_B", None, "Model II: legitimacy of group A in B's eyes "
        "(default: legitimacy)", float, "II",
    ),
    Parameter("clone_probability", "-", 0.05, "Model II: per-tick chance to reproduce", float, "II"),
    Parameter("max_age", "-", 200, "Model II: agents die at this age (0 = immortal)", int, "II"),
    Parameter("peacekeeper_density", "-", 0.0, "Model II: share of sites with peacekeepers",
              float, "II"),
)
_BY_NAME = {p.name: p for p in PARAMETERS}
_MODEL_I_DEFAULT_OFF = {"clone_probability": 0.0, "max_age": 0, "share_a": 1.0}


def defaults(model: str = "I") -> dict[str, Any]:
    """Default parameters of Model ``'I'`` or ``'II'`` as a fresh dict."""
    model = _check_model(model)
    out = {p.name: p.default for p in PARAMETERS}
    if model == "I":
        out.update(_MODEL_I_DEFAULT_OFF)
    else:  # Model II: no cops unless asked (Epstein's ethnic-violence runs), L = 0.8
        out.update({"cop_density": 0.0, "legitimacy": 0.8})
    return out


def _check_model(model: str) -> str:
    m = str(model).upper()
    if m not in ("I", "II"):
        raise InputError(f"model must be 'I' or 'II'; got {model!r}")
    return m


def _coerce(p: Parameter, value: Any) -> Any:
    if value is None and p.default is None:
        return None
    try:
        if p.kind is bool:
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("1", "true", "yes", "on"):
                    return True
                if low in ("0", "false", "no", "off"):
                    return False
                raise ValueError(value)
            if isinstance(value, bool | int) and value in (0, 1):
                return bool(value)
            raise ValueError(value)
        if p.kind is int:
            f = float(value)
            if f != int(f):
                raise ValueError(value)
            return int(f)
        if p.kind is float:
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise InputError(
            f"parameter {p.name!r} ({p.symbol}) must be a {p.kind.__name__}; got {value!r}"
        ) from None


def validate_params(model: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Complete and check a parameter mapping for Model ``'I'`` or ``'II'``.

    Parameters
    ----------
    model : {'I', 'II'}
        Epstein's Model I (rebellion against a central authority) or Model II
        (violence between two groups).
    params : mapping, optional
        Names from :data:`PARAMETERS`; missing ones take :func:`defaults`.

    Returns
    -------
    dict
        Every parameter, typed and checked.

    Raises
    ------
    InputError
        Unknown name, wrong type, a density outside [0, 1], densities summing above 1,
        negative vision, vision wrapping round the torus, or a lattice too large for memory.
    """
    model = _check_model(model)
    out = defaults(model)
    model_ii_only: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if name not in _BY_NAME:
            raise InputError(f"unknown ground parameter {name!r}; known: {', '.join(_BY_NAME)}")
        p = _BY_NAME[name]
        if model == "I" and p.models == "II":
            model_ii_only[name] = _coerce(p, value)
            continue
        out[name] = _coerce(p, value)
    for side in ("legitimacy_a", "legitimacy_b"):
        if out[side] is None:
            out[side] = out["legitimacy"]
    # Model I accepts Model II names only at their neutral values (so that a validated
    # dict validates again); anything else is a mistake worth reporting.
    for name, value in model_ii_only.items():
        if value != out[name]:
            raise InputError(f"parameter {name!r} belongs to Model II only")
    _check_ranges(out)
    return out


def _check_ranges(p: dict[str, Any]) -> None:
    def bad(name: str, why: str) -> InputError:
        return InputError(f"parameter {name!r} = {p[name]!r}: {why}")

    for name in ("width", "height"):
        if p[name] < 3:
            raise bad(name, "the lattice needs at least 3 sites per side")
    cells = p["width"] * p["height"]
    if cells > MAX_CELLS:
        raise InputError(
            f"grid {p['width']}x{p['height']} = {cells:,} sites is too large for memory "
            f"(at most {MAX_CELLS:,} sites)"
        )
    for name in ("citizen_density", "cop_density", "peacekeeper_density", "share_a",
                 "legitimacy", "legitimacy_a", "legitimacy_b", "clone_probability"):
        if not 0.0 <= p[name] <= 1.0:
            raise bad(name, "must lie in [0, 1]")
    total = p["citizen_density"] + p["cop_density"] + p["peacekeeper_density"]
    if total > 1.0:
        raise InputError(
            f"citizen_density + cop_density + peacekeeper_density = {total:g} exceeds 1 "
            "(one agent per site)"
        )
    side = min(p["width"], p["height"])
    for name in ("vision", "cop_vision"):
        if p[name] < 0:
            raise bad(name, "vision cannot be negative")
        if p[name] > MAX_VISION:
            raise bad(name, f"vision must be at most {MAX_VISION} (16-bit neighbourhood counts)")
        if 2 * p[name] + 1 > side:
            raise bad(name, f"vision must satisfy 2*v+1 <= {side} (smallest side) so that "
                            "no site is seen twice round the torus")
    if p["max_jail_term"] < 0:
        raise bad("max_jail_term", "cannot be negative")
    if p["max_age"] < 0:
        raise bad("max_age", "cannot be negative (0 means immortal)")
    if p["k"] < 0:
        raise bad("k", "cannot be negative")
    if p["neighbourhood"] not in NEIGHBOURHOODS:
        raise bad("neighbourhood", f"must be one of {', '.join(NEIGHBOURHOODS)}")
    if p["activation"] not in ("async", "sync"):
        raise bad("activation", "must be 'async' or 'sync'")
    if p["arrest_rounding"] not in ROUNDINGS:
        raise bad("arrest_rounding", f"must be one of {', '.join(ROUNDINGS)}")


def parse_set(items: Iterable[str], model: str = "I") -> dict[str, Any]:
    """Parse ``["NAME=VALUE", ...]`` (the CLI's ``--set``) into validated parameters.

    Raises
    ------
    InputError
        An item without ``=``, an unknown name, or a bad value (the message names it).
    """
    raw: dict[str, str] = {}
    for item in items:
        name, sep, value = str(item).partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            raise InputError(f"--set expects NAME=VALUE; got {item!r}")
        raw[name] = value.strip()
    return validate_params(model, raw)
