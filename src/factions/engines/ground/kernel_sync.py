"""Optional synchronous updating (``activation = "sync"``): NOT Epstein's scheme.

Epstein (2002) activates agents one at a time in random order, each seeing the current
state (the default of :func:`.kernel.run_ticks`). This variant splits a tick in two:

1. **Decide, simultaneously** (:func:`decide_all`). Every free citizen evaluates
   ``G - R P > T`` on the lattice as it was at the start of the tick (no random numbers
   are drawn), and all decisions are then written at once.
2. **Act, in random order**, in the same agent loop as the asynchronous kernel
   (:func:`.kernel._step` with ``rules.sync``): jailed citizens serve or are released;
   actives kill (Model II); forces arrest a random active in vision; everybody moves to a
   random empty site within vision; citizens age and clone.

Random targets and empty sites are drawn by rejection sampling over the vision offsets
(an exact count is made only when 16 draws miss: :func:`.scan.pick_any`), so the action
phase rarely scans a whole neighbourhood. Results differ from the asynchronous model
(fewer, smaller outbursts: see ``docs/models/ground.md``); seeded runs are bit-for-bit
reproducible. It is offered to study the effect of the updating scheme, not for speed:
measured on the 2-core test machine it is about 25% slower than the asynchronous kernel
on 40x40 and no faster on 1000x1000 (a parallel decision phase with ``numba.prange``
gained nothing there either, so the phase is serial).
"""

from __future__ import annotations

__all__ = ["decide_all"]

from numba import njit

from factions.engines.ground.decision import decide
from factions.engines.ground.lattice import put
from factions.engines.ground.scan import MASK, scan
from factions.engines.ground.state import CITIZEN, HOT, TOP


@njit(**HOT)
def decide_all(t, lat, rules, tab, cflat, out):
    """Decide every free citizen on the current lattice, then write all decisions.

    ``out`` is scratch space (one int8 per slot): ``-1`` not deciding, ``0`` quiet,
    ``1`` active.
    """
    n = lat.meta[TOP]
    width, r_pad, pw = lat.width, lat.pad, lat.padded_width
    for i in range(n):
        out[i] = -1
        if lat.alive[i] and lat.kind[i] == CITIZEN and lat.pos[i] >= 0 and lat.born[i] != t:
            g = lat.group[i]
            x = lat.pos[i] % width
            y = lat.pos[i] // width
            acc = scan(lat.code, tab[g], cflat, (y + r_pad) * pw + x + r_pad)
            n_cops = acc & MASK
            n_act = 1 + ((acc >> 16) & MASK)
            out[i] = 1 if decide(rules, g, lat.hard[i], lat.risk[i], n_cops, n_act) else 0
    for i in range(n):
        if out[i] >= 0:
            lat.active[i] = out[i] == 1
            put(lat, lat.pos[i], 3 + 2 * lat.group[i] + out[i])
