"""A spatial model of politics in the manner of KAPSARC's KTAB SMP (one dimension).

Probabilistic Condorcet elections (PCE) over the actors' current positions decide the
group outcome; pairwise bargains, adjudicated by the whole group, move the actors.
"""

from __future__ import annotations

__all__ = ["VOTING_RULES", "VICTORY_RULES", "PCE_MODELS", "votes", "victory_probabilities",
           "condorcet_probabilities", "smp"]

import numpy as np

from factions.engines.bargain.inputs import BargainInput
from factions.engines.bargain.result import Forecast
from factions.errors import EngineError

VOTING_RULES = ("binary", "prop_bin", "proportional", "prop_cubic", "cubic")
VICTORY_RULES = {"linear": 1.0, "square": 2.0, "quartic": 4.0, "octic": 8.0, "binary": np.inf}
PCE_MODELS = ("conditional", "markov")


def votes(delta: np.ndarray, weight: np.ndarray, rule: str = "proportional") -> np.ndarray:
    """Votes for option a over b given utility differences ``delta`` = u(a) - u(b).

    ``weight`` (the voter's capability) broadcasts against ``delta``; ``delta`` lies
    in [-1, 1]. KTAB's voting rules: binary :math:`w\\,\\mathrm{sgn}(\\Delta)`; prop_bin
    :math:`w(\\mathrm{sgn}(\\Delta) + \\Delta)/2`; proportional :math:`w\\Delta`;
    prop_cubic :math:`w(\\Delta + \\Delta^3)/2`; cubic :math:`w\\Delta^3`.
    """
    if rule == "binary":
        return weight * np.sign(delta)
    if rule == "prop_bin":
        return weight * (np.sign(delta) + delta) / 2.0
    if rule == "proportional":
        return weight * delta
    if rule == "prop_cubic":
        return weight * (delta + delta**3) / 2.0
    if rule == "cubic":
        return weight * delta**3
    raise EngineError(f"smp voting_rule must be one of {', '.join(VOTING_RULES)}; got {rule!r}")


def victory_probabilities(strength: np.ndarray, rule: str = "linear") -> np.ndarray:
    """Pairwise victory probabilities from coalition strengths.

    ``strength[a, b]`` is the total vote of the coalition preferring a to b. With
    exponent e (linear 1, square 2, quartic 4, octic 8):
    :math:`p_{ab} = S_{ab}^e / (S_{ab}^e + S_{ba}^e)`; binary gives 1, 0 or 1/2.
    Pairs with no support either way get 1/2.
    """
    if rule not in VICTORY_RULES:
        raise EngineError(f"smp victory rule must be one of {', '.join(VICTORY_RULES)}; got {rule!r}")
    e = VICTORY_RULES[rule]
    st = strength.T
    if np.isinf(e):
        return np.where(strength > st, 1.0, np.where(strength < st, 0.0, 0.5))
    scale = np.maximum(strength, st)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(scale > 0, strength / np.where(scale > 0, scale, 1.0), 0.0) ** e
        b = np.where(scale > 0, st / np.where(scale > 0, scale, 1.0), 0.0) ** e
        p = np.where(a + b > 0, a / np.where(a + b > 0, a + b, 1.0), 0.5)
    return p


def condorcet_probabilities(p: np.ndarray, model: str = "conditional") -> np.ndarray:
    """Probability that each option wins the probabilistic Condorcet election.

    ``conditional``: :math:`P_a \\propto \\prod_{b \\ne a} p_{ab}` (a must beat every
    rival). ``markov``: the stationary distribution of the chain that moves from the
    current option a to a random challenger b with probability :math:`p_{ba}/(n-1)`.
    """
    n = p.shape[0]
    if n == 1:
        return np.ones(1)
    if model == "conditional":
        q = p.copy()
        np.fill_diagonal(q, 1.0)
        logs = np.log(np.clip(q, 1e-300, None)).sum(axis=1)
        v = np.exp(logs - logs.max())
        return v / v.sum()
    if model == "markov":
        t = p.T / (n - 1)  # t[a, b]: from a to b with prob p[b, a]/(n-1)
        np.fill_diagonal(t, 0.0)
        np.fill_diagonal(t, 1.0 - t.sum(axis=1))
        vals, vecs = np.linalg.eig(t.T)
        k = int(np.argmin(np.abs(vals - 1.0)))
        v = np.abs(np.real(vecs[:, k]))
        return v / v.sum()
    raise EngineError(f"smp pce must be one of {', '.join(PCE_MODELS)}; got {model!r}")


def _election(options: np.ndarray, x: np.ndarray, s: np.ndarray, c: np.ndarray, span: float,
              voting_rule: str, victory: str) -> np.ndarray:
    """Pairwise victory probabilities among ``options`` when actors (x, s, c) vote."""
    # u[k, a] = s_k (1 - |x_k - option_a| / span): salience-weighted utility of voter k
    u = s[:, None] * (1.0 - np.abs(x[:, None] - options[None, :]) / span)
    delta = u[:, :, None] - u[:, None, :]  # voter k, a over b
    v = votes(delta, c[:, None, None], voting_rule)
    strength = np.clip(v, 0.0, None).sum(axis=0)
    return victory_probabilities(strength, victory)


