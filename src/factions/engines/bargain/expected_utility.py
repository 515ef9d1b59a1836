"""Bueno de Mesquita's expected utility model, as formalised by Scholz, Calbert & Smith.

Vectorised over actor pairs with numpy: one round costs O(n^2 log n) time and O(n^2)
memory (the win probabilities use sorted prefix sums instead of the O(n^3) triple sum).
A straightforward loop version of the same equations lives in
:mod:`factions.engines.bargain.eu_reference` for tests and the speed benchmark.

Two rule sets: ``rules="paper"`` (default), the equations as printed by Scholz et al.;
``rules="scholz_code"``, the rules of the public implementation of Scholz's own program
(GitHub jmckib/dmasad ``bdm-scholz-expected-utility-model``), which reproduces its
``Example.log`` and Scholz et al.'s EC table (docs/models/bargain.md). Its win
probabilities cost O(n^3) time, O(n^2) memory.
"""

from __future__ import annotations

__all__ = ["win_probabilities", "code_win_probabilities", "challenge_utilities",
           "risk_exponents", "eu_round", "expected_utility", "RULES"]

from typing import Any

import numpy as np

from factions.engines.bargain.inputs import BargainInput
from factions.engines.bargain.result import Forecast
from factions.engines.bargain.static import weighted_median
from factions.errors import EngineError

NO_MOVE, CONFLICT, COMPROMISE, CAPITULATE = 0, 1, 2, 3
ACTION_NAMES = {NO_MOVE: "none", CONFLICT: "conflict", COMPROMISE: "compromise",
                CAPITULATE: "capitulate"}
#: ``"paper"``: the equations as written in Scholz et al. (2011), our reading (default);
#: ``"scholz_code"``: the rules of the public implementation that follows Scholz's own
#: code (jmckib/dmasad ``bdm-scholz-expected-utility-model``), quirks included.
RULES = ("paper", "scholz_code")


