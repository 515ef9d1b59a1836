"""Landscape theory of aggregation (Axelrod & Bennett 1993): myopic energy minimisation.

Model [1]_: actors of size ``s_i`` with pairwise propensities ``p_ij`` (here the signed
ties: positive, inclined to work together) sit in two coalitions; ``d_ij = 1`` when ``i`` and
``j`` are apart. The frustration of actor ``i`` is ``F_i = sum_j s_j p_ij d_ij`` and the
energy of the configuration

    E = sum_{i<j} s_i s_j p_ij d_ij        (= (1/2) sum_i s_i F_i).

An actor changes sides when that lowers its frustration; since ``dE = s_i dF_i`` this
lowers ``E``, so myopic, incremental actors end in a local minimum of ``E``: a configuration
from which no single actor gains by changing sides.

What the paper states (its abstract): the theory "predicts how aggregation will lead to
alignments among actors (such as nations), whose leaders are myopic in their assessments and
incremental in their actions", through "a local minimum in the energy landscape of the
entire system", and "is supported by the results of two cases: the alignment of seventeen
European nations in the Second World War" and of companies in computer standards. Their
17-nation sizes and propensities could not be found through the search tools (a
reconstruction in a public repository is not their data), so the WWII alignment is not
reproduced; the theory's properties are checked instead on cases verified by exhaustive
enumeration (``tests/engines/align/test_dynamics_landscape.py``): the minima are exactly the
configurations no actor can improve; every myopic run ends in one and never raises E; from
a start, random move orders reach exactly the minima of a breadth-first search over
improving moves; E is the frustration of the network weighted ``s_i s_j |p_ij|`` minus a
constant, so the global minimum is the exact frustration index; sizes weight propensities.

Implementation. Each step considers ``rate * n`` actors drawn at random (with replacement);
``dE_i`` is kept for every actor and updated in O(n) per move (numba). Moves must lower E by
more than 1e-12 of ``sum |s_i s_j p_ij|`` (no cycling on round-off). Reported ties are the
alignment: ``+|p_ij|`` for actors in the same coalition, ``-|p_ij|`` across (fixed ties:
their value). Two coalitions, as in their applications (the general theory allows more).

References
----------
.. [1] Axelrod, R., & Bennett, D. S. (1993). A landscape theory of aggregation. British
   Journal of Political Science 23(2), 211-233.
"""

from __future__ import annotations

__all__ = ["run_landscape", "landscape_energy", "landscape_minima", "landscape_reachable",
           "size_weighted"]

from collections import deque

import numba
import numpy as np
import pandas as pd

from factions.engines.align.dynamics.result import Outcome, Recorder
from factions.engines.align.dynamics.state import DynamicsState, balanced_labels, prepare
from factions.errors import EngineError, InputError

_EPS = 1e-12  # relative: moves must lower E by more than _EPS * sum |W|
MAX_EXHAUSTIVE = 24


