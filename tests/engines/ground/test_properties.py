"""Property tests: ledger invariants of the kernel hold for any valid parameters."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factions.engines.ground import simulate


@st.composite
def params(draw):
    w = draw(st.integers(5, 18))
    h = draw(st.integers(5, 18))
    side = min(w, h)
    cit = draw(st.floats(0.0, 0.9))
    cop = draw(st.floats(0.0, 1.0 - cit))
    model = draw(st.sampled_from(["I", "II"]))
    p = {"width": w, "height": h, "citizen_density": cit, "cop_density": cop,
         "vision": draw(st.integers(0, (side - 1) // 2)),
         "cop_vision": draw(st.integers(0, (side - 1) // 2)),
         "legitimacy": draw(st.floats(0.0, 1.0)),
         "max_jail_term": draw(st.integers(0, 50)),
         "movement": draw(st.booleans()),
         "neighbourhood": draw(st.sampled_from(["von_neumann", "moore", "lateral",
                                                "euclidean"])),
         "arrest_rounding": draw(st.sampled_from(["floor", "round", "none"])),
         "activation": draw(st.sampled_from(["async", "sync"]))}
    if model == "II":
        p["max_age"] = draw(st.integers(0, 30))
        p["clone_probability"] = draw(st.floats(0.0, 0.3))
        p["share_a"] = draw(st.floats(0.0, 1.0))
    return model, p


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params(), st.integers(0, 2**31 - 1))
def test_ledgers_balance_for_any_valid_parameters(mp, seed):
    model, p = mp
    run = simulate(model, p, 15, seed)
    s = run.series
    assert (s.active + s.jailed + s.quiescent == s.population).all()
    assert (s[["active", "jailed", "quiescent", "arrests", "deaths"]] >= 0).all().all()
    n_cells = p["width"] * p["height"]
    assert (s.population - s.jailed + s.cops <= n_cells).all()  # one agent per free site
    snap = run.snapshot
    last = s.iloc[-1]
    assert np.count_nonzero(snap == 1) == last.cops
    assert np.count_nonzero(snap >= 3) == last.population - last.jailed
    assert np.count_nonzero((snap >= 3) & (snap % 2 == 0)) == last.active
    if model == "I":
        assert (s.population == s.population.iloc[0]).all() and s.deaths.sum() == 0
    else:
        change = (s.births - s.deaths - s.natural_deaths).to_numpy()[1:]
        assert np.array_equal(np.diff(s.population.to_numpy()), change)


def test_a_full_lattice_from_densities_summing_to_one():
    # 0.5 + 0.5 of 75 sites rounds to 38 + 38 agents: one too many (this wrote past the
    # lattice's arrays and crashed the process); now the cops fill what is left
    p = {"width": 15, "height": 5, "citizen_density": 0.5, "cop_density": 0.5,
         "vision": 0, "cop_vision": 2, "movement": False, "neighbourhood": "lateral",
         "max_age": 30, "clone_probability": 0.13, "share_a": 1e-13}
    s = simulate("II", p, 15, 13164).series
    assert int(s.cops.iloc[0]) == 75 - 38  # 38 citizens, the cops fill the rest
    assert (s.population - s.jailed + s.cops <= 75).all()


def test_more_agents_than_sites_is_refused():
    import pytest

    from factions.engines.ground import Simulator
    from factions.engines.ground.params import validate_params
    from factions.errors import InputError

    params = validate_params("I", {"width": 5, "height": 5, "vision": 1, "cop_vision": 1})
    with pytest.raises(InputError, match="do not fit on 25 sites"):
        Simulator(5, 5, [20], 6, 0, params, [0.8], [[0]], np.random.default_rng(0))