def _support(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``A[i, j] = sum_k w_k max(0, |x_k - x_j| - |x_k - x_i|)``: votes for i against j."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    cw = np.concatenate(([0.0], np.cumsum(w[order])))
    cs = np.concatenate(([0.0], np.cumsum(w[order] * xs)))
    total = cw[-1]
    xi, xj = x[:, None], x[None, :]
    a, b = np.minimum(xi, xj), np.maximum(xi, xj)
    m, d = (a + b) / 2.0, b - a
    k_le_a = np.searchsorted(xs, a, side="right")
    k_lt_m = np.searchsorted(xs, m, side="left")
    k_le_m = np.searchsorted(xs, m, side="right")
    k_lt_b = np.searchsorted(xs, b, side="left")
    # i left of j: voters at or left of a give d, voters in (a, m) give a + b - 2 x_k.
    left = d * cw[k_le_a] + (a + b) * (cw[k_lt_m] - cw[k_le_a]) - 2.0 * (cs[k_lt_m] - cs[k_le_a])
    # i right of j: voters at or right of b give d, voters in (m, b) give 2 x_k - a - b.
    right = (d * (total - cw[k_lt_b]) + 2.0 * (cs[k_lt_b] - cs[k_le_m])
             - (a + b) * (cw[k_lt_b] - cw[k_le_m]))
    support = np.where(xi < xj, left, right)
    support[xi == xj] = 0.0
    return np.maximum(support, 0.0)


def win_probabilities(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Probability ``P[i, j]`` that i prevails when it challenges j.

    .. math:: P_{ij} = \\frac{\\sum_{k:\\,v_k^{ij} > 0} v_k^{ij}}{\\sum_k |v_k^{ij}|},
              \\qquad v_k^{ij} = c_k s_k \\bigl(|x_k - x_j| - |x_k - x_i|\\bigr)

    (Scholz et al. 2011, eq. for :math:`P_i`; votes as in Bueno de Mesquita 1994.)
    Pairs at the same position get 0.5. Cost O(n^2 log n).
    """
    a = _support(x, w)
    tot = a + a.T
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tot > 0, a / np.where(tot > 0, tot, 1.0), 0.5)
    return p


def code_win_probabilities(
    x: np.ndarray, w: np.ndarray, r: np.ndarray, span: float, block: int = 4_000_000,
) -> np.ndarray:
    """``P[i, j]`` as computed by the public code that follows Scholz's own program.

    .. math:: P_{ij} = \\frac{\\sum_k \\max(0, v_k^{ij})}{\\sum_k \\sum_{a, b} |v_k^{ab}|},
              \\qquad v_k^{ij} = c_k s_k \\bigl(D_{kj} - D_{ki}\\bigr),
              \\quad D_{ka} = (|x_k - x_a| / \\text{span})^{r_k}

    Two departures from :func:`win_probabilities`: each voter's distances carry its own
    risk exponent :math:`r_k`, and the denominator is one constant, the absolute votes
    summed over *all* ordered pairs of actors (so :math:`P_{ij} + P_{ji} \\ne 1`; the
    probabilities are small). Pairs at the same position get 0. The denominator costs
    O(n^2 log n) (sorted rows); the numerator O(n^3) time in blocks of voters of at most
    ``block`` elements, O(n^2) memory per block.
    """
    n = x.size
    dk = (np.abs(x[:, None] - x[None, :]) / span) ** r[:, None]  # dk[k, a]
    srt = np.sort(dk, axis=1)
    # sum over ordered pairs (a, b) of |dk[k, a] - dk[k, b]|, from the sorted row
    pair_sum = 2.0 * (srt * (2.0 * np.arange(n) - n + 1.0)).sum(axis=1)
    den = float(np.dot(w, pair_sum))
    num = np.zeros((n, n))
    step = max(1, block // max(1, n * n))
    for lo in range(0, n, step):  # blocks of voters, each fully vectorised over pairs
        d = dk[lo:lo + step]
        gain = np.clip(d[:, None, :] - d[:, :, None], 0.0, None)  # gain[k, i, j]
        num += np.tensordot(w[lo:lo + step], gain, axes=1)
    if den <= 0.0:
        return np.zeros((n, n))
    return num / den


def _u(r: np.ndarray, inner: np.ndarray) -> np.ndarray:
    return 2.0 - 4.0 * np.power(np.clip(inner, 0.0, None), r)


def challenge_utilities(
    x: np.ndarray, s: np.ndarray, p: np.ndarray, r: np.ndarray, mu: float, span: float,
    q: float, t: float | str,
) -> np.ndarray:
    """Expected utility ``E[i, j]`` to actor i of challenging actor j.

    .. math::
       EU_i(ij) = s_j\\,[P_{ij} U^s_{ij} + (1 - P_{ij}) U^f_{ij}] + (1 - s_j) U^s_{ij}
                  - Q\\, U^{sq}_i - (1 - Q)\\,[T\\, U^b_{ij} + (1 - T)\\, U^w_{ij}]

    with :math:`\\delta_{ij} = |x_i - x_j| / \\text{span}`,
    :math:`\\delta_{i\\mu} = |x_i - \\mu| / \\text{span}` and
    :math:`U^s = 2 - 4(0.5 - 0.5\\delta_{ij})^{r_i}`,
    :math:`U^f = 2 - 4(0.5 + 0.5\\delta_{ij})^{r_i}`,
    :math:`U^b = 2 - 4(0.5 - 0.25(\\delta_{i\\mu} + \\delta_{ij}))^{r_i}`,
    :math:`U^w = 2 - 4(0.5 + 0.25(\\delta_{i\\mu} + \\delta_{ij}))^{r_i}`,
    :math:`U^{sq} = 2 - 4(0.5)^{r_i}` (Scholz et al. 2011, section 3). The diagonal is 0.
    ``t="geometric"`` sets :math:`T_{ij} = 1` when :math:`|x_i - \\mu| < |x_i - x_j|` (j's
    move to the median would bring it nearer i) and 0 otherwise, Scholz et al.'s cases
    1 and 3A (T = 1) against 2 and 3B (T = 0); a number is used for every pair.
    """
    return _eu_matrix(x, s, p, r[:, None], mu, span, q, t)


def _eu_matrix(
    x: np.ndarray, s: np.ndarray, p: np.ndarray, r_col: np.ndarray, mu: float, span: float,
    q: float, t: float | str,
) -> np.ndarray:
    """:func:`challenge_utilities` with the exponent of pair (i, j) taken from ``r_col``
    broadcast to n x n (``r[:, None]``: the challenger's own; ``r[None, :]``: the target's)."""
    dij = np.abs(x[:, None] - x[None, :]) / span
    dmu = (np.abs(x - mu) / span)[:, None]
    us = _u(r_col, 0.5 - 0.5 * dij)
    uf = _u(r_col, 0.5 + 0.5 * dij)
    usq = _u(r_col, np.full_like(dmu, 0.5))
    sj = s[None, :]
    e = sj * (p * us + (1.0 - p) * uf) + (1.0 - sj) * us - q * usq
    if q != 1.0:
        ub = _u(r_col, 0.5 - 0.25 * (dmu + dij))
        uw = _u(r_col, 0.5 + 0.25 * (dmu + dij))
        tt = (dmu < dij).astype(float) if t == "geometric" else t
        e = e - (1.0 - q) * (tt * ub + (1.0 - tt) * uw)
    np.fill_diagonal(e, 0.0)
    return e


def risk_exponents(e: np.ndarray) -> np.ndarray:
    """Risk exponents :math:`r_i \\in [1/2, 2]` from security levels.

    The security level of i is what the others expect from challenging it,
    :math:`\\Sigma_i = \\sum_{j \\ne i} EU_j(ji)` (column sums of ``e``, computed with
    :math:`r = 1`);
    :math:`R_i = (2\\Sigma_i - \\Sigma_{max} - \\Sigma_{min}) / (\\Sigma_{max} - \\Sigma_{min})`
    and :math:`r_i = (1 - R_i/3) / (1 + R_i/3)`. The most exposed actor (R = 1) is
    risk-acceptant (r = 1/2), the safest (R = -1) risk-averse (r = 2). All r are 1 when
    every security level is equal (Scholz et al. 2011, section 5).
    """
    sec = e.sum(axis=0)
    hi, lo = sec.max(), sec.min()
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        return np.ones_like(sec)
    big_r = (2.0 * sec - hi - lo) / (hi - lo)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


def _resolve_offers(x: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor accepts the credible offer that moves it least; returns new x, action, sender."""
    n = x.size
    send = e.T  # send[j, i] = EU_i(ij): sender i's utility of challenging receiver j
    recv = e  # recv[j, i] = EU_j(ji): receiver's own utility of challenging the sender
    xi = np.broadcast_to(x[None, :], (n, n))
    xj = np.broadcast_to(x[:, None], (n, n))
    valid = (send > 0) & (xi != xj)
    conflict = valid & (recv > 0) & (recv < send)
    comp = valid & (recv <= 0) & (-recv < send)
    capit = valid & (recv <= 0) & (-recv >= send)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(comp, -recv / np.where(comp, send, 1.0), 0.0)
    new = np.where(conflict | capit, xi, xj + (xi - xj) * frac)
    ok = conflict | comp | capit
    dist = np.where(ok, np.abs(new - xj), np.inf)
    # least movement first, ties broken by the lower resulting position (label-free)
    best = np.lexsort((np.where(ok, new, np.inf), dist), axis=1)[:, 0]
    rows = np.arange(n)
    has = ok[rows, best]
    new_x = np.where(has, new[rows, best], x)
    kind = np.select([conflict[rows, best], comp[rows, best], capit[rows, best]],
                     [CONFLICT, COMPROMISE, CAPITULATE], NO_MOVE)
    action = np.where(has, kind, NO_MOVE)
    sender = np.where(has, best, -1)
    return new_x, action, sender


def _resolve_offers_code(
    x: np.ndarray, own: np.ndarray, seen: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offer resolution of the public code that follows Scholz's program.

    Receiver j judges every actor i at another position with its own risk exponent:
    ``own[j, i]`` is j's utility of challenging i, ``seen[i, j]`` i's utility of
    challenging j as j sees it (exponent r_j). Confrontation lost when
    ``seen > own > 0`` (j moves to x_i); compromise when ``own < 0 < seen`` and
    ``seen > |own|`` (j moves the fraction |own/seen| towards x_i); no capitulation (the
    public code's test for it can never hold). A confrontation, if any, beats every
    compromise: the nearest confronting sender wins; otherwise the compromise with the
    lowest ``(|own| x_j + seen x_i) / (|own| + seen)`` is taken. Ties go to the first
    actor in input order, as in the public code.
    """
    n = x.size
    send = seen.T  # send[j, i]
    recv = own
    xi = np.broadcast_to(x[None, :], (n, n))
    xj = np.broadcast_to(x[:, None], (n, n))
    valid = xi != xj
    conflict = valid & (send > recv) & (recv > 0)
    comp = valid & ~conflict & (send > 0) & (recv < 0) & (send > -recv)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(comp, -recv / np.where(comp, send, 1.0), 0.0)
        key = np.where(comp, (-recv * xj + send * xi) / np.where(comp, send - recv, 1.0),
                       np.inf)
    new = np.where(conflict, xi, xj + (xi - xj) * frac)
    dist = np.where(conflict, np.abs(xi - xj), np.inf)
    has_conf, has_comp = conflict.any(axis=1), comp.any(axis=1)
    best = np.where(has_conf, np.argmin(dist, axis=1), np.argmin(key, axis=1))
    rows = np.arange(n)
    has = has_conf | has_comp
    new_x = np.where(has, new[rows, best], x)
    action = np.where(has_conf, CONFLICT, np.where(has_comp, COMPROMISE, NO_MOVE))
    sender = np.where(has, best, -1)
    return new_x, action, sender


def eu_round(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, span: float, q: float = 1.0,
    t: float | str = 1.0, rules: str = "paper",
) -> dict[str, Any]:
    """One round of the model (Scholz et al. 2011, appendix steps 2-11).

    Steps: median voter position :math:`\\mu` (weighted median by :math:`c_i s_i`, the
    Condorcet winner of BDM's pairwise votes); win probabilities; expected utilities
    with :math:`r = 1`; risk exponents from security levels; expected utilities again
    with those :math:`r_i`; offers and their resolution. ``rules="scholz_code"``
    swaps in the public code's win probabilities (:func:`code_win_probabilities`, votes
    recomputed with the new :math:`r_k`), judges each offer with the receiver's
    exponent and resolves offers by its priority rule (:func:`_resolve_offers_code`).

    Returns
    -------
    dict
        ``x`` (new positions), ``median`` (of the old positions), ``r``, ``eu`` (n x n),
        ``action`` (0 none, 1 conflict lost, 2 compromise, 3 capitulation) and
        ``sender`` (index of the actor whose offer was accepted, -1 if none).
    """
    w = c * s
    mu = weighted_median(x, w)
    ones = np.ones_like(x)
    if rules == "scholz_code":
        p1 = code_win_probabilities(x, w, ones, span)
        r = risk_exponents(challenge_utilities(x, s, p1, ones, mu, span, q, t))
        p = code_win_probabilities(x, w, r, span)
        e = challenge_utilities(x, s, p, r, mu, span, q, t)
        seen = _eu_matrix(x, s, p, r[None, :], mu, span, q, t)
        new_x, action, sender = _resolve_offers_code(x, e, seen)
    elif rules == "paper":
        p = win_probabilities(x, w)
        e1 = challenge_utilities(x, s, p, ones, mu, span, q, t)
        r = risk_exponents(e1)
        e = challenge_utilities(x, s, p, r, mu, span, q, t)
        new_x, action, sender = _resolve_offers(x, e)
    else:
        raise EngineError(f"expected_utility rules must be one of {RULES}; got {rules!r}")
    return {"x": new_x, "median": mu, "r": r, "eu": e, "action": action, "sender": sender}


def expected_utility(
    data: BargainInput, rounds: int = 20, tol: float = 1e-6, q: float = 1.0,
    t: float | str = 1.0, rules: str = "paper",
) -> Forecast:
    """Bueno de Mesquita's expected utility model (Scholz, Calbert & Smith 2011).

    Each round every actor i computes, for every other actor j, the expected utility
    :math:`EU_i(ij)` of challenging j (see :func:`challenge_utilities`), with its
    risk exponent :math:`r_i` derived from security levels (:func:`risk_exponents`)
    and its probability of prevailing :math:`P_{ij}` from the capability-and-salience
    weighted votes of all actors (:func:`win_probabilities`). Actor i makes an offer
    to j when :math:`EU_i(ij) > 0`. Receiver j compares the offer with its own
    :math:`EU_j(ji)`:

    * :math:`0 < EU_j(ji) < EU_i(ij)`: **confrontation** lost by j, j moves to
      :math:`x_i`;
    * :math:`EU_j(ji) \\le 0` and :math:`|EU_j(ji)| < EU_i(ij)`: **compromise**, j moves to
      :math:`x_j + (x_i - x_j)\\,|EU_j(ji)/EU_i(ij)|`;
    * :math:`EU_j(ji) \\le 0` and :math:`|EU_j(ji)| \\ge EU_i(ij)`: **capitulation**,
      j moves to :math:`x_i`;
    * :math:`EU_j(ji) \\ge EU_i(ij) > 0`: j would win the confrontation and does not move.

    Of all the offers it receives, j accepts the one that moves it least (Bueno de
    Mesquita 1994). All moves of a round are simultaneous.

    Parameters
    ----------
    data : BargainInput
        Capabilities :math:`c_i`, positions :math:`x_i`, saliences :math:`s_i \\in [0,1]`;
        distances are divided by the width of ``data.scale``.
    rounds : int
        Maximum number of rounds (default 20).
    tol : float
        Stopping rule: stop when no actor moves by more than ``tol`` times the scale
        width, or when the positions return to those of an earlier round (a cycle).
    q, t : float (t also ``"geometric"``)
        :math:`Q`, the probability that j keeps its position when not challenged, and
        :math:`T`, the probability that a change would favour i. Defaults Q = T = 1 (the
        status quo prevails without a challenge), with which :math:`U^b, U^w` drop out.
        ``t="geometric"`` follows Scholz et al.'s cases instead: per pair, T = 1 when
        :math:`|x_i - \\mu| < |x_i - x_j|`, else 0 (see :func:`challenge_utilities`).
    rules : str
        ``"paper"`` (default): the equations above, our reading of Scholz et al. (2011).
        ``"scholz_code"``: the rules of the public Python implementation that follows
        Scholz's own code (GitHub ``jmckib/bdm-scholz-expected-utility-model`` and its
        fork ``dmasad/...``): :math:`P_{ij}` from :func:`code_win_probabilities` (one
        global denominator, votes with the voters' :math:`r_k`); each receiver judges
        both utilities with its own :math:`r_j`; a lost confrontation beats any
        compromise, compromises are ranked by a weighted position, capitulation never
        happens (:func:`_resolve_offers_code`). On the EC example it reproduces that
        code's published ``Example.log`` round by round.

    Returns
    -------
    Forecast
        ``outcome``: the weighted median of the final positions (BDM's forecast);
        ``outcomes``: the weighted median after each round; ``details`` holds the
        per-round weighted ``means``, risk exponents ``r`` (rounds x n), ``actions``
        (rounds x n) and ``senders``, and ``stopped`` (``"stable"``, ``"cycle"`` or
        ``"rounds"``).

    Raises
    ------
    EngineError
        If ``rounds < 1``, ``tol < 0``, q, t are outside [0, 1] or ``rules`` is unknown.

    Notes
    -----
    Choices where the literature is ambiguous: the median voter :math:`\\mu` is the
    weighted median of the current positions (the Condorcet winner of BDM's linear
    votes); :math:`P_{ij}` counts only votes in i's favour in the numerator (Scholz's
    equation; some replications use the net vote); actors at the same position do not
    challenge each other; the receiver picks the least movement, ties to the lower
    position. Cost per round O(n^2 log n) time, O(n^2) memory.

    References
    ----------
    .. [1] Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De
       Mesquita's group decision model. *Journal of Theoretical Politics* 23(4),
       510-531.
    .. [2] Bueno de Mesquita, B. (1994). Political forecasting: an expected utility
       method. In B. Bueno de Mesquita & F. N. Stokman (eds), *European Community
       Decision Making*, Yale UP, 71-104.
    """
    if int(rounds) != rounds or rounds < 1:
        raise EngineError(f"expected_utility rounds must be an integer >= 1; got {rounds!r}")
    if not tol >= 0:
        raise EngineError(f"expected_utility tol must be >= 0; got {tol!r}")
    for name, v in (("q", q), ("t", t)):
        if name == "t" and v == "geometric":
            continue
        if isinstance(v, str) or not 0.0 <= v <= 1.0:
            extra = " or be 'geometric'" if name == "t" else ""
            raise EngineError(f"expected_utility {name} must lie in [0, 1]{extra}; got {v!r}")
    if rules not in RULES:
        raise EngineError(f"expected_utility rules must be one of {RULES}; got {rules!r}")
    c, s, span = data.capability, data.salience, data.span
    w = data.weight
    x = data.position.copy()
    traj, medians, means = [x.copy()], [weighted_median(x, w)], [float(np.dot(w, x) / w.sum())]
    risks, actions, senders = [], [], []
    seen = {x.round(12).tobytes(): 0}
    stopped = "rounds"
    for k in range(1, int(rounds) + 1):
        step = eu_round(x, c, s, span, q, t, rules)
        moved = np.max(np.abs(step["x"] - x))
        x = step["x"]
        traj.append(x.copy())
        medians.append(weighted_median(x, w))
        means.append(float(np.dot(w, x) / w.sum()))
        risks.append(step["r"])
        actions.append(step["action"])
        senders.append(step["sender"])
        if moved <= tol * span:
            stopped = "stable"
            break
        key = x.round(12).tobytes()
        if key in seen:
            stopped = "cycle"
            break
        seen[key] = k
    return Forecast(
        model="expected_utility",
        outcome=float(medians[-1]),
        positions=x,
        trajectory=np.vstack(traj),
        outcomes=np.asarray(medians),
        names=data.names,
        details={
            "means": np.asarray(means),
            "r": np.vstack(risks),
            "actions": np.vstack(actions),
            "senders": np.vstack(senders),
            "stopped": stopped,
            "q": q,
            "t": t,
            "rules": rules,
        },
    )
