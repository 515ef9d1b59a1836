"""Writes to the ground kernel's state: site codes with their halo, agent slots, placement.

Every function takes a :class:`~factions.engines.ground.state.Lattice` and trusts it
(built by :class:`~factions.engines.ground.simulator.Simulator`). Random numbers come
from the :class:`~factions.engines.ground.stream.Stream` ``rs`` that each kernel entry
point seeds.
"""

from __future__ import annotations

__all__ = ["xy", "aliases", "put", "put_xy", "random_empty", "new_slot", "remove", "init_citizen",
           "populate", "set_force", "snapshot", "repad"]

import numpy as np
from numba import njit

from factions.engines.ground.state import CITIZEN, HOT, INLINE, N_FREE, TOP
from factions.engines.ground.stream import permutation, randint, random, stream_of

_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(**INLINE)
def _put_one(lat, prow, col, value, set_bit, clear):
    lat.code[prow * lat.padded_width + col] = value
    w = prow * lat.row_words + (col >> 6)
    bit = np.uint64(1) << np.uint64(col & 63)
    lat.empty[w] = (lat.empty[w] & ~(bit & clear)) | (bit & set_bit)


@njit(**INLINE)
def aliases(lat, x, y):
    """Padded rows ``r1, r2`` and columns ``c1, c2`` of site ``(x, y)``: ``(r1, c1)`` is
    the site itself, the others its halo copies, or again ``r1`` / ``c1`` where the site
    has none (a site near an edge has two copies, near a corner four)."""
    width, height, r = lat.width, lat.height, lat.pad
    c1 = x + r
    c2 = c1 + width * (x < r) - width * (x >= width - r)
    r1 = y + r
    r2 = r1 + height * (y < r) - height * (y >= height - r)
    return r1, r2, c1, c2


@njit(**INLINE)
def put_xy(lat, x, y, value):
    """Write the site code of ``(x, y)``, its halo copies and their empty bits.

    A site has one copy in the padded arrays, two near an edge, four near a corner; the
    second row and column below are the first again where there is no copy, so the same
    four writes serve every site without branches (2 v + 1 <= side, so a site is never
    near both opposite edges).
    """
    r1, r2, c1, c2 = aliases(lat, x, y)
    set_bit = _ALL if value == 0 else np.uint64(0)
    clear = ~set_bit
    _put_one(lat, r1, c1, value, set_bit, clear)
    _put_one(lat, r1, c2, value, set_bit, clear)
    _put_one(lat, r2, c1, value, set_bit, clear)
    _put_one(lat, r2, c2, value, set_bit, clear)


@njit(**INLINE)
def xy(lat, cell):
    """``(x, y)`` of row-major site ``cell`` (read from the tables ``col``, ``row``)."""
    return lat.col[cell], lat.row[cell]


@njit(**HOT)
def put(lat, cell, value):
    """Write the site code of site ``cell`` (row-major) and its halo copies."""
    x, y = xy(lat, cell)
    put_xy(lat, x, y, value)


@njit(**HOT)
def random_empty(grid, rs):
    """A uniformly random empty site (64 rejection draws, then a scan), or -1 if full."""
    n = grid.size
    for _ in range(64):
        c = randint(rs, n)
        if grid[c] < 0:
            return c
    start = randint(rs, n)
    for j in range(n):
        c = (start + j) % n
        if grid[c] < 0:
            return c
    return -1


@njit(**HOT)
def new_slot(lat):
    """A free agent slot (the most recently freed first), or -1 if none is left."""
    meta = lat.meta
    if meta[N_FREE] > 0:
        meta[N_FREE] -= 1
        return lat.free[meta[N_FREE]]
    if meta[TOP] < lat.alive.size:
        meta[TOP] += 1
        return meta[TOP] - 1
    return -1


@njit(**HOT)
def remove(lat, i):
    """Agent ``i`` dies or is withdrawn: its site is emptied and its slot freed."""
    p = lat.pos[i]
    if p >= 0:
        lat.grid[p] = -1
        put(lat, p, 0)
    lat.pos[i] = -1
    lat.alive[i] = False
    lat.free[lat.meta[N_FREE]] = i
    lat.meta[N_FREE] += 1


@njit(**HOT)
def init_citizen(lat, rs, b, c, g, t):
    """A new quiet citizen of group ``g`` in slot ``b`` at site ``c``, born at tick ``t``."""
    lat.grid[c] = b
    put(lat, c, 3 + 2 * g)
    lat.kind[b] = CITIZEN
    lat.group[b] = g
    lat.pos[b] = c
    lat.hard[b] = random(rs)
    lat.risk[b] = random(rs)
    lat.active[b] = False
    lat.jail[b] = 0
    lat.age[b] = 0
    lat.born[b] = t
    lat.alive[b] = True


@njit(**HOT)
def _place_force(lat, b, c, kcode, t):
    lat.grid[c] = b
    put(lat, c, kcode)
    lat.kind[b] = kcode
    lat.group[b] = 0
    lat.pos[b] = c
    lat.born[b] = t
    lat.alive[b] = True


@njit(cache=True)
def populate(seed, lat, group_counts, n_cops, n_peace, max_age):
    """Place citizens of each group, then cops and peacekeepers, on distinct random sites."""
    rs = stream_of(seed)
    cells = permutation(rs, lat.grid.size)
    b = 0
    for g in range(group_counts.size):
        for _ in range(group_counts[g]):
            init_citizen(lat, rs, b, cells[b], g, -1)
            if max_age > 0:
                lat.age[b] = randint(rs, max_age)
            b += 1
    for kcode, n in ((1, n_cops), (2, n_peace)):
        for _ in range(n):
            _place_force(lat, b, cells[b], kcode, -1)
            b += 1
    lat.meta[TOP] = b


@njit(cache=True)
def set_force(seed, lat, kcode, target, t):
    """Add (at random empty sites) or withdraw (at random) agents of kind ``kcode``."""
    rs = stream_of(seed)
    have = np.empty(lat.meta[TOP], np.int64)
    n = 0
    for i in range(lat.meta[TOP]):
        if lat.alive[i] and lat.kind[i] == kcode:
            have[n] = i
            n += 1
    if n > target:
        pick = permutation(rs, n)[: n - target]
        for q in pick:
            remove(lat, have[q])
    for _ in range(target - n):
        c = random_empty(lat.grid, rs)
        if c < 0:
            break
        b = new_slot(lat)
        if b < 0:
            break
        _place_force(lat, b, c, kcode, t)


def snapshot(lat):
    """``(height, width)`` site codes cut out of the padded array (a copy)."""
    r, w, h = lat.pad, lat.width, lat.height
    return lat.code.reshape(-1, lat.padded_width)[r : r + h, r : r + w].copy()


@njit(**HOT)
def repad(old, new):
    """Copy the site codes of lattice ``old`` into ``new`` (same size, another halo)."""
    width, r, pw = old.width, old.pad, old.padded_width
    for c in range(width * old.height):
        put(new, c, old.code[(c // width + r) * pw + c % width + r])
