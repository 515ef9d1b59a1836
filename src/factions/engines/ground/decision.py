"""Epstein's activation rule for one citizen, given the counts in its vision."""

from __future__ import annotations

__all__ = ["decide"]

import numpy as np
from numba import njit

from factions.engines.ground.state import HOT


@njit(inline="always", **HOT)
def decide(rules, g, hard, risk, n_cops, n_act):
    """Active iff ``H (1 - L_g) - R (1 - exp(-k [C / A])) > T`` and the group may act.

    Parameters
    ----------
    rules : Rules
        ``legit``, ``allowed``, ``threshold``, ``k`` and ``rounding`` are read.
    g : int
        The citizen's group.
    hard, risk : float
        Its hardship ``H`` and risk aversion ``R``.
    n_cops, n_act : int
        Cops and peacekeepers ``C`` and actives of its group ``A`` (itself included, so
        ``A >= 1``) in its vision.

    Returns
    -------
    bool

    References
    ----------
    .. [1] Epstein, J. M. (2002). Modeling civil violence: An agent-based computational
       approach. PNAS 99(suppl. 3), 7243-7250 (Model I, eqs. for G, P, N).
    """
    ratio = n_cops / n_act
    if rules.rounding == 0:
        ratio = np.floor(ratio)
    elif rules.rounding == 1:
        ratio = np.rint(ratio)
    p_arrest = 1.0 - np.exp(-rules.k * ratio)
    grievance = hard * (1.0 - rules.legit[g])
    return rules.allowed[g] != 0 and (grievance - risk * p_arrest > rules.threshold)
