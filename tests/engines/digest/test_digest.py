import pytest

from factions.engines import available, get
from factions.scenario import load_scenario


@pytest.fixture
def sc(small_path):
    return load_scenario(small_path)


def test_registered_first():
    assert available()[0].name == "digest"


def test_digest_tables_follow_the_scenario(sc):
    r = get("digest").run(sc, "rupture", 0, {})
    assert list(r.shocks["shock"]) == ["surge", "ceasefire", "break"]
    changed = set(r.changes["parameter"])
    assert {"forces.occ_troops", "actors.mil_a.active", "relations.gov.mil_a"} <= changed
    m = r.metrics()
    neg = m[(m["metric"] == "ties_negative")].set_index("month")["value"]
    assert neg["2007-08"] == 1 and neg["2007-09"] == 2  # the rupture adds a negative tie
    assert set(r.figures()) == {"timeline", "observations"}


def test_digest_no_shock_scenario_has_fewer_changes(sc):
    a = get("digest").run(sc, "historical", 0, {})
    b = get("digest").run(sc, "no_surge", 0, {})
    assert "forces.occ_troops" in set(a.changes["parameter"])
    assert "forces.occ_troops" not in set(b.changes["parameter"])
