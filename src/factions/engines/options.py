"""Engine options, declared once and checked at the boundary with one message template.

Each engine declares its options as a tuple of :class:`Option` (name, kind, default, range
or choices, one-line help). :func:`check_options` completes and converts a mapping of
user values (from Python, JSON or the command line's strings) and refuses anything else,
always with the same sentence::

    engine 'ground': option 'seeds' must be a whole number >= 1; got 0

In the spirit of scikit-learn's ``_parameter_constraints``: the declaration is the
documentation (``Option.describe``), the validation and the default, in one place.
"""

from __future__ import annotations

__all__ = ["Option", "check_options", "describe_options", "OptionSpec"]

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from factions.errors import EngineError

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
KINDS = ("int", "float", "bool", "str", "choice", "month", "months", "names", "grid",
         "mapping")


@dataclass(frozen=True)
class Option:
    """One engine option.

    Parameters
    ----------
    name
        The option's name (``--option ENGINE.NAME=VALUE`` on the command line).
    kind
        ``int``, ``float``, ``bool``, ``str``, ``choice`` (one of ``choices``), ``month``
        (``YYYY-MM``), ``months`` / ``names`` (a list, or a comma-separated string),
        ``grid`` (``W``, ``WxH`` or a pair: a lattice size) or ``mapping`` (a dict, or its
        JSON text).
    default
        The value used when the option is not given (``None``: none; the engine decides).
    help
        One line for ``--help`` and the docs.
    low, high
        Inclusive bounds of numbers (``open_low`` makes the lower bound strict).
    choices
        Allowed values of ``choice`` options and allowed items of ``names`` options.
    """

    name: str
    kind: str
    default: Any = None
    help: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    open_low: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:  # a programming error, not a user's
            raise ValueError(f"option {self.name!r}: unknown kind {self.kind!r}")

    def expects(self) -> str:
        """What a valid value looks like, for the error message."""
        if self.kind in ("int", "float"):
            what = "a whole number" if self.kind == "int" else "a number"
            lo = "" if self.low is None else f"{'>' if self.open_low else '>='} {self.low:g}"
            hi = "" if self.high is None else f"<= {self.high:g}"
            rng = " and ".join(x for x in (lo, hi) if x)
            return f"{what} {rng}".strip()
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices or ())
        if self.kind == "month":
            return "a month YYYY-MM"
        if self.kind == "months":
            return "a list of months YYYY-MM"
        if self.kind == "names":
            allowed = f" from {', '.join(self.choices)}" if self.choices else ""
            return f"a list of names{allowed}"
        if self.kind == "grid":
            return "a lattice size W or WxH (whole numbers >= 1)"
        if self.kind == "mapping":
            return "a mapping (or its JSON text)"
        return "a text"

    def describe(self) -> str:
        default = "none" if self.default is None else _show(self.default)
        return f"{self.help} ({self.expects()}; default {default})"

    def convert(self, engine: str, value: Any) -> Any:
        """The value converted to the option's type; :class:`EngineError` otherwise."""
        if value is None:
            return None
        try:
            out = _CONVERT[self.kind](self, value)
        except (TypeError, ValueError, OverflowError):
            raise EngineError(f"engine {engine!r}: option {self.name!r} must be "
                              f"{self.expects()}; got {value!r}") from None
        return out


def _number(opt: Option, value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        value = value.strip()
    x = float(value)
    if not math.isfinite(x):
        raise ValueError
    if opt.kind == "int":
        if x != int(x):
            raise ValueError
        x = int(x)
    if opt.low is not None and (x < opt.low or (opt.open_low and x == opt.low)):
        raise ValueError
    if opt.high is not None and x > opt.high:
        raise ValueError
    return x


def _bool(opt: Option, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError


def _str(opt: Option, value: Any) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError
    return str(value)


def _choice(opt: Option, value: Any) -> str:
    text = str(value).strip()
    for c in opt.choices or ():
        if text.lower() == c.lower():
            return c
    raise ValueError


def _month(opt: Option, value: Any) -> str:
    text = str(value).strip()
    if not _MONTH.match(text):
        raise ValueError
    return text


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, Sequence):
        items = [str(v).strip() for v in value]
    else:
        raise ValueError
    if not items or any(not v for v in items):
        raise ValueError
    return items


def _months(opt: Option, value: Any) -> list[str]:
    return sorted(dict.fromkeys(_month(opt, v) for v in _list(value)))


def _names(opt: Option, value: Any) -> list[str]:
    items = list(dict.fromkeys(_list(value)))
    if opt.choices is not None and any(v not in opt.choices for v in items):
        raise ValueError
    return items


def _grid(opt: Option, value: Any) -> tuple[int, int]:
    if isinstance(value, str):
        parts = value.lower().replace(",", "x").split("x")
    elif isinstance(value, Sequence):
        parts = list(value)
    else:
        parts = [value]
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        raise ValueError
    w, h = (_number(Option("", "int", low=1), p) for p in parts)
    return int(w), int(h)


def _mapping(opt: Option, value: Any) -> dict:
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, Mapping):
        raise ValueError
    return dict(value)


_CONVERT = {"int": _number, "float": _number, "bool": _bool, "str": _str, "choice": _choice,
            "month": _month, "months": _months, "names": _names, "grid": _grid,
            "mapping": _mapping}


def _show(v: Any) -> str:
    if isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, int) for x in v):
        return f"{v[0]}x{v[1]}"
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


OptionSpec = tuple[Option, ...]


def check_options(engine: str, spec: OptionSpec, options: Mapping[str, Any] | None
                  ) -> dict[str, Any]:
    """Every declared option with its converted value (defaults filled in).

    Raises
    ------
    EngineError
        An undeclared option (naming the accepted ones) or a bad value, each with the
        module's one message template.
    """
    given = dict(options or {})
    names = {o.name: o for o in spec}
    unknown = sorted(set(given) - set(names))
    if unknown:
        accepted = ", ".join(sorted(names)) or "none"
        raise EngineError(f"engine {engine!r}: unknown option(s) {', '.join(unknown)}; "
                          f"accepted: {accepted}")
    return {o.name: o.convert(engine, given[o.name]) if given.get(o.name) is not None
            else o.default for o in spec}


def describe_options(spec: OptionSpec) -> dict[str, str]:
    """``{name: one-line description with type and default}`` (for help texts and docs)."""
    return {o.name: o.describe() for o in spec}
