"""The balance-dynamics models and their parameters, declared once and validated once.

:data:`MODELS` names every model with its parameters (type, range, default, meaning and the
paper's symbol). :func:`validate_options` completes and checks a user mapping with one message
template and reports every problem at once (one line each); :func:`parse_set` reads the
command line's ``NAME=VALUE`` items. The model kernels trust the validated dict.
"""

from __future__ import annotations

__all__ = ["Param", "ModelSpec", "COMMON", "MODELS", "validate_options", "parse_set",
           "model_names"]

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from factions.errors import EngineError

_TEMPLATE = "The {name!r} parameter of balance dynamics {model!r} must be {expect}; got {value!r}."


@dataclass(frozen=True)
class Param:
    """One parameter: name, kind (``int``, ``float``, ``str`` or ``"mapping"``), range,
    default (``None`` = unset), meaning and the paper's symbol."""

    name: str
    kind: Any
    default: Any
    meaning: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    symbol: str = "-"
    allow_none: bool = False

    def expect(self) -> str:
        if self.kind == "mapping":
            return "a mapping actor -> number (CLI: 'A:3,B:1')"
        kind = {int: "an integer", float: "a number"}.get(self.kind, "a string")
        if self.low is None and self.high is None:
            return kind
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        left = "(" if self.low_open or self.low is None else "["
        right = ")" if self.high_open or self.high is None else "]"
        return f"{kind} in {left}{lo}, {hi}{right}" + (" or None" if self.allow_none else "")

    def check(self, model: str, value: Any) -> tuple[Any, str | None]:
        """Coerce ``value``; return ``(value, None)`` or ``(None, message)``."""
        bad = _TEMPLATE.format(name=self.name, model=model, expect=self.expect(), value=value)
        if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
            return (None, None) if self.allow_none else (None, bad)
        if self.kind == "mapping":
            return _mapping(value, bad)
        try:
            if isinstance(value, bool):
                raise ValueError
            if self.kind is int:
                x = float(value)
                if not math.isfinite(x) or x != int(x):
                    raise ValueError
                x = int(x)
            elif self.kind is float:
                x = float(value)
                if not math.isfinite(x):
                    raise ValueError
            else:
                return str(value), None
        except (TypeError, ValueError):
            return None, bad
        if self.low is not None and (x < self.low or (self.low_open and x == self.low)):
            return None, bad
        if self.high is not None and (x > self.high or (self.high_open and x == self.high)):
            return None, bad
        return x, None


def _mapping(value, bad):
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, str):
        items = []
        for part in value.split(","):
            key, sep, num = part.partition(":")
            if not sep or not key.strip():
                return None, bad
            items.append((key.strip(), num.strip()))
    else:
        try:  # an array of one number per actor, in node order
            return [float(v) for v in value], None
        except (TypeError, ValueError):
            return None, bad
    out = {}
    for key, num in items:
        try:
            out[key] = float(num)
        except (TypeError, ValueError):
            return None, bad
    return out, None


@dataclass(frozen=True)
class ModelSpec:
    """A model: name, title, paper, its own parameters and its default rate."""

    name: str
    title: str
    reference: str
    params: tuple[Param, ...]
    rate: float
    stochastic: bool


def _common(rate: float) -> tuple[Param, ...]:
    return (
        Param("steps", int, None, "steps to run (None: run to convergence, at most max_steps)",
              low=1, allow_none=True),
        Param("max_steps", int, 10_000, "cap on steps when running to convergence", low=1),
        Param("rate", float, rate, "model time per step (one month, say)", low=0.0,
              low_open=True),
        Param("inertia", float, 0.0, "share of the previous state kept at each step "
              "(continuous models) / chance that a proposed move is refused (discrete ones)",
              low=0.0, high=1.0, high_open=True),
        Param("record_every", int, 1, "record the ties every k steps in the trajectory "
              "(0: first and last only)", low=0),
    )


#: Parameters every model takes (``rate`` default differs per model).
COMMON = tuple(p.name for p in _common(1.0))

