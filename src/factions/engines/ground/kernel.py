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

Agents read what they see from count fields and an empty-site bitboard kept up to date
by their actions (:mod:`.sight`, :mod:`.actions`) instead of scanning their vision; the
random draws are exactly those of a full scan (``tests/engines/ground/test_seeded.py``).

Internal functions trust their inputs (validated in :mod:`.params`).
"""

from __future__ import annotations

__all__ = ["run_ticks"]

import numpy as np
from numba import njit

from factions.engines.ground.actions import arrest, clone, kill, leave, move, replace, tally, turn
from factions.engines.ground.decision import decide
from factions.engines.ground.kernel_sync import decide_all
from factions.engines.ground.lattice import put, random_empty, xy
from factions.engines.ground.scan import F_EMP, F_TAR, MASK, flag_table, pick, pick_any, scan, site
from factions.engines.ground.sight import count_empty, pick_empty, seen, sight
from factions.engines.ground.state import CITIZEN, HOT, INLINE, NATURAL_DEATHS, TOP
from factions.engines.ground.stream import random, shuffled, stream_of


@njit(**INLINE)
def _targets_any(targets, g):
    for h in range(targets.shape[1]):
        if targets[g, h] > 0.0:
            return True
    return False


@njit(**INLINE)
def _step(i, t, s, lat, rs, rules, sg, tab, cflat, kflat, counts, kills):
    """Activate agent ``i`` once: serve or leave jail, decide, kill or arrest, move, age,
    clone. In asynchronous mode counts come from the fields of ``sg``; the synchronous
    mode samples targets and sites without counts (:func:`.scan.pick_any`)."""
    width, height, r_pad, pw = lat.width, lat.height, lat.pad, lat.padded_width
    victim_group = -1
    if lat.kind[i] == CITIZEN:
        g = lat.group[i]
        flat, dx, dy, seg = cflat, rules.cdx, rules.cdy, sg.cbits
        if rules.max_age > 0:
            lat.age[i] += 1
            if lat.age[i] >= rules.max_age:
                leave(lat, sg, i, cflat, kflat)
                counts[s, g, NATURAL_DEATHS] += 1
                return
        if lat.pos[i] < 0:  # in jail
            if lat.jail[i] > 0:
                lat.jail[i] -= 1
                return
            c = random_empty(lat.grid, rs)
            if c < 0:
                return
            lat.grid[c] = i
            put(lat, c, 3 + 2 * g)
            lat.pos[i] = c
            if rules.sync:
                return  # decides with everybody else next tick
        p = lat.pos[i]
        x, y = xy(lat, p)
        base = (y + r_pad) * pw + x + r_pad
        o = -1
        if rules.sync:
            if lat.active[i]:
                o = pick_any(rs, lat.code, tab[g], F_TAR, flat, base)
        else:
            act = decide(rules, sg.p_arrest, g, lat.hard[i], lat.risk[i],
                         seen(sg.cops, lat, x, y), 1 + seen(sg.own[g], lat, x, y))
            # A counts the agent itself
            turn(lat, sg, i, act, x, y, cflat, kflat)
            if act and _targets_any(rules.targets, g):
                n_tar = (scan(lat.code, tab[g], flat, base) >> 32) & MASK
                if n_tar > 0:
                    o = pick(rs, lat.code, tab[g], F_TAR, n_tar, flat, base)
        if o >= 0:
            victim_group = kill(lat, rs, rules, sg, s, g, site(o, x, y, dx, dy, width, height),
                                cflat, kflat, counts, kills)
    else:
        g = rules.legit.size  # the forces' row of the flag table
        flat, dx, dy, seg = kflat, rules.kdx, rules.kdy, sg.kbits
        p = lat.pos[i]
        x, y = xy(lat, p)
        base = (y + r_pad) * pw + x + r_pad
        o = -1
        if rules.sync:
            o = pick_any(rs, lat.code, tab[g], F_TAR, flat, base)
        else:
            n_tar = seen(sg.acts, lat, x, y)
            if n_tar > 0:
                o = pick(rs, lat.code, tab[g], F_TAR, n_tar, flat, base)
        if o >= 0:
            arrest(lat, rs, rules, sg, s, site(o, x, y, dx, dy, width, height), cflat, kflat,
                   counts)
    if rules.movement:  # x, y: the agent's site (unchanged since it was activated)
        o = -1
        if rules.sync:
            o = pick_any(rs, lat.code, tab[g], F_EMP, flat, base)
        else:  # empty sites counted now: a kill or arrest above freed one in vision
            enough = (flat.size + 7) // 8  # from there on, rejection sampling
            at = (y + r_pad) * 64 * lat.row_words + x + r_pad
            n_emp = count_empty(lat.empty, seg, at, enough)
            if n_emp > 0:
                o = pick_empty(rs, lat.code, flat, base, n_emp, enough)
        if o >= 0:
            move(lat, sg, i, o, x, y, dx, dy, cflat, kflat)
    if lat.kind[i] == CITIZEN and rules.clone_p > 0.0 and random(rs) < rules.clone_p:
        clone(lat, rs, i, t, s, counts)
    if rules.replace_killed and victim_group >= 0:
        replace(lat, rs, victim_group, t, s, counts)


@njit(**HOT)
def _activate(order, t, s, lat, rs, rules, sg, tab, cflat, kflat, counts, kills):
    """One tick's activations in a fresh random order of the slots in use (``order`` is
    scratch space); agents born this tick wait for the next."""
    n = lat.meta[TOP]
    shuffled(rs, order, n)
    for k in range(n):
        i = order[k]
        if lat.alive[i] and lat.born[i] != t:
            _step(i, t, s, lat, rs, rules, sg, tab, cflat, kflat, counts, kills)


@njit(cache=True)
def run_ticks(seed, t0, n_ticks, lat, rules, counts, kills):
    """Advance ``n_ticks`` ticks; tick ``t0 + s`` writes ``counts[s]`` and ``kills[s]``.

    Parameters
    ----------
    seed : int
        Seed of this call's random stream (:func:`.stream.stream_of`).
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
    The count fields are built once per call (O((cops + actives) x vision)) and then
    updated by the agents' actions; an agent step costs O(1) for a quiet citizen that
    stays quiet, plus O(vision) when a cop or an active moves or a citizen changes state,
    plus a few popcounts for its move. A random target is drawn by :func:`.scan.pick`
    (rejection sampling, or the r-th one in scan order when targets are few).
    """
    rs = stream_of(seed)
    pw = lat.padded_width
    cflat = rules.cdy * pw + rules.cdx
    kflat = rules.kdy * pw + rules.kdx
    tab = flag_table(rules.targets)
    sg = sight(lat, rules, cflat, kflat)
    decided = np.empty(lat.alive.size if rules.sync else 0, np.int8)
    order = np.empty(lat.alive.size, np.int64)
    for s in range(n_ticks):
        t = t0 + s
        if rules.sync:
            decide_all(t, lat, rules, sg, cflat, kflat, decided)
        _activate(order, t, s, lat, rs, rules, sg, tab, cflat, kflat, counts, kills)
        tally(s, lat, counts)
