"""Every validation rule reports file, line, column and path — and nothing else slips by."""

import pytest

from factions.errors import ScenarioError
from factions.scenario import load_scenario, parse_scenario


def _errors(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    return info.value.lines()


def _line_of(text: str, needle: str, nth: int = 0) -> int:
    lines = [i + 1 for i, ln in enumerate(text.splitlines()) if needle in ln]
    return lines[nth]


def test_small_loads(small_path):
    sc = load_scenario(small_path)
    assert [a.id for a in sc.actors] == ["gov", "occ", "mil_a", "mil_b"]
    assert sc.scenario_ids() == ["historical", "no_surge", "rupture"]


def test_negative_capability_names_line_and_path(small_text):
    bad = small_text.replace("capability: 0.2,", "capability: -3,")
    (msg,) = _errors(bad)
    line = _line_of(bad, "capability: -3")
    assert msg.startswith(f"s.yaml:{line}:")
    assert "actors[2].capability: must be ≥ 0" in msg


def test_unknown_key(small_text):
    bad = small_text.replace("identity: foreign,", "identity: foreign, colour: red,")
    (msg,) = _errors(bad)
    assert f"s.yaml:{_line_of(bad, 'colour: red')}:" in msg
    assert "actors[1].colour: unknown key 'colour'" in msg and "allowed:" in msg


def test_duplicate_id(small_text):
    bad = small_text.replace("{id: mil_b, name: Militia B", "{id: mil_a, name: Militia B")
    msgs = _errors(bad)
    assert any("actors[3].id: duplicate id 'mil_a'" in m for m in msgs)
    assert any(m.startswith(f"s.yaml:{_line_of(bad, 'name: Militia B')}:") for m in msgs)


def test_tie_to_unknown_actor(small_text):
    bad = small_text.replace("{a: gov, b: occ,", "{a: gov, b: ghost,")
    (msg,) = _errors(bad)
    assert f"s.yaml:{_line_of(bad, 'b: ghost')}:" in msg
    assert "relations[0].b: unknown actor 'ghost'" in msg


def test_position_unknown_actor_and_issue(small_text):
    bad = small_text.replace("{actor: gov, issue: presence", "{actor: nobody, issue: oil")
    msgs = _errors(bad)
    assert any("positions[0].actor: unknown actor 'nobody'" in m for m in msgs)
    assert any("positions[0].issue: unknown issue 'oil'" in m for m in msgs)


def test_salience_out_of_range(small_text):
    bad = small_text.replace("position: 95, salience: 0.9", "position: 95, salience: 1.5")
    (msg,) = _errors(bad)
    assert f"s.yaml:{_line_of(bad, 'salience: 1.5')}:" in msg
    assert "positions[1].salience: must be ≤ 1" in msg


def test_month_outside_period(small_text):
    bad = small_text.replace("month: 2007-03", "month: 2009-03")
    (msg,) = _errors(bad)
    assert f"s.yaml:{_line_of(bad, 'month: 2009-03')}:" in msg
    assert "shocks[0].month: month 2009-03 is outside the period 2007-01..2007-12" in msg


def test_bad_month_format(small_text):
    bad = small_text.replace("month: 2007-03", "month: 2007-3")
    (msg,) = _errors(bad)
    assert "shocks[0].month: must be a month YYYY-MM" in msg


def test_effect_unknown_parameter(small_text):
    bad = small_text.replace("forces.occ_troops, shift", "forces.tanks, shift")
    (msg,) = _errors(bad)
    assert f"s.yaml:{_line_of(bad, 'forces.tanks')}:" in msg
    assert "shocks[0].effects[0].param: unknown parameter 'forces.tanks'" in msg


def test_effect_relation_to_unknown_actor(small_text):
    bad = small_text.replace("relations.mil_a.gov", "relations.mil_a.ghost")
    (msg,) = _errors(bad)
    assert "no actor 'ghost'" in msg


def test_effect_needs_exactly_one_op(small_text):
    bad = small_text.replace("{param: actors.mil_a.active, set: 0}",
                             "{param: actors.mil_a.active, set: 0, shift: 1}")
    (msg,) = _errors(bad)
    assert "exactly one of set / shift / scale" in msg
    assert f"s.yaml:{_line_of(bad, 'shift: 1}')}:" in msg


def test_effect_set_outside_domain(small_text):
    bad = small_text.replace("{param: actors.mil_a.active, set: 0}",
                             "{param: actors.mil_a.active, set: 3}")
    (msg,) = _errors(bad)
    assert "outside the domain" in msg


def test_overlapping_dated_ties(small_text):
    bad = small_text.replace("weight: 0.5, kind: alliance, start: 2007-06",
                             "weight: 0.5, kind: alliance, start: 2007-04")
    (msg,) = _errors(bad)
    assert "overlaps relations[2]" in msg


def test_unknown_shock_in_scenario(small_text):
    bad = small_text.replace("shocks: [ceasefire]}", "shocks: [ceasefire, invasion]}")
    (msg,) = _errors(bad)
    assert "scenarios[1].shocks[1]: unknown shock 'invasion'" in msg


def test_claim_unknown_observation(small_text):
    bad = small_text.replace("lhs: {observation: deaths", "lhs: {observation: dead")
    (msg,) = _errors(bad)
    assert "claims[1].test.lhs.observation: unknown observation 'dead'" in msg


def test_duplicate_yaml_key(small_text):
    bad = small_text.replace("  name: A small two-faction example\n",
                             "  name: A small two-faction example\n  name: again\n")
    (msg,) = _errors(bad)
    assert msg.startswith("s.yaml:3:3 ") and "duplicate key 'name'" in msg


def test_yaml_syntax_error():
    (msg,) = _errors("meta: {name: x\nactors: []\n")
    assert msg.startswith("s.yaml:") and "YAML syntax error" in msg


def test_several_problems_reported_together(small_text):
    bad = small_text.replace("capability: 0.2,", "capability: -3,").replace(
        "salience: 0.9, source", "salience: 9, source", 1)
    assert len(_errors(bad)) == 2


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")


def test_shares_over_one(small_text):
    bad = small_text.replace("share: 0.4,", "share: 0.7,")
    (msg,) = _errors(bad)
    assert "populations: shares sum to 1.300 > 1" in msg
