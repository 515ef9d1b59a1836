"""Parameter distributions for sweeps: ``PARAM=DIST`` specs, draws and grids.

Two kinds of distribution:

* **random** — :class:`Uniform`, :class:`Normal`, :class:`Choice`: each run of a sweep
  draws its own value (Monte Carlo propagation of uncertainty);
* **grid** — :class:`Grid`, :class:`Values`: a fixed list of values; the sweep runs every
  point of the Cartesian product of the grid axes, each with the full set of runs.

Every draw is a pure function of ``(seed, run, parameter name)``: run ``r`` gets the same
values whatever the number of runs, so that a sweep extended from 100 to 200 runs reuses
the first 100 results (see :mod:`factions.run.sweep`).
"""

from __future__ import annotations

__all__ = ["Distribution", "Uniform", "Normal", "Choice", "Grid", "Values", "parse_dist",
           "parse_vary", "parse_varies", "draw_params", "grid_points"]

import itertools
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from factions.errors import InputError

_SPEC = re.compile(r"^\s*([A-Za-z_][\w.\-]*)\s*=\s*([a-z]+)\s*\((.*)\)\s*$")


@dataclass(frozen=True)
class Distribution:
    """Base class. ``random`` distributions are drawn per run; others enumerate a grid."""

    random = False

    def describe(self) -> str:
        return repr(self)

    def sample(self, rng: np.random.Generator):
        """One draw (random distributions only)."""
        raise TypeError(f"{self.describe()} is a grid axis, not a random distribution")

    def points(self) -> list:
        """The grid values (grid axes only)."""
        raise TypeError(f"{self.describe()} is a random distribution, not a grid axis")


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on ``[low, high]``."""

    low: float
    high: float
    random = True

    def __post_init__(self):
        if not self.low < self.high:
            raise InputError(f"uniform(a,b) needs a < b, got a={self.low:g}, b={self.high:g}")

    def sample(self, rng):
        return float(rng.uniform(self.low, self.high))

    def describe(self):
        return f"uniform({self.low:g},{self.high:g})"


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal with mean ``mu`` and standard deviation ``sd`` (> 0)."""

    mu: float
    sd: float
    random = True

    def __post_init__(self):
        if not self.sd > 0:
            raise InputError(f"normal(mu,sd) needs sd > 0, got sd={self.sd:g}")

    def sample(self, rng):
        return float(rng.normal(self.mu, self.sd))

    def describe(self):
        return f"normal({self.mu:g},{self.sd:g})"


@dataclass(frozen=True)
class Choice(Distribution):
    """One of ``options``, with equal probability."""

    options: tuple
    random = True

    def __post_init__(self):
        if not self.options:
            raise InputError("choice(...) needs at least one value")

    def sample(self, rng):
        return self.options[int(rng.integers(len(self.options)))]

    def describe(self):
        return "choice(" + ",".join(_fmt(v) for v in self.options) + ")"


@dataclass(frozen=True)
class Values(Distribution):
    """A grid axis of explicit values."""

    options: tuple

    def __post_init__(self):
        if not self.options:
            raise InputError("values(...) needs at least one value")

    def points(self):
        return list(self.options)

    def describe(self):
        return "values(" + ",".join(_fmt(v) for v in self.options) + ")"


@dataclass(frozen=True)
class Grid(Distribution):
    """A grid axis of ``n`` evenly spaced values from ``low`` to ``high`` inclusive."""

    low: float
    high: float
    n: int

    def __post_init__(self):
        if self.n < 1:
            raise InputError(f"grid(a,b,n) needs n ≥ 1, got n={self.n}")
        if self.n > 1 and not self.low < self.high:
            raise InputError(f"grid(a,b,n) needs a < b, got a={self.low:g}, b={self.high:g}")

    def points(self):
        if self.n == 1:
            return [float(self.low)]
        return [float(v) for v in np.linspace(self.low, self.high, self.n)]

    def describe(self):
        return f"grid({self.low:g},{self.high:g},{self.n})"


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _value(text: str, spec: str):
    """A literal of ``choice``/``values``: a number if it parses as one, else a string."""
    t = text.strip().strip("'\"")
    if not t:
        raise InputError(f"--vary {spec!r}: empty value in the list")
    for kind in (int, float):
        try:
            return kind(t)
        except ValueError:
            pass
    return t


