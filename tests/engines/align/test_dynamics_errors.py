"""Bad inputs and options of the balance dynamics: clear errors, one line per problem."""

import numpy as np
import pytest

from factions.cli import main
from factions.engines.align import balance_dynamics, signed_graph
from factions.engines.align.dynamics import parse_set, validate_options
from factions.errors import EngineError, InputError

X = np.array([[0, 0.5, -0.2], [0.5, 0, 0.3], [-0.2, 0.3, 0]])


def test_negative_rate_is_an_engine_error_with_the_template():
    with pytest.raises(EngineError) as exc:
        balance_dynamics(X, "heider", rate=-1)
    assert str(exc.value) == ("The 'rate' parameter of balance dynamics 'heider' must be a "
                              "number in (0, inf); got -1.")


def test_unknown_model():
    with pytest.raises(EngineError, match="Unknown balance dynamics 'x2'; known: continuous"):
        balance_dynamics(X, "x2")


def test_every_bad_option_is_reported_one_line_each():
    with pytest.raises(EngineError) as exc:
        validate_options("local_triad", {"p": 1.5, "inertia": 1.0, "steps": 2.5, "q": 1})
    lines = exc.value.lines()
    assert len(lines) == 4
    assert any("'p' parameter" in x and "[0, 1]" in x for x in lines)
    assert any("'inertia'" in x and "[0, 1)" in x for x in lines)
    assert any("'steps'" in x and "integer" in x for x in lines)
    assert any("'q' is not a parameter" in x for x in lines)


def test_options_are_typed_and_completed():
    opts = validate_options("local_triad", {"p": "0.25", "steps": "3"})
    assert opts["p"] == 0.25 and opts["steps"] == 3 and opts["inertia"] == 0.0
    assert validate_options("continuous", {"steps": "None"})["steps"] is None
    assert parse_set(["rate=0.1", "max-steps=5"]) == {"rate": "0.1", "max_steps": "5"}
    with pytest.raises(EngineError, match="NAME=VALUE"):
        parse_set(["rate"])


def test_weights_outside_unit_interval_one_line_per_tie():
    g = signed_graph([("a", "b", 1, 2.0), ("b", "c", -1, 0.5), ("a", "c", -1, 3.0)])
    with pytest.raises(InputError) as exc:
        balance_dynamics(g, "continuous")
    lines = exc.value.lines()
    assert lines == ["tie 'a'-'b': weight 2 is outside [-1, 1]",
                     "tie 'a'-'c': weight -3 is outside [-1, 1]"]


def test_bad_matrices():
    with pytest.raises(InputError, match="not symmetric"):
        balance_dynamics(np.array([[0, 0.5], [0.4, 0]]), "heider")
    with pytest.raises(InputError, match="diagonal entry 0 must be 0"):
        balance_dynamics(np.array([[0.1, 0.5], [0.5, 0]]), "heider")
    with pytest.raises(InputError, match="square"):
        balance_dynamics(np.zeros((2, 3)), "heider")
    with pytest.raises(InputError, match="not finite"):
        balance_dynamics(np.array([[0, np.nan], [np.nan, 0]]), "heider")


def test_fixed_tie_naming_an_unknown_actor():
    g = signed_graph([("a", "b", 1, 0.5), ("b", "c", -1, 0.5)])
    with pytest.raises(InputError) as exc:
        balance_dynamics(g, "local_triad", fixed=[("a", "z"), ("q", "b"), ("a", "b")])
    assert exc.value.lines() == ["fixed tie 'a'-'z' names unknown actor 'z'",
                                 "fixed tie 'q'-'b' names unknown actor 'q'"]
    with pytest.raises(InputError, match="shape"):
        balance_dynamics(g, "local_triad", fixed=np.zeros((2, 2), dtype=bool))


def test_landscape_sizes_and_start_are_checked():
    g = signed_graph([("a", "b", 1, 0.5), ("b", "c", -1, 0.5)])
    with pytest.raises(InputError) as exc:
        balance_dynamics(g, "landscape", sizes={"a": 1, "b": -2, "z": 1})
    text = str(exc.value)
    assert "unknown actor 'z'" in text and "no value for actor 'c'" in text
    with pytest.raises(InputError, match="must be positive"):
        balance_dynamics(g, "landscape", sizes={"a": 1, "b": -2, "c": 1})
    with pytest.raises(InputError, match="must be 0 or 1"):
        balance_dynamics(g, "landscape", start={"a": 0, "b": 2, "c": 1})


def test_heider_start_above_its_bound():
    with pytest.raises(InputError, match="above the bound R = 0.4"):
        balance_dynamics(X, "heider", bound=0.4)


def test_cli_errors_one_line_each_and_exit_2(tmp_path, capsys):
    f = tmp_path / "e.csv"
    f.write_text("from,to,sign,weight\na,b,1,0.5\nb,c,-1,0.8\na,c,1,0.3\n")
    assert main(["align", "--edges", str(f), "--dynamics", "heider", "--set", "rate=-1",
                 "--set", "bound=3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(x.startswith("error: The '") for x in err)
    assert main(["align", "--edges", str(f), "--dynamics", "landscape", "--fix", "a:z"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: fixed tie 'a'-'z' names unknown actor 'z'"]
    assert main(["align", "--edges", str(f), "--dynamics", "nope"]) == 2
    assert "Unknown balance dynamics 'nope'" in capsys.readouterr().err
    assert main(["align", "--set", "rate=1"]) == 2
    assert "--set and --fix" in capsys.readouterr().err
