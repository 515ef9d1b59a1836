"""Numba kernel of Epstein's civil-violence models: one agent loop for both activations.

One kernel serves both models. Model I is the one-group case (no targets, no ageing, no
reproduction); Model II has two (or, for scenarios, more) groups, a ``targets`` matrix
(``targets[g, h]``: probability that an active member of ``g`` kills the member of ``h``
it picked in its vision; Epstein's Model II is 1 between the two groups), ageing and
cloning.

:func:`run_ticks` takes the state as a :class:`~factions.engines.ground.state.Lattice`
and the parameters as :class:`~factions.engines.ground.state.Rules` and writes the named
counters ``counts[s, g, ACTIVE ...]`` and ``kills[s, g, h]``. Each tick activates every
agent once in a fresh random order (:func:`_step`). With ``rules.sync`` the citizens'
decisions are taken first, all on the tick's initial state (:mod:`.kernel_sync`), and
the same loop then only acts on them; otherwise each citizen decides when activated
(Epstein's random asynchronous activation, the default).

Internal functions trust their inputs (validated in :mod:`.params`).
"""

from __future__ import annotations

__all__ = ["run_ticks", "arrest", "move", "clone", "replace", "tally"]

import numpy as np
from numba import njit

from factions.engines.ground.decision import decide
from factions.engines.ground.kernel_sync import decide_all
from factions.engines.ground.lattice import (
    init_citizen,
    new_slot,
    put,
    put_xy,
    random_empty,
    remove,
)
from factions.engines.ground.scan import (
    F_EMP,
    F_TAR,
    MASK,
    flag_table,
    pick,
    pick_any,
    scan,
    site,
    wrap,
)
from factions.engines.ground.state import (
    ACTIVE,
    ARRESTS,
    BIRTHS,
    CITIZEN,
    HOT,
    JAILED,
    KILLED,
    N_FREE,
    NATURAL_DEATHS,
    POPULATION,
    QUIESCENT,
    TOP,
)


@njit(inline="always", **HOT)
def arrest(lat, rules, s, v, c, counts):
    """A cop takes citizen ``v`` (at site ``c``) off the lattice into jail for U{0..Jmax}."""
    lat.grid[c] = -1
    put(lat, c, 0)
    lat.pos[v] = -1
    lat.active[v] = False
    lat.jail[v] = np.random.randint(0, rules.max_jail_term + 1)
    counts[s, lat.group[v], ARRESTS] += 1


@njit(inline="always", **HOT)
def move(lat, i, o, x, y, dx, dy):
    """Agent ``i`` at ``(x, y)`` moves to its neighbourhood site ``o`` (known empty)."""
    r, pw = lat.pad, lat.padded_width
    nx = wrap(x + dx[o], lat.width)
    ny = wrap(y + dy[o], lat.height)
    me = lat.code[(y + r) * pw + x + r]
    put_xy(lat, x, y, 0)
    put_xy(lat, nx, ny, me)
    lat.grid[lat.pos[i]] = -1
    c = ny * lat.width + nx
    lat.grid[c] = i
    lat.pos[i] = c


@njit(inline="always", **HOT)
def _neighbour4(o, x, y, width, height):
    xx = wrap(x + (1 if o == 0 else (-1 if o == 1 else 0)), width)
    yy = wrap(y + (1 if o == 2 else (-1 if o == 3 else 0)), height)
    return yy * width + xx


@njit(**HOT)
def clone(lat, i, t, s, counts):
    """Model II reproduction into a random empty von Neumann neighbour of agent ``i``."""
    width, height = lat.width, lat.height
    x = lat.pos[i] % width
    y = lat.pos[i] // width
    n_emp = 0
    for o in range(4):
        if lat.grid[_neighbour4(o, x, y, width, height)] < 0:
            n_emp += 1
    if n_emp > 0:
        b = new_slot(lat)
        if b >= 0:
            r = np.random.randint(0, n_emp)  # the r-th empty neighbour: E, W, S, N
            for o in range(4):
                c = _neighbour4(o, x, y, width, height)
                if lat.grid[c] < 0:
                    if r == 0:
                        init_citizen(lat, b, c, lat.group[i], t)
                        counts[s, lat.group[i], BIRTHS] += 1
                        break
                    r -= 1


@njit(**HOT)
def replace(lat, gv, t, s, counts):
    """A newcomer of group ``gv`` (fresh ``H``, ``R``) at a random empty site; counted as a
    birth. Used when killed agents are replaced (each agent stands for many people)."""
    b = new_slot(lat)
    c = random_empty(lat.grid)
    if b >= 0 and c >= 0:
        init_citizen(lat, b, c, gv, t)
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


@njit(inline="always", **HOT)
def _kill(lat, rules, s, g, c, counts, kills):
    """An active of ``g`` attacks the citizen on site ``c``; returns its group if killed,
    else -1 (one draw unless ``targets`` is 1)."""
    v = lat.grid[c]
    h = lat.group[v]
    q = rules.targets[g, h]
    if q >= 1.0 or np.random.random() < q:
        kills[s, g, h] += 1
        counts[s, h, KILLED] += 1
        remove(lat, v)
        return h
    return -1


