"""Verdicts with their uncertainty: propagation against a closed form, the grades on
scenarios whose answer is known, drivers and flip thresholds, determinism, resumption."""

import numpy as np
import pandas as pd
import pytest

from factions.run import Pipeline
from factions.run.drivers import flip_rule, pawn_given_data
from factions.run.verdicts import jeffreys
from factions.scenario import parse_scenario

GROUND = {"grid": 30, "seeds": 1, "ticks_per_month": 4, "burn_in": 10}


def _toy(small_text: str, claims: str, extra_params: str = "") -> object:
    """small.yaml with uncertain parameters x, y and the given claims."""
    text = small_text.replace(
        "parameters:\n",
        "parameters:\n"
        "  - {id: x, value: {value: 0.5, range: [0.0, 1.0]}, description: toy, source: toy}\n"
        "  - {id: y, value: {value: 0.5, range: [0.0, 1.0]}, description: toy, source: toy}\n"
        + extra_params)
    head, _ = text.split("claims:\n", 1)
    tail = text[text.index("\nobservations:"):]
    return parse_scenario(head + "claims:\n" + claims + tail, "toy.yaml")


X_ABOVE = """  - id: x_above
    quote: "x is above 0.3."
    test:
      metric: digest.parameters.x
      lhs: {scenario: historical}
      op: ">"
      rhs: {value: 0.3}
"""


def test_propagation_reproduces_a_closed_form_probability(small_text):
    sc = _toy(small_text, X_ABOVE)
    inputs = {x.name: x for x in sc.uncertain_inputs()}
    assert (inputs["parameters.x"].low, inputs["parameters.x"].high) == (0.0, 1.0)
    assert inputs["parameters.x"].origin == "range"
    res = Pipeline(sc, engines=["digest"], replicas=200, local=True).run()
    row = res.claims.set_index("claim").loc["x_above"]
    # P(x > 0.3) = 0.7 for x ~ U(0, 1); the estimate's 90 % interval must cover it
    assert row["replicas"] == 200
    assert row["p_low"] <= 0.7 <= row["p_high"]
    assert abs(row["p_holds"] - 0.7) < 0.05  # a Latin hypercube stratifies x
    assert row["grade"] == "encoded"  # the digest reports the input itself
    assert row["verdict"] == "encoded (uncertain)" and row["p_null"] == row["p_holds"]


def test_drivers_and_flip_threshold_find_the_input_that_decides(small_text):
    sc = _toy(small_text, X_ABOVE)
    res = Pipeline(sc, engines=["digest"], replicas=120, local=True).run()
    row = res.claims.set_index("claim").loc["x_above"]
    assert row["driver"] == "parameter x"
    info = res.verdicts["x_above"]
    top = info["drivers"]
    assert top.iloc[0]["input"] == "parameters.x" and bool(top.iloc[0]["significant"])
    assert "parameters.y" not in set(top[top["significant"]]["input"])
    flip = info["flip"]
    assert flip["input"] == "parameters.x" and flip["side"] == "below"
    assert abs(flip["threshold"] - 0.3) < 0.05 and flip["accuracy"] == 1.0
    assert row["flip"].startswith("holds unless parameter x is below 0.3")


def test_pawn_ranks_an_influential_input_above_noise():
    rng = np.random.default_rng(3)
    x = rng.random((400, 4))
    y = np.where(x[:, 1] > 0.5, 1.0, 0.0) + 0.05 * rng.normal(size=400)  # only x1 matters
    idx = pawn_given_data(x, y)
    assert idx.argmax() == 1 and idx[1] > 0.4 and max(idx[[0, 2, 3]]) < 0.25
    # a change of spread only (same mean): moment-independent, still found
    y2 = (1 + 4 * (x[:, 2] > 0.5)) * rng.normal(size=400)
    assert pawn_given_data(x, y2).argmax() == 2


def test_flip_rule_none_when_draws_agree():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    assert flip_rule(x, np.ones(50, bool), ["a"]) is None


def test_jeffreys_interval():
    lo, hi = jeffreys(70, 100)
    assert lo < 0.7 < hi and hi - lo < 0.16
    assert jeffreys(0, 50)[0] == 0.0 and jeffreys(50, 50)[1] == 1.0


MECHANISM = """  - id: more_troops_fewer_deaths
    quote: "More troops mean fewer deaths."
    test:
      metric: ground.deaths
      lhs: {scenario: reinforced, window: [2007-03, 2007-12]}
      op: "<"
      rhs: {scenario: historical, window: [2007-03, 2007-12]}
  - id: ceasefire_stops_killing
    quote: "The ceasefire stops Militia A's killing."
    test:
      metric: ground.killed.group_b
      lhs: {scenario: historical, window: [2007-09, 2007-12]}
      op: "<"
      rhs: {scenario: no_ceasefire, window: [2007-09, 2007-12]}
  - id: deaths_fell
    quote: "Fewer people died in the second half of the year."
    test:
      lhs: {observation: deaths, window: [2007-07, 2007-12]}
      op: "<"
      rhs: {observation: deaths, window: [2007-01, 2007-06]}
"""


