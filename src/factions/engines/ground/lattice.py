"""Writes to the ground kernel's state: site codes with their halo, agent slots, placement.

Every function takes a :class:`~factions.engines.ground.state.Lattice` and trusts it
(built by :class:`~factions.engines.ground.simulator.Simulator`). Random numbers come
from numba's per-thread generator, seeded by the caller of each kernel entry point.
"""

from __future__ import annotations

__all__ = ["put", "put_xy", "randint", "random_empty", "new_slot", "remove", "init_citizen",
           "populate", "set_force", "snapshot", "repad"]

import numpy as np
from numba import njit

from factions.engines.ground.state import CITIZEN, HOT, N_FREE, TOP


@njit(inline="always", **HOT)
def _put_row(code, row, x, width, r, value):
    code[row + x + r] = value
    if x < r:
        code[row + x + width + r] = value
    if x >= width - r:
        code[row + x - width + r] = value


@njit(inline="always", **HOT)
def put_xy(lat, x, y, value):
    """Write the site code of ``(x, y)`` and its halo copies."""
    width, height, r, pw = lat.width, lat.height, lat.pad, lat.padded_width
    _put_row(lat.code, (y + r) * pw, x, width, r, value)
    if y < r:
        _put_row(lat.code, (y + height + r) * pw, x, width, r, value)
    if y >= height - r:
        _put_row(lat.code, (y - height + r) * pw, x, width, r, value)


@njit(**HOT)
def put(lat, cell, value):
    """Write the site code of site ``cell`` (row-major) and its halo copies."""
    put_xy(lat, cell % lat.width, cell // lat.width, value)


@njit(inline="always", **HOT)
def randint(n):
    """Uniform integer in [0, n) from one double (bias below 2**-50 for the n used here)."""
    return int(np.random.random() * n)


@njit(**HOT)
def random_empty(grid):
    """A uniformly random empty site (64 rejection draws, then a scan), or -1 if full."""
    n = grid.size
    for _ in range(64):
        c = np.random.randint(0, n)
        if grid[c] < 0:
            return c
    start = np.random.randint(0, n)
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
def init_citizen(lat, b, c, g, t):
    """A new quiet citizen of group ``g`` in slot ``b`` at site ``c``, born at tick ``t``."""
    lat.grid[c] = b
    put(lat, c, 3 + 2 * g)
    lat.kind[b] = CITIZEN
    lat.group[b] = g
    lat.pos[b] = c
    lat.hard[b] = np.random.random()
    lat.risk[b] = np.random.random()
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
    np.random.seed(seed)
    cells = np.random.permutation(lat.grid.size)
    b = 0
    for g in range(group_counts.size):
        for _ in range(group_counts[g]):
            init_citizen(lat, b, cells[b], g, -1)
            if max_age > 0:
                lat.age[b] = np.random.randint(0, max_age)
            b += 1
    for kcode, n in ((1, n_cops), (2, n_peace)):
        for _ in range(n):
            _place_force(lat, b, cells[b], kcode, -1)
            b += 1
    lat.meta[TOP] = b


@njit(cache=True)
def set_force(seed, lat, kcode, target, t):
    """Add (at random empty sites) or withdraw (at random) agents of kind ``kcode``."""
    np.random.seed(seed)
    have = np.empty(lat.meta[TOP], np.int64)
    n = 0
    for i in range(lat.meta[TOP]):
        if lat.alive[i] and lat.kind[i] == kcode:
            have[n] = i
            n += 1
    if n > target:
        pick = np.random.permutation(n)[: n - target]
        for q in pick:
            remove(lat, have[q])
    for _ in range(target - n):
        c = random_empty(lat.grid)
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
