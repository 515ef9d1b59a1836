"""The kernel's decision rule against a tiny, obviously correct brute-force reference.

Random small tori; every citizen but one has fixed behaviour (H = 1, R = 0: always
active; H = 0: never active); cops cannot arrest (v* = 0) and nobody moves, so after one
settling tick the remaining citizen's decision must equal Epstein's rule evaluated by
brute force over its neighbourhood, torus wrap included.
"""

import math

import numpy as np
import pytest

from factions.engines.ground import Simulator, validate_params


def _inside(dx, dy, v, shape):
    if (dx, dy) == (0, 0):
        return False
    if shape == "von_neumann":
        return abs(dx) + abs(dy) <= v
    if shape == "moore":
        return max(abs(dx), abs(dy)) <= v
    if shape == "lateral":
        return (dx == 0 or dy == 0) and max(abs(dx), abs(dy)) <= v
    return dx * dx + dy * dy <= v * v


def _reference(sim, i, legit, p):
    w, h, v = sim.width, sim.height, p["vision"]
    x0, y0 = sim.pos[i] % w, sim.pos[i] // w
    cops, actives = 0, 1
    for c in range(w * h):
        j = sim.grid[c]
        if j < 0 or j == i:
            continue
        dx = (c % w - x0 + w // 2) % w - w // 2  # shortest signed offset on the torus
        dy = (c // w - y0 + h // 2) % h - h // 2
        if not _inside(dx, dy, v, p["neighbourhood"]):
            continue
        if sim.kind[j] > 0:
            cops += 1
        elif sim.active[j]:
            actives += 1
    ratio = cops / actives
    ratio = {"floor": math.floor(ratio), "round": round(ratio), "none": ratio}[
        p["arrest_rounding"]]
    net_risk = sim.risk[i] * (1 - math.exp(-p["k"] * ratio))
    return sim.hard[i] * (1 - legit) - net_risk > p["threshold"]


@pytest.mark.parametrize("shape", ["von_neumann", "moore", "lateral", "euclidean"])
@pytest.mark.parametrize("rounding", ["floor", "round", "none"])
def test_decision_matches_brute_force(shape, rounding):
    shapes = ["von_neumann", "moore", "lateral", "euclidean"]
    rng = np.random.default_rng(10 * shapes.index(shape) + ["floor", "round", "none"].index(
        rounding))
    outcomes = []
    for trial in range(40):
        w, h = int(rng.integers(7, 14)), int(rng.integers(7, 14))
        v = int(rng.integers(1, (min(w, h) - 1) // 2 + 1))
        legit = float(rng.uniform(0.0, 0.6))
        p = validate_params("I", {"width": w, "height": h, "vision": v, "cop_vision": 0,
                                  "movement": False, "neighbourhood": shape,
                                  "arrest_rounding": rounding, "k": 2.3,
                                  "legitimacy": legit})
        n_cit = int(rng.integers(5, w * h // 2))
        n_cop = int(rng.integers(0, w * h // 3))
        sim = Simulator(w, h, [n_cit], n_cop, 0, p, [legit], [[0.0]],
                        np.random.default_rng(trial))
        n = int(sim.meta[0])
        fixed_active = rng.random(n) < 0.5
        sim.hard[:n] = np.where(fixed_active, 1.0, 0.0)
        sim.risk[:n] = 0.0
        sim.hard[0], sim.risk[0] = rng.uniform(0.5, 1.0), rng.uniform(0.0, 1.0)
        sim.advance(1)  # the fixed citizens settle
        sim.advance(1)  # citizen 0 decides on the settled neighbourhood
        expected = _reference(sim, 0, legit, p)
        assert bool(sim.active[0]) == expected
        outcomes.append(expected)
    assert 0 < sum(outcomes) < len(outcomes)  # both decisions were exercised
