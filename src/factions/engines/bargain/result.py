"""The typed result every bargaining model returns."""

from __future__ import annotations

__all__ = ["Forecast"]

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Forecast:
    """A model's forecast of one issue.

    Attributes
    ----------
    model : str
        Model name (``compromise``, ``median``, ``nash``, ``expected_utility``, ``smp``).
    outcome : float
        The forecast outcome on the issue scale.
    positions : numpy.ndarray, shape (n,)
        Every actor's final position (the initial positions for static models).
    trajectory : numpy.ndarray, shape (rounds + 1, n)
        Positions of every actor in each round; row 0 holds the initial positions.
    outcomes : numpy.ndarray, shape (rounds + 1,)
        The model's outcome statistic after each round (row 0: before bargaining).
    names : tuple of str
        Actor labels, in the order of the columns of ``trajectory``.
    details : dict
        Model-specific extras (risk exponents, actions taken, stopping reason, ...).
    """

    model: str
    outcome: float
    positions: np.ndarray
    trajectory: np.ndarray
    outcomes: np.ndarray
    names: tuple[str, ...]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def rounds(self) -> int:
        """Number of bargaining rounds played (0 for static models)."""
        return int(self.trajectory.shape[0] - 1)

    def trajectory_frame(self) -> pd.DataFrame:
        """Tidy ``round, actor, position`` table of the trajectory."""
        rounds, n = self.trajectory.shape
        return pd.DataFrame(
            {
                "round": np.repeat(np.arange(rounds), n),
                "actor": np.tile(np.asarray(self.names, dtype=object), rounds),
                "position": self.trajectory.ravel(),
            }
        )

    def outcome_frame(self) -> pd.DataFrame:
        """Tidy ``round, outcome`` table."""
        return pd.DataFrame({"round": np.arange(self.outcomes.size), "outcome": self.outcomes})
