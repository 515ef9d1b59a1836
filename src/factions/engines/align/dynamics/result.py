"""What a balance-dynamics run returns: :class:`DynamicsResult`, and the recorder behind it."""

from __future__ import annotations

__all__ = ["DynamicsResult", "Recorder", "Outcome"]

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from factions.engines.align.dynamics.state import imbalanced_triangles
from factions.engines.align.graph import SignedGraph


@dataclass(frozen=True)
class DynamicsResult:
    """Outcome of :func:`~factions.engines.align.dynamics.balance_dynamics`.

    Attributes
    ----------
    model : str
        Model name (see :data:`~factions.engines.align.dynamics.MODELS`).
    nodes : tuple of hashable
        Actor labels (row ``i`` of the matrices is ``nodes[i]``).
    params : dict
        Every parameter, validated (defaults filled in).
    seed : int or None
        Integer seed when one was given (``None`` for a passed Generator).
    status : str
        ``"balanced"`` (a structurally balanced state: the split), ``"jammed"`` (no allowed
        move although imbalanced, constrained triad dynamics), ``"triad_balanced"`` (triad
        dynamics on a sparse graph: no imbalanced triangle left, yet a longer cycle is
        imbalanced), ``"local_minimum"`` (landscape), ``"blow_up"`` (continuous model with
        fixed ties: diverged before balancing), ``"max_steps"`` (cap reached first) or
        ``"steps"`` (the requested steps were run).
    converged : bool
        True when the sign pattern can no longer change (balanced, jammed, triad-balanced,
        a local minimum, or blown up).
    steps : int
        Steps run.
    time : float
        Model time reached (``steps * rate`` unless the run stopped inside a step).
    initial, matrix : ndarray, shape (n, n)
        Starting and final signed weights in [-1, 1] (zero diagonal).
    present, fixed : ndarray of bool, shape (n, n)
        Ties the model evolves over; ties held fixed.
    blocs : ndarray of int64
        Bloc of each actor at the end: the exact 2-colouring when balanced; otherwise the
        signs of the dominant eigenvector (continuous models), the best two-bloc partition
        found by :func:`~factions.engines.align.frustration_heuristic` (triad models), the
        coalitions (landscape).
    balanced : bool
        Whether the final sign pattern is structurally balanced.
    extra : dict
        Model-specific numbers (e.g. blow-up time and dominant eigenvalue).
    trajectory : pandas.DataFrame
        (property) Tidy ties over time: ``step, time, a, b, weight`` (every tie at the
        recorded steps).
    summary : pandas.DataFrame
        (property) One row per recorded step: ``step, time, balanced, imbalanced_triads,
        negative_ties`` (and ``energy`` for the landscape model).
    """

    model: str
    nodes: tuple[Hashable, ...]
    params: dict
    seed: int | None
    status: str
    converged: bool
    steps: int
    time: float
    initial: np.ndarray
    matrix: np.ndarray
    present: np.ndarray
    fixed: np.ndarray
    blocs: np.ndarray
    balanced: bool
    extra: dict = field(default_factory=dict)
    recorder: Recorder | None = field(default=None, repr=False, compare=False)

    @property
    def trajectory(self) -> pd.DataFrame:
        return self._frames()[0]

    @property
    def summary(self) -> pd.DataFrame:
        return self._frames()[1]

    def _frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        cache = self.__dict__.get("_frames_cache")
        if cache is None:
            cache = self.recorder.frames()
            object.__setattr__(self, "_frames_cache", cache)
        return cache

    def partition(self) -> dict[Hashable, int]:
        """``{actor: bloc}`` at the end."""
        return {a: int(b) for a, b in zip(self.nodes, self.blocs, strict=True)}

    def blocs_table(self) -> pd.DataFrame:
        """``node, bloc`` at the end."""
        return pd.DataFrame({"node": list(self.nodes), "bloc": self.blocs.astype(int)})

    def ties(self) -> pd.DataFrame:
        """Final ties ``a, b, weight, fixed`` (pairs the model evolves over, i < j)."""
        i, j = np.nonzero(np.triu(self.present | (self.matrix != 0), 1))
        return pd.DataFrame({"a": [self.nodes[x] for x in i], "b": [self.nodes[x] for x in j],
                             "weight": self.matrix[i, j], "fixed": self.fixed[i, j]})

    def to_graph(self) -> SignedGraph:
        """Final non-zero ties as a :class:`~factions.engines.align.SignedGraph`."""
        i, j = np.nonzero(np.triu(self.matrix != 0, 1))
        w = self.matrix[i, j]
        return SignedGraph(tuple(self.nodes), i.astype(np.int64), j.astype(np.int64),
                           np.where(w > 0, 1, -1).astype(np.int8), np.abs(w))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: scalars, blocs, summary and trajectory records."""
        return {"model": self.model, "params": self.params, "seed": self.seed,
                "status": self.status, "converged": self.converged, "steps": self.steps,
                "time": self.time, "balanced": self.balanced,
                "blocs": self.blocs_table().to_dict(orient="records"),
                "summary": self.summary.to_dict(orient="records"),
                "trajectory": self.trajectory.to_dict(orient="records"),
                "extra": self.extra}


@dataclass
class Outcome:
    """What a model kernel hands back to the dispatcher (internal)."""

    matrix: np.ndarray
    status: str
    converged: bool
    steps: int
    time: float
    extra: dict = field(default_factory=dict)


class Recorder:
    """Collects the trajectory (every ``every`` steps; always the first and last) and summary.

    ``pairs`` is the boolean matrix of pairs to record (upper triangle is used).
    """

    def __init__(self, nodes, pairs: np.ndarray, every: int):
        self.nodes = nodes
        self.i, self.j = np.nonzero(np.triu(pairs, 1))
        self.every = int(every)
        self.rows: list[tuple[int, float, np.ndarray]] = []
        self.summ: list[dict] = []
        self._last = -1

    def due(self, step: int) -> bool:
        return step == 0 or (self.every > 0 and step % self.every == 0)

    def record(self, step: int, time: float, weights: np.ndarray, *, balanced: bool,
               imbalanced: int | None = None, **more) -> None:
        if step == self._last:
            return
        self._last = step
        values = weights[self.i, self.j].copy()
        self.rows.append((step, float(time), values))
        if imbalanced is None:  # a balanced pattern has none; else count (O(n^3))
            imbalanced = 0 if balanced else imbalanced_triangles(
                weights, _pairs_matrix(self, weights.shape[0]))
        self.summ.append({"step": step, "time": float(time), "balanced": bool(balanced),
                          "imbalanced_triads": int(imbalanced),
                          "negative_ties": int((values < 0).sum()), **more})

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        k = self.i.size
        if not self.rows:
            empty = pd.DataFrame({"step": [], "time": [], "a": [], "b": [], "weight": []})
            return empty, pd.DataFrame(self.summ)
        steps = np.repeat([r[0] for r in self.rows], k)
        times = np.repeat([r[1] for r in self.rows], k)
        a = np.array([self.nodes[x] for x in self.i] * len(self.rows), dtype=object)
        b = np.array([self.nodes[x] for x in self.j] * len(self.rows), dtype=object)
        w = np.concatenate([r[2] for r in self.rows])
        traj = pd.DataFrame({"step": steps.astype(np.int64), "time": times, "a": a, "b": b,
                             "weight": w})
        return traj, pd.DataFrame(self.summ)


def _pairs_matrix(rec: Recorder, n: int) -> np.ndarray:
    m = np.zeros((n, n), dtype=bool)
    m[rec.i, rec.j] = m[rec.j, rec.i] = True
    return m