def size_weighted(weights: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``W_ij = s_i s_j p_ij`` (zero diagonal)."""
    w = sizes[:, None] * sizes[None, :] * weights
    np.fill_diagonal(w, 0.0)
    return w


def landscape_energy(weights: np.ndarray, sizes: np.ndarray, labels: np.ndarray) -> float:
    """``E = sum_{i<j} s_i s_j p_ij d_ij`` for coalition labels (0/1) ``labels``."""
    apart = labels[:, None] != labels[None, :]
    return float(np.triu(size_weighted(weights, sizes) * apart, 1).sum())


def _delta(w: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``dE_i``: change of E if actor ``i`` alone changes sides."""
    same = labels[:, None] == labels[None, :]
    return np.where(same, w, -w).sum(axis=1)


@numba.njit(cache=True)
def _move(i, w, labels, de):
    n = labels.shape[0]
    for j in range(n):
        if j != i:
            # the term of j for pair (i, j) changes sign with d_ij
            de[j] -= 2.0 * w[i, j] if labels[i] == labels[j] else -2.0 * w[i, j]
    labels[i] = 1 - labels[i]
    de[i] = -de[i]


@numba.njit(cache=True)
def _myopic(rng, w, labels, de, inertia, budget, eps):
    """Random myopic moves; returns (considerations used, 1 if a local minimum)."""
    n = labels.shape[0]
    for it in range(budget):
        if de.min() >= -eps:
            return it, 1
        i = rng.integers(0, n)
        if de[i] < -eps:
            if inertia > 0.0 and rng.random() < inertia:
                continue
            _move(i, w, labels, de)
    return budget, 1 if de.min() >= -eps else 0


def _vector(value, nodes, name, default, kind=float):
    n = len(nodes)
    if value is None:
        return default
    if isinstance(value, dict):
        index = {str(x): i for i, x in enumerate(nodes)}
        index.update({x: i for i, x in enumerate(nodes)})
        out = np.full(n, np.nan)
        problems = [f"{name} names unknown actor {k!r}" for k in value if k not in index]
        for k, x in value.items():
            if k in index:
                out[index[k]] = x
        problems += [f"{name} has no value for actor {nodes[i]!r}"
                     for i in np.flatnonzero(np.isnan(out))]
    else:
        out = np.asarray(value, dtype=float)
        problems = [] if out.shape == (n,) else [f"{name} needs {n} values; got {out.size}"]
    if problems:
        raise InputError("\n".join(problems))
    return out.astype(kind)


def _inputs(st: DynamicsState, opts: dict, rng: np.random.Generator):
    sizes = _vector(opts.get("sizes"), st.nodes, "sizes", np.ones(st.n))
    bad = [f"size of actor {st.nodes[i]!r} must be positive; got {sizes[i]:g}"
           for i in np.flatnonzero(~(sizes > 0))]
    start = opts.get("start")
    if start is None:
        labels = rng.integers(0, 2, size=st.n).astype(np.int64)
    else:
        labels = _vector(start, st.nodes, "start", None, kind=float)
        bad += [f"start coalition of actor {st.nodes[i]!r} must be 0 or 1; got {labels[i]:g}"
                for i in np.flatnonzero(~np.isin(labels, (0.0, 1.0)))]
        labels = labels.astype(np.int64)
    if bad:
        raise InputError("\n".join(bad))
    return sizes, labels


def _alignment(st: DynamicsState, labels: np.ndarray) -> np.ndarray:
    same = labels[:, None] == labels[None, :]
    x = np.where(st.present, np.where(same, 1.0, -1.0) * np.abs(st.weights), 0.0)
    return np.where(st.fixed, st.weights, x)


def run_landscape(st: DynamicsState, opts: dict, rng: np.random.Generator,
                  rec: Recorder) -> Outcome:
    """Myopic minimisation of the landscape energy from a starting configuration.

    Parameters
    ----------
    st : DynamicsState
        Propensities ``p_ij`` (the signed ties).
    opts : dict
        Validated options: ``sizes`` (actor -> size > 0, default 1), ``start`` (actor ->
        coalition 0/1, default random from ``rng``) and the common ones.
    rng : numpy.random.Generator
        Start (when not given) and the order of the actors' decisions.
    rec : Recorder
        Trajectory recorder (summary column ``energy``).

    Returns
    -------
    Outcome
        ``status='local_minimum'`` when no actor gains; ``extra``: ``energy``,
        ``coalitions``, ``moves_considered``.

    Raises
    ------
    InputError
        ``sizes`` or ``start`` naming unknown actors, missing actors, non-positive sizes,
        coalitions other than 0/1.

    Examples
    --------
    >>> import numpy as np
    >>> from factions.engines.align import balance_dynamics
    >>> x = np.array([[0, -1, .4], [-1, 0, .8], [.4, .8, 0]])
    >>> balance_dynamics(x, "landscape", start=[0, 1, 0]).blocs.tolist()
    [0, 1, 1]

    Notes
    -----
    Cost O(n) per move and per local-minimum test.
    """
    sizes, labels = _inputs(st, opts, rng)
    w = size_weighted(st.weights, sizes)
    de = _delta(w, labels)
    eps = _EPS * max(np.abs(w).sum(), 1.0)
    rate, steps = opts["rate"], opts["steps"]
    limit = steps if steps is not None else opts["max_steps"]
    energy = landscape_energy(st.weights, sizes, labels)
    x = _alignment(st, labels)
    rec.record(0, 0.0, x, balanced=balanced_labels(x) is not None, energy=energy)
    used, code, k, t = 0, 0, 0, 0.0
    for k in range(1, limit + 1):
        target = int(round(k * rate * st.n))
        it, code = _myopic(rng, w, labels, de, opts["inertia"], target - used, eps)
        used += it
        t = used / max(st.n, 1)
        if code or rec.due(k):
            x = _alignment(st, labels)
            rec.record(k, t, x, balanced=balanced_labels(x) is not None,
                       energy=landscape_energy(st.weights, sizes, labels))
        if code:
            break
    energy = landscape_energy(st.weights, sizes, labels)
    x = _alignment(st, labels)
    rec.record(k, t, x, balanced=balanced_labels(x) is not None, energy=energy)
    status = "local_minimum" if code else ("steps" if steps is not None else "max_steps")
    return Outcome(x, status, bool(code), k, float(t),
                   {"energy": energy, "coalitions": labels.tolist(), "moves_considered": used})


@numba.njit(cache=True)
def _all_minima(w, n, eps):
    """Local minima and steepest-descent basin sizes over all 2^(n-1) configurations
    (actor 0 in coalition 0; the two coalitions are unlabelled)."""
    total = 1 << (n - 1)
    basin = np.zeros(total, dtype=np.int64)
    is_min = np.zeros(total, dtype=np.bool_)
    labels = np.zeros(n, dtype=np.int64)
    de = np.zeros(n)
    for c in range(total):
        for i in range(n):
            labels[i] = (c << 1 >> i) & 1
        while True:
            for i in range(n):
                s = 0.0
                for j in range(n):
                    s += w[i, j] if labels[i] == labels[j] else -w[i, j]
                de[i] = s
            best = np.argmin(de)
            if de[best] >= -eps:
                break
            labels[best] = 1 - labels[best]
        code = 0
        for i in range(1, n):
            if labels[i] != labels[0]:
                code |= 1 << (i - 1)
        basin[code] += 1
        if code == c:
            is_min[c] = True
    return is_min, basin


def _decode(c: int, n: int) -> np.ndarray:
    return np.array([0] + [(c >> (i - 1)) & 1 for i in range(1, n)], dtype=np.int64)


def _prepared(graph, sizes):
    st = prepare(graph)
    if st.n > MAX_EXHAUSTIVE:
        raise EngineError(f"exhaustive landscape enumeration is limited to {MAX_EXHAUSTIVE} "
                          f"actors; got {st.n}")
    s = _vector(sizes, st.nodes, "sizes", np.ones(st.n))
    return st, s, size_weighted(st.weights, s)


def landscape_minima(graph, sizes=None) -> pd.DataFrame:
    """Every local minimum of the landscape energy, by exhaustive enumeration.

    Parameters
    ----------
    graph : SignedGraph, networkx.Graph or (n, n) array
        Propensities ``p_ij`` in [-1, 1].
    sizes : mapping or sequence, optional
        Sizes ``s_i > 0`` (default all 1).

    Returns
    -------
    pandas.DataFrame
        ``coalition_1`` (actors apart from the first actor's coalition, as a tuple),
        ``energy`` and ``basin`` (configurations whose steepest descent ends there), sorted
        by energy.

    Raises
    ------
    EngineError
        More than 24 actors (2^(n-1) configurations).

    Notes
    -----
    Cost O(2^n n^2) per descent step. A configuration is a local minimum when no single
    actor lowers ``E`` by changing sides (ties within 1e-12 relative count as no gain).
    """
    st, s, w = _prepared(graph, sizes)
    eps = _EPS * max(np.abs(w).sum(), 1.0)
    is_min, basin = _all_minima(w, st.n, eps)
    rows = []
    for c in np.flatnonzero(is_min):
        labels = _decode(int(c), st.n)
        rows.append({"coalition_1": tuple(st.nodes[i] for i in np.flatnonzero(labels)),
                     "energy": landscape_energy(st.weights, s, labels),
                     "basin": int(basin[c])})
    return pd.DataFrame(rows).sort_values("energy", kind="stable").reset_index(drop=True)


def landscape_reachable(graph, start, sizes=None) -> pd.DataFrame:
    """Local minima reachable from ``start`` by sequences of energy-lowering single moves.

    Parameters
    ----------
    graph : SignedGraph, networkx.Graph or (n, n) array
        Propensities.
    start : mapping actor -> 0/1 or sequence
        Starting coalitions.
    sizes : mapping or sequence, optional
        Sizes (default all 1).

    Returns
    -------
    pandas.DataFrame
        ``coalition_1`` (actors not with the first actor) and ``energy``, sorted by energy.

    Notes
    -----
    Breadth-first search over the configurations that myopic moves can visit: every outcome
    of :func:`run_landscape` from ``start`` (any move order, no inertia) is in this set.
    Worst case O(2^n n^2).
    """
    st, s, w = _prepared(graph, sizes)
    eps = _EPS * max(np.abs(w).sum(), 1.0)
    first = tuple(int(x) for x in _vector(start, st.nodes, "start", None))
    seen, queue, minima = {first}, deque([first]), set()
    while queue:
        cfg = np.array(queue.popleft(), dtype=np.int64)
        de = _delta(w, cfg)
        moves = np.flatnonzero(de < -eps)
        if moves.size == 0:
            canon = cfg if cfg[0] == 0 else 1 - cfg
            minima.add(tuple(int(x) for x in canon))
        for i in moves:
            nxt = cfg.copy()
            nxt[i] = 1 - nxt[i]
            key = tuple(int(x) for x in nxt)
            if key not in seen:
                seen.add(key)
                queue.append(key)
    rows = [{"coalition_1": tuple(st.nodes[i] for i in np.flatnonzero(np.array(m))),
             "energy": landscape_energy(st.weights, s, np.array(m))} for m in minima]
    return pd.DataFrame(rows).sort_values("energy", kind="stable").reset_index(drop=True)
