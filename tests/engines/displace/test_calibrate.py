"""Least-squares calibration recovers parameters from data the model itself generated."""

from __future__ import annotations

import numpy as np
import pytest

from factions.engines.displace import (
    FlowParameters,
    Target,
    build_network,
    check_inputs,
    fit_parameters,
    simulate_flows,
)
from factions.errors import InputError


def _case():
    net = build_network(
        ["a", "b", "h1", "h2", "idp"], ["origin", "origin", "host", "host", "idp"],
        [5e6, 1e7, 2e5, 1e5, 5e5],
        [("a", "b", 300), ("a", "h1", 600), ("b", "h2", 900), ("a", "idp", 80), ("b", "idp", 80)])
    viol = np.zeros((36, 5))
    viol[:, 0] = np.linspace(40, 2, 36)
    viol[:, 1] = np.linspace(10, 1, 36)
    restr = np.zeros((36, 5))
    restr[20:, 2] = 0.7
    return net, check_inputs(net, viol, restr, np.full(5, 0.3))


def test_fit_recovers_generating_parameters():
    net, inputs = _case()
    truth = FlowParameters(violence_sensitivity=0.002, host_weight=3.0, return_safety=0.03)
    stocks = simulate_flows(net, inputs, truth).stocks
    steps = list(range(6, 37, 6))
    targets = [Target(n, [i], steps, stocks[steps, i].tolist())
               for n, i in (("h1", 2), ("h2", 3), ("idp", 4))]
    fit = fit_parameters(net, inputs, targets, FlowParameters(),
                         ["violence_sensitivity", "host_weight", "return_safety"])
    assert fit.success
    assert fit.cost < 1e-8
    for name in ("violence_sensitivity", "host_weight", "return_safety"):
        assert getattr(fit.params, name) == pytest.approx(getattr(truth, name), rel=1e-3)


def test_fit_errors():
    net, inputs = _case()
    tg = Target("h1", [2], [3], [1000.0])
    with pytest.raises(InputError, match="cannot fit unknown parameter"):
        fit_parameters(net, inputs, [tg], names=["speed"])
    with pytest.raises(InputError, match="at least one observed series"):
        fit_parameters(net, inputs, [])
    with pytest.raises(InputError, match="must be > 0"):
        fit_parameters(net, inputs, [Target("h1", [2], [3], [0.0])])
    with pytest.raises(InputError, match="outside"):
        fit_parameters(net, inputs, [Target("h1", [2], [99], [5.0])])
