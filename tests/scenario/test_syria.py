"""The embedded Syria 2011-16 scenario: the data copied from the data pack hang together, the
actors and ties come from MMP or a cited source, and the shocks do what their sources say."""

import re
from importlib import resources

import pytest

from factions.scenario import parse_scenario

FILE = "syria-2011.yaml"


@pytest.fixture(scope="module")
def sc():
    text = resources.files("factions.scenarios").joinpath(FILE).read_text(encoding="utf-8")
    return parse_scenario(text, FILE)


def test_actors_cover_the_war(sc):
    ids = {a.id for a in sc.actors}
    assert {"regime", "ndf", "russia", "iran", "hezbollah", "turkey", "us", "fsa",
            "ahrar_al_sham", "nusra", "jaysh_al_islam", "islamic_state", "ypg", "pyd"} <= ids
    assert 15 <= len(ids) <= 25
    assert sc.meta.incumbent == "regime"


def test_every_source_names_a_reference_or_an_assumption(sc):
    refs = {s.id for s in sc.meta.sources}
    items = [(sec, x.source) for sec in ("actors", "positions", "relations", "populations",
                                         "forces", "parameters", "locations", "routes",
                                         "shocks", "observations") for x in getattr(sc, sec)]
    items += [("effects", e.source) for sh in sc.shocks for e in sh.effects]
    for sec, src in items:
        first = re.split(r"[:;, (]", src.strip(), maxsplit=1)[0]
        assert first in refs or first == "assumption", (sec, src[:80])
    assert not any("approx." in src or "recollection" in src for _, src in items)


def test_mmp_ties_cite_their_links(sc):
    mmp = [r for r in sc.relations if r.source.startswith("mmp: link")]
    assert len(mmp) >= 40
    for r in mmp:
        assert re.search(r"link \d+", r.source) and r.start is not None
    # the IS-Nusra alliance (link 1807) turns into war in March 2014 (link 1895)
    tl = sc.timeline("baseline")
    assert tl.value("relations.islamic_state.nusra", "2013-06") > 0
    assert tl.value("relations.islamic_state.nusra", "2014-06") < 0


def test_regional_deaths_add_up_to_the_national_series(sc):
    nat = sc.observation("vdc_deaths").series
    assert len(nat) == 70 and nat["2012-08"] == 4907 and sum(nat.values()) == 123881
    parts = [sc.observation(f"vdc_deaths_{o}").series for o in ("north", "centre_west", "south")]
    for m, v in nat.items():
        assert sum(p[m] for p in parts) == v, m


def test_origins_share_the_2011_population(sc):
    origins = [loc for loc in sc.locations if loc.kind == "origin"]
    assert sum(loc.population for loc in origins) == 21124000
    assert sum(p.share for p in sc.populations) == pytest.approx(1.0)


def test_historical_applies_every_real_shock(sc):
    real = {s.id for s in sc.shocks if not s.hypothetical}
    hist = next(s for s in sc.scenarios if s.id == "historical")
    assert set(hist.shocks) == real and len(real) == 12


def test_russian_intervention_adds_the_sourced_forces(sc):
    hist, cf = sc.timeline("historical"), sc.timeline("no_russia")
    assert cf.value("forces.russian_forces", "2016-10") == 35
    assert hist.value("forces.russian_forces", "2015-12") == 2500
    assert hist.value("forces.russian_forces", "2016-10") == 4378
    assert hist.value("relations.fsa.russia", "2015-12") < 0
    assert cf.value("relations.fsa.russia", "2015-12") == 0


def test_border_closures(sc):
    hist, cf = sc.timeline("historical"), sc.timeline("no_border_closures")
    for loc, month in (("lebanon", "2015-06"), ("jordan", "2016-09"), ("turkey", "2016-03")):
        assert hist.value(f"locations.{loc}.restriction", month) > cf.value(
            f"locations.{loc}.restriction", month), loc


def test_claims_quote_one_analysis(sc):
    assert 8 <= len(sc.claims) <= 15
    tested = [c for c in sc.claims if c.test is not None]
    assert len(tested) >= 6
    for c in sc.claims:
        assert c.test is not None or c.untestable.strip()


def test_observations_say_what_they_compare(sc):
    assert sc.observation("vdc_deaths").compares == "ground.deaths"
    hosts = [loc.id for loc in sc.locations if loc.kind == "host"]
    stocks = {o.location for o in sc.observations if o.compares == "displace.stock"}
    assert stocks == set(hosts)
    assert sc.observation("unhcr_idps").compares == "displace.idps"
    assert sc.observation("unhcr_refugees_turkey").series["2016-12"] == 2823987


def test_lattice_groups_follow_identities_and_movements(sc):
    from factions.engines.ground.mapping import lattice_groups, plan_from_timeline

    groups = {g.id: g for g in lattice_groups(sc)}
    assert groups["jihadist_current"].armed == ("islamic_state",)
    assert {"fsa", "ahrar_al_sham", "nusra", "jaysh_al_islam"} <= set(groups["sunni_arab"].armed)
    assert set(groups["alawite"].armed) == {"regime", "ndf"} and groups["kurdish"].armed == ("ypg",)
    assert groups["other_minorities"].armed == ()
    frame = plan_from_timeline(sc, sc.timeline("historical"), 0.04, 0.15).frame
    # no group fights the incumbent before the FSA (2011-08); the IS following from April 2013
    assert frame.at["2011-06", "engaged_sunni_arab"] == 0
    assert frame.at["2011-09", "engaged_sunni_arab"] > 0
    assert frame.at["2013-03", "engaged_jihadist_current"] == 0
    assert frame.at["2013-06", "engaged_jihadist_current"] == pytest.approx(0.7)
    # the cessation of hostilities (March-April 2016) disengages part of the rebels
    assert frame.at["2016-03", "engaged_sunni_arab"] < frame.at["2016-06", "engaged_sunni_arab"]
    # the SAA halves by autumn 2012, and so does the cops' density
    assert frame.at["2013-01", "cop_density"] < 0.6 * frame.at["2011-03", "cop_density"]
