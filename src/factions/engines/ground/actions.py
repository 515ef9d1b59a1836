"""What an agent does to the lattice: arrest, kill, move, leave, clone, replace, tally.

Each action keeps the site codes, the empty-site bitboard and the count fields of
:mod:`.sight` in step: a move of a cop or an active citizen, a change of state and an
active leaving the lattice add +-1 over the vision shapes concerned. ``sight`` is the
call's :class:`~factions.engines.ground.sight.Sight`; ``cflat`` / ``kflat`` are the
citizens' and the forces' vision as flat offsets into the padded lattice.
"""

from __future__ import annotations

__all__ = ["padded", "turn", "leave", "arrest", "kill", "move", "clone", "replace", "tally"]

from numba import njit

from factions.engines.ground.lattice import (
    init_citizen,
    new_slot,
    put,
    put_xy,
    random_empty,
    remove,
    xy,
)
from factions.engines.ground.scan import wrap
from factions.engines.ground.sight import shift, spread
from factions.engines.ground.state import (
    ACTIVE,
    ARRESTS,
    BIRTHS,
    CITIZEN,
    HOT,
    INLINE,
    JAILED,
    KILLED,
    N_FREE,
    POPULATION,
    QUIESCENT,
    TOP,
)
from factions.engines.ground.stream import randint, random


@njit(**INLINE)
def padded(lat, cell):
    """Index of site ``cell`` in the padded arrays."""
    x, y = xy(lat, cell)
    return (y + lat.pad) * lat.padded_width + x + lat.pad


@njit(**INLINE)
def _seen(sight, g, base, cflat, kflat, d):
    """An active of group ``g`` at padded ``base`` appears (``d = 1``) or goes (``-1``)."""
    spread(sight.own[g], cflat, base, d)
    spread(sight.acts, kflat, base, d)


@njit(**INLINE)
def turn(lat, sight, i, act, x, y, cflat, kflat):
    """Citizen ``i`` at ``(x, y)`` takes state ``act`` (a no-op if it already has it)."""
    if act != lat.active[i]:
        g = lat.group[i]
        lat.active[i] = act
        put_xy(lat, x, y, 3 + 2 * g + (1 if act else 0))
        base = (y + lat.pad) * lat.padded_width + x + lat.pad
        _seen(sight, g, base, cflat, kflat, 1 if act else -1)


@njit(**HOT)
def leave(lat, sight, v, cflat, kflat):
    """Agent ``v`` dies or is withdrawn (its site, if any, emptied; its slot freed)."""
    p = lat.pos[v]
    if p >= 0:
        if lat.kind[v] != CITIZEN:
            spread(sight.cops, cflat, padded(lat, p), -1)
        elif lat.active[v]:
            _seen(sight, lat.group[v], padded(lat, p), cflat, kflat, -1)
    remove(lat, v)


@njit(**HOT)
def arrest(lat, rs, rules, sight, s, c, cflat, kflat, counts):
    """A cop takes the active citizen on site ``c`` into jail for U{0..J_max} of its turns."""
    v = lat.grid[c]
    _seen(sight, lat.group[v], padded(lat, c), cflat, kflat, -1)
    lat.grid[c] = -1
    put(lat, c, 0)
    lat.pos[v] = -1
    lat.active[v] = False
    lat.jail[v] = randint(rs, rules.max_jail_term + 1)
    counts[s, lat.group[v], ARRESTS] += 1


@njit(**HOT)
def kill(lat, rs, rules, sight, s, g, c, cflat, kflat, counts, kills):
    """An active of ``g`` attacks the citizen on site ``c``; returns its group if killed,
    else -1 (one draw unless ``targets`` is 1)."""
    v = lat.grid[c]
    h = lat.group[v]
    q = rules.targets[g, h]
    if q >= 1.0 or random(rs) < q:
        kills[s, g, h] += 1
        counts[s, h, KILLED] += 1
        leave(lat, sight, v, cflat, kflat)
        return h
    return -1


@njit(**INLINE)
def move(lat, sight, i, o, x, y, dx, dy, cflat, kflat):
    """Agent ``i`` at ``(x, y)`` moves to its neighbourhood site ``o`` (known empty)."""
    r, pw = lat.pad, lat.padded_width
    nx = wrap(x + dx[o], lat.width)
    ny = wrap(y + dy[o], lat.height)
    old = (y + r) * pw + x + r
    new = (ny + r) * pw + nx + r
    me = lat.code[old]
    put_xy(lat, x, y, 0)
    put_xy(lat, nx, ny, me)
    lat.grid[lat.pos[i]] = -1
    c = ny * lat.width + nx
    lat.grid[c] = i
    lat.pos[i] = c
    if lat.kind[i] != CITIZEN:
        shift(sight.cops, sight.cop_shift, o, old, new)
    elif lat.active[i]:
        shift(sight.own[lat.group[i]], sight.own_shift, o, old, new)
        shift(sight.acts, sight.act_shift, o, old, new)


@njit(**INLINE)
def _neighbour4(o, x, y, width, height):
    xx = wrap(x + (1 if o == 0 else (-1 if o == 1 else 0)), width)
    yy = wrap(y + (1 if o == 2 else (-1 if o == 3 else 0)), height)
    return yy * width + xx


@njit(**HOT)
def clone(lat, rs, i, t, s, counts):
    """Model II reproduction into a random empty von Neumann neighbour of agent ``i``
    (the newcomer is quiet: the count fields do not change)."""
    width, height = lat.width, lat.height
    x, y = xy(lat, lat.pos[i])
    n_emp = 0
    for o in range(4):
        if lat.grid[_neighbour4(o, x, y, width, height)] < 0:
            n_emp += 1
    if n_emp > 0:
        b = new_slot(lat)
        if b >= 0:
            r = randint(rs, n_emp)  # the r-th empty neighbour: E, W, S, N
            for o in range(4):
                c = _neighbour4(o, x, y, width, height)
                if lat.grid[c] < 0:
                    if r == 0:
                        init_citizen(lat, rs, b, c, lat.group[i], t)
                        counts[s, lat.group[i], BIRTHS] += 1
                        break
                    r -= 1


@njit(**HOT)
def replace(lat, rs, gv, t, s, counts):
    """A newcomer of group ``gv`` (fresh ``H``, ``R``, quiet) at a random empty site;
    counted as a birth. Used when killed agents are replaced (each agent stands for many
    people)."""
    b = new_slot(lat)
    c = random_empty(lat.grid, rs)
    if b >= 0 and c >= 0:
        init_citizen(lat, rs, b, c, gv, t)
        counts[s, gv, BIRTHS] += 1
    elif b >= 0:  # no empty site: give the slot back
        lat.free[lat.meta[N_FREE]] = b
        lat.meta[N_FREE] += 1


@njit(**HOT)
def tally(s, lat, counts):
    """End-of-tick counts: population, jailed, active, quiescent per group."""
    for i in range(lat.meta[TOP]):
        if lat.alive[i] and lat.kind[i] == CITIZEN:
            g = lat.group[i]
            counts[s, g, POPULATION] += 1
            if lat.pos[i] < 0:
                counts[s, g, JAILED] += 1
            elif lat.active[i]:
                counts[s, g, ACTIVE] += 1
            else:
                counts[s, g, QUIESCENT] += 1