def smp(
    data: BargainInput,
    victory: str = "linear",
    voting_rule: str = "proportional",
    pce: str = "conditional",
    rounds: int = 100,
    min_rounds: int = 2,
    tol: float = 0.02,
) -> Forecast:
    """Spatial model of politics (after KTAB's SMP), one issue dimension.

    Utility of actor k for a position y: :math:`u_k(y) = s_k (1 - |x_k - y| / \\text{span})`.
    In an election between options a and b, actor k casts
    :math:`v_k(a{:}b) = \\rho(c_k, u_k(a) - u_k(b))` with the voting rule
    :math:`\\rho` (:func:`votes`); the coalition strength for a is
    :math:`S_{ab} = \\sum_k \\max(v_k(a{:}b), 0)`; the victory rule
    (:func:`victory_probabilities`) turns strengths into :math:`p_{ab}`, and the
    PCE (:func:`condorcet_probabilities`) gives each option's probability of winning.

    Each round: (1) the group outcome is the PCE-expected position over the current
    positions, :math:`\\hat{x} = \\sum_a P_a x_a`; (2) every actor i proposes a bargain
    to one target j, the interpolation :math:`b_{ij} = p_{ij} x_i + p_{ji} x_j` of the
    pairwise contest, choosing the j that maximises
    :math:`c_j s_j [u_i(b_{ij}) - u_i(x_j)]` (moving an influential, engaged actor
    towards itself), if positive; (3) each target holds a PCE among its current
    position and the bargains it received, and moves (deterministically) to the most
    probable one. Rounds stop, as in KTAB, when the change of outcome falls below
    ``tol`` times the first round's change, after at least ``min_rounds`` and at most
    ``rounds`` rounds.

    Parameters
    ----------
    data : BargainInput
    victory : {"linear", "square", "quartic", "octic", "binary"}
        Victory-probability rule (KTAB VPModel); default linear, as KTAB's default.
    voting_rule : {"binary", "prop_bin", "proportional", "prop_cubic", "cubic"}
        KTAB voting rule; default proportional, as KTAB's default.
    pce : {"conditional", "markov"}
        Probabilistic Condorcet election model (KTAB PCE default: conditional).
    rounds, min_rounds : int
        Bounds on the number of rounds (KTAB: 2 to 100).
    tol : float
        Relative stopping threshold (KTAB: 0.02).

    Returns
    -------
    Forecast
        ``outcome``: the PCE-expected outcome after the last round; ``details`` holds
        the winning probabilities of each actor's position per round (``pce``) and the
        ``stopped`` reason.

    Raises
    ------
    EngineError
        On an unknown rule or bad round bounds.

    Notes
    -----
    A simplification of KTAB, not a line-by-line port: one dimension at a time, risk
    neutral utilities (KTAB's BigR risk attitudes are not modelled), one bargain per
    initiator, only targets move, and the group adjudicates each target's bargains.
    Cost per round O(n^3) (the pairwise elections among n positions with n voters).

    References
    ----------
    .. [1] Wise, B., Lester, L. & Efird, B. (2015). An introduction to the KAPSARC
       Toolkit for Behavioral Analysis (KTAB) using one-dimensional spatial models.
       KAPSARC discussion paper KS-1517-DP09A.
    .. [2] Efird, B., Lester, L., Wise, B. & Wright, L. (2016). The spatial model of
       politics: KTAB SMP. KAPSARC methodology paper.
    """
    if voting_rule not in VOTING_RULES:
        raise EngineError(f"smp voting_rule must be one of {', '.join(VOTING_RULES)}; got {voting_rule!r}")
    if victory not in VICTORY_RULES:
        raise EngineError(f"smp victory must be one of {', '.join(VICTORY_RULES)}; got {victory!r}")
    if pce not in PCE_MODELS:
        raise EngineError(f"smp pce must be one of {', '.join(PCE_MODELS)}; got {pce!r}")
    if int(rounds) != rounds or rounds < 1 or min_rounds < 1 or min_rounds > rounds:
        raise EngineError(f"smp needs 1 <= min_rounds <= rounds; got {min_rounds!r}, {rounds!r}")
    c, s, span = data.capability, data.salience, data.span
    x = data.position.copy()
    n = x.size
    traj, outcomes, probs = [x.copy()], [], []

    def outcome_of(pos):
        p = _election(pos, x_v, s, c, span, voting_rule, victory)
        win = condorcet_probabilities(p, pce)
        return float(np.dot(win, pos)), win, p

    x_v = data.position  # voters keep their ideal points; positions are what is on offer
    out0, win, p = outcome_of(x)
    outcomes.append(out0)
    probs.append(win)
    first_change = None
    stopped = "rounds"
    for k in range(1, int(rounds) + 1):
        u_i = s[:, None] * (1.0 - np.abs(x_v[:, None] - x[None, :]) / span)  # u_i(x_j)
        bargain = p * x[:, None] + p.T * x[None, :]  # b[i, j]
        u_b = s[:, None] * (1.0 - np.abs(x_v[:, None] - bargain) / span)
        gain = (c * s)[None, :] * (u_b - u_i)
        np.fill_diagonal(gain, -np.inf)
        target = np.argmax(gain, axis=1)
        proposes = gain[np.arange(n), target] > 0
        new_x = x.copy()
        for j in np.unique(target[proposes]):
            initiators = np.flatnonzero(proposes & (target == j))
            options = np.concatenate(([x[j]], bargain[initiators, j]))
            win_j = condorcet_probabilities(
                _election(options, x_v, s, c, span, voting_rule, victory), pce)
            new_x[j] = options[int(np.argmax(win_j))]
        x = new_x
        traj.append(x.copy())
        out, win, p = outcome_of(x)
        change = abs(out - outcomes[-1])
        outcomes.append(out)
        probs.append(win)
        if first_change is None:
            first_change = change
        if k >= min_rounds and change <= tol * max(first_change, 1e-12 * span):
            stopped = "stable"
            break
    return Forecast(
        model="smp",
        outcome=outcomes[-1],
        positions=x,
        trajectory=np.vstack(traj),
        outcomes=np.asarray(outcomes),
        names=data.names,
        details={"pce": np.vstack(probs), "stopped": stopped, "victory": victory,
                 "voting_rule": voting_rule, "pce_model": pce},
    )
