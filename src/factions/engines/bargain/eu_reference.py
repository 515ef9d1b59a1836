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


def eu_round_loop(x, c, s, span: float, q: float = 1.0, t: float = 1.0) -> dict:
    """One round of the Scholz et al. (2011) model with plain loops (lists in, lists out).

    Same equations, defaults and tie rules as
    :func:`factions.engines.bargain.expected_utility.eu_round`.
    """
    n = len(x)
    w = [c[i] * s[i] for i in range(n)]
    mu = _weighted_median(list(x), w)

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

    def eu_matrix(r):
        e = [[0.0] * n for _ in range(n)]
        for i in range(n):
            usq = 2 - 4 * 0.5 ** r[i]
            dmu = abs(x[i] - mu) / span
            for j in range(n):
                if i == j:
                    continue
                d = abs(x[i] - x[j]) / span
                us = 2 - 4 * max(0.5 - 0.5 * d, 0.0) ** r[i]
                uf = 2 - 4 * (0.5 + 0.5 * d) ** r[i]
                p = prob[i][j]
                val = s[j] * (p * us + (1 - p) * uf) + (1 - s[j]) * us - q * usq
                if q != 1.0:
                    ub = 2 - 4 * max(0.5 - 0.25 * (dmu + d), 0.0) ** r[i]
                    uw = 2 - 4 * (0.5 + 0.25 * (dmu + d)) ** r[i]
                    val -= (1 - q) * (t * ub + (1 - t) * uw)
                e[i][j] = val
        return e

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
    e = eu_matrix(r)

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
