"""Unit tests of the civil-violence kernel against hand-checkable cases."""

import numpy as np
import pytest

from factions.engines.ground import Simulator, offsets, simulate, validate_params
from factions.engines.ground.outbursts import find_outbursts, outburst_stats


@pytest.mark.parametrize(("shape", "size"),
                         [("von_neumann", 112), ("moore", 224), ("lateral", 28),
                          ("euclidean", 148)])
def test_offsets_sizes(shape, size):
    dx, dy = offsets(7, shape)
    assert dx.size == size
    assert not np.any((dx == 0) & (dy == 0))
    assert len(set(zip(dx.tolist(), dy.tolist(), strict=True))) == size


def test_same_seed_bit_identical_and_seeds_differ():
    a = simulate("I", {"width": 30, "height": 30}, 80, seed=5)
    b = simulate("I", {"width": 30, "height": 30}, 80, seed=5)
    c = simulate("I", {"width": 30, "height": 30}, 80, seed=6)
    assert a.series.equals(b.series)
    assert np.array_equal(a.snapshot, b.snapshot)
    assert not a.series.equals(c.series)
    d = simulate("II", {"width": 30, "height": 30}, 40, seed=5)
    e = simulate("II", {"width": 30, "height": 30}, 40, seed=5)
    assert d.series.equals(e.series)


def test_conservation_model_i():
    r = simulate("I", {"width": 30, "height": 30, "cop_density": 0.03}, 100, seed=1)
    s = r.series
    n_cit = round(0.7 * 900)
    assert (s.active + s.jailed + s.quiescent == n_cit).all()
    assert (s.population == n_cit).all()
    assert (s.cops == 27).all()
    snap = r.snapshot
    assert np.count_nonzero(snap == 1) == 27
    assert np.count_nonzero(snap >= 3) == n_cit - s.jailed.iloc[-1]
    assert np.count_nonzero(snap == 4) == s.active.iloc[-1]


def test_without_cops_actives_are_exactly_those_with_grievance_above_threshold():
    # No cops: P = 0, N = 0, so active iff H (1 - L) > T, whatever the neighbours.
    p = validate_params("I", {"width": 20, "height": 20, "cop_density": 0.0,
                              "legitimacy": 0.6})
    sim = Simulator(20, 20, [280], 0, 0, p, [0.6], [[0]], np.random.default_rng(3))
    sim.advance(1)
    n = int(sim.meta[0])
    expected = int(np.count_nonzero(sim.hard[:n] * (1 - 0.6) > p["threshold"]))
    assert sim.counts()[0, 0, 0] == expected
    assert np.array_equal(sim.active[:n], sim.hard[:n] * 0.4 > p["threshold"])


def test_overwhelming_cops_arrest_everyone_who_goes_active():
    # Legitimacy 0 and no deterrence possible (k=0): every agent with H > T goes active;
    # with cops seeing the whole lattice each active is jailed within a few ticks.
    params = {"width": 15, "height": 15, "citizen_density": 0.5, "cop_density": 0.4,
              "legitimacy": 0.0, "k": 0.0, "cop_vision": 7, "vision": 1,
              "max_jail_term": 1000}
    s = simulate("I", params, 30, seed=2).series
    assert s.arrests.sum() > 0
    assert s.active.iloc[-1] == 0
    # terms are U{0..1000}: a few short ones end, those agents go active and are re-arrested
    assert s.arrests.sum() >= s.jailed.iloc[-1] >= 0.9 * s.arrests.sum()
    assert s.jailed.iloc[-1] > 0.8 * 112


def test_schedule_changes_forces_and_legitimacy():
    sched = [(10, "cop_density", 0.0), (20, "cop_density", 0.05), (30, "legitimacy", 1.0)]
    s = simulate("I", {"width": 20, "height": 20}, 40, seed=4, schedule=sched).series
    assert (s.cops[:10] == 16).all() and (s.cops[10:20] == 0).all()
    assert (s.cops[20:30] == 20).all()
    assert (s.arrests[10:20] == 0).all()
    assert (s.active[31:] == 0).all()  # L = 1: no grievance, nobody active


def test_model_ii_ledgers_balance():
    r = simulate("II", {"width": 25, "height": 25, "max_age": 50}, 60, seed=3)
    s = r.series
    for g in "ab":
        pop = s[f"population_{g}"].to_numpy()
        change = s[f"births_{g}"] - s[f"deaths_{g}"] - s[f"natural_deaths_{g}"]
        assert np.array_equal(np.diff(pop), change.to_numpy()[1:])
    assert (s.deaths == s.kills_ab + s.kills_ba).all()
    assert (s.deaths_b == s.kills_ab).all()


