"""Options of the ground engine on a scenario (``--option ground.NAME=VALUE``).

Kept apart from :mod:`.engine` so that registering the engine imports neither pandas nor
scipy (see ``docs/performance.md``, start-up).
"""

from __future__ import annotations

__all__ = ["OPTIONS"]

from factions.engines.options import Option

OPTIONS = (
    Option("grid", "grid", (80, 80), "lattice size W or WxH"),
    Option("seeds", "int", 3, "seeded replicate runs averaged", low=1),
    Option("ticks_per_month", "int", 10, "lattice ticks per calendar month", low=1),
    Option("burn_in", "int", 50, "ticks run with the first month's parameters before it",
           low=0),
    Option("model", "choice", "II", "'II' (groups kill each other) or 'I' (activity and "
           "arrests only)", choices=("I", "II")),
    Option("citizen_density", "float", 0.7, "share of sites with citizens", low=0, high=1),
    Option("cop_density", "float", 0.04, "density of all security forces in the first month",
           low=0, high=1),
    Option("kill_scale", "float", 0.15, "kill probability per tick of an active, fully "
           "engaged, fully hostile agent with a target in vision", low=0, high=1),
    Option("vision", "int", 7, "citizens' vision v", low=1),
    Option("cop_vision", "int", 7, "forces' vision v*", low=1),
    Option("threshold", "float", 0.1, "activation threshold T", low=0),
    Option("k", "float", 2.3, "arrest constant k", low=0),
    Option("max_jail_term", "int", 30, "J_max in ticks", low=0),
    Option("lifespan_months", "int", 0, "agents' maximum age in months, births balancing "
           "deaths by age (0: no ageing)", low=0),
    Option("replace_killed", "bool", True, "replace each killed citizen by a newcomer of its "
           "group at a random empty site, so killing does not deplete the lattice"),
    Option("regions", "choice", "auto", "auto: one lattice per region (sites shared out by "
           "residents) when every region gives its population and mix; off: one national "
           "lattice", choices=("auto", "off")),
    Option("region_min_side", "int", 0, "smallest side of a region's lattice (at least "
           "2 max(vision, cop_vision) + 1 in any case)", low=0),
)
