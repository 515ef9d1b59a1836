"""Flow model: conservation, non-negativity, closed borders, returns, modes, reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factions.engines.displace import (
    FlowParameters,
    LocationKind,
    build_network,
    check_inputs,
    edge_probabilities,
    leave_probability,
    simulate_flows,
)


def small_network(pop=(6e6, 2e7, 7e5, 5e5, 1.8e6)):
    return build_network(
        ["baghdad", "rest", "syria", "jordan", "idp"],
        ["origin", "origin", "host", "host", "idp"],
        list(pop),
        [("baghdad", "rest", 300), ("baghdad", "syria", 800), ("baghdad", "jordan", 900),
         ("baghdad", "idp", 50), ("rest", "syria", 500), ("rest", "idp", 60),
         ("rest", "jordan", 700), ("syria", "jordan", 200)],
    )


@st.composite
def random_case(draw):
    n = draw(st.integers(2, 9))
    kinds = draw(st.lists(st.sampled_from(["origin", "host", "idp"]), min_size=n, max_size=n))
    pop = draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    dist = draw(st.lists(st.floats(1.0, 2000.0), min_size=len(chosen), max_size=len(chosen)))
    ids = [f"l{i}" for i in range(n)]
    routes = [(ids[i], ids[j], d) for (i, j), d in zip(chosen, dist, strict=True)]
    steps = draw(st.integers(1, 6))
    viol = draw(st.lists(st.floats(0, 100), min_size=n * steps, max_size=n * steps))
    restr = draw(st.lists(st.floats(0, 1), min_size=n * steps, max_size=n * steps))
    hard = draw(st.lists(st.floats(0, 1), min_size=n * steps, max_size=n * steps))
    params = FlowParameters(
        violence_sensitivity=draw(st.floats(0, 0.5)), base_return=draw(st.floats(0, 0.5)),
        return_safety=draw(st.floats(0, 1)), distance_power=draw(st.floats(0, 2)))
    net = build_network(ids, kinds, pop, routes)
    shape = (steps, n)
    inputs = check_inputs(net, np.reshape(viol, shape), np.reshape(restr, shape),
                          np.reshape(hard, shape))
    return net, inputs, params


@settings(max_examples=60, deadline=None)
@given(random_case(), st.integers(0, 2**31))
def test_stochastic_conserves_exactly_and_stays_nonnegative(case, seed):
    net, inputs, params = case
    run = simulate_flows(net, inputs, params, mode="stochastic", rng=np.random.default_rng(seed))
    assert run.stocks.dtype == np.int64
    assert np.all(run.stocks.sum(axis=1) == int(net.population.sum()))
    assert run.stocks.min() >= 0
    # every arrival is someone's departure
    assert np.array_equal(run.departures.sum(axis=1), run.arrivals.sum(axis=1))


@settings(max_examples=60, deadline=None)
@given(random_case())
def test_expected_conserves_and_stays_nonnegative(case):
    net, inputs, params = case
    run = simulate_flows(net, inputs, params, mode="expected")
    total = net.population.sum()
    assert np.allclose(run.stocks.sum(axis=1), total, rtol=1e-12, atol=1e-6)
    assert run.stocks.min() >= 0.0
    assert np.allclose(run.stocks[1:] - run.stocks[:-1], run.arrivals - run.departures,
                       rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("mode", ["expected", "stochastic"])
def test_closed_border_receives_nobody(mode):
    net = small_network()
    steps = 24
    viol = np.zeros((steps, 5))
    viol[:, :2] = 30.0
    restr = np.zeros((steps, 5))
    restr[:, net.index("syria")] = 1.0
    run = simulate_flows(net, check_inputs(net, viol, restr, np.zeros(5)), mode=mode,
                         rng=np.random.default_rng(3))
    s = net.index("syria")
    assert run.arrivals[:, s].sum() == 0
    assert np.all(np.diff(run.stocks[:, s]) <= 0)
    # ... while the open host next door does receive people
    assert run.arrivals[:, net.index("jordan")].sum() > 0


def test_all_routes_closed_means_leavers_stay():
    net = build_network(["a", "h"], ["origin", "host"], [1000, 0], [("a", "h", 100)])
    inputs = check_inputs(net, np.full((5, 2), 50.0), np.array([0.0, 1.0]), np.zeros(2))
    run = simulate_flows(net, inputs, mode="stochastic", rng=np.random.default_rng(0))
    assert np.all(run.stocks[:, 0] == 1000)


def _returns(violence_after):
    net = small_network()
    steps = 36
    viol = np.zeros((steps, 5))
    viol[:, :2] = 30.0
    viol[12:, :2] = violence_after
    run = simulate_flows(net, check_inputs(net, viol, np.zeros(5), np.full(5, 0.2)),
                         FlowParameters(return_safety=0.05))
    return run.returns[12:].sum(), run


def test_returns_happen_when_origin_violence_drops():
    calm, run = _returns(0.0)
    still_violent, _ = _returns(30.0)
    assert calm > 0
    assert calm > 1.5 * still_violent
    hosts = [run.stocks[:, i] for i in (2, 3)]
    # host stocks grow while violence is high, shrink once it has fallen
    for h in hosts:
        assert h[12] > h[0]
        assert h[-1] < h[12]


def test_hardship_and_restriction_push_returns():
    net = small_network()
    viol = np.full((24, 5), 10.0)
    base = simulate_flows(net, check_inputs(net, viol, np.zeros(5), np.zeros(5)))
    restr = np.zeros((24, 5))
    restr[:, net.index("syria")] = 0.8
    pushed = simulate_flows(net, check_inputs(net, viol, restr, np.zeros(5)))
    s = net.index("syria")
    assert pushed.returns[:, s].sum() > base.returns[:, s].sum()
    poor = np.zeros(5)
    poor[s] = 0.9
    poorer = simulate_flows(net, check_inputs(net, viol, np.zeros(5), poor))
    assert poorer.returns[:, s].sum() > base.returns[:, s].sum()


def _reference_expected(net, inputs, params):
    """Dense transition-matrix reference: N_{t+1} = N_t M_t, M built entry by entry."""
    n = net.n_locations
    stock = net.population.copy()
    out = [stock.copy()]
    for t in range(inputs.n_steps):
        v, r, h = inputs.violence[t], inputs.restriction[t], inputs.hardship[t]
        lp = leave_probability(net, v, r, h, params, 1.0)
        ep = edge_probabilities(net, v, r, h, params)
        m = np.eye(n)
        for e in range(net.n_edges):
            i, j = int(net.src[e]), int(net.dst[e])
            m[i, j] += lp[i] * ep[e]
            m[i, i] -= lp[i] * ep[e]
        stock = stock @ m
        out.append(stock.copy())
    return np.array(out)


def test_expected_matches_dense_reference():
    net = small_network()
    rng = np.random.default_rng(5)
    inputs = check_inputs(net, rng.uniform(0, 40, (10, 5)), rng.uniform(0, 1, (10, 5)),
                          rng.uniform(0, 1, (10, 5)))
    params = FlowParameters(return_safety=0.1, distance_power=1.3)
    run = simulate_flows(net, inputs, params)
    assert np.allclose(run.stocks, _reference_expected(net, inputs, params), rtol=1e-10)


def test_leave_probability_by_hand():
    net = build_network(["a", "h"], ["origin", "host"], [100, 100], [("a", "h", 100)])
    p = FlowParameters(base_flight=0.01, violence_sensitivity=0.002, base_return=0.03,
                       return_hardship=0.1, return_restriction=0.2, return_safety=0.4,
                       safety_scale=10.0)
    lp = leave_probability(net, np.array([10.0, 0.0]), np.array([0.0, 0.5]),
                           np.array([0.0, 0.25]), p, 2.0)
    assert lp[0] == pytest.approx(1 - np.exp(-(0.01 + 0.002 * 10) * 2))
    hazard_h = 0.03 + 0.1 * 0.25 + 0.2 * 0.5 + 0.4 * np.exp(-1.0)
    assert lp[1] == pytest.approx(1 - np.exp(-hazard_h * 2))


def test_stochastic_is_reproducible_and_agrees_with_expected_on_average():
    net = small_network(pop=(60000, 200000, 7000, 5000, 18000))
    viol = np.zeros((12, 5))
    viol[:, :2] = 20.0
    inputs = check_inputs(net, viol, np.zeros(5), np.full(5, 0.3))
    a = simulate_flows(net, inputs, mode="stochastic", rng=np.random.default_rng(11))
    b = simulate_flows(net, inputs, mode="stochastic", rng=np.random.default_rng(11))
    assert np.array_equal(a.stocks, b.stocks)
    exp = simulate_flows(net, inputs).stocks[-1]
    finals = np.array([simulate_flows(net, inputs, mode="stochastic",
                                      rng=np.random.default_rng(s)).stocks[-1]
                       for s in range(20)])
    assert len({tuple(f) for f in finals}) > 1  # the seed matters
    mean, se = finals.mean(axis=0), finals.std(axis=0, ddof=1) / np.sqrt(len(finals))
    assert np.all(np.abs(mean - exp) <= 4 * se + 1.0)


def test_kinds_are_enum_codes():
    net = small_network()
    assert net.mask(LocationKind.HOST).sum() == 2
    assert net.indptr[-1] == net.n_edges == 16


@settings(max_examples=40, deadline=None)
@given(random_case(), st.data())
def test_closed_location_never_receives_anyone(case, data):
    net, inputs, params = case
    closed = data.draw(st.integers(0, net.n_locations - 1))
    restr = inputs.restriction.copy()
    restr[:, closed] = 1.0
    inputs = check_inputs(net, inputs.violence, restr, inputs.hardship)
    for mode in ("expected", "stochastic"):
        run = simulate_flows(net, inputs, params, mode=mode, rng=np.random.default_rng(1))
        assert np.all(run.arrivals[:, closed] == 0)


def test_route_choice_is_inverse_distance_like_flee():
    # one origin, two hosts at 100 and 200 km with equal pull: twice as many go to the nearer
    net = build_network(["a", "near", "far"], ["origin", "host", "host"], [1e6, 0, 0],
                        [("a", "near", 100), ("a", "far", 200)])
    inputs = check_inputs(net, np.array([[20.0, 0.0, 0.0]]), np.zeros(3), np.zeros(3))
    run = simulate_flows(net, inputs, FlowParameters(distance_power=1.0))
    assert run.stocks[1, 1] == pytest.approx(2 * run.stocks[1, 2])
    squared = simulate_flows(net, inputs, FlowParameters(distance_power=2.0))
    assert squared.stocks[1, 1] == pytest.approx(4 * squared.stocks[1, 2])
