"""Optional synchronous updating (``activation = "sync"``): NOT Epstein's scheme.

Epstein (2002) activates agents one at a time in random order, each seeing the current
state (:func:`.kernel.run_ticks`, the default). This variant splits a tick in two:

1. **Decide, simultaneously.** Every free citizen evaluates ``G - R P > T`` on the
   lattice as it was at the start of the tick (no random numbers are drawn).
2. **Act, in random order.** Jailed citizens serve or are released; actives kill (Model
   II); forces arrest a random active in vision; everybody moves to a random empty site
   within vision; citizens age and clone.

Random targets and empty sites are drawn by rejection sampling over the vision offsets
(an exact count is made only when 16 draws miss), so the action phase rarely scans a
whole neighbourhood. Results differ from the asynchronous model (fewer, smaller
outbursts: see ``docs/models/ground.md``); seeded runs are bit-for-bit reproducible.
It is offered to study the effect of the updating scheme, not for speed: measured on the
2-core test machine it is about 25% slower than the asynchronous kernel on 40x40 and no
faster on 1000x1000 (a parallel decision phase with ``numba.prange`` gained nothing there
either, so the phase is serial).
"""

from __future__ import annotations

__all__ = ["run_ticks_sync"]

import numpy as np
from numba import njit

from factions.engines.ground.kernel import (
    _EMP,
    _MASK,
    _TAR,
    _arrest,
    _move,
    _put,
    _randint,
    _random_empty,
    _remove,
    _scan,
    _site,
    clone,
    decide,
    flag_table,
    replace,
    tally,
)


@njit(cache=True)
def _pick_any(code, tab, flag, flat, base):
    """Offset index of a uniformly random neighbourhood site with ``flag``, or -1."""
    n = flat.size
    if n == 0:
        return -1
    for _ in range(16):
        o = _randint(n)
        if tab[code[base + flat[o]]] & flag:
            return o
    count = 0
    for o in range(n):
        if tab[code[base + flat[o]]] & flag:
            count += 1
    if count == 0:
        return -1
    r = _randint(count)
    for o in range(n):
        if tab[code[base + flat[o]]] & flag:
            if r == 0:
                return o
            r -= 1
    return -1


@njit(cache=True)
def _decide_all(n, t, width, kind, group, pos, hard, risk, alive, born, legit, allowed,
                threshold, k, rounding, code, geo, tab, cflat, out):
    r_pad, pw = geo[2], geo[3]
    for i in range(n):
        out[i] = -1
        if alive[i] and kind[i] == 0 and pos[i] >= 0 and born[i] != t:
            g = group[i]
            x = pos[i] % width
            y = pos[i] // width
            acc = _scan(code, tab[g], cflat, (y + r_pad) * pw + x + r_pad)
            n_cops = acc & _MASK
            n_act = 1 + ((acc >> 16) & _MASK)
            out[i] = 1 if decide(i, g, n_cops, n_act, hard, risk, legit, allowed, threshold,
                                 k, rounding) else 0


@njit(cache=True)
def run_ticks_sync(seed, t0, n_ticks, width, grid, code, geo, kind, group, pos, hard, risk,
                   active, jail, age, born, alive, meta, free, legit, allowed, targets,
                   threshold, k, jmax, movement, rounding, clone_p, max_age, replace_killed, cdx,
                   cdy, kdx,
                   kdy, counts, kills):
    """Same arguments and outputs as :func:`.kernel.run_ticks`; synchronous decisions."""
    np.random.seed(seed)
    height = grid.size // width
    r_pad, pw = geo[2], geo[3]
    cflat = cdy * pw + cdx
    kflat = kdy * pw + kdx
    n_groups = legit.size
    tab = flag_table(targets)
    decided = np.empty(alive.size, np.int8)
    for s in range(n_ticks):
        t = t0 + s
        n = meta[0]
        _decide_all(n, t, width, kind, group, pos, hard, risk, alive, born, legit, allowed,
                    threshold, k, rounding, code, geo, tab, cflat, decided)
        for i in range(n):
            if decided[i] >= 0:
                active[i] = decided[i] == 1
                _put(code, geo, pos[i], 3 + 2 * group[i] + decided[i])
        order = np.random.permutation(n)
        for i in order:
            if not alive[i] or born[i] == t:
                continue
            victim_group = -1
            if kind[i] == 0:
                g = group[i]
                flat, dx, dy = cflat, cdx, cdy
                if max_age > 0:
                    age[i] += 1
                    if age[i] >= max_age:
                        _remove(i, grid, code, geo, pos, alive, meta, free)
                        counts[s, g, 6] += 1
                        continue
                if pos[i] < 0:
                    if jail[i] > 0:
                        jail[i] -= 1
                        continue
                    c = _random_empty(grid)
                    if c < 0:
                        continue
                    grid[c] = i
                    _put(code, geo, c, 3 + 2 * g)
                    pos[i] = c
                    continue  # decides with everybody else next tick
                x = pos[i] % width
                y = pos[i] // width
                if active[i]:
                    o = _pick_any(code, tab[g], _TAR, flat, (y + r_pad) * pw + x + r_pad)
                    if o >= 0:
                        c = _site(o, x, y, dx, dy, width, height)
                        v = grid[c]
                        q = targets[g, group[v]]
                        if q >= 1.0 or np.random.random() < q:
                            kills[s, g, group[v]] += 1
                            counts[s, group[v], 4] += 1
                            victim_group = group[v]
                            _remove(v, grid, code, geo, pos, alive, meta, free)
            else:
                g = n_groups
                flat, dx, dy = kflat, kdx, kdy
                x = pos[i] % width
                y = pos[i] // width
                o = _pick_any(code, tab[g], _TAR, flat, (y + r_pad) * pw + x + r_pad)
                if o >= 0:
                    c = _site(o, x, y, dx, dy, width, height)
                    _arrest(grid[c], c, s, jmax, grid, code, geo, group, pos, active, jail,
                            counts)
            if movement:
                o = _pick_any(code, tab[g], _EMP, flat, (y + r_pad) * pw + x + r_pad)
                if o >= 0:
                    _move(i, o, x, y, dx, dy, width, height, pw, r_pad, grid, code, geo, pos)
            if kind[i] == 0 and clone_p > 0.0 and np.random.random() < clone_p:
                clone(i, t, s, width, height, grid, code, geo, kind, group, pos, hard, risk,
                      active, jail, age, born, alive, meta, free, counts)
            if replace_killed and victim_group >= 0:
                replace(victim_group, t, s, grid, code, geo, kind, group, pos, hard, risk,
                        active, jail, age, born, alive, meta, free, counts)
        tally(s, meta, alive, kind, group, pos, active, counts)
