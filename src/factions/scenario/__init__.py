"""The one data model: schema, YAML loading with line numbers, effects of shocks by month.

This package is the only place that parses and validates user input about a conflict
system; engines receive a checked :class:`Scenario` and read it through
:meth:`Scenario.timeline`.
"""

from factions.scenario.load import (
    DEFAULT_SCENARIO,
    DEFAULT_SCENARIO_FILE,
    default_scenario,
    embedded_scenario,
    embedded_scenarios,
    load_scenario,
    parse_scenario,
    resolve_scenario,
)
from factions.scenario.months import add_months, month_index, month_range
from factions.scenario.params import parameter_specs, relation_key
from factions.scenario.scenario import Scenario
from factions.scenario.timeline import Timeline, apply_effects

__all__ = [
    "Scenario", "Timeline", "load_scenario", "parse_scenario", "default_scenario",
    "DEFAULT_SCENARIO_FILE", "DEFAULT_SCENARIO", "embedded_scenario", "embedded_scenarios",
    "resolve_scenario", "apply_effects", "parameter_specs", "relation_key",
    "month_index", "month_range", "add_months",
]
