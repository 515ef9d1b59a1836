"""Array-level driver of the kernel: a lattice of G groups whose parameters change at ticks.

:class:`Simulator` owns the state arrays and per-group parameters; :meth:`Simulator.advance`
runs the numba kernel for some ticks; :meth:`Simulator.set` changes parameters between
ticks (legitimacy per group, which groups may go active, the target matrix, force sizes,
...). Both :func:`~factions.engines.ground.models.simulate` (the bare Epstein models) and the
scenario adapter are built on it. No scenario file is needed.
"""

from __future__ import annotations

__all__ = ["Simulator"]

import copy
from typing import Any

import numpy as np

from factions.engines.ground import lattice
from factions.engines.ground.kernel import run_ticks
from factions.engines.ground.neighbourhood import offsets
from factions.engines.ground.sight import segments
from factions.engines.ground.state import COUNT_COLUMNS, ROUNDING, Lattice, Rules
from factions.errors import InputError

_SCALARS = (
    "threshold",
    "k",
    "max_jail_term",
    "movement",
    "clone_probability",
    "max_age",
    "vision",
    "cop_vision",
    "neighbourhood",
    "arrest_rounding",
    "activation",
)


class Simulator:
    """A running civil-violence lattice with ``G`` citizen groups, cops and peacekeepers.

    Parameters
    ----------
    width, height : int
        Torus size (validated upstream).
    group_counts : sequence of int
        Citizens of each group placed at the start.
    n_cops, n_peacekeepers : int
        Initial forces.
    params : dict
        Validated scalar parameters (see :data:`.params.PARAMETERS`).
    legitimacy : sequence of float
        ``L_g`` per group; grievance ``G = H (1 - L_g)``.
    targets : (G, G) array of float in [0, 1]
        ``targets[g, h]``: probability that an active member of ``g`` kills a member of ``h`` in
        vision (Model II). All zero gives Model I.
    rng : numpy.random.Generator
        Source of every seed handed to the kernel (one per kernel call).

    Notes
    -----
    Memory: about 105 bytes per site: two 48-byte agent slots per site (so that jailed
    agents and added forces always fit) and 9 bytes for the lattice. The rules are those
    of :func:`~factions.engines.ground.models.simulate` (Epstein 2002, Models I and II).

    References
    ----------
    .. [1] Epstein, J. M. (2002). Modeling civil violence: An agent-based computational
       approach. PNAS 99(suppl. 3), 7243-7250.
    """

    def __init__(
        self,
        width: int,
        height: int,
        group_counts,
        n_cops: int,
        n_peacekeepers: int,
        params: dict[str, Any],
        legitimacy,
        targets,
        rng: np.random.Generator,
    ):
        self.width, self.height = int(width), int(height)
        n_cells = self.width * self.height
        n_agents = int(np.sum(group_counts)) + int(n_cops) + int(n_peacekeepers)
        if n_agents > n_cells or min(int(n_cops), int(n_peacekeepers),
                                     *(int(c) for c in group_counts)) < 0:
            raise InputError(f"{n_agents} agents (citizens {list(map(int, group_counts))}, "
                             f"cops {int(n_cops)}, peacekeepers {int(n_peacekeepers)}) do not "
                             f"fit on {n_cells} sites, one agent per site")
        cap = 2 * n_cells
        self.rng = rng
        self.grid = np.full(n_cells, -1, np.int64)
        self.row, self.col = (a.ravel().astype(np.int32) for a in np.indices((height, width)))
        self.kind = np.zeros(cap, np.int8)
        self.group = np.zeros(cap, np.int8)
        self.pos = np.full(cap, -1, np.int64)
        self.hard = np.zeros(cap)
        self.risk = np.zeros(cap)
        self.active = np.zeros(cap, np.bool_)
        self.jail = np.zeros(cap, np.int32)
        self.age = np.zeros(cap, np.int32)
        self.born = np.full(cap, -1, np.int32)
        self.alive = np.zeros(cap, np.bool_)
        self.meta = np.zeros(2, np.int64)
        self.free = np.zeros(cap, np.int64)
        self.n_groups = len(group_counts)
        self.legit = np.asarray(legitimacy, dtype=np.float64).copy()
        self.allowed = np.ones(self.n_groups, np.uint8)
        self.targets = np.asarray(targets, dtype=np.float64).reshape(self.n_groups, self.n_groups)
        self.p = {k: params.get(k, "async") if k == "activation" else params[k]
                  for k in _SCALARS}
        self.code = np.zeros(0, np.int8)
        self._offsets()
        self.tick = 0
        #: replace each killed citizen by a newcomer of its group at a random empty site
        self.replace_killed = False
        self._counts: list[np.ndarray] = []
        self._kills: list[np.ndarray] = []
        lattice.populate(self._seed(), self._lattice(), np.asarray(group_counts, np.int64),
                         int(n_cops), int(n_peacekeepers), int(self.p["max_age"]))

    def _seed(self) -> int:
        return int(self.rng.integers(0, 2**32 - 1))

    def _offsets(self) -> None:
        shape = self.p["neighbourhood"]
        self.cdx, self.cdy = offsets(self.p["vision"], shape)
        self.kdx, self.kdy = offsets(self.p["cop_vision"], shape)
        old = self._lattice() if self.code.size else None
        #: depth of the halo of ``code``: the torus wrapped this many sites on every side
        self.pad = max(1, self.p["vision"], self.p["cop_vision"])
        rows, pw = self.height + 2 * self.pad, self.width + 2 * self.pad
        self.code = np.zeros(rows * pw, np.int8)
        self.row_words = (pw + 63) // 64 + 1
        self.empty = np.full(rows * self.row_words, np.uint64(2**64 - 1), np.uint64)
        if old is not None:  # re-pad the current lattice for the new vision
            lattice.repad(old, self._lattice())
        self.cseg = segments(self.cdx, self.cdy)
        self.kseg = segments(self.kdx, self.kdy)

    def _lattice(self) -> Lattice:
        """The state arrays as the kernel's record (views, no copies)."""
        return Lattice(self.width, self.height, self.pad, self.width + 2 * self.pad,
                       self.grid, self.col, self.row, self.code, self.empty, self.row_words,
                       self.kind, self.group, self.pos, self.hard,
                       self.risk, self.active, self.jail, self.age, self.born, self.alive,
                       self.meta, self.free)

    def _rules(self) -> Rules:
        p = self.p
        return Rules(self.legit, self.allowed, self.targets, float(p["threshold"]),
                     float(p["k"]), int(p["max_jail_term"]), bool(p["movement"]),
                     ROUNDING[p["arrest_rounding"]], float(p["clone_probability"]),
                     int(p["max_age"]), bool(self.replace_killed), p["activation"] == "sync",
                     self.cdx, self.cdy, self.kdx, self.kdy, self.cseg, self.kseg)

    @property
    def n_cells(self) -> int:
        return self.grid.size

    def set(self, **changes: Any) -> None:
        """Change parameters before the next tick.

        Accepted keys: any of ``threshold, k, max_jail_term, movement, clone_probability,
        max_age, vision, cop_vision, neighbourhood, arrest_rounding`` (validated values),
        ``legitimacy`` (one float or one per group), ``allowed`` (0/1 per group: may the
        group go active), ``targets`` (G x G), ``n_cops`` / ``n_peacekeepers`` (absolute
        force sizes: agents added at random empty sites or withdrawn at random).
        """
        for key, value in changes.items():
            if key in _SCALARS:
                self.p[key] = value
                if key in ("vision", "cop_vision", "neighbourhood"):
                    self._offsets()
            elif key == "legitimacy":
                self.legit[:] = np.broadcast_to(np.asarray(value, np.float64), self.legit.shape)
            elif key == "allowed":
                self.allowed[:] = np.broadcast_to(np.asarray(value, np.uint8), self.allowed.shape)
            elif key == "targets":
                self.targets[:] = np.asarray(value, np.float64).reshape(self.targets.shape)
            elif key in ("n_cops", "n_peacekeepers"):
                code = 1 if key == "n_cops" else 2
                lattice.set_force(self._seed(), self._lattice(), code, int(value),
                                  self.tick)
            else:
                raise KeyError(key)

    def advance(self, n_ticks: int) -> None:
        """Run ``n_ticks`` ticks (random asynchronous activation unless ``activation`` is
        ``"sync"``, the optional synchronous mode of :mod:`.kernel_sync`)."""
        if n_ticks <= 0:
            return
        g = self.n_groups
        counts = np.zeros((n_ticks, g, len(COUNT_COLUMNS)), np.int64)
        kills = np.zeros((n_ticks, g, g), np.int64)
        run_ticks(self._seed(), self.tick, int(n_ticks), self._lattice(), self._rules(),
                  counts, kills)
        self._counts.append(counts)
        self._kills.append(kills)
        self.tick += n_ticks

    def counts(self) -> np.ndarray:
        """``(ticks, G, len(COUNT_COLUMNS))`` counters of every tick run so far."""
        if not self._counts:
            return np.zeros((0, self.n_groups, len(COUNT_COLUMNS)), np.int64)
        return np.concatenate(self._counts)

    def kills(self) -> np.ndarray:
        """``(ticks, G, G)``: ``kills[t, g, h]`` members of ``h`` killed by actives of ``g``."""
        if not self._kills:
            return np.zeros((0, self.n_groups, self.n_groups), np.int64)
        return np.concatenate(self._kills)

    def n_agents(self, code: int) -> int:
        """Living agents of kind ``code`` (0 citizens, 1 cops, 2 peacekeepers)."""
        n = int(self.meta[0])
        return int(np.count_nonzero(self.alive[:n] & (self.kind[:n] == code)))

    def copy(self) -> Simulator:
        """An independent copy of the running lattice: its state arrays, parameters,
        random stream and the counters so far (tick arrays are shared: they are never
        written after a tick ends). Advancing the copy gives exactly what advancing this
        simulator would give."""
        new = copy.copy(self)
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                setattr(new, name, value.copy())
        new.p = dict(self.p)
        new.rng = copy.deepcopy(self.rng)
        new._counts = list(self._counts)
        new._kills = list(self._kills)
        return new

    def nbytes(self) -> int:
        """Bytes held by the state arrays (what a :meth:`copy` costs)."""
        return int(sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray)))

    def snapshot(self) -> np.ndarray:
        """``(height, width)`` int8 site codes (see :mod:`.state`)."""
        return lattice.snapshot(self._lattice())
