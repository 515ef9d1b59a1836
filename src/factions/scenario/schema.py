"""The scenario data model (pydantic v2): one YAML file describes a whole conflict system.

Field-level rules (types, ranges, unknown keys) live here; rules that relate sections to
each other (references, dates within the period, parameter names) live in
:mod:`factions.scenario.checks`. The format is documented in ``docs/scenario.md``.
"""

from __future__ import annotations

__all__ = [
    "Month", "Identifier", "Meta", "SourceRef", "Actor", "Issue", "Position", "Relation",
    "Group", "Force", "Parameter", "Location", "Route", "Effect", "Shock", "ScenarioDef",
    "Side", "ClaimTest", "Claim", "Observation", "ScenarioModel", "ACTOR_KINDS", "Movement",
    "FORCE_ROLES", "Region", "CalibrationSpec", "DecompositionSpec", "Dynamics", "ANY_ACTOR",
]

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from factions.scenario.months import parse_month

Month = Annotated[str, BeforeValidator(parse_month)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
ACTOR_KINDS = ("state", "government", "party", "militia", "movement", "population")
FORCE_ROLES = ("police", "intervention", "combatant")


def _finite(v: float) -> float:
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError("must be a finite number")
    return v


Number = Annotated[float, AfterValidator(_finite)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class SourceRef(_Strict):
    id: Identifier
    citation: Text
    url: str | None = None


class Meta(_Strict):
    name: Text
    id: Identifier | None = None
    start: Month
    end: Month
    description: str = ""
    incumbent: Identifier | None = Field(
        default=None, description="the actor whose rule the armed groups contest")
    history: Identifier | None = Field(
        default=None, description="the scenario of what happened (fits to data use it)")
    sources: list[SourceRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _order(self) -> Meta:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Actor(_Strict):
    id: Identifier
    name: Text
    kind: Literal["state", "government", "party", "militia", "movement", "population"]
    identity: Text
    capability: Annotated[Number, Field(ge=0.0)]
    seats: Annotated[int, Field(ge=0)] | None = None
    fighters: Annotated[Number, Field(ge=0.0)] | None = None
    description: str = ""
    source: Text


class Issue(_Strict):
    id: Identifier
    name: Text
    low: Text = Field(description="what position 0 means")
    high: Text = Field(description="what position 100 means")
    description: str = ""


class Position(_Strict):
    actor: Identifier
    issue: Identifier
    position: Annotated[Number, Field(ge=0.0, le=100.0)]
    salience: Unit
    source: Text


class Relation(_Strict):
    a: Identifier
    b: Identifier
    weight: Annotated[Number, Field(ge=-1.0, le=1.0)]
    kind: str = ""
    start: Month | None = None
    end: Month | None = None
    source: Text


class Movement(_Strict):
    """A movement inside a population with its own militia(s): the lattice cuts the
    population in two groups (the movement's followers and the rest)."""

    id: Identifier
    name: Text
    party: Identifier | None = None
    militias: list[Identifier] = Field(min_length=1)
    share: Annotated[Number, Field(gt=0.0, lt=1.0)]
    source: Text


class Group(_Strict):
    id: Identifier
    name: Text
    identity: Text
    identities: list[Text] = Field(
        default_factory=list,
        description="actor identity labels that count as this community (besides identity)")
    share: Unit
    legitimacy: Unit
    hardship: Unit
    movements: list[Movement] = Field(default_factory=list)
    source: Text

    @property
    def labels(self) -> tuple[str, ...]:
        """The identity labels of this community: ``identity`` then ``identities``."""
        return tuple(dict.fromkeys([self.identity, *self.identities]))


class Force(_Strict):
    id: Identifier
    name: Text
    actor: Identifier | None = None
    unit: Text = "troops"
    role: Literal["police", "intervention", "combatant"] | None = None
    series: dict[Month, Annotated[Number, Field(ge=0.0)]] = Field(min_length=1)
    regions: dict[Month, dict[Identifier, Unit]] = Field(
        default_factory=dict,
        description="share of the force in each region from each month on (step function)")
    regions_source: str = ""
    source: Text


class Parameter(_Strict):
    id: Identifier
    value: Number
    description: str = ""
    source: Text


class Region(_Strict):
    """A part of the country: its provinces, residents and population mix."""

    id: Identifier
    name: Text
    provinces: list[Text] = Field(default_factory=list)
    population: Annotated[Number, Field(ge=0.0)] | None = None
    mix: dict[Identifier, Unit] = Field(
        default_factory=dict, description="share of each population among the residents")
    source: Text


class Location(_Strict):
    id: Identifier
    name: Text
    kind: Literal["origin", "host", "idp", "camp"]
    country: Text
    actor: Identifier | None = Field(
        default=None, description="the state that governs a host (its ties can close it)")
    region: Identifier | None = None
    population: Annotated[Number, Field(ge=0.0)] | None = None
    restriction: Unit = 0.0
    hardship: Unit = 0.0
    source: Text


class Route(_Strict):
    a: Identifier
    b: Identifier
    distance_km: Annotated[Number, Field(gt=0.0)]
    source: Text


class Effect(_Strict):
    """One change to one named parameter: exactly one of ``set``, ``shift``, ``scale``.

    ``id`` names the effect's strength as a parameter, ``shocks.<shock>.<id>`` (else
    ``shocks.<shock>.<index>``), which sweeps, calibrations and the uncertainty of the
    verdicts can vary."""

    id: Identifier | None = None
    param: Text
    set: Number | None = None
    shift: Number | None = None
    scale: Annotated[Number, Field(ge=0.0)] | None = None
    from_: Month | None = Field(default=None, alias="from")
    until: Month | None = None
    ramp: Annotated[int, Field(ge=0)] = 0
    regions: list[Identifier] | None = Field(
        default=None, description="the regions the effect applies in (default: everywhere)")
    source: str = ""
    note: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_op(self) -> Effect:
        ops = [k for k in ("set", "shift", "scale") if getattr(self, k) is not None]
        if len(ops) != 1:
            raise ValueError("an effect needs exactly one of set / shift / scale"
                             + (f" (got {', '.join(ops)})" if ops else ""))
        return self

    @property
    def op(self) -> str:
        return next(k for k in ("set", "shift", "scale") if getattr(self, k) is not None)

    @property
    def amount(self) -> float:
        return float(getattr(self, self.op))


class Shock(_Strict):
    id: Identifier
    name: Text
    month: Month
    description: str = ""
    hypothetical: bool = False
    source: Text
    effects: list[Effect] = Field(min_length=1)


#: in a pair of ``dynamics[].free`` / ``fixed``: any actor
ANY_ACTOR = "*"


def _all_pairs(v):
    """``free: all`` is every pair, ``[["*", "*"]]``."""
    if isinstance(v, str):
        if v == "all":
            return [[ANY_ACTOR, ANY_ACTOR]]
        raise ValueError(f"must be 'all' or a list of [actor, actor] pairs, got {v!r}")
    return v


Pair = Annotated[list[Text], Field(min_length=2, max_length=2)]


class Dynamics(_Strict):
    """Ties that evolve under a model of structural-balance dynamics (``docs/scenario.md``).

    From month ``from`` (default: the period's start) the *free* ties (pairs matched by
    ``free`` and not by ``fixed``; ``"*"`` matches any actor, absent ties start at 0) evolve
    one month at a time, ``rate`` model time per month with ``inertia``; every other tie,
    and a free tie while a shock's effect on it is active, is *fixed* at the value the file
    and its shocks give it. A named scenario uses it with ``scenarios[].dynamics: <id>``."""

    id: Identifier
    name: str = ""
    model: Text
    rate: Annotated[Number, Field(gt=0.0)]
    inertia: Annotated[Number, Field(ge=0.0, lt=1.0)] = 0.0
    from_: Month | None = Field(default=None, alias="from")
    free: Annotated[list[Pair], BeforeValidator(_all_pairs)]
    fixed: list[Pair] = Field(default_factory=list)
    options: dict[str, int | float | str | dict[str, float] | None] = Field(
        default_factory=dict, description="the model's own parameters (bound, dt, p, ...)")
    description: str = ""
    source: Text

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ScenarioDef(_Strict):
    id: Identifier
    name: Text
    description: str = ""
    shocks: list[Identifier] = Field(default_factory=list)
    dynamics: Identifier | None = Field(
        default=None, description="the dynamics (dynamics[].id) under which its free ties "
                                  "evolve; none: every tie fixed")


class Side(_Strict):
    """One side of a claim's comparison: a scenario's metric, an observation, or a value."""

    scenario: Identifier | None = None
    observation: Identifier | None = None
    value: Number | None = None
    window: tuple[Month, Month] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Side:
        kinds = [k for k in ("scenario", "observation", "value") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a side needs exactly one of scenario / observation / value")
        if self.window and self.window[1] < self.window[0]:
            raise ValueError(f"window ends ({self.window[1]}) before it starts ({self.window[0]})")
        return self


class ClaimTest(_Strict):
    metric: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")] | None = None
    agg: Literal["mean", "sum", "last", "max", "min"] = "mean"
    lhs: Side
    op: Literal[">", "<", ">=", "<="]
    rhs: Side


class Claim(_Strict):
    id: Identifier
    quote: Text
    test: ClaimTest | None = None
    untestable: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _test_or_reason(self) -> Claim:
        if (self.test is None) == (self.untestable is None):
            raise ValueError("a claim needs exactly one of test / untestable")
        return self


class Observation(_Strict):
    id: Identifier
    name: Text
    unit: Text
    compares: Annotated[str, StringConstraints(
        pattern=r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")] | None = Field(
        default=None, description="the engine quantity <engine>.<name> this series measures")
    location: Identifier | None = None
    region: Identifier | None = None
    series: dict[Month, Number] = Field(min_length=1)
    source: Text


class CalibrationSpec(_Strict):
    """How ``factions calibrate`` fits this scenario by default (ABC): the metric and the
    observation it is held against, the prior of the free parameters, the settings."""

    metric: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")] = \
        "ground.deaths"
    observation: Identifier | None = None
    observations: list[Identifier] = Field(
        default_factory=list, description="several series fitted jointly (e.g. one per "
        "region); each compares the metric its `compares` and `region` name")
    fit_until: Month | None = Field(
        default=None, description="last month fitted; later months are held out")
    scenario: Identifier | None = None
    window: tuple[Month, Month] | None = None
    distance: str = "shape"
    method: Literal["rejection", "smc"] = "rejection"
    runs: Annotated[int, Field(ge=2)] = 200
    accept: Annotated[Number, Field(gt=0.0, le=1.0)] = 0.1
    generations: Annotated[int, Field(ge=1)] = 3
    seed: int = 0
    prior: dict[str, Text] = Field(min_length=1)
    options: dict[Identifier, dict[str, int | float | str | bool]] = Field(default_factory=dict)
    note: str = ""


class DecompositionSpec(_Strict):
    """How much of the change in a metric each mechanism (a shock) accounts for: Shapley
    values over the scenarios that leave out every subset of the mechanisms."""

    metric: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")] = \
        "ground.deaths"
    scenario: Identifier | None = None
    window: tuple[Month, Month]
    mechanisms: list[Identifier] = Field(min_length=1, max_length=6)
    groups: dict[Identifier, list[Identifier]] = Field(
        default_factory=dict, description="named sums of mechanisms (e.g. two shocks read "
        "as one cause)")
    regions: bool = Field(default=True, description="also per region (metric "
                          "<engine>.region_<name>.<region>) when the scenario has regions")
    note: str = ""


class ScenarioModel(_Strict):
    """The whole file, field by field (cross-references are checked afterwards)."""

    meta: Meta
    actors: list[Actor] = Field(min_length=1)
    issues: list[Issue] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    populations: list[Group] = Field(default_factory=list)
    forces: list[Force] = Field(default_factory=list)
    parameters: list[Parameter] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    shocks: list[Shock] = Field(default_factory=list)
    dynamics: list[Dynamics] | None = None
    scenarios: list[ScenarioDef] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    calibration: CalibrationSpec | None = None
    decomposition: DecompositionSpec | None = None
