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

from factions.engines.ground.actions import turn
from factions.engines.ground.decision import decide
from factions.engines.ground.lattice import xy
from factions.engines.ground.sight import seen
from factions.engines.ground.state import CITIZEN, HOT, TOP


@njit(**HOT)
def decide_all(t, lat, rules, sg, cflat, kflat, out):
    """Decide every free citizen on the current lattice, then write all decisions.

    ``C`` and ``A`` are read from the count fields ``sg`` (:mod:`.sight`), which the
    writes then update. ``out`` is scratch space (one int8 per slot): ``-1`` not
    deciding, ``0`` quiet, ``1`` active.
    """
    n = lat.meta[TOP]
    for i in range(n):
        out[i] = -1
        if lat.alive[i] and lat.kind[i] == CITIZEN and lat.pos[i] >= 0 and lat.born[i] != t:
            g = lat.group[i]
            x, y = xy(lat, lat.pos[i])
            act = decide(rules, sg.p_arrest, g, lat.hard[i], lat.risk[i],
                         seen(sg.cops, lat, x, y), 1 + seen(sg.own[g], lat, x, y))
            out[i] = 1 if act else 0
    for i in range(n):
        if out[i] >= 0:
            p = lat.pos[i]
            x, y = xy(lat, p)
            turn(lat, sg, i, out[i] == 1, x, y, cflat, kflat)
