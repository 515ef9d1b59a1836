"""The effect vocabulary applied month by month."""

import pytest

from factions.errors import ScenarioError
from factions.scenario import load_scenario, parse_scenario


@pytest.fixture
def sc(small_path):
    return load_scenario(small_path)


def test_surge_ramps_troops_in(sc):
    hist = sc.timeline("historical").series("forces.occ_troops")
    base = sc.timeline("no_surge").series("forces.occ_troops")
    # base series steps from 100k to 90k in July; the surge adds 20k over 4 months from March
    assert base["2007-02"] == 100000 and base["2007-07"] == 90000
    assert hist["2007-02"] == 100000
    assert hist["2007-03"] == pytest.approx(105000)
    assert hist["2007-06"] == pytest.approx(120000)
    assert hist["2007-10"] - base["2007-10"] == pytest.approx(20000)


def test_set_and_scale_with_until(sc):
    tl = sc.timeline("historical")
    assert tl.value("actors.mil_a.active", "2007-07") == 1
    assert tl.value("actors.mil_a.active", "2007-08") == 0
    leg = tl.series("populations.group_a.legitimacy")
    assert leg["2007-07"] == pytest.approx(0.7)
    assert leg["2007-09"] == pytest.approx(0.84)
    assert leg["2007-11"] == pytest.approx(0.7)  # effect ended in 2007-10


def test_dated_ties_and_relation_shock(sc):
    tl = sc.timeline("historical")
    assert tl.value("relations.occ.mil_b", "2007-05") == -0.7
    assert tl.value("relations.mil_b.occ", "2007-06") == 0.5
    rup = sc.timeline("rupture")
    assert rup.value("relations.gov.mil_a", "2007-08") == 0.4
    assert rup.value("relations.gov.mil_a", "2007-09") == -0.6
    assert ("gov", "mil_a", -0.6) in rup.relations_at("2007-12")


def test_clipped_to_domain(small_text):
    text = small_text.replace("{param: populations.group_a.legitimacy, scale: 1.2, until: 2007-10}",
                              "{param: populations.group_a.legitimacy, shift: 0.9}")
    tl = parse_scenario(text).timeline("historical")
    assert tl.value("populations.group_a.legitimacy", "2007-12") == 1.0


def test_tables_at_month(sc):
    tl = sc.timeline("historical")
    pos = tl.positions_at("2007-05")
    assert set(pos.columns) == {"actor", "issue", "position", "salience"} and len(pos) == 4
    assert tl.populations_at("2007-09").loc["group_a", "legitimacy"] == pytest.approx(0.84)
    assert tl.forces_at("2007-01") == {"occ_troops": 100000.0}
    assert tl.locations_at("2007-01").loc["neighbour", "restriction"] == 0.1


def test_unknown_scenario_and_month(sc):
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'"):
        sc.timeline("nope")
    with pytest.raises(KeyError, match="outside the period"):
        sc.timeline("historical").relations_at("2010-01")


def test_with_base_overrides_before_shocks(sc):
    c = sc.with_base({"populations.group_a.legitimacy": 0.3, "relations.gov.mil_b": 0.2})
    leg = c.timeline("historical").series("populations.group_a.legitimacy")
    assert leg["2007-01"] == pytest.approx(0.3)
    assert leg["2007-09"] == pytest.approx(0.36)  # the shock's scale 1.2 still applies
    assert c.timeline("historical").value("relations.mil_b.gov", "2007-01") == 0.2
    # the original is untouched
    assert sc.timeline("historical").value("populations.group_a.legitimacy", "2007-01") == 0.7
    with pytest.raises(ScenarioError, match="unknown parameter 'forces.tanks'"):
        sc.with_base({"forces.tanks": 1})


def test_effect_strengths_are_parameters(small_text):
    from factions.scenario import parse_scenario

    sc = parse_scenario(small_text.replace("- {param: forces.occ_troops, shift: 20000, ramp: 4}",
                                           "- {id: extra, param: forces.occ_troops, shift: 20000, "
                                           "ramp: 4}"), "s.yaml")
    base = sc.timeline("historical").series("forces.occ_troops")
    more = sc.with_base({"shocks.surge.extra": 40000}).timeline("historical")
    assert more.series("forces.occ_troops")["2007-12"] == base["2007-12"] + 20000
    # by index too, and the other scenarios without the shock are untouched
    idx = sc.with_base({"shocks.ceasefire.1": 2.0}).timeline("historical")
    assert idx.series("populations.group_a.legitimacy")["2007-08"] == 1.0  # clipped to [0, 1]
    assert (sc.with_base({"shocks.surge.extra": 40000}).timeline("no_surge")
            .series("forces.occ_troops") == sc.timeline("no_surge")
            .series("forces.occ_troops")).all()
    # a set is clipped to the domain of the parameter it sets
    off = sc.with_base({"shocks.ceasefire.0": 7.0}).timeline("historical")
    assert off.series("actors.mil_a.active")["2007-09"] == 1.0
    # the original is not changed
    assert (sc.timeline("historical").series("forces.occ_troops") == base).all()


@pytest.mark.parametrize("name, message", [
    ("shocks.nope.0", "no shock 'nope'"),
    ("shocks.surge.5", "shock 'surge' has effects shocks.surge.0"),
    ("shocks.surge", "an effect strength is shocks.<shock>.<effect id or index>"),
])
def test_bad_effect_strength_names(small_text, name, message):
    from factions.errors import ScenarioError
    from factions.scenario import parse_scenario

    sc = parse_scenario(small_text, "s.yaml")
    with pytest.raises(ScenarioError, match=message):
        sc.with_base({name: 1.0})


def test_a_pickled_scenario_leaves_its_caches_behind_and_rebuilds_them_equal():
    """Timelines and memos are not pickled (a cached run or a Dask worker rebuilds them);
    a ``with_base`` copy keeps its overridden values."""
    import pickle

    import pandas as pd

    from factions.scenario.load import default_scenario

    sc = default_scenario().with_base({"parameters.violence_scale": 0.5})
    want = sc.timeline("historical", region=sc.region_ids()[0]).frame()
    sc._derived["memo"] = "x"
    back = pickle.loads(pickle.dumps(sc))
    assert back._timelines == {} and back._derived == {}
    pd.testing.assert_frame_equal(back.timeline("historical", region=sc.region_ids()[0])
                                  .frame(), want, check_exact=True)
    assert back.timeline("historical").frame()["parameters.violence_scale"].iloc[0] == 0.5
