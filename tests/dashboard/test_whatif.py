import pytest

from factions.dashboard import WhatIf, input_specs, what_if_variant
from factions.dashboard.inputs import InputSpec
from factions.dashboard.whatif import as_written, claim_scenarios
from factions.scenario import load_scenario, parse_scenario

from .conftest import SMALL


@pytest.fixture(scope="module")
def small():
    return load_scenario(SMALL)


def test_the_what_if_is_one_more_named_scenario_and_takes_the_starts_place(small):
    variant, wid, ids = what_if_variant(small, WhatIf("file", "historical", ("ceasefire",)))
    assert wid == "what_if"
    assert variant.scenario_ids() == ["historical", "no_surge", "rupture", "what_if"]
    assert variant.scenario_def("what_if").shocks == ["ceasefire"]
    test = variant.claims[0].test
    assert (test.lhs.scenario, test.rhs.scenario) == ("what_if", "no_surge")
    assert ids == ["what_if", "no_surge"]
    # the file itself is untouched
    assert small.scenario_ids() == ["historical", "no_surge", "rupture"]
    assert small.claims[0].test.lhs.scenario == "historical"
    assert as_written(small, "historical") == (small, ["historical", "no_surge"])
    assert claim_scenarios(small) == ["historical", "no_surge"]


def test_the_what_if_timeline_has_exactly_the_chosen_shocks(small):
    variant, wid, _ = what_if_variant(small, WhatIf("file", "historical", ("ceasefire",)))
    troops = variant.timeline(wid).frame()["forces.occ_troops"]
    assert troops.equals(small.timeline("no_surge").frame()["forces.occ_troops"])
    assert not troops.equals(small.timeline("historical").frame()["forces.occ_troops"])


def test_moved_inputs_apply_to_every_scenario_of_the_variant(small):
    w = WhatIf("file", "historical", ("surge", "ceasefire"),
               (("populations.group_b.legitimacy", 0.9),))
    variant, wid, _ = what_if_variant(small, w)
    for sid in (wid, "no_surge"):
        assert variant.timeline(sid).frame()["populations.group_b.legitimacy"].iloc[0] == 0.9
    assert small.timeline("no_surge").frame()["populations.group_b.legitimacy"].iloc[0] == 0.4


def test_a_taken_id_is_not_reused_and_a_file_without_scenarios_keeps_its_baseline(small_text):
    text = small_text.replace("  - {id: rupture,", "  - {id: what_if,")
    sc = parse_scenario(text)
    _, wid, _ = what_if_variant(sc, WhatIf("file", "historical", ()))
    assert wid == "what_if_2"
    bare = parse_scenario(small_text.split("\nscenarios:")[0] + "\n")
    variant, wid, ids = what_if_variant(bare, WhatIf("file", "baseline", ("surge",)))
    assert variant.scenario_ids() == ["baseline", "what_if"] and ids == ["what_if"]


def test_inputs_fall_back_to_parameters_and_populations(small):
    specs = {s.name: s for s in input_specs(small)}
    assert list(specs) == ["parameters.polarisation", "populations.group_a.legitimacy",
                           "populations.group_a.hardship", "populations.group_b.legitimacy",
                           "populations.group_b.hardship"]
    pol = specs["parameters.polarisation"]  # unbounded domain: half to 1.5 times the value
    assert (pol.value, pol.low, pol.high, pol.source) == (0.5, 0.25, 0.75, "example")
    leg = specs["populations.group_a.legitimacy"]  # bounded domain: the domain
    assert (leg.value, leg.low, leg.high) == (0.7, 0.0, 1.0)


def test_declared_uncertain_inputs_take_precedence():
    class Declares:
        def uncertain_inputs(self):
            return [{"name": "parameters.x", "value": 2.0, "low": 1.0, "high": 4.0,
                     "source": "assumption: ±50%"},
                    type("R", (), {"name": "actors.a.capability", "value": 0.5, "low": 0.4,
                                   "high": 0.6, "label": "A's capability", "source": "s"})()]

    assert input_specs(Declares()) == [
        InputSpec("parameters.x", "parameters.x", 2.0, 1.0, 4.0, "assumption: ±50%"),
        InputSpec("actors.a.capability", "A's capability", 0.5, 0.4, 0.6, "s")]
