"""Any conflict, not only the embedded ones: a fictional scenario written for the suite
(its own identity labels, movement, observation ids and locations) runs through every
engine with non-zero results, and each engine's declared needs give the skip-with-reason
path."""

from pathlib import Path

import pytest
import yaml

from factions.engines import available, get, unmet_needs
from factions.errors import EngineError, ScenarioError
from factions.run import Pipeline, run_all
from factions.scenario import load_scenario, parse_scenario

FILE = Path(__file__).parent / "data" / "valdoria.yaml"
FAST = {"ground": {"grid": 40, "seeds": 2, "ticks_per_month": 5, "burn_in": 20}}


@pytest.fixture(scope="module")
def sc():
    return load_scenario(FILE)


@pytest.fixture(scope="module")
def res(sc):
    return run_all(sc, options=FAST)


def _text() -> str:
    return FILE.read_text()


def _variant(change) -> object:
    """The scenario after ``change(data)`` edits its parsed YAML (a fresh, checked copy)."""
    data = yaml.safe_load(_text())
    change(data)
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), "cut.yaml")


def test_every_engine_runs_with_non_degenerate_results(res):
    assert res.skipped == []
    assert {r.engine for r in res.results} == {e.name for e in available()}
    assert res.degenerate() == []
    by = {(r.engine, r.scenario_id): r for r in res.results}
    ground = by[("ground", "what_happened")]
    assert ground.monthly["deaths"].sum() > 0 and ground.monthly["sectarian_deaths"].sum() > 0
    assert ground.observed == "killings" and ground.fit["statistic"].tolist()[0] == "pearson"
    displace = by[("displace", "what_happened")]
    assert displace.flows["people"].sum() > 0
    assert set(displace.hindcast["series"]) == {"norland", "sudmark", "idps"}
    align = by[("align", "what_happened")]
    assert align.monthly["frustration"].notna().all()
    bargain = by[("bargain", "what_happened")]
    assert {f.issue for f in bargain.issues} == {"autonomy", "legion_stay"}


def test_the_movement_and_the_extra_identity_label_reach_the_lattice(res, sc):
    from factions.engines.ground import incumbent, lattice_groups

    groups = {g.id: g for g in lattice_groups(sc)}
    assert list(groups) == ["highlanders", "tide_movement", "coastals"]
    assert groups["highlanders"].armed == ("peak_guard", "ember")  # zealot label counts
    assert groups["tide_movement"].armed == ("tide_brigades",)
    assert groups["coastals"].armed == ("harbour_watch",)
    assert groups["tide_movement"].share == pytest.approx(0.55 * 0.35)
    assert incumbent(sc) == "junta"
    metrics = set(res.metrics["metric"])
    assert {"ground.deaths_within.coastals", "ground.killed.tide_movement",
            "displace.refugees.norland", "align.bloc_size.junta"} <= metrics


def test_claims_are_evaluated_on_its_own_names(res):
    claims = res.claims.set_index("claim")
    tested = claims.drop(index="hearts_and_minds")
    assert not tested["verdict"].str.startswith("not tested").any()
    # the truce switches the movement's fighters off: the null model (no lattice) already
    # has no killing inside the community then, so the claim holds by construction
    assert claims.loc["truce_calms_the_coast", "grade"] == "encoded"
    assert claims.loc["truce_calms_the_coast", "verdict"] == "encoded (holds by construction)"
    # the border's effect on the stock comes from the (fitted) flows, not from the inputs
    assert claims.loc["closing_keeps_refugees_out", "verdict"] == "holds"
    assert claims.loc["closing_keeps_refugees_out", "grade"] == "inferred"
    assert claims.loc["hearts_and_minds", "verdict"].startswith("untestable")


def test_regional_deaths_drive_their_origin(sc):
    """The highlands' own series drives the highland towns; the rest of the national series
    is shared by the other origins."""
    from factions.engines.displace.adapter import scenario_arrays

    arr = scenario_arrays(sc, sc.timeline("what_happened"))
    ids = list(arr.net.ids)
    rate = arr.inputs.violence
    high = 220 * 1e5 / 900000  # 2010-01 highland deaths per 100,000 residents
    assert rate[0, ids.index("highland_towns")] == pytest.approx(high)
    assert rate[0, ids.index("coast_towns")] == pytest.approx((300 - 220) * 1e5 / 1100000)


# -- each engine's declared needs: skipped with the reason, or refused when named -------

_CUTS = {
    "align": ("relations", "needs relations (the scenario has none)"),
    "bargain": ("issues", "needs issues (the scenario has none)"),
    "ground": ("populations", "needs populations (the scenario has none)"),
    "displace": ("routes", "needs routes (the scenario has none)"),
}


