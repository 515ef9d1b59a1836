"""Boundary validation of the ground engine's parameters."""

import pytest

from factions.engines.ground import PARAMETERS, defaults, parse_set, simulate, validate_params
from factions.errors import InputError


def test_table_has_every_paper_parameter():
    names = {p.name for p in PARAMETERS}
    needed = {"legitimacy", "citizen_density", "cop_density", "vision", "cop_vision",
              "max_jail_term", "threshold", "k", "movement", "share_a", "clone_probability",
              "max_age", "peacekeeper_density"}
    assert needed <= names
    assert all(p.meaning and p.symbol for p in PARAMETERS)


def test_parse_set_types_and_defaults():
    p = parse_set(["legitimacy=0.7", "vision=3", "movement=false", "cop-density=0.05"])
    assert p["legitimacy"] == 0.7 and p["vision"] == 3 and p["movement"] is False
    assert p["cop_density"] == 0.05
    assert p["threshold"] == defaults("I")["threshold"]
    p2 = parse_set(["share_a=0.3", "legitimacy=0.6"], model="II")
    assert p2["legitimacy_a"] == 0.6 and p2["legitimacy_b"] == 0.6 and p2["share_a"] == 0.3


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        (["legitimacy"], "NAME=VALUE"),
        (["nonsense=1"], "unknown ground parameter 'nonsense'"),
        (["vision=abc"], "'vision'"),
        (["vision=2.5"], "'vision'"),
        (["citizen_density=1.2"], "[0, 1]"),
        (["citizen_density=0.8", "cop_density=0.3"], "exceeds 1"),
        (["vision=-1"], "negative"),
        (["vision=30"], "2*v+1"),
        (["vision=65", "width=200", "height=200"], "at most 64"),
        (["cop_vision=65", "width=200", "height=200"], "at most 64"),
        (["width=100000", "height=100000"], "too large for memory"),
        (["neighbourhood=hex"], "neighbourhood"),
        (["max_jail_term=-3"], "negative"),
        (["clone_probability=0.1"], "Model II only"),
    ],
)
def test_bad_values_raise_input_error(items, fragment):
    with pytest.raises(InputError, match=None) as info:
        parse_set(items)
    assert fragment in str(info.value)


def test_bad_model_and_schedule():
    with pytest.raises(InputError, match="model"):
        validate_params("III")
    with pytest.raises(InputError, match="cannot change"):
        simulate("I", {}, 5, 0, schedule={2: {"width": 10}})
    with pytest.raises(InputError, match="legitimacy"):
        simulate("I", {}, 5, 0, schedule={2: {"legitimacy": 1.5}})
    with pytest.raises(InputError, match="ticks"):
        simulate("I", {}, -1, 0)


def test_validated_parameters_validate_again_and_run():
    for model, items in (("I", ["legitimacy=0.7"]), ("II", ["share_a=0.6", "max_age=50"])):
        p = parse_set(items, model=model)
        assert validate_params(model, p) == p
        run = simulate(model, p, 5, seed=0)
        assert len(run.series) == 5
