"""Epstein's Model I and Model II as one call: :func:`simulate`.

Model I (generalised rebellion against a central authority) and Model II (violence
between two groups, with cops and peacekeepers) of Epstein (2002), with random
asynchronous activation and parameters that may change at given ticks.
"""

from __future__ import annotations

__all__ = ["GroundRun", "simulate", "SCHEDULABLE", "CHUNK"]

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from factions.engines.ground.params import validate_params
from factions.engines.ground.simulator import Simulator
from factions.engines.ground.state import COUNT_COLUMNS
from factions.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Ticks per kernel call (each call draws a fresh kernel seed from the generator).
CHUNK = 50
#: Parameters that a schedule may change at a tick.
SCHEDULABLE = ("legitimacy", "legitimacy_a", "legitimacy_b", "cop_density",
               "peacekeeper_density", "threshold", "k", "max_jail_term", "movement",
               "clone_probability", "max_age", "vision", "cop_vision")


@dataclass
class GroundRun:
    """Result of :func:`simulate`.

    Attributes
    ----------
    model, seed, params
        Provenance (``params`` validated, at tick 0).
    columns : dict of str to ndarray
        One int64 array per counter, one entry per tick: ``tick, active, jailed,
        quiescent, arrests, deaths, births, natural_deaths, population, cops,
        peacekeepers`` and, for Model II, the same counters per group with suffix ``_a`` /
        ``_b`` plus ``kills_ab``, ``kills_ba``.
    series : DataFrame
        The same as a frame, one row per tick (built, and pandas imported, on first use).
    snapshot : ndarray
        Final ``(height, width)`` site codes: 0 empty, 1 cop, 2 peacekeeper, 3/4 quiet /
        active citizen of group A, 5/6 of group B.
    """

    model: str
    seed: int
    params: dict[str, Any]
    columns: dict[str, np.ndarray] = field(repr=False)
    snapshot: np.ndarray = field(repr=False)

    @cached_property
    def series(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.columns)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (for the CLI's ``--json``)."""
        return {"model": self.model, "seed": self.seed, "params": self.params,
                "series": {k: v.tolist() for k, v in self.columns.items()}}


def _normalise_schedule(schedule: Any, model: str) -> dict[int, dict[str, Any]]:
    if schedule is None:
        return {}
    items: Iterable[tuple[int, str, Any]]
    if isinstance(schedule, Mapping):
        items = [(t, n, v) for t, ch in schedule.items() for n, v in ch.items()]
    else:
        items = schedule
    out: dict[int, dict[str, Any]] = {}
    for entry in items:
        try:
            tick, name, value = entry
            tick = int(tick)
        except (TypeError, ValueError):
            raise InputError(f"schedule entries are (tick, name, value); got {entry!r}") from None
        if name not in SCHEDULABLE:
            raise InputError(f"schedule: {name!r} cannot change during a run; "
                             f"changeable: {', '.join(SCHEDULABLE)}")
        if int(tick) < 0:
            raise InputError(f"schedule: tick {tick!r} is negative")
        out.setdefault(int(tick), {})[name] = value
    return out


def simulate(model: str = "I", params: Mapping[str, Any] | None = None, ticks: int = 200,
             seed: int = 0, schedule: Any = None,
             progress: Callable[[int, int], None] | None = None) -> GroundRun:
    """Run Epstein's civil-violence Model I or II on a torus.

    Parameters
    ----------
    model : {'I', 'II'}
    params : mapping, optional
        Any of :data:`~factions.engines.ground.params.PARAMETERS` by name.
    ticks : int
        Number of ticks (one tick = every agent activated once, in random order).
    seed : int
        Seed of ``numpy.random.default_rng``; same seed gives bit-identical series.
    schedule : mapping tick -> {name: value} or iterable of (tick, name, value), optional
        Changes applied *before* the given tick (names in :data:`SCHEDULABLE`). A density
        change adds cops/peacekeepers at random empty sites or withdraws random ones. A
        sudden legitimacy drop is one entry; a gradual ("salami") decline is many.
    progress : callable(done, total), optional
        Called after every block of at most :data:`CHUNK` ticks (for a progress bar). The
        blocks are the same with or without it, so results do not depend on it.

    Returns
    -------
    GroundRun

    Raises
    ------
    InputError
        Invalid parameters (see :func:`~factions.engines.ground.params.validate_params`)
        or schedule entries.

    Notes
    -----
    Citizen rule (Epstein 2002, Model I): hardship ``H ~ U(0,1)``, grievance
    ``G = H (1 - L)``, risk aversion ``R ~ U(0,1)``, estimated arrest probability
    ``P = 1 - exp(-k floor(C/A))`` with ``C`` cops (and peacekeepers) and ``A`` actives
    (the agent itself included) within vision, net risk ``N = R P``; the agent is active iff
    ``G - N > T``. The floor follows the NetLogo Rebellion model of Wilensky (2004), the
    usual replication of the paper: with the continuous ratio the estimated risk falls
    smoothly as actives gather and replications (Mesa's example notes the same) find no
    punctuated equilibrium; the floor makes the risk drop to zero once actives outnumber
    cops locally, which lets outbursts ignite. ``arrest_rounding`` selects ``floor``
    (default), ``round`` (Mesa) or ``none``.

    Cop rule: arrest a random active citizen within ``v*``; the arrestee leaves the
    lattice for ``J ~ U{0..J_max}`` of its own turns, then re-enters at a random empty site.
    Movement rule: move to a random empty site within vision (citizens decide first, then
    move; cops arrest, then move). Activation: each tick a fresh random permutation of all
    agents; each acts on the current state (random asynchronous updating).

    Model II: groups A and B; ``L_A`` is the legitimacy of B in A's eyes. ``A`` in the
    ratio counts actives of the agent's own group; an active agent kills a random member of
    the other group within vision. Each tick a citizen clones itself with probability
    ``clone_probability`` into a random empty von Neumann neighbour (same group, fresh
    ``H``, ``R``, age 0) and dies at ``max_age`` (initial ages uniform). Peacekeepers act
    like cops (arrest actives of either group, deter both), as a separately sized force.
    Cost per tick: O(agents) for quiet citizens, plus O(sites in vision) per moving force
    or active and per change of state (count fields kept up to date, :mod:`.sight`); at
    most O(agents x sites in vision).

    References
    ----------
    .. [1] Epstein, J. M. (2002). Modeling civil violence: An agent-based computational
       approach. PNAS 99(suppl. 3), 7243-7250. doi:10.1073/pnas.092080199
    .. [2] Wilensky, U. (2004). NetLogo Rebellion model. CCL, Northwestern University.
    """
    model = str(model).upper()
    p = validate_params(model, params)
    sched = _normalise_schedule(schedule, model)
    for tick, changes in sched.items():  # validate and coerce each change ("false" -> False)
        checked = validate_params(model, {**(params or {}), **changes})
        sched[tick] = {name: checked[name] for name in changes}
    if int(ticks) < 0:
        raise InputError(f"ticks must be >= 0; got {ticks!r}")
    rng = np.random.default_rng(seed)
    n_cells = p["width"] * p["height"]
    n_cit = int(round(p["citizen_density"] * n_cells))
    if model == "I":
        counts, legit, targets = [n_cit], [p["legitimacy"]], [[0]]
    else:
        n_a = int(round(p["share_a"] * n_cit))
        counts, legit = [n_a, n_cit - n_a], [p["legitimacy_a"], p["legitimacy_b"]]
        targets = [[0, 1], [1, 0]]
    # densities summing to 1 may round to one agent more than there are sites
    n_cops = min(round(p["cop_density"] * n_cells), n_cells - n_cit)
    n_peace = min(round(p["peacekeeper_density"] * n_cells), n_cells - n_cit - n_cops)
    sim = Simulator(p["width"], p["height"], counts, n_cops, n_peace, p, legit, targets, rng)
    forces = np.zeros((int(ticks), 2), np.int64)
    change_ticks = sorted(t for t in sched if t < int(ticks))
    t = 0
    for stop in [*change_ticks, int(ticks)]:
        forces[t:stop] = sim.n_agents(1), sim.n_agents(2)
        while t < stop:
            step = min(CHUNK, stop - t)
            sim.advance(step)
            t += step
            if progress is not None:
                progress(t, int(ticks))
        if stop in sched:
            _apply(sim, sched[stop], model, n_cells)
    return GroundRun(model, int(seed), p, _columns(sim, model, forces), sim.snapshot())


def _apply(sim: Simulator, changes: dict[str, Any], model: str, n_cells: int) -> None:
    for name, value in changes.items():
        v = float(value)
        if name == "legitimacy":
            sim.set(legitimacy=v)
        elif name in ("legitimacy_a", "legitimacy_b"):
            legit = sim.legit.copy()
            legit[0 if name.endswith("a") else min(1, sim.n_groups - 1)] = v
            sim.set(legitimacy=legit)
        elif name in ("cop_density", "peacekeeper_density"):
            key = "n_cops" if name == "cop_density" else "n_peacekeepers"
            sim.set(**{key: int(round(v * n_cells))})
        else:
            sim.set(**{name: value})


def _columns(sim: Simulator, model: str, forces: np.ndarray) -> dict[str, np.ndarray]:
    c = sim.counts()
    k = sim.kills()
    total = c.sum(axis=1)
    out = {"tick": np.arange(len(total))}
    for j, col in enumerate(COUNT_COLUMNS):
        out["deaths" if col == "killed" else col] = total[:, j]
    out["cops"] = forces[:, 0]
    out["peacekeepers"] = forces[:, 1]
    if model == "II":
        for g, suffix in ((0, "_a"), (1, "_b")):
            for j, col in enumerate(COUNT_COLUMNS):
                out[("deaths" if col == "killed" else col) + suffix] = c[:, g, j]
        out["kills_ab"] = k[:, 0, 1]
        out["kills_ba"] = k[:, 1, 0]
    return out
