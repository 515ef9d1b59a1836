"""A plain-Python SMP, written for the tests from KTAB's description (loops, no numba).

Deliberately literal: every quantity recomputed from its definition, utilities stored as
KTAB's full aUtil[h] matrices, sums in KTAB's order. Deterministic transitions only.
"""

import math

VR = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")


def vote(rule, w, du):
    b = max(-1.0, min(1.0, du / 1e-8))
    return {"Binary": w * b, "PropBin": w * (0.8 * du + 0.2 * b), "Prop": w * du,
            "PropCbc": w * (0.5 * du + 0.5 * du ** 3), "Cubic": w * du ** 3,
            "ASymProsp": w * du if du < 0 else (2 * w * du / 3 if du > 0 else 0.0)}[rule]


def coalitions(u, w, rule):
    na, no = len(u), len(u[0])
    c = [[1e-8] * no for _ in range(no)]
    for i in range(no):
        for j in range(i):
            for k in range(na):
                v = vote(rule, w[k], u[k][i] - u[k][j])
                if v > 0:
                    c[i][j] += v
                if v < 0:
                    c[j][i] -= v
    return c


def victory(c, model):
    no = len(c)
    p = [[0.5] * no for _ in range(no)]
    e = {"Linear": 1, "Square": 2, "Quartic": 4, "Octic": 8}.get(model)
    for i in range(no):
        for j in range(no):
            if i == j:
                continue
            s1, s2 = c[i][j], c[j][i]
            if e is not None:
                x1, x2 = s1 ** e, s2 ** e
            elif s1 >= 1.1 * s2:
                x1, x2 = 1.0, 1e-6
            elif s2 >= 1.1 * s1:
                x1, x2 = 1e-6, 1.0
            else:
                x1 = (s1 / (s1 + s2) * 2.1 - 1.0) / 0.1
                x2 = 1 - x1
            p[i][j] = x1 / (x1 + x2)
    return p


def pce(c, model, vpm):
    pv = victory(c, vpm)
    no = len(c)
    if model == "Conditional":
        q = [math.prod(pv[i]) for i in range(no)]
        return [x / sum(q) for x in q]
    p = [1.0 / no] * no
    if model == "MarkovUniform":
        change, tol = 1.0, 1e-6
        while change > tol:
            q = [sum(pv[i][j] * (p[i] + p[j]) for j in range(no)) / no for i in range(no)]
            change = max(abs(a - b) for a, b in zip(q, p, strict=True))
            p = [(a + b) / 2 for a, b in zip(p, q, strict=True)]
        return p
    inc = [[c[i][j] * pv[i][j] + (1e-10 if i == j else 0) for j in range(no)] for i in range(no)]
    chl = [[inc[i][j] / sum(inc[k][j] for k in range(no)) for j in range(no)] for i in range(no)]
    change = 1.0
    while change > 1e-8:
        q = [sum(pv[i][j] * (p[i] * chl[j][i] + p[j] * chl[i][j]) for j in range(no))
             for i in range(no)]
        change = max(abs(a - b) for a, b in zip(q, p, strict=True))
        p = [(a + b) / 2 for a, b in zip(p, q, strict=True)]
    return p


def wdist(y, x, s):
    return math.sqrt(sum((s[k] * (y[k] - x[k])) ** 2 for k in range(len(s)))
                     / sum(v * v for v in s))


def util(d, r):
    return (1 - d) * (1 + d * r) if d <= 1 else (1 - d) * (1 + r)


def est(rh, ri, adj):
    return {"None": rh, "OneThird": (2 * rh + ri) / 3, "Half": (rh + ri) / 2,
            "TwoThirds": (rh + 2 * ri) / 3, "Full": ri}[adj]


def bigr(p, rng):
    lo, hi = min(p), max(p)
    if hi == lo:
        return [0.0] * len(p)
    f = {"Min": lambda x: (x - lo) / (hi - lo),
         "Mid": lambda x: (3 * x - (hi + 2 * lo)) / (2 * (hi - lo)),
         "Max": lambda x: (2 * x - (hi + lo)) / (hi - lo)}[rng]
    return [f(x) for x in p]


def tp_vote(rule, commit, w, pik, uki, ukj, ukk):
    pjk = 1 - pik
    a, b, c, d = {"FullCommit": (3 * uki, 3 * ukj, 3 * uki, 3 * ukj),
                  "SemiCommit": (2 * uki + ukk, 3 * ukj, 3 * uki, 2 * ukj + ukk),
                  "NoCommit": (2 * uki + ukk, 2 * ukj + ukk, 2 * uki + ukk, 2 * ukj + ukk)}[commit]
    return vote(rule, w, (pik * a + pjk * b) - (pik * c + pjk * d))


