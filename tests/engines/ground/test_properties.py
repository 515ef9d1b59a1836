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
