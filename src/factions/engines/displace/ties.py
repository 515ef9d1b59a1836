"""How the displacement engine reads the evolved ties: hosts that turn hostile close.

Optional and cheap. A host location may name the state that governs it
(``locations[].actor``). The file's ``restriction`` of that host already reflects the ties
as the file types them; when the align engine publishes evolved ties (a scenario with
``dynamics``), the host's restriction in month ``m`` moves by the change in its state's
hostility towards the origin country's government (the actors of kind ``government``):

    restriction'(h, m) = clip(restriction(h, m) + mean_G [ max(0, -w(H, G, m))
                                                        - max(0, -w_typed(H, G, m)) ], 0, 1)

with ``w`` the evolved tie and ``w_typed`` the typed one. A host whose state becomes an
enemy of the government the refugees flee from closes its door by the new hostility; one
that warms opens it. Without ``actor``, without a government actor, or without dynamics
the restriction is the file's (the rule adds exactly 0).
"""

from __future__ import annotations

__all__ = ["host_closure"]

import numpy as np


def host_closure(scenario, location_ids: list[str], months: list[str], ties) -> np.ndarray:
    """``(T, L)`` change of each location's restriction by the evolved ties (see the module
    docs); zeros where the rule does not apply.

    Parameters
    ----------
    scenario : factions.scenario.Scenario
    location_ids : list of str
        Location ids in the order of the flow network.
    months : list of str
        The months of the flow model (those of ``ties``).
    ties : factions.engines.channels.TieSeries or None
        The align engine's ties of the scenario being run.
    """
    out = np.zeros((len(months), len(location_ids)))
    if ties is None or not ties.dynamic:
        return out
    govs = [ties.actors.index(a.id) for a in scenario.actors if a.kind == "government"]
    if not govs:
        return out
    rows = [ties.index(m) for m in months]
    by_id = {loc.id: loc for loc in scenario.locations}
    for j, lid in enumerate(location_ids):
        actor = getattr(by_id[lid], "actor", None)
        if actor is None or actor not in ties.actors:
            continue
        h = ties.actors.index(actor)
        ev = np.clip(-ties.weights[rows][:, h, govs], 0.0, None).mean(axis=1)
        ty = np.clip(-ties.typed[rows][:, h, govs], 0.0, None).mean(axis=1)
        out[:, j] = ev - ty
    return out