MODELS: dict[str, ModelSpec] = {
    m.name: m
    for m in (
        ModelSpec(
            "continuous", "dX/dt = X^2 (continuous-time structural balance)",
            "Marvel, Kleinberg, Kleinberg & Strogatz (2011), PNAS 108:1771-1776",
            _common(0.05) + (
                Param("tol", float, 1e-6, "relative precision of the time between the split "
                      "and the blow-up (bisection on its logarithm)",
                      low=0.0, high=0.1, low_open=True),
            ), 0.05, False),
        ModelSpec(
            "heider", "bounded Heider dynamics dr/dt = (1 - (r/R)^2) sum_k r_ik r_kj",
            "Kulakowski, Gawronski & Gronek (2005), Int. J. Mod. Phys. C 16:707-716",
            _common(0.05) + (
                Param("bound", float, 1.0, "bound R on relations (|r| <= R <= 1)", low=0.0,
                      high=1.0, low_open=True, symbol="R"),
                Param("dt", float, 0.01, "Runge-Kutta (RK4) substep", low=0.0, high=1.0,
                      low_open=True),
            ), 0.05, False),
        ModelSpec(
            "local_triad", "local triad dynamics (LTD)",
            "Antal, Krapivsky & Redner (2005), Phys. Rev. E 72:036121",
            _common(1.0) + (
                Param("p", float, 0.5, "propensity: chance that an imbalanced triad with one "
                      "negative tie is balanced by making it positive", low=0.0, high=1.0,
                      symbol="p"),
            ), 1.0, True),
        ModelSpec(
            "constrained_triad", "constrained triad dynamics (CTD)",
            "Antal, Krapivsky & Redner (2005), Phys. Rev. E 72:036121",
            _common(1.0), 1.0, True),
        ModelSpec(
            "landscape", "myopic energy minimisation (landscape theory)",
            "Axelrod & Bennett (1993), Br. J. Polit. Sci. 23:211-233",
            _common(1.0) + (
                Param("sizes", "mapping", None, "actor sizes s_i > 0 (default all 1)",
                      symbol="s_i", allow_none=True),
                Param("start", "mapping", None, "starting coalition 0/1 of each actor "
                      "(default: random, from the seed)", allow_none=True),
            ), 1.0, True),
    )
}


def model_names() -> tuple[str, ...]:
    """Known model names, in declaration order."""
    return tuple(MODELS)


def validate_options(model: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Complete and check the parameters of ``model``.

    Parameters
    ----------
    model : str
        One of :data:`MODELS`.
    options : mapping, optional
        Parameter name -> value; missing ones take their defaults.

    Returns
    -------
    dict
        Every parameter of the model, typed and checked.

    Raises
    ------
    EngineError
        Unknown model, unknown parameter or a value outside its range; one line per problem.
    """
    spec = MODELS.get(str(model))
    if spec is None:
        raise EngineError(f"Unknown balance dynamics {model!r}; known: {', '.join(MODELS)}.")
    by_name = {p.name: p for p in spec.params}
    out = {p.name: p.default for p in spec.params}
    problems = []
    for name, value in (options or {}).items():
        p = by_name.get(name)
        if p is None:
            problems.append(f"{name!r} is not a parameter of balance dynamics {model!r}; its "
                            f"parameters: {', '.join(by_name)}.")
            continue
        x, msg = p.check(spec.name, value)
        if msg:
            problems.append(msg)
        else:
            out[name] = x
    if problems:
        raise EngineError("\n".join(problems))
    return out


def parse_set(items: Iterable[str]) -> dict[str, str]:
    """``["NAME=VALUE", ...]`` (the CLI's ``--set``) -> ``{name: value}`` (strings).

    Raises
    ------
    EngineError
        An item without ``=`` or with an empty name.
    """
    out: dict[str, str] = {}
    problems = []
    for item in items:
        name, sep, value = str(item).partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            problems.append(f"--set expects NAME=VALUE; got {item!r}.")
            continue
        out[name] = value.strip()
    if problems:
        raise EngineError("\n".join(problems))
    return out
