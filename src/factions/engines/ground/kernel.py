"""Numba kernel of Epstein's civil-violence models (random asynchronous activation).

One kernel serves both models. Model I is the one-group case (no targets, no ageing, no
reproduction); Model II has two (or, for scenarios, more) groups, a ``targets`` matrix
saying which group's actives kill members of which group, ageing and cloning.

Internal functions trust their inputs (validated in :mod:`.params`); state lives in the
plain arrays of :class:`~factions.engines.ground.state.Lattice`.

Agent kinds: ``0`` citizen, ``1`` cop, ``2`` peacekeeper. ``grid[cell]`` is the slot of
the agent on that site or ``-1``; jailed citizens have ``pos == -1`` (off the lattice).
Per-tick counters ``counts[t, g, :]`` are, in order, :data:`COUNT_COLUMNS`.
"""

from __future__ import annotations

__all__ = ["COUNT_COLUMNS", "run_ticks", "populate", "set_force", "snapshot"]

import numpy as np
from numba import njit

COUNT_COLUMNS = (
    "active", "jailed", "quiescent", "arrests", "killed", "births", "natural_deaths",
    "population",
)
_RND = {"floor": 0, "round": 1, "none": 2}


@njit(cache=True, inline="always")
def _wrap(v, n):
    if v < 0:
        return v + n
    if v >= n:
        return v - n
    return v


@njit(cache=True)
def _random_empty(grid):
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


@njit(cache=True)
def _new_slot(meta, free, alive):
    if meta[1] > 0:
        meta[1] -= 1
        return free[meta[1]]
    if meta[0] < alive.size:
        meta[0] += 1
        return meta[0] - 1
    return -1


@njit(cache=True)
def _remove(i, grid, code, pos, alive, meta, free):
    if pos[i] >= 0:
        grid[pos[i]] = -1
        code[pos[i]] = 0
    pos[i] = -1
    alive[i] = False
    free[meta[1]] = i
    meta[1] += 1


@njit(cache=True)
def run_ticks(seed, t0, n_ticks, width, grid, code, kind, group, pos, hard, risk, active,
              jail, age, born, alive, meta, free, legit, allowed, targets, threshold, k, jmax,
              movement, rounding, clone_p, max_age, cseg, kseg, counts, kills):
    """Advance ``n_ticks`` ticks; tick ``t0 + s`` writes ``counts[s]`` and ``kills[s]``.

    ``code`` mirrors the lattice as site codes (see :func:`snapshot`) so that scanning a
    neighbourhood reads one small contiguous array; it is kept in step with ``grid``.
    """
    np.random.seed(seed)
    height = grid.size // width
    nbuf = 5
    for q in range(cseg.shape[0]):
        nbuf += cseg[q, 2] - cseg[q, 1] + 1
    for q in range(kseg.shape[0]):
        nbuf += kseg[q, 2] - kseg[q, 1] + 1
    empt = np.empty(nbuf, np.int64)
    cand = np.empty(nbuf, np.int64)
    n_groups = legit.size
    # table[g, code] bit flags seen by a citizen of g: 1 cop/peacekeeper, 2 active of own
    # group, 4 member of a targeted group, 8 empty. ctab[code]: 1 if an active citizen.
    table = np.zeros((n_groups, 4 + 2 * n_groups), np.int64)
    ctab = np.zeros(4 + 2 * n_groups, np.int64)
    for g in range(n_groups):
        table[g, 0] = 8
        table[g, 1] = 1
        table[g, 2] = 1
        for h in range(n_groups):
            for a in range(2):
                table[g, 3 + 2 * h + a] = (2 if (h == g and a == 1) else 0) + (
                    4 if targets[g, h] != 0 else 0)
                ctab[3 + 2 * h + a] = a
    rdx = np.array([1, -1, 0, 0])
    rdy = np.array([0, 0, 1, -1])
    for s in range(n_ticks):
        t = t0 + s
        order = np.random.permutation(meta[0])
        for i in order:
            if not alive[i] or born[i] == t:
                continue
            if kind[i] == 0:
                g = group[i]
                if max_age > 0:
                    age[i] += 1
                    if age[i] >= max_age:
                        _remove(i, grid, code, pos, alive, meta, free)
                        counts[s, g, 6] += 1
                        continue
                if pos[i] < 0:  # in jail
                    if jail[i] > 0:
                        jail[i] -= 1
                        continue
                    c = _random_empty(grid)
                    if c < 0:
                        continue
                    grid[c] = i
                    code[c] = 3 + 2 * g
                    pos[i] = c
                p = pos[i]
                x = p % width
                y = p // width
                n_cops = 0
                n_act = 1  # A counts the agent itself
                n_emp = 0
                n_tar = 0
                for q in range(cseg.shape[0]):  # row segments; branch-free body
                    row = _wrap(y + cseg[q, 0], height) * width
                    for xx in range(x + cseg[q, 1], x + cseg[q, 2] + 1):
                        c = row + xx + width * ((xx < 0) - (xx >= width))
                        f = table[g, code[c]]
                        n_cops += f & 1
                        n_act += (f >> 1) & 1
                        cand[n_tar] = c
                        n_tar += (f >> 2) & 1
                        empt[n_emp] = c
                        n_emp += (f >> 3) & 1
                ratio = n_cops / n_act
                if rounding == 0:
                    ratio = np.floor(ratio)
                elif rounding == 1:
                    ratio = np.rint(ratio)
                p_arrest = 1.0 - np.exp(-k * ratio)
                grievance = hard[i] * (1.0 - legit[g])
                act = allowed[g] != 0 and (grievance - risk[i] * p_arrest > threshold)
                active[i] = act
                code[p] = 3 + 2 * g + (1 if act else 0)
                if act and n_tar > 0:
                    c = cand[np.random.randint(0, n_tar)]
                    v = grid[c]
                    empt[n_emp] = c
                    n_emp += 1
                    kills[s, g, group[v]] += 1
                    counts[s, group[v], 4] += 1
                    _remove(v, grid, code, pos, alive, meta, free)
            else:
                p = pos[i]
                x = p % width
                y = p // width
                n_emp = 0
                n_tar = 0
                for q in range(kseg.shape[0]):
                    row = _wrap(y + kseg[q, 0], height) * width
                    for xx in range(x + kseg[q, 1], x + kseg[q, 2] + 1):
                        c = row + xx + width * ((xx < 0) - (xx >= width))
                        cc = code[c]
                        cand[n_tar] = c
                        n_tar += ctab[cc]
                        empt[n_emp] = c
                        n_emp += cc == 0
                if n_tar > 0:
                    c = cand[np.random.randint(0, n_tar)]
                    v = grid[c]
                    empt[n_emp] = c
                    n_emp += 1
                    grid[c] = -1
                    code[c] = 0
                    pos[v] = -1
                    active[v] = False
                    jail[v] = np.random.randint(0, jmax + 1)
                    counts[s, group[v], 3] += 1
            if movement and n_emp > 0:
                c = empt[np.random.randint(0, n_emp)]
                grid[pos[i]] = -1
                code[c] = code[pos[i]]
                code[pos[i]] = 0
                grid[c] = i
                pos[i] = c
            if kind[i] == 0 and clone_p > 0.0 and np.random.random() < clone_p:
                x = pos[i] % width
                y = pos[i] // width
                n_emp = 0
                for o in range(4):
                    c = _wrap(y + rdy[o], height) * width + _wrap(x + rdx[o], width)
                    if grid[c] < 0:
                        empt[n_emp] = c
                        n_emp += 1
                if n_emp > 0:
                    b = _new_slot(meta, free, alive)
                    if b >= 0:
                        c = empt[np.random.randint(0, n_emp)]
                        _init_citizen(b, c, group[i], t, grid, code, kind, group, pos, hard,
                                      risk, active, jail, age, born, alive)
                        counts[s, group[i], 5] += 1
        for i in range(meta[0]):
            if alive[i] and kind[i] == 0:
                g = group[i]
                counts[s, g, 7] += 1
                if pos[i] < 0:
                    counts[s, g, 1] += 1
                elif active[i]:
                    counts[s, g, 0] += 1
                else:
                    counts[s, g, 2] += 1


