"""Seeded runs of the ground kernel pinned bit for bit against a recorded fixture.

``seeded_kernel.json`` holds, for each case below, SHA-256 digests of everything a run
produces (per-tick counters, kill matrices, final site codes, every agent's final state)
and a few counter series in plain numbers. It was recorded on the kernel as it stood
before the typed-interface rewrite (commit 9cd3272) and must not change unless the
random stream is changed on purpose; a change of stream is documented in
``docs/performance/ground.md`` together with the statistical checks that validate it.

Regenerate (only after such a documented change)::

    PYTHONPATH=src python tests/engines/ground/test_seeded.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from factions.engines.ground import Simulator, simulate, validate_params

FIXTURE = Path(__file__).with_name("seeded_kernel.json")

#: bare-model cases: (model, params, ticks, seed, schedule)
BARE = {
    "I_async_mesa": ("I", {"cop_density": 0.074, "legitimacy": 0.8, "max_jail_term": 1000,
                           "arrest_rounding": "round"}, 120, 1, None),
    "I_async_floor_schedule": ("I", {"width": 30, "height": 30}, 160, 2,
                               {40: {"legitimacy": 0.7}, 80: {"cop_density": 0.02},
                                100: {"vision": 4, "cop_vision": 5},
                                130: {"movement": False}}),
    "I_async_shapes": ("I", {"width": 24, "height": 22, "neighbourhood": "euclidean",
                             "arrest_rounding": "none", "vision": 5, "cop_vision": 6},
                       80, 3, {40: {"vision": 3}}),
    "I_async_moore": ("I", {"width": 20, "height": 20, "neighbourhood": "moore",
                            "vision": 3, "cop_vision": 2, "legitimacy": 0.7}, 60, 4, None),
    "I_async_lateral": ("I", {"width": 20, "height": 21, "neighbourhood": "lateral",
                              "vision": 6, "cop_vision": 4, "legitimacy": 0.75}, 60, 5, None),
    "I_sync": ("I", {"width": 30, "height": 30, "activation": "sync"}, 120, 6,
               {60: {"legitimacy": 0.7}}),
    "II_async_ageing": ("II", {"width": 30, "height": 30, "cop_density": 0.02,
                               "peacekeeper_density": 0.02}, 150, 7, None),
    "II_async_plain": ("II", {"width": 26, "height": 26, "clone_probability": 0.0,
                              "max_age": 0, "share_a": 0.6}, 80, 8, None),
    "II_sync_ageing": ("II", {"width": 30, "height": 30, "activation": "sync",
                              "cop_density": 0.03, "max_age": 60}, 120, 9,
                       {50: {"peacekeeper_density": 0.03}}),
}

#: scenario-style cases (several groups, fractional targets, schedules of forces)
SCENARIO = {"G4_async": "async", "G4_sync": "sync"}


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _agents(sim: Simulator) -> str:
    """Digest of every slot's state in fixed dtypes (independent of internal storage)."""
    n = int(sim.meta[0])
    return _digest(sim.alive[:n].astype(np.int64), sim.kind[:n].astype(np.int64),
                   sim.group[:n].astype(np.int64), sim.pos[:n].astype(np.int64),
                   sim.hard[:n].astype(np.float64), sim.risk[:n].astype(np.float64),
                   sim.active[:n].astype(np.int64), sim.jail[:n].astype(np.int64),
                   sim.age[:n].astype(np.int64), sim.born[:n].astype(np.int64))