def _numbers(args: list[str], n: int, name: str, spec: str) -> list[float]:
    if len(args) != n:
        raise InputError(f"--vary {spec!r}: {name} takes {n} numbers, got {len(args)}")
    out = []
    for a in args:
        try:
            x = float(a)
        except ValueError:
            raise InputError(f"--vary {spec!r}: {a.strip()!r} is not a number") from None
        if not np.isfinite(x):
            raise InputError(f"--vary {spec!r}: {a.strip()!r} is not a finite number")
        out.append(x)
    return out


def parse_dist(text: str, spec: str | None = None) -> Distribution:
    """Parse ``uniform(a,b)``, ``normal(mu,sd)``, ``choice(v1,…)``, ``grid(a,b,n)``,
    ``values(v1,…)``.

    Raises
    ------
    InputError
        One line naming the spec and what is wrong with it.
    """
    spec = spec or text
    m = re.match(r"^\s*([a-z]+)\s*\((.*)\)\s*$", text)
    if not m:
        raise InputError(f"--vary {spec!r}: expected DIST(args) with DIST one of uniform, "
                         "normal, choice, grid, values")
    kind, inner = m.group(1), m.group(2)
    args = [a for a in inner.split(",")] if inner.strip() else []
    try:
        if kind == "uniform":
            return Uniform(*_numbers(args, 2, "uniform(a,b)", spec))
        if kind == "normal":
            return Normal(*_numbers(args, 2, "normal(mu,sd)", spec))
        if kind == "grid":
            a, b, n = _numbers(args, 3, "grid(a,b,n)", spec)
            if n != int(n):
                raise InputError(f"grid(a,b,n) needs a whole number n, got {n:g}")
            return Grid(a, b, int(n))
        if kind in ("choice", "values"):
            vals = tuple(_value(a, spec) for a in args)
            return Choice(vals) if kind == "choice" else Values(vals)
    except InputError as exc:
        msg = str(exc)
        raise InputError(msg if msg.startswith("--vary") else f"--vary {spec!r}: {msg}") from None
    raise InputError(f"--vary {spec!r}: unknown distribution {kind!r}; use uniform(a,b), "
                     "normal(mu,sd), choice(v1,...), grid(a,b,n) or values(v1,...)")


def parse_vary(spec: str) -> tuple[str, Distribution]:
    """``'populations.<group>.legitimacy=uniform(0.4,0.8)'`` → ``(name, Uniform(0.4, 0.8))``."""
    m = _SPEC.match(spec)
    if not m:
        raise InputError(f"--vary {spec!r}: expected PARAM=DIST(args), e.g. "
                         "populations.<group>.legitimacy=uniform(0.4,0.8)")
    name, kind, inner = m.groups()
    return name, parse_dist(f"{kind}({inner})", spec)


def parse_varies(specs: Iterable[str]) -> dict[str, Distribution]:
    """Several ``PARAM=DIST`` specs; a parameter given twice is an error."""
    out: dict[str, Distribution] = {}
    for s in specs:
        name, dist = parse_vary(s)
        if name in out:
            raise InputError(f"--vary {s!r}: parameter {name!r} is varied twice")
        out[name] = dist
    return out


def _stream(seed: int, run: int, name: str) -> np.random.Generator:
    """The generator of parameter ``name`` in run ``run``: independent of other names/runs."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, int(run), zlib.crc32(name.encode()),
                                  0x5EED])


def draw_params(vary: Mapping[str, Distribution], seed: int, run: int) -> dict:
    """Values of the random distributions of ``vary`` for run ``run`` (sorted by name)."""
    return {name: vary[name].sample(_stream(seed, run, name))
            for name in sorted(vary) if vary[name].random}


def grid_points(vary: Mapping[str, Distribution]) -> list[dict]:
    """Every point of the Cartesian product of the grid axes (one empty point if none)."""
    names: Sequence[str] = sorted(n for n, d in vary.items() if not d.random)
    axes = [vary[n].points() for n in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
