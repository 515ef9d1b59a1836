"""A straightforward pure-Python loop version of one expected-utility round.

Written as an auditable reference for :func:`factions.engines.bargain.eu_round` (the
tests check that both agree) and as the baseline of the speed benchmark. It computes
every vote sum by an explicit triple loop, O(n^3) per round. Do not use it for real work.
"""

from __future__ import annotations

__all__ = ["eu_round_loop"]


def _weighted_median(x: list[float], w: list[float]) -> float:
    pairs = sorted((xi, wi) for xi, wi in zip(x, w, strict=True) if wi > 0)
    total = sum(wi for _, wi in pairs)
    cum = 0.0
    for k, (xi, wi) in enumerate(pairs):
        cum += wi
        if abs(cum - total / 2.0) <= 1e-12 * total and k + 1 < len(pairs):
            return (xi + pairs[k + 1][0]) / 2.0
        if cum >= total / 2.0:
            return xi
    return pairs[-1][0]


def _paper_prob(x, w):
    n = len(x)
    prob = [[0.5] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if x[i] == x[j]:
                continue
            top = bottom = 0.0
            for k in range(n):
                v = w[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i]))
                if v > 0:
                    top += v
                bottom += abs(v)
            prob[i][j] = top / bottom if bottom > 0 else 0.5
    return prob


def _code_prob(x, w, r, span):
    """Public-code probabilities: votes with the voter's exponent, one global denominator."""
    n = len(x)

    def vote(k, a, b):  # voter k's vote for position a against position b
        return w[k] * ((abs(x[k] - x[b]) / span) ** r[k] - (abs(x[k] - x[a]) / span) ** r[k])

    total = sum(abs(vote(k, a, b)) for k in range(n) for a in range(n) for b in range(n))
    prob = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            top = sum(max(0.0, vote(k, i, j)) for k in range(n))
            prob[i][j] = top / total if total > 0 else 0.0
    return prob


def eu_round_loop(x, c, s, span: float, q: float = 1.0, t: float | str = 1.0,
                  rules: str = "paper") -> dict:
    """One round of the Scholz et al. (2011) model with plain loops (lists in, lists out).

    Same equations, defaults and tie rules as
    :func:`factions.engines.bargain.expected_utility.eu_round`, for both ``rules``.
    """
    n = len(x)
    w = [c[i] * s[i] for i in range(n)]
    mu = _weighted_median(list(x), w)
    code = rules == "scholz_code"
    prob = _code_prob(x, w, [1.0] * n, span) if code else _paper_prob(x, w)

    def eu_one(i, j, ri):
        """Utility of i challenging j computed with exponent ri."""
        usq = 2 - 4 * 0.5 ** ri
        dmu = abs(x[i] - mu) / span
        d = abs(x[i] - x[j]) / span
        us = 2 - 4 * max(0.5 - 0.5 * d, 0.0) ** ri
        uf = 2 - 4 * (0.5 + 0.5 * d) ** ri
        p = prob[i][j]
        val = s[j] * (p * us + (1 - p) * uf) + (1 - s[j]) * us - q * usq
        if q != 1.0:
            ub = 2 - 4 * max(0.5 - 0.25 * (dmu + d), 0.0) ** ri
            uw = 2 - 4 * (0.5 + 0.25 * (dmu + d)) ** ri
            tt = t
            if t == "geometric":
                tt = 1.0 if abs(x[i] - mu) < abs(x[i] - x[j]) else 0.0
            val -= (1 - q) * (tt * ub + (1 - tt) * uw)
        return val

    def eu_matrix(r):
        return [[0.0 if i == j else eu_one(i, j, r[i]) for j in range(n)] for i in range(n)]

    e1 = eu_matrix([1.0] * n)
    sec = [sum(e1[j][i] for j in range(n)) for i in range(n)]
    hi, lo = max(sec), min(sec)
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        r = [1.0] * n
    else:
        r = []
        for i in range(n):
            big_r = (2 * sec[i] - hi - lo) / (hi - lo)
            r.append((1 - big_r / 3) / (1 + big_r / 3))
    if code:
        prob = _code_prob(x, w, r, span)
    e = eu_matrix(r)
    if code:
        return _resolve_code(x, e, eu_one, r, mu)

    new_x = list(x)
    action = [0] * n
    sender = [-1] * n
    for j in range(n):
        best = None
        for i in range(n):
            if i == j or x[i] == x[j] or not e[i][j] > 0:
                continue
            send, recv = e[i][j], e[j][i]
            if recv > 0 and recv < send:
                cand, kind = x[i], 1
            elif recv <= 0 and -recv < send:
                cand, kind = x[j] + (x[i] - x[j]) * (-recv / send), 2
            elif recv <= 0:
                cand, kind = x[i], 3
            else:
                continue
            key = (abs(cand - x[j]), cand)
            if best is None or key < best[0]:
                best = (key, cand, kind, i)
        if best is not None:
            new_x[j], action[j], sender[j] = best[1], best[2], best[3]
    return {"x": new_x, "median": mu, "r": r, "eu": e, "action": action, "sender": sender}


def _resolve_code(x, e, eu_one, r, mu) -> dict:
    """Offer resolution of the public code that follows Scholz's program (see
    ``expected_utility._resolve_offers_code``): receiver j judges with its own r_j; a lost
    confrontation (nearest sender) beats any compromise; compromises ranked by a weighted
    position; no capitulation; ties to the first actor."""
    n = len(x)
    new_x, action, sender = list(x), [0] * n, [-1] * n
    for j in range(n):
        conf = comp = None
        for i in range(n):
            if x[i] == x[j]:
                continue
            own, seen = e[j][i], eu_one(i, j, r[j])
            if seen > own > 0:
                key = abs(x[i] - x[j])
                if conf is None or key < conf[0]:
                    conf = (key, x[i], i)
            elif seen > 0 > own and seen > -own:
                key = (-own * x[j] + seen * x[i]) / (seen - own)
                if comp is None or key < comp[0]:
                    comp = (key, x[j] + (x[i] - x[j]) * (-own / seen), i)
        if conf is not None:
            new_x[j], action[j], sender[j] = conf[1], 1, conf[2]
        elif comp is not None:
            new_x[j], action[j], sender[j] = comp[1], 2, comp[2]
    return {"x": new_x, "median": mu, "r": r, "eu": e, "action": action, "sender": sender}
