"""Reading a neighbourhood of the padded site codes: packed counts and random picks.

A neighbourhood is a list of flat offsets into the padded code array (``dy * padded_width
+ dx``), so it is read without wrapping. One table lookup per site yields four packed
16-bit counters at once (:data:`F_COP`, :data:`F_ACT`, :data:`F_TAR`, :data:`F_EMP`); the
table depends on who looks (:func:`flag_table`).
"""

from __future__ import annotations

__all__ = ["F_COP", "F_ACT", "F_TAR", "F_EMP", "MASK", "flag_table", "scan", "pick",
           "pick_any", "wrap", "site"]

import numpy as np
from numba import njit

from factions.engines.ground.state import HOT, INLINE
from factions.engines.ground.stream import randbelow

# Packed flags: one addition per scanned site counts four things at once (16-bit fields).
F_COP, F_ACT, F_TAR, F_EMP = 1, 1 << 16, 1 << 32, 1 << 48
MASK = (1 << 16) - 1


@njit(**INLINE)
def wrap(v, n):
    if v < 0:
        return v + n
    if v >= n:
        return v - n
    return v


@njit(**INLINE)
def site(o, x, y, dx, dy, width, height):
    """Row-major site of offset ``o`` seen from ``(x, y)`` on the torus."""
    return wrap(y + dy[o], height) * width + wrap(x + dx[o], width)


@njit(cache=True)
def flag_table(targets):
    """``tab[g, code]``: packed flags a citizen of ``g`` sees on a site (cop or peacekeeper,
    active of its own group, member of a targeted group, empty); the last row is the
    forces' view (active citizen of any group = target, empty)."""
    n_groups = targets.shape[0]
    tab = np.zeros((n_groups + 1, 4 + 2 * n_groups), np.int64)
    for g in range(n_groups + 1):
        tab[g, 0] = F_EMP
        if g < n_groups:
            tab[g, 1] = F_COP
            tab[g, 2] = F_COP
        for h in range(n_groups):
            for a in range(2):
                if g == n_groups:
                    tab[g, 3 + 2 * h + a] = F_TAR * a
                else:
                    tab[g, 3 + 2 * h + a] = (F_ACT if (h == g and a == 1) else 0) + (
                        F_TAR if targets[g, h] > 0.0 else 0)
    return tab


@njit(**HOT)
def scan(code, tab, flat, base):
    """Sum of ``tab[code[base + flat[o]]]`` over the neighbourhood (no wrapping needed)."""
    acc = 0
    for o in range(flat.size):
        acc += tab[code[base + flat[o]]]
    return acc


@njit(**HOT)
def pick(rs, code, tab, flag, n_flag, flat, base):
    """Index ``o`` of a uniformly random neighbourhood site with ``flag`` (``n_flag`` > 0).

    Rejection sampling when such sites are common (expected ``len(flat) / n_flag`` <= 8
    draws), otherwise the ``r``-th such site in scan order.
    """
    n = flat.size
    if 8 * n_flag >= n:
        while True:
            o = randbelow(rs, n)
            if tab[code[base + flat[o]]] & flag:
                return o
    r = randbelow(rs, n_flag)
    for o in range(n):
        if tab[code[base + flat[o]]] & flag:
            if r == 0:
                return o
            r -= 1
    return -1


@njit(**HOT)
def pick_any(rs, code, tab, flag, flat, base):
    """Like :func:`pick` without a known count: 16 rejection draws, then an exact count
    and the ``r``-th such site; -1 if there is none."""
    n = flat.size
    if n == 0:
        return -1
    for _ in range(16):
        o = randbelow(rs, n)
        if tab[code[base + flat[o]]] & flag:
            return o
    count = 0
    for o in range(n):
        if tab[code[base + flat[o]]] & flag:
            count += 1
    if count == 0:
        return -1
    r = randbelow(rs, count)
    for o in range(n):
        if tab[code[base + flat[o]]] & flag:
            if r == 0:
                return o
            r -= 1
    return -1
