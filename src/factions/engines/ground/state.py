"""Typed records handed to the ground kernel: the lattice state and the rules of a run.

The numba kernel takes two named records instead of loose positional arrays:

* :class:`Lattice` — the state arrays owned by
  :class:`~factions.engines.ground.simulator.Simulator` (agent slots, the lattice, the
  padded site codes) and the lattice geometry;
* :class:`Rules` — the parameters in force for the ticks being run.

Both are :class:`typing.NamedTuple`, which numba compiles to a struct (attribute access is
resolved at compile time and costs nothing; cached compilation works). Per-tick counters
``counts[t, g, column]`` are indexed by the named columns below (:data:`COUNT_COLUMNS`
and the constants ``ACTIVE`` ... ``POPULATION``).

Agent kinds: :data:`CITIZEN`, :data:`COP`, :data:`PEACEKEEPER`. Site codes (``code`` and
:meth:`Simulator.snapshot`): ``0`` empty, ``1`` cop, ``2`` peacekeeper, ``3 + 2 g`` quiet
citizen of group ``g``, ``4 + 2 g`` active citizen of ``g``.
"""

from __future__ import annotations

__all__ = [
    "Lattice", "Rules", "COUNT_COLUMNS", "ACTIVE", "JAILED", "QUIESCENT", "ARRESTS", "KILLED",
    "BIRTHS", "NATURAL_DEATHS", "POPULATION", "CITIZEN", "COP", "PEACEKEEPER", "TOP",
    "N_FREE", "ROUNDING", "HOT", "INLINE",
]

from typing import NamedTuple

import numpy as np

COUNT_COLUMNS = (
    "active", "jailed", "quiescent", "arrests", "killed", "births", "natural_deaths",
    "population",
)
ACTIVE, JAILED, QUIESCENT, ARRESTS, KILLED, BIRTHS, NATURAL_DEATHS, POPULATION = range(8)

CITIZEN, COP, PEACEKEEPER = 0, 1, 2

#: ``Lattice.meta[TOP]``: slots ever used; ``meta[N_FREE]``: slots on the free list
TOP, N_FREE = 0, 1

#: numba options of the per-agent code: cached, and compiled without numba's runtime
#: (``_nrt=False``, the option :func:`numba.extending.register_jitable` documents for
#: code that allocates nothing). Without it every array handed from one function to the
#: next is reference-counted with atomic instructions, which cost more than half the time
#: of an agent's step once the state travels in :class:`Lattice` records.
HOT = {"cache": True, "_nrt": False, "forceinline": False}
#: :data:`HOT`, and always inlined by LLVM into the caller. Records are passed by value,
#: so calling a function with :class:`Lattice` and :class:`~.sight.Sight` copies about
#: 3 kB; the functions called once or more per agent step are therefore inlined. (LLVM
#: inlining, not numba's ``inline="always"``, which deep-copies the callee's IR at each
#: call site and doubles the first compilation.)
INLINE = {"cache": True, "_nrt": False, "forceinline": True}

#: codes of ``Rules.rounding`` (how ``C / A`` is made an integer)
ROUNDING = {"floor": 0, "round": 1, "none": 2}


class Lattice(NamedTuple):
    """State of a lattice of ``width x height`` sites (a torus) and its agent slots.

    Attributes
    ----------
    width, height : int
        Torus size.
    pad : int
        Depth of the halo of ``code`` (at least the largest vision).
    padded_width : int
        ``width + 2 * pad``: row stride of ``code``.
    grid : (width * height,) int64
        Slot of the agent on each site, ``-1`` if empty (row-major, site ``y * width + x``).
    col, row : (width * height,) int32
        ``x`` and ``y`` of each site (tables: an integer division costs more than the
        rest of a quiet citizen's decision).
    code : ((height + 2 pad) * padded_width,) int8
        Site codes, padded: the torus wrapped ``pad`` sites deep on every side, so that a
        neighbourhood is read without wrapping.
    empty : ((height + 2 pad) * row_words,) uint64
        The same padded lattice as a bitboard: bit ``col % 64`` of word
        ``prow * row_words + col // 64`` is set iff padded site ``(col, prow)`` is empty
        (one spare word per row; see :mod:`.sight`).
    row_words : int
        Words per bitboard row.
    kind, group, pos, hard, risk, active, jail, age, born, alive : (slots,) arrays
        Per agent slot: kind, group, site (``-1`` when jailed), hardship ``H``, risk
        aversion ``R``, active flag, remaining jail term, age, tick of birth, alive flag.
    meta : (2,) int64
        ``meta[TOP]`` slots ever used, ``meta[N_FREE]`` entries of ``free``.
    free : (slots,) int64
        Stack of freed slots.
    """

    width: int
    height: int
    pad: int
    padded_width: int
    grid: np.ndarray
    col: np.ndarray
    row: np.ndarray
    code: np.ndarray
    empty: np.ndarray
    row_words: int
    kind: np.ndarray
    group: np.ndarray
    pos: np.ndarray
    hard: np.ndarray
    risk: np.ndarray
    active: np.ndarray
    jail: np.ndarray
    age: np.ndarray
    born: np.ndarray
    alive: np.ndarray
    meta: np.ndarray
    free: np.ndarray


class Rules(NamedTuple):
    """Parameters in force for the ticks of one kernel call (validated upstream).

    Attributes
    ----------
    legit : (G,) float64
        Legitimacy ``L_g``; grievance ``G = H (1 - L_g)``.
    allowed : (G,) uint8
        ``0``: members of the group never go active.
    targets : (G, G) float64
        ``targets[g, h]``: chance that an active of ``g`` kills a member of ``h`` it picked.
    threshold, k : float
        ``T`` and ``k`` of Epstein's rule.
    max_jail_term : int
        ``J_max``; terms are uniform on ``0 .. J_max``.
    movement : bool
        Agents move to a random empty site in vision.
    rounding : int
        :data:`ROUNDING` code of ``C / A``.
    clone_p : float
        Per-tick cloning probability of a citizen (Model II).
    max_age : int
        Age at which citizens die (``0``: immortal).
    replace_killed : bool
        A killed citizen is replaced by a newcomer of its group.
    sync : bool
        Synchronous decisions (:mod:`.kernel_sync`) instead of Epstein's asynchronous ones.
    cdx, cdy, kdx, kdy : int64 arrays
        Vision offsets of citizens and of forces (:func:`.neighbourhood.offsets`).
    cseg, kseg : (segments, 3) int64
        The same visions as row segments ``(dy, first dx, length)``
        (:func:`.sight.segments`).
    """

    legit: np.ndarray
    allowed: np.ndarray
    targets: np.ndarray
    threshold: float
    k: float
    max_jail_term: int
    movement: bool
    rounding: int
    clone_p: float
    max_age: int
    replace_killed: bool
    sync: bool
    cdx: np.ndarray
    cdy: np.ndarray
    kdx: np.ndarray
    kdy: np.ndarray
    cseg: np.ndarray
    kseg: np.ndarray