def test_grades_on_scenarios_whose_answer_is_known(small_text):
    text = small_text.replace("""scenarios:
""", """  - id: reinforce
    name: Occupier triples its troops
    month: 2007-02
    source: "example"
    effects:
      - {param: forces.occ_troops, scale: 3.0}

scenarios:
  - {id: reinforced, name: Reinforced, shocks: [surge, ceasefire, reinforce]}
  - {id: no_ceasefire, name: No ceasefire, shocks: [surge]}
""")
    text = text.replace("  - {a: mil_a, b: mil_b, weight: -0.9, kind: rivalry, source: \"example\"}",
                        "  - {a: mil_a, b: mil_b, weight: -0.9, kind: rivalry, source: \"example\"}\n"
                        "  - {a: occ, b: mil_a, weight: -0.8, kind: rivalry, source: \"example\"}")
    sc = _toy(text, MECHANISM)
    res = Pipeline(sc, engines=["ground"], options={"ground": GROUND}, replicas=6,
                   local=True, vary_inputs=False).run()
    claims = res.claims.set_index("claim")
    # arrests by more troops: a mechanism of the lattice that the null model (no lattice,
    # no arrests) does not have
    assert claims.loc["more_troops_fewer_deaths", "p_null"] == 0.0
    assert claims.loc["more_troops_fewer_deaths", "grade"] == "model"
    # the ceasefire sets Militia A inactive: without any mechanism its group stops killing
    assert claims.loc["ceasefire_stops_killing", "p_null"] == 1.0
    assert claims.loc["ceasefire_stops_killing", "grade"] == "encoded"
    assert claims.loc["ceasefire_stops_killing", "verdict"].startswith("encoded")
    assert claims.loc["deaths_fell", "grade"] == "observed"
    assert claims.loc["deaths_fell", "p_low"] == claims.loc["deaths_fell", "p_high"] == \
        claims.loc["deaths_fell", "p_holds"]  # data: no Monte Carlo interval


def test_seeded_draws_are_bit_identical_and_the_seed_matters(small_text):
    sc = _toy(small_text, X_ABOVE)
    a = Pipeline(sc, engines=["digest"], replicas=30, seed=5, local=True).run()
    b = Pipeline(sc, engines=["digest"], replicas=30, seed=5, local=True).run()
    c = Pipeline(sc, engines=["digest"], replicas=30, seed=6, local=True).run()
    pd.testing.assert_frame_equal(a.draws, b.draws)
    pd.testing.assert_frame_equal(a.claims, b.claims)
    assert not a.draws.iloc[1:].equals(c.draws.iloc[1:])
    assert a.metrics["value"].tolist() == b.metrics["value"].tolist()


@pytest.mark.parametrize("old, new, message", [
    ("value: {value: 0.5, range: [0.0, 1.0]}, description: toy",
     "value: {value: 0.5, range: [0.8, 0.2]}, description: toy", "low 0.8 > high 0.2"),
    ("value: {value: 0.5, range: [0.0, 1.0]}, description: toy",
     "value: {value: 0.5, range: [0.6, 1.0]}, description: toy", "outside its range"),
    ("value: {value: 0.5, range: [0.0, 1.0]}, description: toy",
     "value: {value: 0.5, range: [0.0]}, description: toy", "must be two numbers"),
    ("value: {value: 0.5, range: [0.0, 1.0]}, description: toy",
     "value: {value: 0.5, range: [0.0, 1.0], dist: beta}, description: toy",
     "must be one of uniform, triangular"),
])
def test_bad_ranges_are_located_errors(small_text, old, new, message):
    from factions.errors import ScenarioError

    with pytest.raises(ScenarioError) as info:
        parse_scenario(_toy_text(small_text).replace(old, new, 1), "toy.yaml")
    line = next(x for x in info.value.lines() if message in x)
    assert line.startswith("toy.yaml:") and "parameters[0].value" in line


def test_range_on_a_non_number_and_outside_the_domain(small_text):
    from factions.errors import ScenarioError

    text = _toy_text(small_text).replace(
        "name: Militia A, kind", "name: {value: Militia A, range: [0, 1]}, kind")
    with pytest.raises(ScenarioError, match=r"actors\[2\]\.name: a range can only be given"):
        parse_scenario(text, "toy.yaml")
    text = _toy_text(small_text).replace(
        "identity: shia, share: 0.6", "identity: shia, share: {value: 0.6, range: [0.5, 1.2]}")
    with pytest.raises(ScenarioError, match=r"populations\[0\]\.share.*outside the field's "
                                            r"domain \[0, 1\]"):
        parse_scenario(text, "toy.yaml")


def _toy_text(small_text: str) -> str:
    return small_text.replace(
        "parameters:\n",
        "parameters:\n"
        "  - {id: x, value: {value: 0.5, range: [0.0, 1.0]}, description: toy, source: toy}\n")


def test_default_bands_follow_the_source(small_text):
    text = small_text.replace(
        'mil_a, name: Militia A, kind: militia, identity: shia, capability: 0.2, fighters: 5000, '
        'seats: 30, source: "example"',
        'mil_a, name: Militia A, kind: militia, identity: shia, capability: 0.2, fighters: 5000, '
        'seats: 30, source: "assumption: a guess"')
    sc = parse_scenario(text, "s.yaml")
    got = {x.name: x for x in sc.uncertain_inputs()}
    cap = got["actors.mil_a.capability"]
    assert (cap.low, cap.high, cap.origin) == (pytest.approx(0.14), pytest.approx(0.26),
                                               "assumption")
    assert "actors.mil_a.seats" not in got  # counts of seats take no default band
    assert "actors.mil_b.capability" not in got  # sourced ("example")