@njit(**HOT)
def _step(i, t, s, lat, rules, tab, cflat, kflat, counts, kills):
    """Activate agent ``i`` once: serve or leave jail, decide, kill or arrest, move, age,
    clone. ``n_emp`` (empty sites in vision) is only counted in asynchronous mode; the
    synchronous one samples targets and sites without counts (:func:`.scan.pick_any`)."""
    width, height, r_pad, pw = lat.width, lat.height, lat.pad, lat.padded_width
    victim_group = -1
    n_emp = 0
    if lat.kind[i] == CITIZEN:
        g = lat.group[i]
        flat, dx, dy = cflat, rules.cdx, rules.cdy
        if rules.max_age > 0:
            lat.age[i] += 1
            if lat.age[i] >= rules.max_age:
                remove(lat, i)
                counts[s, g, NATURAL_DEATHS] += 1
                return
        if lat.pos[i] < 0:  # in jail
            if lat.jail[i] > 0:
                lat.jail[i] -= 1
                return
            c = random_empty(lat.grid)
            if c < 0:
                return
            lat.grid[c] = i
            put(lat, c, 3 + 2 * g)
            lat.pos[i] = c
            if rules.sync:
                return  # decides with everybody else next tick
        p = lat.pos[i]
        x = p % width
        y = p // width
        base = (y + r_pad) * pw + x + r_pad
        if rules.sync:
            if lat.active[i]:
                o = pick_any(lat.code, tab[g], F_TAR, flat, base)
                if o >= 0:
                    victim_group = _kill(lat, rules, s, g, site(o, x, y, dx, dy, width, height),
                                         counts, kills)
        else:
            acc = scan(lat.code, tab[g], flat, base)
            n_cops = acc & MASK
            n_act = 1 + ((acc >> 16) & MASK)  # A counts the agent itself
            n_tar = (acc >> 32) & MASK
            n_emp = (acc >> 48) & MASK
            act = decide(rules, g, lat.hard[i], lat.risk[i], n_cops, n_act)
            lat.active[i] = act
            put_xy(lat, x, y, 3 + 2 * g + (1 if act else 0))
            if act and n_tar > 0:
                o = pick(lat.code, tab[g], F_TAR, n_tar, flat, base)
                victim_group = _kill(lat, rules, s, g, site(o, x, y, dx, dy, width, height),
                                     counts, kills)
                if victim_group >= 0:
                    n_emp += 1
    else:
        g = rules.legit.size  # the forces' row of the flag table
        flat, dx, dy = kflat, rules.kdx, rules.kdy
        p = lat.pos[i]
        x = p % width
        y = p // width
        base = (y + r_pad) * pw + x + r_pad
        o = -1
        if rules.sync:
            o = pick_any(lat.code, tab[g], F_TAR, flat, base)
        else:
            acc = scan(lat.code, tab[g], flat, base)
            n_tar = (acc >> 32) & MASK
            n_emp = (acc >> 48) & MASK
            if n_tar > 0:
                o = pick(lat.code, tab[g], F_TAR, n_tar, flat, base)
                n_emp += 1
        if o >= 0:
            c = site(o, x, y, dx, dy, width, height)
            arrest(lat, rules, s, lat.grid[c], c, counts)
    if rules.movement:  # x, y: the agent's site (unchanged since the scan)
        o = -1
        if rules.sync:
            o = pick_any(lat.code, tab[g], F_EMP, flat, base)
        elif n_emp > 0:
            o = pick(lat.code, tab[g], F_EMP, n_emp, flat, base)
        if o >= 0:
            move(lat, i, o, x, y, dx, dy)
    if lat.kind[i] == CITIZEN and rules.clone_p > 0.0 and np.random.random() < rules.clone_p:
        clone(lat, i, t, s, counts)
    if rules.replace_killed and victim_group >= 0:
        replace(lat, victim_group, t, s, counts)


@njit(**HOT)
def _activate(order, t, s, lat, rules, tab, cflat, kflat, counts, kills):
    """One tick's activations, in ``order``; agents born this tick wait for the next."""
    for i in order:
        if lat.alive[i] and lat.born[i] != t:
            _step(i, t, s, lat, rules, tab, cflat, kflat, counts, kills)


@njit(cache=True)
def run_ticks(seed, t0, n_ticks, lat, rules, counts, kills):
    """Advance ``n_ticks`` ticks; tick ``t0 + s`` writes ``counts[s]`` and ``kills[s]``.

    Parameters
    ----------
    seed : int
        Seed of numba's generator for this call.
    t0, n_ticks : int
        First tick and number of ticks.
    lat : Lattice
        State, changed in place.
    rules : Rules
        Parameters of these ticks.
    counts : (n_ticks, G, len(COUNT_COLUMNS)) int64, zeros
    kills : (n_ticks, G, G) int64, zeros

    Notes
    -----
    ``lat.code`` mirrors the lattice as site codes so that scanning a neighbourhood reads
    one small contiguous array; it is kept in step with ``lat.grid``. A neighbourhood is
    scanned once to count (cops, own actives, targets, empty sites); a random target or
    empty site is then drawn by :func:`.scan.pick`. Cost: O(agents x sites in vision)
    per tick.
    """
    np.random.seed(seed)
    pw = lat.padded_width
    cflat = rules.cdy * pw + rules.cdx
    kflat = rules.kdy * pw + rules.kdx
    tab = flag_table(rules.targets)
    decided = np.empty(lat.alive.size if rules.sync else 0, np.int8)
    for s in range(n_ticks):
        t = t0 + s
        if rules.sync:
            decide_all(t, lat, rules, tab, cflat, decided)
        order = np.random.permutation(lat.meta[TOP])
        _activate(order, t, s, lat, rules, tab, cflat, kflat, counts, kills)
        tally(s, lat, counts)
