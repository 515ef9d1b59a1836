"""The embedded Iraq 2007–08 scenario: the seed's actors, shocks and claims are all there,
and the shocks do what the seed says they did."""

import re

import pytest

from factions.scenario import default_scenario


@pytest.fixture(scope="module")
def sc():
    return default_scenario()


def test_seed_actors_present(sc):
    ids = {a.id for a in sc.actors}
    assert {"us", "iraqi_gov", "mahdi_army", "sadrists", "iran", "rev1920", "iai", "isi",
            "baathists", "workers", "sons_of_iraq", "syria", "jordan"} <= ids
    assert sc.actor("workers").identity == "cross-sectarian"


def test_council_of_representatives(sc):
    assert sum(a.seats or 0 for a in sc.actors) == 275  # December 2005 election
    assert sc.actor("sadrists").seats == 30             # "He has 30 MPs"


def test_every_number_has_a_source(sc):
    sections = ("actors", "positions", "relations", "populations", "forces", "parameters",
                "locations", "routes", "shocks", "observations")
    for section in sections:
        for item in getattr(sc, section):
            assert item.source.strip(), f"{section}: {item} has no source"


def test_required_scenarios(sc):
    assert {"historical", "no_surge", "no_realignment", "war_on_iran",
            "workers_unite"} <= set(sc.scenario_ids())


def test_surge_raises_troops_in_2007_10(sc):
    hist = sc.timeline("historical").value("forces.us_troops", "2007-10")
    base = sc.timeline("no_surge").value("forces.us_troops", "2007-10")
    assert hist - base >= 25000 and hist >= 160000


def test_awakening_flips_sunni_militias(sc):
    for sid, sign in (("historical", 1), ("no_realignment", -1)):
        tl = sc.timeline(sid)
        for militia in ("rev1920", "iai"):
            assert sign * tl.value(f"relations.{militia}.us", "2008-01") > 0, (sid, militia)


def test_ceasefire_stands_mahdi_army_down(sc):
    tl = sc.timeline("historical")
    assert tl.value("actors.mahdi_army.active", "2007-06") == 1
    assert tl.value("actors.mahdi_army.active", "2007-10") < 1
    assert sc.timeline("no_ceasefire").value("actors.mahdi_army.active", "2007-10") == 1


def test_war_on_iran_turns_shia_ties_against_us(sc):
    war, hist = sc.timeline("war_on_iran"), sc.timeline("historical")
    assert war.value("relations.us.mahdi_army", "2008-10") < hist.value(
        "relations.us.mahdi_army", "2008-10")
    assert war.value("relations.us.iran", "2008-10") == -1
    assert war.value("populations.shia.legitimacy", "2008-10") < hist.value(
        "populations.shia.legitimacy", "2008-10")


def test_claims_quote_the_text(sc):
    assert len(sc.claims) >= 20
    tested = [c for c in sc.claims if c.test is not None]
    assert len(tested) >= 15
    for c in sc.claims:
        assert re.search(r"\w", c.quote)
    metrics = {c.test.metric.split(".")[0] for c in tested if c.test.metric}
    assert {"ground", "align", "bargain", "displace"} <= metrics


def test_observations_copied_with_sources(sc):
    ibc = sc.observation("ibc_deaths")
    assert len(ibc.series) == 48 and ibc.source.lower().startswith("ibc")
    assert ibc.series["2007-01"] > ibc.series["2008-12"]
    idps = sc.observation("unhcr_idps").series
    assert idps["2008-12"] > 1_000_000  # "a million remain internally displaced"