def test_outburst_detection_on_a_known_series():
    a = [0, 0, 50, 80, 10, 0, 0, 40, 40, 5, 60, 2, 0, 90]
    obs = find_outbursts(a, 1000, high=0.03, low=0.005)
    assert [(o.start, o.end, o.peak) for o in obs] == [
        (2, 5, 80), (7, 9, 40), (10, 11, 60), (13, 14, 90)]
    st = outburst_stats(a, 1000)
    assert st["n_outbursts"] == 4 and st["mean_gap"] == pytest.approx(11 / 3)
    assert st["quiet_share"] == pytest.approx(7 / 14)


def test_padded_site_codes_match_agents_and_wrap_round_the_torus():
    p = validate_params("II", {"width": 24, "height": 20, "cop_density": 0.03,
                               "peacekeeper_density": 0.02, "vision": 4, "cop_vision": 5,
                               "max_age": 40})
    sim = Simulator(24, 20, [150, 150], 14, 10, p, [0.7, 0.75], [[0, 1], [1, 0]],
                    np.random.default_rng(9))
    sim.advance(25)
    sim.set(vision=2, cop_vision=3)  # re-pads the halo
    sim.advance(5)
    snap = sim.snapshot()
    grid = sim.grid.reshape(20, 24)
    assert np.array_equal(snap == 0, grid < 0)
    occupied = grid[grid >= 0]
    kinds = sim.kind[occupied]
    expected = np.where(kinds > 0, kinds,
                        3 + 2 * sim.group[occupied] + sim.active[occupied].astype(int))
    assert np.array_equal(snap[grid >= 0], expected)
    r = sim.pad
    padded = sim.code.reshape(20 + 2 * r, 24 + 2 * r)
    assert np.array_equal(padded, np.pad(snap, r, mode="wrap"))
    # the empty-site bitboard mirrors the padded codes bit for bit
    bits = np.unpackbits(sim.empty.view(np.uint8), bitorder="little")
    bits = bits.reshape(20 + 2 * r, 64 * sim.row_words)[:, : 24 + 2 * r]
    assert np.array_equal(bits == 1, padded == 0)


def test_progress_callback_does_not_change_results():
    seen = []
    a = simulate("I", {"width": 20, "height": 20}, 120, seed=3,
                 progress=lambda done, total: seen.append((done, total)))
    b = simulate("I", {"width": 20, "height": 20}, 120, seed=3)
    assert a.series.equals(b.series)
    assert seen[-1] == (120, 120) and len(seen) == 3


def test_schedule_values_are_coerced_like_parameters():
    a = simulate("I", {"width": 20, "height": 20}, 30, seed=2,
                 schedule=[(10, "movement", "false"), (10, "vision", "2")])
    b = simulate("I", {"width": 20, "height": 20}, 30, seed=2,
                 schedule=[(10, "movement", False), (10, "vision", 2)])
    assert a.series.equals(b.series)
    empty = simulate("II", {"width": 20, "height": 20}, 0, seed=2)
    assert len(empty.series) == 0 and empty.snapshot.shape == (20, 20)


def test_synchronous_variant_is_reproducible_and_agrees_without_interaction():
    p = {"width": 20, "height": 20, "activation": "sync"}
    a = simulate("I", p, 60, seed=4)
    b = simulate("I", p, 60, seed=4)
    assert a.series.equals(b.series)
    assert not a.series.equals(simulate("I", p, 60, seed=5).series)  # the seed matters
    assert not a.series.equals(simulate("I", {**p, "activation": "async"}, 60, seed=4).series)
    # Without cops nobody interacts (P = 0): both schemes make exactly those with
    # H (1 - L) > T active, so the active counts coincide tick by tick after tick 0.
    q = {"width": 20, "height": 20, "cop_density": 0.0, "legitimacy": 0.5}
    sync = simulate("I", {**q, "activation": "sync"}, 20, seed=1).series
    asyn = simulate("I", {**q, "activation": "async"}, 20, seed=1).series
    assert np.array_equal(sync.active.to_numpy()[1:], asyn.active.to_numpy()[1:])
    r2 = simulate("II", {"width": 20, "height": 20, "activation": "sync"}, 30, seed=2).series
    assert (r2.active + r2.jailed + r2.quiescent == r2.population).all()


def test_replacing_killed_citizens_keeps_each_group_constant():
    p = validate_params("II", {"width": 20, "height": 20, "clone_probability": 0.0,
                               "max_age": 0})
    sim = Simulator(20, 20, [140, 140], 0, 0, p, [0.8, 0.8], [[0, 1], [1, 0]],
                    np.random.default_rng(5))
    sim.replace_killed = True
    sim.advance(30)
    c = sim.counts()
    assert c[:, :, 4].sum() > 0  # there was killing ...
    assert (c[:, :, 7] == 140).all()  # ... but no group shrank
    assert np.array_equal(c[:, :, 5], c[:, :, 4])  # one newcomer per victim
    plain = Simulator(20, 20, [140, 140], 0, 0, p, [0.8, 0.8], [[0, 1], [1, 0]],
                      np.random.default_rng(5))
    plain.advance(30)
    assert plain.counts()[-1, :, 7].sum() < 280
