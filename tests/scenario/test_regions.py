"""Regions in the scenario format: force shares, regional effects, regional timelines and
the located errors of every rule that relates them."""

from pathlib import Path

import pytest
import yaml

from factions.errors import ScenarioError
from factions.scenario import load_scenario, parse_scenario

FILE = Path(__file__).parents[1] / "data" / "valdoria.yaml"


def _data() -> dict:
    data = yaml.safe_load(FILE.read_text())
    for f in data["forces"]:
        if f["id"] == "legion_troops":
            f["regions"] = {"2010-01": {"highlands": 0.25, "coast": 0.75},
                            "2012-01": {"highlands": 0.6, "coast": 0.4}}
    shock = next(s for s in data["shocks"] if s["id"] == "legion_arrives")
    shock["effects"].append({"id": "guard_active", "param": "actors.peak_guard.active",
                             "set": 0.4, "from": "2011-06", "regions": ["highlands"]})
    shock["effects"].append({"id": "guard_active", "param": "actors.peak_guard.active",
                             "set": 0.4, "from": "2012-03", "regions": ["coast"]})
    return data


def _parse(data):
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), "r.yaml")


def _errors(data) -> list[str]:
    text = yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "r.yaml")
    return info.value.lines()


@pytest.fixture(scope="module")
def sc():
    return _parse(_data())


def test_forces_are_split_by_their_shares(sc):
    nat = sc.timeline("what_happened")
    hi = sc.timeline("what_happened", region="highlands")
    co = sc.timeline("what_happened", region="coast")
    for m in ("2011-06", "2012-06"):
        total = nat.value("forces.legion_troops", m)
        assert total > 0
        assert hi.value("forces.legion_troops", m) + co.value("forces.legion_troops", m) == \
            pytest.approx(total)
    assert hi.value("forces.legion_troops", "2011-06") == pytest.approx(
        0.25 * nat.value("forces.legion_troops", "2011-06"))
    assert hi.value("forces.legion_troops", "2012-06") == pytest.approx(
        0.6 * nat.value("forces.legion_troops", "2012-06"))
    # a force without shares is spread like the residents (900,000 of 2,000,000)
    assert hi.value("forces.army", "2010-06") == pytest.approx(0.45 * 30000)


def test_fighters_follow_their_population(sc):
    hi = sc.timeline("what_happened", region="highlands")
    # Peak Guard (highlanders): 0.8 x 900,000 of (720,000 + 165,000) highlanders live there
    share = 0.8 * 900000 / (0.8 * 900000 + 0.15 * 1100000)
    assert hi.value("actors.peak_guard.fighters", "2010-01") == pytest.approx(6000 * share)


def test_regional_effects_apply_only_where_named(sc):
    nat = sc.timeline("what_happened")
    hi = sc.timeline("what_happened", region="highlands")
    co = sc.timeline("what_happened", region="coast")
    assert nat.value("actors.peak_guard.active", "2012-06") == 1  # national: left out
    assert hi.value("actors.peak_guard.active", "2011-05") == 1
    assert hi.value("actors.peak_guard.active", "2011-06") == pytest.approx(0.4)
    assert co.value("actors.peak_guard.active", "2012-02") == 1
    assert co.value("actors.peak_guard.active", "2012-03") == pytest.approx(0.4)
    with pytest.raises(KeyError, match="no region 'mars'"):
        sc.timeline("what_happened", region="mars")


def test_effects_sharing_an_id_share_one_strength(sc):
    other = sc.with_base({"shocks.legion_arrives.guard_active": 0.1})
    for region, month in (("highlands", "2011-06"), ("coast", "2012-03")):
        assert other.timeline("what_happened", region=region).value(
            "actors.peak_guard.active", month) == pytest.approx(0.1)
        assert sc.timeline("what_happened", region=region).value(
            "actors.peak_guard.active", month) == pytest.approx(0.4)


def test_valdoria_file_still_loads():
    assert load_scenario(FILE).regions[0].id == "highlands"


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda d: d["forces"][0]["regions"]["2010-01"].update(mars=0.0),
     "forces[0].regions.2010-01.mars: unknown region 'mars'"),
    (lambda d: d["forces"][0]["regions"]["2010-01"].update(coast=0.5),
     "forces[0].regions.2010-01: shares sum to 0.750, not 1"),
    (lambda d: d["forces"][0]["regions"].update({"2014-01": {"coast": 1.0}}),
     "forces[0].regions.2014-01: month 2014-01 is outside the period"),
    (lambda d: d["shocks"][0]["effects"][1].update(regions=["mars"]),
     "shocks[0].effects[1].regions[0]: unknown region 'mars'"),
    (lambda d: d["shocks"][0]["effects"][2].update(set=None, shift=0.1),
     "shocks[0].effects[2].id: effects sharing id 'guard_active' share one strength"),
])
def test_regional_errors_are_located(change, fragment):
    data = _data()
    change(data)
    if data["shocks"][0]["effects"][2].get("set", 0) is None:
        del data["shocks"][0]["effects"][2]["set"]
    errors = _errors(data)
    hit = next((e for e in errors if fragment in e), None)
    assert hit is not None, errors
    file, line, rest = hit.split(":", 2)  # file:line:col path: message
    assert file == "r.yaml" and int(line) > 0 and int(rest.split(" ")[0]) > 0, hit


def test_calibration_and_decomposition_errors_are_located():
    data = _data()
    data["calibration"] = {"observations": ["highland_killings", "nothing_here"],
                           "fit_until": "2015-01", "prior": {"ground.k": "uniform(1,3)"}}
    data["decomposition"] = {"window": ["2011-01", "2012-12"],
                             "mechanisms": ["legion_arrives", "tide_truce"]}
    errors = _errors(data)
    assert any("calibration.observations[1]: unknown observation 'nothing_here'" in e
               for e in errors), errors
    assert any("calibration.fit_until: month 2015-01 is outside the period" in e
               for e in errors), errors
    # the decomposition needs a scenario without both shocks (every subset)
    assert any("decomposition.mechanisms: no scenario has the shocks of 'what_happened' "
               "without legion_arrives, tide_truce" in e for e in errors), errors
    data["scenarios"].append({"id": "none", "name": "None", "shocks": []})
    data["calibration"]["observations"] = ["highland_killings"]
    data["calibration"]["fit_until"] = "2010-06"
    data["decomposition"]["groups"] = {"both": ["legion_arrives", "nobody"]}
    errors = _errors(data)
    assert len(errors) == 1 and "decomposition.groups.both[1]: 'nobody' is not one of the " \
        "mechanisms" in errors[0], errors
    del data["decomposition"]["groups"]
    assert _parse(data).decomposition.mechanisms == ["legion_arrives", "tide_truce"]
