"""What the align engine checks in a scenario file: its ``dynamics`` entries.

The scenario layer checks a ``dynamics`` entry on its own (actors named by its pairs, its
months, the ids scenarios refer to); the model it names and the model's own options belong
to the engine, so they are checked here, with the file's locations
(:func:`factions.run.checks.engine_problems` calls :func:`dynamics_problems`).
"""

from __future__ import annotations

__all__ = ["dynamics_problems"]

from factions.engines.align.dynamics.options import COMMON, MODELS
from factions.errors import Problem

_SET_BY_SCHEDULE = ("steps", "max_steps", "record_every")


def dynamics_problems(scenario) -> list[Problem]:
    """Located problems of ``scenario.dynamics``: an unknown model; an option that is not
    the model's own (``rate`` and ``inertia`` are fields of the entry; ``steps``,
    ``max_steps`` and ``record_every`` are set by the month-by-month schedule) or out of
    its range; a heider ``bound`` below a tie of the file."""
    out: list[Problem] = []
    top = max((abs(r.weight) for r in scenario.relations), default=0.0)
    for i, d in enumerate(scenario.dynamics or ()):
        path = ("dynamics", i)
        spec = MODELS.get(d.model)
        if spec is None:
            out.append(scenario.problem_at((*path, "model"), f"unknown balance dynamics "
                                                             f"{d.model!r}; known: "
                                                             f"{', '.join(MODELS)}"))
            continue
        own = {p.name: p for p in spec.params if p.name not in COMMON}
        for name, value in d.options.items():
            where = (*path, "options", name)
            if name in COMMON:
                why = ("set by the month-by-month schedule" if name in _SET_BY_SCHEDULE
                       else "a field of the dynamics entry")
                out.append(scenario.problem_at(where, f"{name!r} is {why}, not a model "
                                                      "option"))
                continue
            if name not in own:
                out.append(scenario.problem_at(where, f"{name!r} is not a parameter of "
                                                      f"balance dynamics {d.model!r}; its "
                                                      f"own: {', '.join(own) or 'none'}"))
                continue
            x, msg = own[name].check(d.model, value)
            if msg:
                out.append(scenario.problem_at(where, msg))
            elif name == "bound" and x < top:
                out.append(scenario.problem_at(where, f"the bound R = {x:g} is below the "
                                                      f"largest tie weight {top:g} (the "
                                                      "heider model needs |w| <= R)"))
    return out
