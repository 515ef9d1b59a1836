"""Hypothesis: malformed scenarios give ScenarioError with located lines, never a traceback."""

import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factions.errors import ScenarioError
from factions.scenario import parse_scenario

SMALL = (Path(__file__).parents[1] / "data" / "small.yaml").read_text()
LINE = re.compile(r"^s\.yaml(:\d+(:\d+)?)? ")

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                    st.sampled_from(["2007-13", "2007-01", "gov", "-1", "1e9"]))


def _check(text: str) -> None:
    try:
        parse_scenario(text, "s.yaml")
    except ScenarioError as exc:
        lines = exc.lines()
        assert lines and all(LINE.match(ln) for ln in lines), lines


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_fields_never_crash(data):
    doc = yaml.safe_load(SMALL)
    section = data.draw(st.sampled_from([k for k, v in doc.items() if isinstance(v, list)]))
    if doc[section]:
        item = data.draw(st.integers(0, len(doc[section]) - 1))
        if isinstance(doc[section][item], dict):
            key = data.draw(st.sampled_from(sorted(doc[section][item]) + ["extra_key"]))
            doc[section][item][key] = data.draw(scalars)
    _check(yaml.safe_dump(doc, sort_keys=False))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text):
    _check(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_deleted_lines_never_crash(data):
    lines = SMALL.splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(i, min(len(lines), i + 5)))
    _check("\n".join(lines[:i] + lines[j:]))