@njit(cache=True)
def _init_citizen(b, c, g, t, grid, code, kind, group, pos, hard, risk, active, jail, age,
                  born, alive):
    grid[c] = b
    code[c] = 3 + 2 * g
    kind[b] = 0
    group[b] = g
    pos[b] = c
    hard[b] = np.random.random()
    risk[b] = np.random.random()
    active[b] = False
    jail[b] = 0
    age[b] = 0
    born[b] = t
    alive[b] = True


@njit(cache=True)
def populate(seed, group_counts, n_cops, n_peace, max_age, grid, code, kind, group, pos, hard,
             risk, active, jail, age, born, alive, meta):
    """Place citizens of each group, then cops and peacekeepers, on distinct random sites."""
    np.random.seed(seed)
    cells = np.random.permutation(grid.size)
    b = 0
    for g in range(group_counts.size):
        for _ in range(group_counts[g]):
            _init_citizen(b, cells[b], g, -1, grid, code, kind, group, pos, hard, risk,
                          active, jail, age, born, alive)
            if max_age > 0:
                age[b] = np.random.randint(0, max_age)
            b += 1
    for kcode, n in ((1, n_cops), (2, n_peace)):
        for _ in range(n):
            grid[cells[b]] = b
            code[cells[b]] = kcode
            kind[b] = kcode
            group[b] = 0
            pos[b] = cells[b]
            born[b] = -1
            alive[b] = True
            b += 1
    meta[0] = b


@njit(cache=True)
def set_force(seed, kcode, target, t, grid, code, kind, group, pos, alive, born, meta, free):
    """Add (at random empty sites) or withdraw (at random) agents of kind ``code``."""
    np.random.seed(seed)
    have = np.empty(meta[0], np.int64)
    n = 0
    for i in range(meta[0]):
        if alive[i] and kind[i] == kcode:
            have[n] = i
            n += 1
    if n > target:
        pick = np.random.permutation(n)[: n - target]
        for q in pick:
            _remove(have[q], grid, code, pos, alive, meta, free)
    for _ in range(target - n):
        c = _random_empty(grid)
        b = _new_slot(meta, free, alive)
        if c < 0 or b < 0:
            break
        grid[c] = b
        code[c] = kcode
        kind[b] = kcode
        group[b] = 0
        pos[b] = c
        born[b] = t
        alive[b] = True


def snapshot(code):
    """Site codes: 0 empty, 1 cop, 2 peacekeeper, 3+2g quiet citizen of g, 4+2g active."""
    return code.copy()
