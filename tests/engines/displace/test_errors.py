"""Bad locations, routes, dates, arrays and parameters raise clear InputErrors."""

from __future__ import annotations

import numpy as np
import pytest

from factions.engines.displace import (
    FlowParameters,
    build_network,
    check_inputs,
    simulate_flows,
    validate_months,
)
from factions.errors import InputError


def net2():
    return build_network(["a", "h"], ["origin", "host"], [10, 0], [("a", "h", 100)])


@pytest.mark.parametrize(
    "ids, kinds, pop, routes, message",
    [
        ([], [], [], [], "at least one location"),
        (["a", "a"], ["origin", "host"], [1, 1], [], "duplicate id 'a'"),
        (["a", ""], ["origin", "host"], [1, 1], [], r"locations\[1\]: id must be"),
        (["a", "b"], ["origin", "camp"], [1, 1], [], r"locations\[1\] \(b\): kind must be"),
        (["a", "b"], ["origin"], [1, 1], [], "expected 2 entries"),
        (["a", "b"], ["origin", "host"], [1, -5], [], r"locations\[1\] \(b\): population"),
        (["a", "b"], ["origin", "host"], [1, np.nan], [], "population must be finite"),
        (["a", "b"], ["origin", "host"], [1, 1], [("a", "x", 5)], r"routes\[0\]: unknown location 'x'"),
        (["a", "b"], ["origin", "host"], [1, 1], [("a", "a", 5)], "two different locations"),
        (["a", "b"], ["origin", "host"], [1, 1], [("a", "b", 0)], r"routes\[0\] \(a-b\): distance_km"),
        (["a", "b"], ["origin", "host"], [1, 1], [("a", "b", "far")], "must be a number"),
        (["a", "b"], ["origin", "host"], [1, 1], [("a", "b", 5), ("b", "a", 6)],
         r"routes\[1\]: duplicate route"),
        (["a", "b"], ["origin", "host"], [1, 1], [("a", "b")], r"routes\[0\]: expected"),
    ],
)
def test_bad_network(ids, kinds, pop, routes, message):
    with pytest.raises(InputError, match=message):
        build_network(ids, kinds, pop, routes)


def test_unknown_location_lookup():
    with pytest.raises(InputError, match="unknown location 'zz'"):
        net2().index("zz")


@pytest.mark.parametrize(
    "months, message",
    [
        ([], "at least one month"),
        (["2007-01", "2007-13"], r"months\[1\]: expected a month"),
        (["2007-1"], r"months\[0\]"),
        (["2007-01", "2007-03"], r"months\[1\]: '2007-03' does not follow '2007-01'"),
        (["2007-02", "2007-01"], "consecutive and increasing"),
    ],
)
def test_bad_months(months, message):
    with pytest.raises(InputError, match=message):
        validate_months(months)


def test_good_months_cross_year():
    assert validate_months(["2007-11", "2007-12", "2008-01"])[-1] == "2008-01"


@pytest.mark.parametrize(
    "viol, restr, hard, message",
    [
        (np.zeros((3, 3)), np.zeros(2), np.zeros(2), r"violence: expected shape \(3, 2\)"),
        (np.full((3, 2), np.nan), np.zeros(2), np.zeros(2), r"violence\[0, 0\]"),
        (np.full((3, 2), -1.0), np.zeros(2), np.zeros(2), ">= 0 and finite"),
        (np.zeros((3, 2)), np.array([0.0, 1.5]), np.zeros(2), r"restriction\[0, 1\]: must be \[0, 1\]"),
        (np.zeros((3, 2)), np.zeros(2), np.array([-0.1, 0.0]), r"hardship\[0, 0\]"),
        (np.zeros(2), np.zeros(2), np.zeros(2), "pass n_steps"),
    ],
)
def test_bad_inputs(viol, restr, hard, message):
    with pytest.raises(InputError, match=message):
        check_inputs(net2(), viol, restr, hard)


def test_bad_simulation_options():
    net = net2()
    inputs = check_inputs(net, np.zeros((2, 2)), np.zeros(2), np.zeros(2))
    with pytest.raises(InputError, match="mode must be"):
        simulate_flows(net, inputs, mode="agents")
    with pytest.raises(InputError, match="dt must be"):
        simulate_flows(net, inputs, dt=0)
    with pytest.raises(InputError, match="needs rng"):
        simulate_flows(net, inputs, mode="stochastic")
    frac = build_network(["a", "h"], ["origin", "host"], [10.5, 0], [("a", "h", 100)])
    finputs = check_inputs(frac, np.zeros((2, 2)), np.zeros(2), np.zeros(2))
    with pytest.raises(InputError, match="whole-number"):
        simulate_flows(frac, finputs, mode="stochastic", rng=np.random.default_rng(0))


def test_bad_parameters():
    with pytest.raises(InputError, match="violence_sensitivity must be a finite number >= 0"):
        FlowParameters(violence_sensitivity=-1)
    with pytest.raises(InputError, match="hardship_deterrence must be in"):
        FlowParameters(hardship_deterrence=2)
    with pytest.raises(InputError, match="restriction_power must be > 0"):
        FlowParameters(restriction_power=0)
    with pytest.raises(InputError, match="safety_scale must be > 0"):
        FlowParameters(safety_scale=0)
    with pytest.raises(InputError, match="unknown flow parameter"):
        FlowParameters().replace(speed=3)