def prob_edu(U, h, k, i, j, cap, ssum, o):
    u = U[h]
    ci = vote(o["VotingRule"], ssum[i] * cap[i], u[i][i] - u[i][j])
    cj = vote(o["VotingRule"], ssum[j] * cap[j], u[j][i] - u[j][j])
    chij = 1e-10 + max(ci, 0) + max(cj, 0)
    chji = 1e-10 + max(-ci, 0) + max(-cj, 0)
    c0i, c0j = chij, chji
    for m in range(len(cap)):
        if m in (i, j):
            continue
        w = ssum[m] * cap[m]
        v0 = vote(o["VotingRule"], w, u[m][i] - u[m][j])
        cmi, cmj = c0i + max(v0, 0), c0j + max(-v0, 0)
        v = tp_vote(o["VotingRule"], o["ThirdPartyCommit"], w, cmi / (cmi + cmj), u[m][i],
                    u[m][j], u[m][m])
        chij += max(v, 0)
        chji += max(-v, 0)
    ph, pj = chij / (chij + chji), chji / (chij + chji)
    sj = ssum[j]
    ch = (1 - sj) * 2 * u[k][i] + sj * (ph * 2 * u[k][i] + pj * 2 * u[k][j])
    return ph, ch - (u[k][i] + u[k][j])


def interp(ti, si, pi, tj, sj, pj, rule):
    if rule == "S2PMax":
        di, dj = max(0, pj - pi), max(0, pi - pj)
        dik = di * sj ** 2 / (di * sj ** 2 + 1e-6 + (1 - di) * si ** 2)
        djk = dj * si ** 2 / (dj * si ** 2 + 1e-6 + (1 - dj) * sj ** 2)
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    e = 2 if rule == "S2P2" else 1
    wi, wj = si ** e * pi ** e, sj ** e * pj ** e
    def r4(x):
        return int(0.5 + x * 10000) / 10000

    return (r4(((wi + 1e-6) * ti + wj * tj) / (wi + 1e-6 + wj)),
            r4((wi * ti + (1e-6 + wj) * tj) / (wi + 1e-6 + wj)))


def step(X, S, cap, o):
    n, nd = len(X), len(X[0])
    ssum = [sum(s) for s in S]
    vd = [[wdist(X[i], X[j], S[i]) for j in range(n)] for i in range(n)]
    p = pce(coalitions([[1 - d for d in row] for row in vd], cap, o["VotingRule"]),
            o["PCEModel"], o["VictoryProbModel"])
    R = bigr(p, o["BigRRange"])
    U = [[[util(vd[i][j], est(R[h], R[i], o["BigRAdjust"])) for j in range(n)] for i in range(n)]
         for h in range(n)]
    lists = [[(k, k, X[k], X[k])] for k in range(n)]
    for i in range(n):
        best, be, bp = -1, -1.0, 0.0
        for j in range(n):
            if j != i:
                ph, e = prob_edu(U, i, i, i, j, cap, ssum, o)
                if 1e-5 < e and be < e:
                    best, be, bp = j, e, ph
        if best < 0:
            continue
        j = best

        def brg(pi, i=i, j=j):
            pts = [interp(X[i][k], S[i][k], pi, X[j][k], S[j][k], 1 - pi, o["InterVecBrgn"])
                   for k in range(nd)]
            return [a for a, _ in pts], [b for _, b in pts]

        ii = brg(bp)
        if o["BargnModel"] == "InitOnlyInterp":
            new = [(i, j, *ii)]
        else:
            ph, e = prob_edu(U, j, i, i, j, cap, ssum, o)
            jj = brg(e if o["ktab_quirks"] else ph)
            if o["BargnModel"] == "InitRcvrInterp":
                new = [(i, j, *ii), (i, j, *jj)]
            else:
                wi = cap[i] * ssum[i]
                wj = (cap[i] if o["ktab_quirks"] else cap[j]) * ssum[j]
                mix = [[(wi * a + wj * b) / (wi + wj) for a, b in zip(ii[s], jj[s], strict=True)]
                       for s in range(2)]
                new = [(i, j, *mix)]
        lists[i].extend(new)
        lists[j].extend(new)
    for k in range(n):  # status quo first, then by initiator (as the model orders them)
        lists[k] = [lists[k][0]] + sorted(lists[k][1:], key=lambda b: b[0])
    newX = [row[:] for row in X]
    for k in range(n):
        ub = []
        for bi, bj, pi, pj in lists[k]:
            row = []
            for m in range(n):
                if bi == bj:
                    s = sum(U[m][m][q] for q in range(n))
                else:
                    s = util(wdist(X[m], pi, S[m]), R[m]) + util(wdist(X[m], pj, S[m]), R[m])
                    s += sum(U[m][m][q] for q in range(n) if q not in (bi, bj))
                row.append(s / n)
            ub.append(row)
        u = [[ub[b][m] for b in range(len(ub))] for m in range(n)]
        pb = pce(coalitions(u, cap, o["VotingRule"]), o["PCEModel"], o["VictoryProbModel"])
        pick = max(range(len(pb)), key=lambda q: (pb[q], -q))
        bi, bj, pi, pj = lists[k][pick]
        if bi != bj:
            newX[k] = list(pi if bi == k else pj)
    return newX, R


def run(X, S, cap, o, max_iter=100):
    hist = [[list(r) for r in X]]
    while True:
        it = len(hist)
        hist.append(step(hist[-1], S, cap, o)[0])

        def dist(a, b):
            return sum(math.dist(x, y) for x, y in zip(a, b, strict=True))

        ratio = dist(hist[-2], hist[-1]) / (dist(hist[0], hist[1]) + 1e-4)
        if it >= max_iter or (it >= 2 and ratio < 0.02):
            return hist
