"""Vision shapes on the lattice as integer offset lists.

Epstein (2002) defines vision ``v`` as "the number of lattice positions (north, south,
east and west) that the agent is able to inspect" — read literally, a cross
(``lateral``). Mesa's example uses the von Neumann diamond ``|dx| + |dy| <= v``, NetLogo's
*Rebellion* a Euclidean disc (``in-radius``); ``moore`` is the square. The default here
is ``von_neumann`` so that the engine and Mesa's example run the same rule.
"""

from __future__ import annotations

__all__ = ["offsets"]

import numpy as np


def offsets(radius: int, shape: str = "von_neumann") -> tuple[np.ndarray, np.ndarray]:
    """Offsets ``(dx, dy)`` of the sites an agent sees, excluding its own site.

    Parameters
    ----------
    radius : int
        Vision ``v`` >= 0 (0 sees nothing).
    shape : {'von_neumann', 'moore', 'lateral', 'euclidean'}

    Returns
    -------
    dx, dy : ndarray of int64
        Same length; row-major order (deterministic).

    Notes
    -----
    Sizes for ``v = 7``: von Neumann 112, Moore 224, lateral 28, Euclidean 148.
    """
    r = int(radius)
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    dx = dx.ravel()
    dy = dy.ravel()
    if shape == "von_neumann":
        keep = np.abs(dx) + np.abs(dy) <= r
    elif shape == "moore":
        keep = np.ones_like(dx, dtype=bool)
    elif shape == "lateral":
        keep = (dx == 0) | (dy == 0)
    elif shape == "euclidean":
        keep = dx * dx + dy * dy <= r * r
    else:  # validated upstream; kept for direct callers
        raise ValueError(f"unknown neighbourhood {shape!r}")
    keep &= ~((dx == 0) & (dy == 0))
    return dx[keep].astype(np.int64), dy[keep].astype(np.int64)

