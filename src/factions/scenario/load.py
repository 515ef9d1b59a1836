"""Loading scenario files: YAML with line numbers → checked :class:`Scenario`.

All problems found are reported together, one line each, as
``file:line:col path: message``; nothing is silently dropped or defaulted.
"""

from __future__ import annotations

__all__ = ["load_scenario", "parse_scenario", "default_scenario", "DEFAULT_SCENARIO_FILE",
           "embedded_scenarios", "embedded_scenario", "DEFAULT_SCENARIO", "resolve_scenario"]

import typing
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ValidationError

from factions.errors import Problem, ScenarioError
from factions.scenario.checks import cross_check
from factions.scenario.scenario import Scenario
from factions.scenario.schema import ScenarioModel
from factions.scenario.uncertain import extract_ranges
from factions.scenario.yamlsrc import Located, read_yaml

DEFAULT_SCENARIO = "iraq-2007"
DEFAULT_SCENARIO_FILE = f"{DEFAULT_SCENARIO}.yaml"


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file.

    Raises
    ------
    ScenarioError
        One problem per line, each naming file, line, column and field.
    """
    p = Path(path)
    if not p.exists():
        raise ScenarioError([Problem(str(path), None, None, "", "no such file")])
    if p.is_dir():
        raise ScenarioError([Problem(str(path), None, None, "", "is a directory, not a scenario file")])
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), None, None, "", f"cannot read: {exc}")]) from None
    return parse_scenario(text, p.name if p.parent == Path(".") else str(path))


def default_scenario() -> Scenario:
    """The embedded default scenario (Iraq 2007–08) shipped with the package."""
    return embedded_scenario(DEFAULT_SCENARIO)


def embedded_scenarios() -> dict[str, str]:
    """``{name: title}`` of the scenarios shipped with the package (name = file stem)."""
    import yaml

    out = {}
    for ref in sorted(resources.files("factions.scenarios").iterdir(), key=lambda r: r.name):
        if ref.name.endswith(".yaml"):
            head = ref.read_text(encoding="utf-8").split("\nactors:", 1)[0]
            try:
                meta = (yaml.safe_load(head) or {}).get("meta", {})
            except yaml.YAMLError:  # pragma: no cover - shipped files are checked by tests
                meta = {}
            out[ref.name[:-5]] = str(meta.get("name", ref.name))
    return out


def embedded_scenario(name: str) -> Scenario:
    """The embedded scenario ``name`` (see :func:`embedded_scenarios`).

    Raises
    ------
    ScenarioError
        No embedded scenario of that name (the message lists them).
    """
    names = embedded_scenarios()
    if name not in names:
        raise ScenarioError([Problem(name, None, None, "", "no such file or embedded scenario "
                                     f"(embedded: {', '.join(names)})")])
    ref = resources.files("factions.scenarios").joinpath(f"{name}.yaml")
    sc = parse_scenario(ref.read_text(encoding="utf-8"), f"{name}.yaml")
    sc._embedded = name
    return sc


def resolve_scenario(spec: str | Path | None) -> Scenario:
    """A scenario from a path, an embedded scenario's name, or ``None`` (the default)."""
    if spec is None:
        return default_scenario()
    p = Path(spec)
    if not p.exists() and p.suffix not in (".yaml", ".yml") and len(p.parts) == 1:
        return embedded_scenario(str(spec))  # a name: the error lists the embedded ones
    return load_scenario(p)


def parse_scenario(text: str, file: str = "<string>") -> Scenario:
    """Check scenario YAML given as text (``file`` names it in messages)."""
    located = read_yaml(text, file)
    if not isinstance(located.data, dict):
        raise ScenarioError([located.problem((), "the top level must be a mapping of sections")])
    data, bands, range_problems = extract_ranges(located.data, located)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(range_problems + _problems(exc, located)) from None
    if range_problems:
        raise ScenarioError(range_problems)
    problems = cross_check(scenario, located)
    if problems:
        raise ScenarioError(problems)
    scenario._file = file
    scenario._located = located
    scenario._bands = bands
    try:
        scenario.timeline(scenario.scenario_ids()[0])
    except (KeyError, ValueError) as exc:  # pragma: no cover - cross_check should catch these
        raise ScenarioError([located.problem((), str(exc))]) from None
    return scenario


def _problems(exc: ValidationError, located: Located) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(x for x in err["loc"] if x != "[key]")
        # drop pydantic's union/function tags such as 'function-after[...]' or 'float'
        loc = tuple(x for x in loc if isinstance(x, int) or not _is_tag(x))
        out.append(located.problem(loc, _message(err, loc)))
    return out


def _is_tag(x: str) -> bool:
    return "[" in x or x in {"float", "int", "str", "bool", "none", "tuple", "list", "dict"}


def _message(err: dict, loc: tuple) -> str:
    t, ctx, inp = err["type"], err.get("ctx") or {}, err.get("input")
    got = f", got {inp!r}" if not isinstance(inp, dict | list) else ""
    if t == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"unknown key {loc[-1]!r}{hint}"
    if t == "missing":
        return "required field is missing"
    if t in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sym = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤",
               "less_than": "<"}[t]
        bound = next(iter(ctx.values()))
        return f"must be {sym} {bound}{got}"
    if t == "string_pattern_mismatch":
        return f"must be an id of lowercase letters, digits and _ starting with a letter{got}"
    if t in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return f"must be a {'whole ' if t.startswith('int') else ''}number{got}"
    if t == "literal_error":
        return f"must be one of {ctx.get('expected')}{got}"
    if t == "too_short":
        return "must not be empty"
    if t in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping{got}"
    if t == "list_type":
        return f"must be a list{got}"
    msg = err["msg"].removeprefix("Value error, ")
    return msg[0].lower() + msg[1:] if msg else t


def _allowed_keys(loc: tuple) -> list[str]:
    cls: typing.Any = ScenarioModel
    for part in loc:
        if isinstance(part, int):
            continue
        field = cls.model_fields.get(part) if _is_model(cls) else None
        if field is None:
            return []
        cls = _inner_model(field.annotation)
        if cls is None:
            return []
    if not _is_model(cls):
        return []
    return [f.alias or name for name, f in cls.model_fields.items()]


def _is_model(cls) -> bool:
    return isinstance(cls, type) and issubclass(cls, BaseModel)


def _inner_model(ann):
    if _is_model(ann):
        return ann
    for arg in typing.get_args(ann):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
