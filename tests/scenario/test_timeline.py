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
