import math

import pytest

from factions.dashboard import ScenarioLibrary, parse_request
from factions.dashboard.validate import MAX_REQUEST_BYTES
from factions.errors import InputError, ScenarioError

from .conftest import SMALL, request


def test_a_good_request_is_parsed(small_library):
    w = parse_request(small_library, request(inputs={"parameters.polarisation": 0.6,
                                                     "populations.group_a.legitimacy": 0.7}))
    assert w.scenario == "file" and w.start == "historical"
    assert w.shocks == ("surge", "ceasefire")
    # the legitimacy is the file's value: not a moved input
    assert w.inputs == (("parameters.polarisation", 0.6),)
    assert w.replicas == 1


def test_shocks_follow_the_starting_scenario_then_the_file_order(small_library):
    w = parse_request(small_library, request(shocks=["break", "ceasefire", "surge"]))
    assert w.shocks == ("surge", "ceasefire", "break")


@pytest.mark.parametrize("shocks, message", [
    (["surge", "nope"], "shocks: unknown shock 'nope'; this scenario has: surge, ceasefire, break"),
    (["surge", "surge"], "shocks: 'surge' given twice"),
    ("surge", "shocks: expected a list of shock ids"),
    ([3], "shocks: unknown shock 3"),
])
def test_unknown_shocks_are_refused(small_library, shocks, message):
    with pytest.raises(InputError) as exc:
        parse_request(small_library, request(shocks=shocks))
    assert str(exc.value).startswith(message)


@pytest.mark.parametrize("value, message", [
    ("abc", "inputs: parameters.polarisation must be a finite number, got 'abc'"),
    (math.nan, "inputs: parameters.polarisation must be a finite number, got nan"),
    (math.inf, "inputs: parameters.polarisation must be a finite number, got inf"),
    (True, "inputs: parameters.polarisation must be a finite number, got True"),
    (None, "inputs: parameters.polarisation must be a finite number, got None"),
    (0.9, "inputs: parameters.polarisation = 0.9 is outside its range [0.25, 0.75]"),
    (-1, "inputs: parameters.polarisation = -1 is outside its range [0.25, 0.75]"),
])
def test_bad_numbers_are_refused(small_library, value, message):
    with pytest.raises(InputError) as exc:
        parse_request(small_library, request(inputs={"parameters.polarisation": value}))
    assert str(exc.value) == message


def test_every_problem_is_reported_one_line_each(small_library):
    bad = request(start="nowhere", shocks=["x"], inputs={"forces.nope": 1}, replicas=0)
    with pytest.raises(InputError) as exc:
        parse_request(small_library, bad)
    lines = str(exc.value).splitlines()
    assert [ln.split(":")[0] for ln in lines] == ["start", "shocks", "inputs", "replicas"]
    assert "forces.nope' is not an input of this scenario" in lines[2]


@pytest.mark.parametrize("replicas", [0, 6, 1.5, "two", None])
def test_replicas_must_be_a_small_whole_number(small_library, replicas):
    with pytest.raises(InputError, match="replicas: a whole number from 1 to 5"):
        parse_request(small_library, request(replicas=replicas))


def test_oversized_and_malformed_requests_are_refused_unread(small_library):
    huge = request(shocks=["surge"] * (MAX_REQUEST_BYTES // 8))
    with pytest.raises(InputError, match=r"request: \d+ bytes, at most 16384"):
        parse_request(small_library, huge)
    with pytest.raises(InputError, match="request: expected an object"):
        parse_request(small_library, ["file"])
    with pytest.raises(InputError, match="request: unknown field 'path'"):
        parse_request(small_library, request(path="/etc/passwd"))
    with pytest.raises(InputError, match="request: not plain JSON data"):
        parse_request(small_library, request(inputs={"parameters.polarisation": object()}))


def test_only_offered_scenarios_can_be_chosen(small_library):
    with pytest.raises(InputError, match="scenario '/etc/passwd': not offered here; "
                                         "choose one of file"):
        parse_request(small_library, request(scenario="/etc/passwd"))
    embedded = ScenarioLibrary()
    assert list(embedded.choices()) == ["iraq-2007", "syria-2011"]
    with pytest.raises(InputError, match="scenario 'file': not offered here"):
        parse_request(embedded, request())


def test_a_bad_file_is_refused_when_the_library_is_made(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.read_text().replace("capability: 0.5", "capability: -1", 1))
    with pytest.raises(ScenarioError, match=r"bad.yaml:\d+:\d+ actors\[0\].capability: must be ≥ 0"):
        ScenarioLibrary(bad)
