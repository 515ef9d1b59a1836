"""KTAB's Spatial Model of Politics (SMP), state by state, on all dimensions jointly."""

from factions.engines.bargain.smp.bargains import Bargains, form_bargains, interpolate
from factions.engines.bargain.smp.challenge import best_challenges, challenge_estimates
from factions.engines.bargain.smp.io import DB_TABLES, run_tables, write_db
from factions.engines.bargain.smp.model import SMPRun, smp_model, validate_smp
from factions.engines.bargain.smp.options import (
    KTAB_DEFAULTS,
    KTAB_PARAMETERS,
    STOP_DEFAULTS,
    SMPOptions,
    smp_options,
)
from factions.engines.bargain.smp.pce import (
    coalitions,
    condorcet_election,
    scalar_pce,
    victory_probabilities,
    vote,
)
from factions.engines.bargain.smp.resolve import resolve_bargains
from factions.engines.bargain.smp.sensitivity import SMPSensitivity, smp_sensitivity
from factions.engines.bargain.smp.state import (
    SMPArrays,
    StateSetup,
    Transition,
    new_ideals,
    setup_state,
    transition,
    unique_positions,
    win_probabilities,
)
from factions.engines.bargain.smp.utilities import (
    estimated_risk,
    own_utilities,
    risk_attitudes,
    spatial_utility,
    utility_matrices,
    weighted_distances,
)

__all__ = [
    "Bargains", "DB_TABLES", "SMPSensitivity", "run_tables", "smp_sensitivity", "write_db",
    "KTAB_DEFAULTS", "KTAB_PARAMETERS", "STOP_DEFAULTS", "SMPArrays", "SMPOptions",
    "SMPRun", "StateSetup", "Transition", "best_challenges", "challenge_estimates", "coalitions",
    "condorcet_election", "estimated_risk", "form_bargains", "interpolate", "new_ideals",
    "own_utilities", "resolve_bargains", "risk_attitudes", "scalar_pce", "setup_state",
    "smp_model", "smp_options", "spatial_utility", "transition", "unique_positions",
    "utility_matrices", "validate_smp", "victory_probabilities", "vote", "weighted_distances",
    "win_probabilities",
]
