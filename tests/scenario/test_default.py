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


def _us_troops(tl, month, region=None):
    return tl.value("forces.us_troops", month) + tl.value("forces.us_surge", month)


def test_surge_raises_troops_in_2007_10(sc):
    hist = _us_troops(sc.timeline("historical"), "2007-10")
    base = _us_troops(sc.timeline("no_surge"), "2007-10")
    assert hist - base >= 25000 and hist >= 160000
    assert sc.timeline("no_surge").value("forces.us_surge", "2007-10") == 0


def test_surge_brigades_went_to_baghdad(sc):
    # the surge's troops (force us_surge) are mostly in Baghdad; without the surge the base
    # force keeps its pre-surge distribution (regions' parts add up to the national force)
    regions = [r.id for r in sc.regions]
    for sid in ("historical", "no_surge"):
        parts = {r: _us_troops(sc.timeline(sid, region=r), "2007-10") for r in regions}
        assert sum(parts.values()) == pytest.approx(_us_troops(sc.timeline(sid), "2007-10"))
        if sid == "historical":
            hist = parts
    added = {r: hist[r] - parts[r] for r in regions}
    assert max(added, key=added.get) == "baghdad"
    assert added["baghdad"] / sum(added.values()) == pytest.approx(0.65)
    assert added["kurdistan"] == 0


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


def test_council_seats_by_party(sc):
    # visser2006: both Dawa wings 27; the UIA independents are the residual of 128
    uia = ("sadrists", "isci_badr", "dawa", "fadhila", "uia_independents")
    assert sc.actor("dawa").seats == 27
    assert sum(sc.actor(a).seats for a in uia) == 128


def test_uk_forces_in_basra(sc):
    uk = sc.actor("uk")
    assert uk.kind == "state" and uk.identity == "foreign"
    tl = sc.timeline("historical")
    troops = {m: tl.value("forces.uk_troops", m)
              for m in ("2006-01", "2006-06", "2007-02", "2007-06", "2008-06", "2009-07")}
    assert troops == {"2006-01": 8000, "2006-06": 7200, "2007-02": 7100, "2007-06": 5500,
                      "2008-06": 4100, "2009-07": 400}
    assert tl.value("relations.uk.us", "2007-06") > 0
    assert tl.value("relations.uk.mahdi_army", "2007-06") < 0


def test_special_groups_are_iran_backed_and_outside_the_freeze(sc):
    sg = sc.actor("special_groups")
    assert sg.identity == "shia" and sg.fighters == 3000
    tl = sc.timeline("historical")
    assert tl.value("relations.iran.special_groups", "2007-06") > 0
    assert tl.value("relations.us.special_groups", "2007-06") < 0
    # loosely tied to the Mahdi Army after the split, rivals from 2008 (mmp links 939, 1731)
    assert tl.value("relations.mahdi_army.special_groups", "2007-06") > 0
    assert tl.value("relations.mahdi_army.special_groups", "2008-06") < 0
    # Sadr's freeze stands the Mahdi Army down, not the Special Groups
    assert tl.value("actors.mahdi_army.active", "2007-10") == 0
    assert tl.value("actors.special_groups.active", "2007-10") == 1


def test_security_forces_series_has_no_definition_jump(sc):
    from factions.scenario import month_range

    tl = sc.timeline("historical")
    isf = [tl.value("forces.iraqi_security_forces", m) for m in month_range("2006-01", "2009-12")]
    growth = max(b / a - 1 for a, b in zip(isf, isf[1:], strict=False))
    # quarterly steps of at most ~11%; the old trained -> assigned switch was a 39% jump
    assert growth < 0.15
    assert tl.value("forces.iraqi_security_forces", "2008-01") == 531616  # dod_mssi


def test_sons_of_iraq_cited_counts(sc):
    tl = sc.timeline("historical")
    counts = {m: tl.value("forces.sons_of_iraq", m) for m in ("2007-11", "2007-12", "2008-06")}
    assert counts == {"2007-11": 67000, "2007-12": 77000, "2008-06": 103000}
    assert sc.timeline("no_realignment").value("forces.sons_of_iraq", "2008-06") == 0


def test_sources_cite_and_do_not_narrate(sc):
    from importlib import resources

    from factions.scenario import DEFAULT_SCENARIO_FILE

    text = resources.files("factions.scenarios").joinpath(DEFAULT_SCENARIO_FILE).read_text()
    assert "/work/" not in text and "recollect" not in text.lower()
    seed = next(s for s in sc.meta.sources if s.id == "seed")
    assert "Workers can end divide and rule" in seed.citation and seed.url
    # MMP link 1369 is a 2012 split and 1471 a KH-AAH alliance: neither dates an Iran tie of 2006
    ties = {(r.a, r.b): r.source for r in sc.relations}
    assert "1369" not in ties[("iran", "isci_badr")]
    assert "1471" not in ties[("iran", "mahdi_army")]
    assert "1471" in ties[("iran", "special_groups")]