def _scenario_sim(activation: str, seed: int) -> Simulator:
    p = validate_params("II", {"width": 32, "height": 30, "vision": 6, "cop_vision": 5,
                               "max_jail_term": 20, "clone_probability": 0.02,
                               "max_age": 90, "activation": activation})
    targets = np.array([[0.0, 0.3, 0.05, 0.0], [0.4, 0.0, 0.0, 0.1],
                        [0.0, 0.2, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    sim = Simulator(32, 30, [260, 200, 120, 60], 30, 10, p, [0.6, 0.5, 0.7, 0.9], targets,
                    np.random.default_rng(seed))
    sim.set(allowed=[1, 1, 0, 1])
    sim.replace_killed = True
    sim.advance(20)
    for month in range(8):
        sim.set(legitimacy=[0.6 - 0.03 * month, 0.5, 0.7, 0.9],
                allowed=[1, 1, int(month >= 3), 1], n_cops=30 + 4 * month,
                n_peacekeepers=10 if month < 5 else 0)
        if month == 4:
            sim.set(targets=targets * 1.5, k=2.0)
        sim.advance(10)
    return sim


def run_case(name: str, seed_shift: int = 0) -> dict:
    """Outputs of one case: digests plus a few counter series in plain numbers."""
    if name in BARE:
        model, params, ticks, seed, schedule = BARE[name]
        sim_holder: list[Simulator] = []
        original = Simulator.advance

        def spy(self, n):  # keep the Simulator to digest its agents afterwards
            if not sim_holder:
                sim_holder.append(self)
            return original(self, n)

        Simulator.advance = spy
        try:
            run = simulate(model, params, ticks, seed + seed_shift, schedule)
        finally:
            Simulator.advance = original
        sim = sim_holder[0]
        counts, kills = sim.counts(), sim.kills()
        snap = run.snapshot
    else:
        sim = _scenario_sim(SCENARIO[name], 11 + seed_shift)
        counts, kills, snap = sim.counts(), sim.kills(), sim.snapshot()
    total = counts.sum(axis=1)
    return {
        "counts": _digest(counts.astype(np.int64)),
        "kills": _digest(kills.astype(np.int64)),
        "snapshot": _digest(snap.astype(np.int64)),
        "agents": _agents(sim),
        "active_first_40": total[:40, 0].tolist(),
        "jailed_first_40": total[:40, 1].tolist(),
        "arrests_total": int(total[:, 3].sum()),
        "killed_total": int(total[:, 4].sum()),
        "births_total": int(total[:, 5].sum()),
        "final_population": int(total[-1, 7]),
    }


CASES = [*BARE, *SCENARIO]


@pytest.fixture(scope="module")
def recorded():
    return json.loads(FIXTURE.read_text())


@pytest.mark.parametrize("name", CASES)
def test_seeded_run_is_bit_identical_to_the_recording(name, recorded):
    got = run_case(name)
    want = recorded[name]
    for key in ("active_first_40", "jailed_first_40", "arrests_total", "killed_total",
                "births_total", "final_population"):
        assert got[key] == want[key], key
    for key in ("counts", "kills", "snapshot", "agents"):
        assert got[key] == want[key], key


@pytest.mark.parametrize("name", ["I_async_mesa", "I_sync", "II_async_ageing", "G4_async"])
def test_another_seed_gives_another_run(name, recorded):
    got = run_case(name, seed_shift=1)
    assert got["counts"] != recorded[name]["counts"]
    assert got["agents"] != recorded[name]["agents"]


def test_cases_exercise_what_they_pin(recorded):
    """The fixture would be weak if the runs were trivial: check they do things."""
    assert recorded["I_async_floor_schedule"]["arrests_total"] > 0
    assert max(recorded["I_async_floor_schedule"]["active_first_40"]) > 0
    for name in ("II_async_ageing", "II_sync_ageing", "II_async_plain", "G4_async",
                 "G4_sync"):
        assert recorded[name]["killed_total"] > 0, name
    for name in ("II_async_ageing", "II_sync_ageing", "G4_async"):
        assert recorded[name]["births_total"] > 0, name


if __name__ == "__main__":
    if "--write" not in sys.argv:
        sys.exit("usage: test_seeded.py --write  (re-records the fixture)")
    FIXTURE.write_text(json.dumps({n: run_case(n) for n in CASES}, indent=1) + "\n")
    print(f"wrote {FIXTURE}")