@pytest.mark.parametrize("engine", sorted(_CUTS))
def test_missing_section_skips_the_engine_with_its_reason(sc, engine):
    section, reason = _CUTS[engine]

    def change(data):
        data.pop(section)
        if section == "issues":
            data.pop("positions")
        if section == "populations":
            for r in data["regions"]:
                r.pop("mix")
        data["claims"] = [c for c in data["claims"]
                          if not c.get("test", {}).get("metric", "").startswith(engine)]
    cut = _variant(change)
    assert any(reason in r for r in unmet_needs(get(engine), cut))
    res = Pipeline(cut, ["what_happened"], options=None).run()
    assert reason in res.skipped_engines()[engine]
    assert engine not in {r.engine for r in res.results}
    with pytest.raises(EngineError, match=f"engine '{engine}' cannot run on this scenario"):
        Pipeline(cut, ["what_happened"], [engine]).plan()


def test_displace_without_a_violence_observation_is_skipped_not_crashed():
    text = _text().replace("    compares: ground.deaths\n    source", "    source")
    cut = parse_scenario(text.replace("    compares: ground.deaths\n    region: highlands\n",
                                      "    region: highlands\n"), "cut.yaml")
    why = unmet_needs(get("displace"), cut)
    assert why and "compares: ground.deaths" in why[0]
    plan = Pipeline(cut, ["what_happened"]).plan()
    assert "displace" in plan.skipped and "displace" not in plan.names


def test_ground_without_armed_actors_in_any_population_is_skipped():
    def change(data):
        for pop, label in zip(data["populations"], ("hill_folk", "sea_folk"), strict=True):
            pop["identity"] = label
            pop.pop("identities", None)
            pop.pop("movements", None)
        data["claims"] = [c for c in data["claims"] if "deaths_within" not in str(c)]
    cut = _variant(change)
    why = unmet_needs(get("ground"), cut)
    assert why and "needs an armed actor" in why[0] and "hill_folk" in why[0]


def test_a_degenerate_result_is_flagged_in_results_and_claims():
    calm = _variant(lambda d: d.update(relations=[r for r in d["relations"]
                                                  if r["weight"] > 0]))
    res = run_all(calm, ["what_happened", "no_truce"], ["ground"], options=FAST)
    assert [(e, s) for e, s, _ in res.degenerate()] == [("ground", "what_happened"),
                                                         ("ground", "no_truce")]
    row = res.claims.set_index("claim").loc["truce_calms_the_coast"]
    assert row["flag"].startswith("degenerate: ground on what_happened: no deaths")


# -- the format's new fields are located errors when wrong --------------------------------

@pytest.mark.parametrize("old, new, message", [
    ("    compares: displace.stock\n    location: norland",
     "    compares: displace.stok\n    location: norland", "unknown quantity 'displace.stok'"),
    ("    compares: displace.stock\n    location: norland",
     "    compares: displace.stock", "displace.stock needs a location"),
    ("    compares: displace.stock\n    location: norland",
     "    compares: displace.stock\n    location: coast_towns", "is of kind origin"),
    ("    compares: displace.idps\n", "    compares: displace.idps\n    location: shelters\n",
     "displace.idps is not per location"),
    ("metric: ground.deaths_within.coastals", "metric: ground.deaths_within.highlanders",
     "engine 'ground' reports no metric 'deaths_within.highlanders'"),
    ("metric: align.bloc_size.junta", "metric: alignment.bloc_size.junta",
     "unknown engine 'alignment'"),
])
def test_engine_aware_checks_are_located(old, new, message):
    assert old in _text()
    bad = parse_scenario(_text().replace(old, new, 1), "v.yaml")
    with pytest.raises(ScenarioError) as info:
        Pipeline(bad).plan()
    lines = info.value.lines()
    assert len(lines) == 1 and message in lines[0]
    assert lines[0].startswith("v.yaml:") and lines[0].split(":")[1].isdigit()


@pytest.mark.parametrize("old, new, message", [
    ("militias: [tide_brigades]", "militias: [tide_brigadez]", "unknown actor 'tide_brigadez'"),
    ("militias: [tide_brigades]", "militias: [peak_guard]",
     "actor 'peak_guard' has identity 'highlander', not one of population 'coastals'"),
    ("identities: [zealot]", "identities: [coastal]",
     "identity label 'coastal' already belongs to population 'highlanders'"),
    ("share: 0.35, source", "share: 1.35, source", "must be < 1"),
    ("incumbent: junta", "incumbent: juntaa", "unknown actor 'juntaa'"),
    ("history: what_happened", "history: what_hapened", "unknown scenario 'what_hapened'"),
    ("region: highlands\n    source", "region: lowlands\n    source", "unknown region 'lowlands'"),
    ("mix: {highlanders: 0.8, coastals: 0.2}", "mix: {highlanders: 0.8, coastals: 0.3}",
     "shares sum to 1.100, not 1"),
    ("location: sudmark", "location: sudmarc", "unknown location 'sudmarc'"),
])
def test_format_errors_are_located(old, new, message):
    assert old in _text()
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_text().replace(old, new, 1), "v.yaml")
    assert any(message in line and line.startswith("v.yaml:") for line in info.value.lines()), \
        info.value.lines()
