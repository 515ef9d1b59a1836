"""Numba kernel of Epstein's civil-violence models (random asynchronous activation).

One kernel serves both models. Model I is the one-group case (no targets, no ageing, no
reproduction); Model II has two (or, for scenarios, more) groups, a ``targets`` matrix
(``targets[g, h]``: probability that an active member of ``g`` with a member of ``h``
in vision kills one this tick; Epstein's Model II is 1 between the two groups), ageing
and cloning.

Internal functions trust their inputs (validated in :mod:`.params`); state lives in the
plain arrays owned by :class:`~factions.engines.ground.simulator.Simulator`.

Agent kinds: ``0`` citizen, ``1`` cop, ``2`` peacekeeper. ``grid[cell]`` is the slot of
the agent on that site or ``-1``; jailed citizens have ``pos == -1`` (off the lattice).
Per-tick counters ``counts[t, g, :]`` are, in order, :data:`COUNT_COLUMNS`.
"""

from __future__ import annotations

__all__ = ["COUNT_COLUMNS", "run_ticks", "populate", "set_force", "snapshot", "repad",
           "flag_table", "decide", "clone", "replace", "tally"]

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


@njit(cache=True, inline="always")
def _get(code, geo, cell):
    """Site code of ``cell`` read from the padded array."""
    width, r, pw = geo[0], geo[2], geo[3]
    return code[(cell // width + r) * pw + cell % width + r]


@njit(cache=True, inline="always")
def _put_row(code, row, x, width, r, value):
    code[row + x + r] = value
    if x < r:
        code[row + x + width + r] = value
    if x >= width - r:
        code[row + x - width + r] = value


@njit(cache=True)
def _put(code, geo, cell, value):
    """Write a site code and its halo copies (the torus wrapped ``r`` sites deep)."""
    _put_xy(code, geo, cell % geo[0], cell // geo[0], value)


@njit(cache=True, inline="always")
def _put_xy(code, geo, x, y, value):
    width, height, r, pw = geo[0], geo[1], geo[2], geo[3]
    _put_row(code, (y + r) * pw, x, width, r, value)
    if y < r:
        _put_row(code, (y + height + r) * pw, x, width, r, value)
    if y >= height - r:
        _put_row(code, (y - height + r) * pw, x, width, r, value)


@njit(cache=True, inline="always")
def _randint(n):
    """Uniform integer in [0, n) from one double (bias below 2**-50 for the n used here)."""
    return int(np.random.random() * n)


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
def _remove(i, grid, code, geo, pos, alive, meta, free):
    if pos[i] >= 0:
        grid[pos[i]] = -1
        _put(code, geo, pos[i], 0)
    pos[i] = -1
    alive[i] = False
    free[meta[1]] = i
    meta[1] += 1


# Packed flags: one addition per scanned site counts four things at once (16-bit fields).
_COP, _ACT, _TAR, _EMP = 1, 1 << 16, 1 << 32, 1 << 48
_MASK = (1 << 16) - 1


@njit(cache=True)
def _scan(code, tab, flat, base):
    """Sum of ``tab[code[base + flat[o]]]`` over the neighbourhood (no wrapping needed)."""
    acc = 0
    for o in range(flat.size):
        acc += tab[code[base + flat[o]]]
    return acc


@njit(cache=True)
def _pick(code, tab, flag, n_flag, flat, base):
    """Index ``o`` of a uniformly random neighbourhood site with ``flag`` (``n_flag`` > 0).

    Rejection sampling when such sites are common (expected ``len(flat) / n_flag`` <= 8
    draws), otherwise the ``r``-th such site in scan order.
    """
    n = flat.size
    if 8 * n_flag >= n:
        while True:
            o = _randint(n)
            if tab[code[base + flat[o]]] & flag:
                return o
    r = _randint(n_flag)
    for o in range(n):
        if tab[code[base + flat[o]]] & flag:
            if r == 0:
                return o
            r -= 1
    return -1


@njit(cache=True, inline="always")
def _site(o, x, y, dx, dy, width, height):
    return _wrap(y + dy[o], height) * width + _wrap(x + dx[o], width)


@njit(cache=True, inline="always")
def _arrest(v, c, s, jmax, grid, code, geo, group, pos, active, jail, counts):
    """A cop takes citizen ``v`` (at site ``c``) off the lattice into jail for U{0..Jmax}."""
    grid[c] = -1
    _put(code, geo, c, 0)
    pos[v] = -1
    active[v] = False
    jail[v] = np.random.randint(0, jmax + 1)
    counts[s, group[v], 3] += 1


@njit(cache=True, inline="always")
def _move(i, o, x, y, dx, dy, width, height, pw, r_pad, grid, code, geo, pos):
    """Agent ``i`` at (x, y) moves to the neighbourhood site ``o`` (known to be empty)."""
    nx = _wrap(x + dx[o], width)
    ny = _wrap(y + dy[o], height)
    me = code[(y + r_pad) * pw + x + r_pad]
    _put_xy(code, geo, x, y, 0)
    _put_xy(code, geo, nx, ny, me)
    grid[pos[i]] = -1
    c = ny * width + nx
    grid[c] = i
    pos[i] = c


@njit(cache=True)
def flag_table(targets):
    """``tab[g, code]``: packed flags a citizen of ``g`` sees on a site (cop or peacekeeper,
    active of its own group, member of a targeted group, empty); the last row is the
    forces' view (active citizen of any group = target, empty)."""
    n_groups = targets.shape[0]
    tab = np.zeros((n_groups + 1, 4 + 2 * n_groups), np.int64)
    for g in range(n_groups + 1):
        tab[g, 0] = _EMP
        if g < n_groups:
            tab[g, 1] = _COP
            tab[g, 2] = _COP
        for h in range(n_groups):
            for a in range(2):
                if g == n_groups:
                    tab[g, 3 + 2 * h + a] = _TAR * a
                else:
                    tab[g, 3 + 2 * h + a] = (_ACT if (h == g and a == 1) else 0) + (
                        _TAR if targets[g, h] > 0.0 else 0)
    return tab


@njit(cache=True)
def decide(i, g, n_cops, n_act, hard, risk, legit, allowed, threshold, k, rounding):
    """Epstein's rule: active iff ``H (1 - L_g) - R (1 - exp(-k [C/A])) > T``."""
    ratio = n_cops / n_act
    if rounding == 0:
        ratio = np.floor(ratio)
    elif rounding == 1:
        ratio = np.rint(ratio)
    p_arrest = 1.0 - np.exp(-k * ratio)
    grievance = hard[i] * (1.0 - legit[g])
    return allowed[g] != 0 and (grievance - risk[i] * p_arrest > threshold)


@njit(cache=True)
def clone(i, t, s, width, height, grid, code, geo, kind, group, pos, hard, risk, active, jail,
          age, born, alive, meta, free, counts):
    """Model II reproduction into a random empty von Neumann neighbour of agent ``i``."""
    x = pos[i] % width
    y = pos[i] // width
    empt = np.empty(4, np.int64)
    n_emp = 0
    for o in range(4):
        xx = _wrap(x + (1 if o == 0 else (-1 if o == 1 else 0)), width)
        yy = _wrap(y + (1 if o == 2 else (-1 if o == 3 else 0)), height)
        c = yy * width + xx
        if grid[c] < 0:
            empt[n_emp] = c
            n_emp += 1
    if n_emp > 0:
        b = _new_slot(meta, free, alive)
        if b >= 0:
            c = empt[np.random.randint(0, n_emp)]
            _init_citizen(b, c, group[i], t, grid, code, geo, kind, group, pos, hard, risk,
                          active, jail, age, born, alive)
            counts[s, group[i], 5] += 1


@njit(cache=True)
def replace(gv, t, s, grid, code, geo, kind, group, pos, hard, risk, active, jail, age, born,
            alive, meta, free, counts):
    """A newcomer of group ``gv`` (fresh ``H``, ``R``) at a random empty site; counted as a
    birth. Used when killed agents are replaced (each agent stands for many people)."""
    b = _new_slot(meta, free, alive)
    c = _random_empty(grid)
    if b >= 0 and c >= 0:
        _init_citizen(b, c, gv, t, grid, code, geo, kind, group, pos, hard, risk, active,
                      jail, age, born, alive)
        counts[s, gv, 5] += 1
    elif b >= 0:  # no empty site: give the slot back
        free[meta[1]] = b
        meta[1] += 1


@njit(cache=True)
def tally(s, meta, alive, kind, group, pos, active, counts):
    """End-of-tick counts: population, jailed, active, quiescent per group."""
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
def run_ticks(seed, t0, n_ticks, width, grid, code, geo, kind, group, pos, hard, risk, active,
              jail, age, born, alive, meta, free, legit, allowed, targets, threshold, k, jmax,
              movement, rounding, clone_p, max_age, replace_killed, cdx, cdy, kdx, kdy, counts,
              kills):
    """Advance ``n_ticks`` ticks; tick ``t0 + s`` writes ``counts[s]`` and ``kills[s]``.

    ``code`` mirrors the lattice as site codes (see :func:`snapshot`) so that scanning a
    neighbourhood reads one small contiguous array; it is kept in step with ``grid``.
    A neighbourhood is scanned once to count (cops, own actives, targets, empty sites);
    a random target or empty site is then drawn by :func:`_pick`.
    """
    np.random.seed(seed)
    height = grid.size // width
    r_pad, pw = geo[2], geo[3]
    cflat = cdy * pw + cdx
    kflat = kdy * pw + kdx
    n_groups = legit.size
    tab = flag_table(targets)
    for s in range(n_ticks):
        t = t0 + s
        order = np.random.permutation(meta[0])
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
                if pos[i] < 0:  # in jail
                    if jail[i] > 0:
                        jail[i] -= 1
                        continue
                    c = _random_empty(grid)
                    if c < 0:
                        continue
                    grid[c] = i
                    _put(code, geo, c, 3 + 2 * g)
                    pos[i] = c
                p = pos[i]
                x = p % width
                y = p // width
                acc = _scan(code, tab[g], flat, (y + r_pad) * pw + x + r_pad)
                n_cops = acc & _MASK
                n_act = 1 + ((acc >> 16) & _MASK)  # A counts the agent itself
                n_tar = (acc >> 32) & _MASK
                n_emp = (acc >> 48) & _MASK
                act = decide(i, g, n_cops, n_act, hard, risk, legit, allowed, threshold, k,
                             rounding)
                active[i] = act
                _put_xy(code, geo, x, y, 3 + 2 * g + (1 if act else 0))
                if act and n_tar > 0:
                    o = _pick(code, tab[g], _TAR, n_tar, flat, (y + r_pad) * pw + x + r_pad)
                    c = _site(o, x, y, dx, dy, width, height)
                    v = grid[c]
                    q = targets[g, group[v]]
                    if q >= 1.0 or np.random.random() < q:
                        n_emp += 1
                        kills[s, g, group[v]] += 1
                        counts[s, group[v], 4] += 1
                        victim_group = group[v]
                        _remove(v, grid, code, geo, pos, alive, meta, free)
            else:
                g = n_groups
                flat, dx, dy = kflat, kdx, kdy
                p = pos[i]
                x = p % width
                y = p // width
                acc = _scan(code, tab[g], flat, (y + r_pad) * pw + x + r_pad)
                n_tar = (acc >> 32) & _MASK
                n_emp = (acc >> 48) & _MASK
                if n_tar > 0:
                    o = _pick(code, tab[g], _TAR, n_tar, flat, (y + r_pad) * pw + x + r_pad)
                    c = _site(o, x, y, dx, dy, width, height)
                    n_emp += 1
                    _arrest(grid[c], c, s, jmax, grid, code, geo, group, pos, active, jail,
                            counts)
            if movement and n_emp > 0:  # x, y: the agent's site (unchanged since the scan)
                o = _pick(code, tab[g], _EMP, n_emp, flat, (y + r_pad) * pw + x + r_pad)
                _move(i, o, x, y, dx, dy, width, height, pw, r_pad, grid, code, geo, pos)
            if kind[i] == 0 and clone_p > 0.0 and np.random.random() < clone_p:
                clone(i, t, s, width, height, grid, code, geo, kind, group, pos, hard, risk,
                      active, jail, age, born, alive, meta, free, counts)
            if replace_killed and victim_group >= 0:
                replace(victim_group, t, s, grid, code, geo, kind, group, pos, hard, risk,
                        active, jail, age, born, alive, meta, free, counts)
        tally(s, meta, alive, kind, group, pos, active, counts)


@njit(cache=True)
def _init_citizen(b, c, g, t, grid, code, geo, kind, group, pos, hard, risk, active, jail, age,
                  born, alive):
    grid[c] = b
    _put(code, geo, c, 3 + 2 * g)
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
def populate(seed, group_counts, n_cops, n_peace, max_age, grid, code, geo, kind, group, pos, hard,
             risk, active, jail, age, born, alive, meta):
    """Place citizens of each group, then cops and peacekeepers, on distinct random sites."""
    np.random.seed(seed)
    cells = np.random.permutation(grid.size)
    b = 0
    for g in range(group_counts.size):
        for _ in range(group_counts[g]):
            _init_citizen(b, cells[b], g, -1, grid, code, geo, kind, group, pos, hard,
                          risk, active, jail, age, born, alive)
            if max_age > 0:
                age[b] = np.random.randint(0, max_age)
            b += 1
    for kcode, n in ((1, n_cops), (2, n_peace)):
        for _ in range(n):
            grid[cells[b]] = b
            _put(code, geo, cells[b], kcode)
            kind[b] = kcode
            group[b] = 0
            pos[b] = cells[b]
            born[b] = -1
            alive[b] = True
            b += 1
    meta[0] = b


@njit(cache=True)
def set_force(seed, kcode, target, t, grid, code, geo, kind, group, pos, alive, born, meta, free):
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
            _remove(have[q], grid, code, geo, pos, alive, meta, free)
    for _ in range(target - n):
        c = _random_empty(grid)
        b = _new_slot(meta, free, alive)
        if c < 0 or b < 0:
            break
        grid[c] = b
        _put(code, geo, c, kcode)
        kind[b] = kcode
        group[b] = 0
        pos[b] = c
        born[b] = t
        alive[b] = True


def snapshot(code, geo):
    """Site codes: 0 empty, 1 cop, 2 peacekeeper, 3+2g quiet citizen of g, 4+2g active.

    ``code`` is the padded array (halo ``r = geo[2]`` sites deep); returns ``(H, W)``.
    """
    width, height, r, pw = (int(v) for v in geo)
    return code.reshape(-1, pw)[r : r + height, r : r + width].copy()


@njit(cache=True)
def repad(old, old_geo, new, new_geo):
    """Copy site codes from one padded array into another with a different halo."""
    width, height = old_geo[0], old_geo[1]
    r, pw = old_geo[2], old_geo[3]
    for c in range(width * height):
        _put(new, new_geo, c, old[(c // width + r) * pw + c % width + r])
