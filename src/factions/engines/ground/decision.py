"""Epstein's activation rule for one citizen, given the counts in its vision."""

from __future__ import annotations

__all__ = ["decide"]

import numpy as np
from numba import njit

from factions.engines.ground.state import INLINE


@njit(**INLINE)
def decide(rules, p_arrest, g, hard, risk, n_cops, n_act):
    """Active iff ``H (1 - L_g) - R (1 - exp(-k [C / A])) > T`` and the group may act.

    Parameters
    ----------
    rules : Rules
        ``legit``, ``allowed``, ``threshold``, ``k`` and ``rounding`` are read.
    p_arrest : float64 array
        ``1 - exp(-k m)`` for integer ``m`` (used with the floor and round rules; the
        values are those the formula gives, computed once per kernel call).
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

    Notes
    -----
    The net risk ``R P`` is never negative, so a citizen whose grievance does not exceed
    ``T`` stays quiet without computing it (same result in floating point: subtracting a
    non-negative number never increases a double).

    References
    ----------
    .. [1] Epstein, J. M. (2002). Modeling civil violence: An agent-based computational
       approach. PNAS 99(suppl. 3), 7243-7250 (Model I, eqs. for G, P, N).
    """
    if rules.allowed[g] == 0:
        return False
    grievance = hard * (1.0 - rules.legit[g])
    if grievance <= rules.threshold:
        return False
    ratio = n_cops / n_act
    if rules.rounding == 0:
        p = p_arrest[int(np.floor(ratio))]
    elif rules.rounding == 1:
        p = p_arrest[int(np.rint(ratio))]
    else:
        p = 1.0 - np.exp(-rules.k * ratio)
    return grievance - risk * p > rules.threshold
