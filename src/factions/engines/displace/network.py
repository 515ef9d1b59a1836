"""The displacement network: locations (stocks of people) joined by routes.

Validated once here, at the boundary; the flow kernels trust a :class:`FlowNetwork`.
"""

from __future__ import annotations

__all__ = ["LocationKind", "FlowNetwork", "build_network", "validate_months"]

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from factions.errors import InputError

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class LocationKind(IntEnum):
    """What a location is (Flee's location types, renamed for this toolkit).

    ``ORIGIN`` a region people live in and flee from (Flee: a town or conflict zone);
    ``HOST`` a foreign country that receives refugees (Flee: a camp or foreign town);
    ``IDP`` an internal displacement setting (Flee: an IDP camp).
    """

    ORIGIN = 0
    HOST = 1
    IDP = 2


@dataclass(frozen=True)
class FlowNetwork:
    """Locations and directed routes, as arrays.

    Attributes
    ----------
    ids : tuple of str
        Location ids, in array order.
    kinds : ndarray of int8, shape (L,)
        :class:`LocationKind` codes.
    population : ndarray of float64, shape (L,)
        Initial stocks (people present at each location at the start).
    src, dst : ndarray of int64, shape (E,)
        Directed edges, sorted by ``src`` (every undirected route gives two edges).
    distance : ndarray of float64, shape (E,)
        Route length in km (> 0).
    indptr : ndarray of int64, shape (L + 1,)
        CSR offsets: the edges leaving location ``i`` are ``indptr[i]:indptr[i+1]``.
    """

    ids: tuple[str, ...]
    kinds: np.ndarray
    population: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    distance: np.ndarray
    indptr: np.ndarray

    @property
    def n_locations(self) -> int:
        return len(self.ids)

    @property
    def n_edges(self) -> int:
        return int(self.src.size)

    def index(self, location_id: str) -> int:
        """Array index of ``location_id``; :class:`InputError` if unknown."""
        try:
            return self.ids.index(location_id)
        except ValueError:
            raise InputError(f"unknown location {location_id!r}") from None

    def mask(self, kind: LocationKind) -> np.ndarray:
        """Boolean mask of the locations of one kind."""
        return self.kinds == int(kind)


def _kind_code(value: object, where: str) -> int:
    if isinstance(value, LocationKind):
        return int(value)
    if isinstance(value, str):
        try:
            return int(LocationKind[value.upper()])
        except KeyError:
            pass
    raise InputError(f"{where}: kind must be one of origin, host, idp; got {value!r}")


def build_network(
    ids: Sequence[str],
    kinds: Sequence[str | LocationKind],
    population: Sequence[float] | np.ndarray,
    routes: Sequence[tuple[str, str, float]],
) -> FlowNetwork:
    """Validate plain lists into a :class:`FlowNetwork`.

    Parameters
    ----------
    ids : sequence of str
        Unique, non-empty location ids.
    kinds : sequence of {"origin", "host", "idp"}
        One kind per location.
    population : sequence of float
        Initial stock per location, finite and >= 0.
    routes : sequence of (a, b, distance_km)
        Undirected routes between known, distinct locations with a finite distance > 0;
        each route may appear once.

    Returns
    -------
    FlowNetwork

    Raises
    ------
    InputError
        Naming the offending location or route (``routes[3]``) and what is wrong.
    """
    ids = tuple(ids)
    if not ids:
        raise InputError("locations: at least one location is needed")
    for k, name in enumerate(ids):
        if not isinstance(name, str) or not name:
            raise InputError(f"locations[{k}]: id must be a non-empty string; got {name!r}")
    seen: dict[str, int] = {}
    for k, name in enumerate(ids):
        if name in seen:
            raise InputError(f"locations[{k}]: duplicate id {name!r} (first at [{seen[name]}])")
        seen[name] = k
    if len(kinds) != len(ids):
        raise InputError(f"kinds: expected {len(ids)} entries (one per location); got {len(kinds)}")
    kind_codes = np.array(
        [_kind_code(v, f"locations[{k}] ({ids[k]})") for k, v in enumerate(kinds)], dtype=np.int8
    )
    pop = np.asarray(population, dtype=np.float64)
    if pop.shape != (len(ids),):
        raise InputError(f"population: expected shape ({len(ids)},); got {pop.shape}")
    bad = np.flatnonzero(~np.isfinite(pop) | (pop < 0))
    if bad.size:
        k = int(bad[0])
        raise InputError(f"locations[{k}] ({ids[k]}): population must be finite and >= 0; "
                         f"got {pop[k]!r}")

    pairs: set[tuple[int, int]] = set()
    a_idx, b_idx, dist = [], [], []
    for r, route in enumerate(routes):
        try:
            a, b, d = route
        except (TypeError, ValueError):
            raise InputError(f"routes[{r}]: expected (a, b, distance_km); got {route!r}") from None
        for end in (a, b):
            if end not in seen:
                raise InputError(f"routes[{r}]: unknown location {end!r}")
        if a == b:
            raise InputError(f"routes[{r}]: a route must join two different locations ({a!r})")
        try:
            d = float(d)
        except (TypeError, ValueError):
            raise InputError(f"routes[{r}] ({a}-{b}): distance must be a number; got {d!r}") from None
        if not math.isfinite(d) or d <= 0:
            raise InputError(f"routes[{r}] ({a}-{b}): distance_km must be finite and > 0; got {d}")
        i, j = seen[a], seen[b]
        key = (min(i, j), max(i, j))
        if key in pairs:
            raise InputError(f"routes[{r}]: duplicate route {a}-{b}")
        pairs.add(key)
        a_idx += [i, j]
        b_idx += [j, i]
        dist += [d, d]

    src = np.asarray(a_idx, dtype=np.int64)
    dst = np.asarray(b_idx, dtype=np.int64)
    distance = np.asarray(dist, dtype=np.float64)
    order = np.lexsort((dst, src))
    src, dst, distance = src[order], dst[order], distance[order]
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=len(ids)), out=indptr[1:])
    return FlowNetwork(ids, kind_codes, pop, src, dst, distance, indptr)


def validate_months(months: Sequence[str], name: str = "months") -> list[str]:
    """Check a list of ``YYYY-MM`` strings is well formed and strictly consecutive.

    Raises
    ------
    InputError
        Naming the first bad entry (``months[4] = '2007-13'``).
    """
    months = list(months)
    if not months:
        raise InputError(f"{name}: at least one month is needed")
    prev = None
    for k, m in enumerate(months):
        if not isinstance(m, str) or not _MONTH.match(m):
            raise InputError(f"{name}[{k}]: expected a month 'YYYY-MM'; got {m!r}")
        y, mo = int(m[:4]), int(m[5:])
        code = 12 * y + mo - 1
        if prev is not None and code != prev + 1:
            raise InputError(f"{name}[{k}]: {m!r} does not follow {months[k - 1]!r} "
                             "(months must be consecutive and increasing)")
        prev = code
    return months
