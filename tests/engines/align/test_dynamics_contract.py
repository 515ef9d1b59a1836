"""The contract every balance-dynamics model meets: fixed ties, balanced fixed points,
symmetries (relabelling, switching), determinism and the trajectory table."""

import networkx as nx
import numpy as np
import pytest

from factions.engines.align import balance_dynamics, signed_graph
from factions.engines.align.dynamics import MODELS, balanced_labels

ALL = list(MODELS)
STOCHASTIC = [m for m, s in MODELS.items() if s.stochastic]


def _random(n, seed, signs=False):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, n))
    if signs:
        x = np.sign(x) * rng.uniform(0.2, 1.0, size=(n, n))
    x = np.triu(x, 1)
    return x + x.T


def _same_partition(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return all((a[i] == a[j]) == (b[i] == b[j]) for i in range(a.size) for j in range(a.size))


@pytest.mark.parametrize("model", ALL)
def test_fixed_ties_never_move(model):
    x = _random(8, 1, signs=True)
    fixed = [(0, 1), (2, 5), (3, 7)]
    rate = 0.03 if model in ("continuous", "heider") else 0.5
    res = balance_dynamics(x, model, fixed=fixed, seed=3, steps=6, rate=rate)
    for a, b in fixed:
        assert res.matrix[a, b] == x[a, b] and res.matrix[b, a] == x[a, b]
        w = res.trajectory.query("a == @a and b == @b")["weight"]
        assert len(w) == len(res.summary) >= 2 and (w == x[a, b]).all()
    assert res.fixed[0, 1] and not res.fixed[0, 2]
    # the free ties did move (otherwise the check above proves nothing)
    assert not np.allclose(res.matrix[~res.fixed], x[~res.fixed])


@pytest.mark.parametrize("model", ["local_triad", "constrained_triad", "landscape"])
def test_balanced_network_is_a_fixed_point(model):
    # two blocs {0,1,2} and {3,4,5}: positive inside, negative across, various strengths
    side = np.array([1, 1, 1, -1, -1, -1.0])
    x = np.outer(side, side) * np.linspace(0.3, 0.9, 36).reshape(6, 6)
    x = np.triu(x, 1) + np.triu(x, 1).T
    start = {i: int(side[i] < 0) for i in range(6)}
    extra = {"start": start} if model == "landscape" else {}
    res = balance_dynamics(x, model, seed=0, **extra)
    assert res.converged and np.array_equal(res.matrix, x)
    assert _same_partition(res.blocs, side > 0)
    assert res.status == ("local_minimum" if model == "landscape" else "balanced")


@pytest.mark.parametrize("model", ["continuous", "heider"])
def test_balanced_network_keeps_its_signs_in_continuous_models(model):
    """dX/dt = X^2 is not zero on a balanced X: its weights grow (towards +-R for heider),
    but the sign pattern, hence the blocs, is kept at every step."""
    side = np.array([1, 1, -1, -1, -1.0])
    x = 0.3 * np.outer(side, side)
    np.fill_diagonal(x, 0)
    res = balance_dynamics(x, model, steps=5, rate=0.2)
    assert (np.sign(res.matrix) == np.sign(x)).all()
    assert np.abs(res.matrix).sum() > np.abs(x).sum()  # it did move
    assert res.summary["balanced"].all()
    if model == "heider":  # at |r| = R the bounded dynamics stops exactly
        full = np.outer(side, side)
        np.fill_diagonal(full, 0)
        assert np.array_equal(balance_dynamics(full, model, steps=3).matrix, full)


@pytest.mark.parametrize("model", ["continuous", "heider"])
def test_relabelling_commutes_with_deterministic_models(model):
    x = _random(9, 4)
    perm = np.random.default_rng(0).permutation(9)
    a = balance_dynamics(x, model, steps=4, rate=0.1)
    b = balance_dynamics(x[np.ix_(perm, perm)], model, steps=4, rate=0.1)
    np.testing.assert_allclose(b.matrix, a.matrix[np.ix_(perm, perm)], atol=1e-9)


def test_relabelling_landscape_minima_are_equivariant():
    from factions.engines.align import landscape_minima

    x = _random(8, 5)
    perm = np.random.default_rng(1).permutation(8)
    names = [f"n{i}" for i in range(8)]
    a = landscape_minima(nx.relabel_nodes(_graph(x), dict(enumerate(names))))
    g2 = nx.relabel_nodes(_graph(x[np.ix_(perm, perm)]), {k: names[perm[k]] for k in range(8)})
    b = landscape_minima(g2)
    assert np.allclose(sorted(a["energy"]), sorted(b["energy"]))
    key = lambda df: {frozenset(c) if "n0" not in c else frozenset(set(names) - set(c))  # noqa: E731
                      for c in df["coalition_1"]}
    assert key(a) == key(b)


def _graph(x):
    g = nx.Graph()
    g.add_nodes_from(range(x.shape[0]))
    for i, j in zip(*np.nonzero(np.triu(x, 1)), strict=True):
        g.add_edge(int(i), int(j), weight=float(x[i, j]))
    return g


@pytest.mark.parametrize("model", ["continuous", "heider", "constrained_triad"])
def test_switching_symmetry(model):
    """X -> D X D (D = diag(+-1)) commutes with the model: exactly, seed for seed."""
    x = _random(10, 7, signs=True)
    d = np.array([1, -1, 1, 1, -1, -1, 1, -1, 1, 1.0])
    a = balance_dynamics(x, model, seed=11, steps=3, rate=0.1)
    b = balance_dynamics(d[:, None] * x * d[None, :], model, seed=11, steps=3, rate=0.1)
    np.testing.assert_allclose(b.matrix, d[:, None] * a.matrix * d[None, :], atol=1e-9)


def test_switching_maps_landscape_minima_to_minima():
    from factions.engines.align import landscape_minima

    x = _random(9, 8)
    d = np.array([1, -1, -1, 1, 1, -1, 1, 1, -1.0])
    a = landscape_minima(x)
    b = landscape_minima(d[:, None] * x * d[None, :])
    assert len(a) == len(b)
    shift = a["energy"].to_numpy() - b["energy"].to_numpy()
    assert np.allclose(shift, shift[0])  # the whole landscape shifts by one constant
    flip = set(np.flatnonzero(d < 0).tolist())
    moved = {frozenset(set(c) ^ flip) for c in a["coalition_1"]}
    canon = {c if 0 not in c else frozenset(set(range(9)) - c) for c in moved}
    assert canon == {frozenset(c) for c in b["coalition_1"]}


def test_local_triad_is_not_switching_symmetric():
    """p treats positive and negative ties differently: at p = 1 no tie ever turns negative,
    so paradise minus one tie returns to paradise, while its switched image (actors 0 and 1
    on opposite sides, their tie positive) can never reach the switched paradise, in which
    that tie is negative."""
    n = 8
    x = np.ones((n, n))
    np.fill_diagonal(x, 0)
    x[0, 1] = x[1, 0] = -1
    d = np.array([1, -1, 1, 1, -1, -1, 1, -1.0])
    a = balance_dynamics(x, "local_triad", p=1.0, seed=2)
    b = balance_dynamics(d[:, None] * x * d[None, :], "local_triad", p=1.0, seed=2)
    assert a.status == b.status == "balanced"
    assert (a.matrix[~np.eye(n, dtype=bool)] > 0).all()
    assert not np.array_equal(b.matrix, d[:, None] * a.matrix * d[None, :])
    assert b.matrix[0, 1] > 0


def test_reversing_every_sign_unbalances_a_balanced_network():
    side = np.array([1, 1, -1, -1.0])
    x = np.outer(side, side) * 0.5
    np.fill_diagonal(x, 0)
    assert balanced_labels(x) is not None and balanced_labels(-x) is None


@pytest.mark.parametrize("model", STOCHASTIC)
def test_same_seed_same_result_other_seed_other_result(model):
    x = _random(12, 9, signs=True)
    runs = [balance_dynamics(x, model, seed=s, steps=3, rate=0.3) for s in (5, 5, 6)]
    assert np.array_equal(runs[0].matrix, runs[1].matrix)
    assert runs[0].trajectory.equals(runs[1].trajectory)
    assert not runs[0].trajectory.equals(runs[2].trajectory)


def test_graph_matrix_and_networkx_inputs_agree():
    g = signed_graph([("a", "b", 1, 0.5), ("b", "c", -1, 0.4), ("a", "c", -1, 0.9),
                      ("c", "d", 1, 0.2)])
    from factions.engines.align import to_networkx

    a = balance_dynamics(g, "heider", steps=2)
    b = balance_dynamics(to_networkx(g), "heider", steps=2)
    x = np.zeros((4, 4))
    for u, v, s, w in g.edges():
        i, j = "abcd".index(u), "abcd".index(v)
        x[i, j] = x[j, i] = s * w
    c = balance_dynamics(x, "heider", steps=2, nodes=list("abcd"))
    assert np.array_equal(a.matrix, b.matrix) and np.array_equal(a.matrix, c.matrix)
    assert a.nodes == c.nodes == ("a", "b", "c", "d")


def test_trajectory_is_tidy_and_summary_per_recorded_step():
    x = _random(6, 2, signs=True)
    res = balance_dynamics(x, "local_triad", p=0.4, steps=4, seed=1)
    t = res.trajectory
    assert list(t.columns) == ["step", "time", "a", "b", "weight"]
    assert sorted(t["step"].unique()) == [0, 1, 2, 3, 4][: t["step"].nunique()]
    assert (t.groupby("step").size() == 15).all()  # every tie of K6 at every step
    assert list(res.summary["step"]) == sorted(t["step"].unique())
    first = t[t["step"] == 0].set_index(["a", "b"])["weight"]
    assert first[(0, 1)] == x[0, 1]
    every0 = balance_dynamics(x, "local_triad", p=0.4, steps=4, seed=1, record_every=0)
    assert every0.trajectory["step"].nunique() == 2
    assert np.array_equal(every0.matrix, res.matrix)  # recording does not change the run


def test_inertia_slows_the_discrete_models_down():
    x = _random(16, 3, signs=True)
    fast = [balance_dynamics(x, "constrained_triad", seed=s).time for s in range(20)]
    slow = [balance_dynamics(x, "constrained_triad", seed=s, inertia=0.5).time
            for s in range(20)]
    assert np.mean(slow) > 1.5 * np.mean(fast)


def test_result_helpers():
    x = _random(5, 6, signs=True)
    res = balance_dynamics(x, "constrained_triad", seed=0)
    assert set(res.partition()) == set(range(5))
    assert len(res.ties()) == 10 and {"a", "b", "weight", "fixed"} <= set(res.ties().columns)
    g = res.to_graph()
    assert g.n == 5 and g.m == 10
    d = res.to_dict()
    assert d["status"] == res.status and len(d["blocs"]) == 5


@pytest.mark.parametrize("model", ["local_triad", "constrained_triad"])
def test_triads_on_a_sparse_graph_stop_at_triangles(model):
    """A 4-cycle with one negative tie has no triangle at all: the triad models cannot act
    on it, and it is not structurally balanced."""
    g = signed_graph([("a", "b", 1), ("b", "c", 1), ("c", "d", 1), ("a", "d", -1)])
    res = balance_dynamics(g, model, seed=0)
    assert res.status == "triad_balanced" and res.converged and not res.balanced
    assert np.array_equal(res.matrix, res.initial)
    g2 = signed_graph([("a", "b", 1), ("b", "c", 1), ("a", "c", -1), ("c", "d", -1)])
    kw = {"p": 1.0} if model == "local_triad" else {}
    done = balance_dynamics(g2, model, seed=0, **kw)  # one imbalanced triangle: resolved
    assert done.status == "balanced" and done.balanced
