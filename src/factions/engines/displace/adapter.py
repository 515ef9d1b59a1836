"""From a checked scenario to the arrays of the flow model.

* Locations: ``origin``, ``host``, ``idp`` map to :class:`LocationKind`; a ``camp`` counts as
  an IDP setting if it lies in a country that has an origin location, as a host otherwise.
  Initial stocks are ``locations.<id>.population`` at the first month (0 where not given).
* Conditions: ``restriction`` and ``hardship`` per location per month from
  ``timeline.locations_at(month)``, so shocks on ``locations.<id>.restriction|hardship``
  (e.g. Syria's visa rule of October 2007) reach the model.
* Violence: engines do not import each other, so violence comes from an *observed* series
  of deaths per month: the observation that declares ``compares: ground.deaths`` without a
  region (or the one named by option ``violence_series``). An origin whose region has its
  own series (``compares: ground.deaths`` with ``region:`` the origin's region) takes it; the
  remainder of the national series is shared among the other origins in proportion to their
  population. Deaths become a rate per 100,000
  residents per month and are multiplied by ``scale x parameters.violence_scale`` (the
  latter read from the timeline if the scenario defines it, so scenarios can shock it).
  Months missing from the series take the nearest earlier value (or the first one).
* Start (option ``start="observed"``, :func:`start_from_observations`): the run begins after
  the first month at which every observed series has a value, with those observed stocks
  as the initial stocks of the hosts / IDP settings; the difference is taken from (or given
  to) the origins in proportion to their population, so the total is the scenario's.
* Observations: the one declaring ``compares: displace.stock`` with ``location: <host>``
  for each host, ``compares: displace.idps`` for the sum of IDP settings; an observation at
  month ``m`` is compared with the stock at the end of ``m``.
"""

from __future__ import annotations

__all__ = ["ScenarioArrays", "scenario_arrays", "observed_targets", "start_from_observations",
           "VIOLENCE_SCALE_PARAM", "violence_observation", "STOCK", "IDPS", "RETURNS", "DEATHS"]

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from factions.engines.displace.calibrate import Target
from factions.engines.displace.flow import FlowInputs, check_inputs
from factions.engines.displace.network import (
    FlowNetwork,
    LocationKind,
    build_network,
    validate_months,
)
from factions.engines.displace.ties import host_closure
from factions.errors import EngineError, FactionsError

VIOLENCE_SCALE_PARAM = "violence_scale"
#: quantities that observations declare (``compares:``) for this engine
STOCK, IDPS, RETURNS = "displace.stock", "displace.idps", "displace.returns"
DEATHS = "ground.deaths"


@dataclass(frozen=True)
class ScenarioArrays:
    """The network, per-month conditions and provenance notes for one scenario timeline."""

    net: FlowNetwork
    months: list[str]
    inputs: FlowInputs  # one row per month
    deaths: np.ndarray  # national deaths per month actually used (after scaling)
    notes: list[str]


def _kinds(sc: Any) -> list[str]:
    origin_countries = {loc.country for loc in sc.locations if loc.kind == "origin"}
    out = []
    for loc in sc.locations:
        if loc.kind == "camp":
            out.append("idp" if loc.country in origin_countries else "host")
        else:
            out.append(loc.kind)
    return out


def _series_on(months: list[str], series: dict[str, float], name: str) -> tuple[np.ndarray, int]:
    known = sorted(series)
    if not known:
        raise EngineError(f"observation {name!r} is empty")
    vals, filled = [], 0
    for m in months:
        if m in series:
            vals.append(float(series[m]))
            continue
        filled += 1
        earlier = [k for k in known if k < m]
        vals.append(float(series[earlier[-1]] if earlier else series[known[0]]))
    return np.asarray(vals), filled


def _observation(sc: Any, oid: str):
    for o in sc.observations:
        if o.id == oid:
            return o
    return None


def _declared(sc: Any, quantity: str, location: str | None = None):
    """The observation declaring ``compares: quantity`` (at ``location``), if any."""
    for o in sc.observations:
        if o.compares == quantity and o.location == location:
            return o
    return None


def violence_observation(sc: Any, violence_series: str | None = None):
    """The national deaths series the engine uses (``None`` if there is none)."""
    if violence_series is not None:
        return _observation(sc, violence_series)
    return next((o for o in sc.observations
                 if o.compares == DEATHS and o.region is None), None)


def scenario_arrays(sc: Any, timeline: Any, violence_series: str | None = None,
                    violence_scale: float = 1.0, ties: Any = None) -> ScenarioArrays:
    """Build the network and monthly conditions for one scenario timeline.

    ``ties`` (the align engine's :class:`~factions.engines.channels.TieSeries` of this
    scenario, optional) moves the restriction of hosts that name their state
    (:mod:`.ties`).

    Raises
    ------
    EngineError
        No locations/routes, no origin, a missing violence series, or arrays the flow model
        refuses (the message names the location or route).
    """
    if not sc.locations:
        raise EngineError("displace needs a 'locations' section in the scenario")
    if not sc.routes:
        raise EngineError("displace needs a 'routes' section in the scenario")
    months = validate_months(list(timeline.months), "timeline months")
    ids = [loc.id for loc in sc.locations]
    first = timeline.locations_at(months[0])
    pop = np.nan_to_num(first.loc[ids, "population"].to_numpy(dtype=float), nan=0.0)
    try:
        net = build_network(ids, _kinds(sc), pop,
                            [(r.a, r.b, r.distance_km) for r in sc.routes])
    except FactionsError as exc:
        raise EngineError(f"scenario locations/routes: {exc}") from None
    origin = net.kinds == int(LocationKind.ORIGIN)
    if not origin.any():
        raise EngineError("displace needs at least one location of kind 'origin'")

    obs = violence_observation(sc, violence_series)
    if obs is None:
        if violence_series is not None:
            raise EngineError(f"violence series {violence_series!r} is not among the scenario's "
                              f"observations ({', '.join(o.id for o in sc.observations) or 'none'})")
        raise EngineError("needs an observation of deaths per month that declares "
                          "`compares: ground.deaths` (without a region)")
    notes: list[str] = []
    national, filled = _series_on(months, obs.series, obs.id)
    if filled:
        notes.append(f"{obs.id}: {filled} month(s) missing, nearest earlier value used")
    has_param = any(p.id == VIOLENCE_SCALE_PARAM for p in sc.parameters)
    scale = np.full(len(months), float(violence_scale))
    if has_param:
        scale *= timeline.series(f"parameters.{VIOLENCE_SCALE_PARAM}").to_numpy(float)
    if np.any(scale < 0):
        raise EngineError("violence scale must be >= 0 (option violence_scale x "
                          f"parameters.{VIOLENCE_SCALE_PARAM})")

    deaths = np.zeros((len(months), net.n_locations))
    own = np.zeros(net.n_locations, dtype=bool)
    region_of = {loc.id: loc.region for loc in sc.locations}
    regional = {o.region: o for o in sc.observations
                if o.compares == DEATHS and o.region is not None}
    for i in np.flatnonzero(origin):
        o = regional.get(region_of[ids[i]]) if region_of[ids[i]] else None
        if o is not None:
            deaths[:, i], _ = _series_on(months, o.series, o.id)
            own[i] = True
    rest = np.maximum(national - deaths[:, own].sum(axis=1), 0.0)
    share = np.where(origin & ~own, pop, 0.0)
    if share.sum() > 0:
        deaths += rest[:, None] * (share / share.sum())[None, :]
    deaths *= scale[:, None]
    rate = np.divide(deaths * 1e5, pop[None, :], out=np.zeros_like(deaths),
                     where=(pop[None, :] > 0) & origin[None, :])

    restriction = timeline.location_fields("restriction", ids)
    closure = host_closure(sc, ids, months, ties)
    if np.any(closure != 0):
        restriction = np.clip(restriction + closure, 0.0, 1.0)
        notes.append("host restrictions moved by the evolved ties of the hosts' states "
                     f"(largest change {np.abs(closure).max():.2f})")
    hardship = timeline.location_fields("hardship", ids)
    try:
        inputs = check_inputs(net, rate, restriction, hardship)
    except FactionsError as exc:
        raise EngineError(f"scenario conditions: {exc}") from None
    return ScenarioArrays(net, months, inputs, deaths.sum(axis=1), notes)


def observed_targets(sc: Any, arrays: ScenarioArrays, steps_per_month: int = 1) -> list[Target]:
    """Observed stocks inside the period as calibration / ARD targets (hosts, then ``idps``)."""
    net, months = arrays.net, arrays.months
    pos = {m: k for k, m in enumerate(months)}
    targets = []
    groups = _groups(sc, net)
    for name, locs, o in groups:
        if o is None:
            continue
        pts = sorted((m, float(v)) for m, v in o.series.items() if m in pos and v > 0)
        if pts:
            targets.append(Target(name, locs, [steps_per_month * (pos[m] + 1) for m, _ in pts],
                                  [v for _, v in pts]))
    return targets


def _groups(sc: Any, net: FlowNetwork) -> list[tuple[str, list[int], Any]]:
    """(name, location indices, observation or None): each host, then all IDP settings."""
    groups = [(net.ids[i], [int(i)], _declared(sc, STOCK, net.ids[i]))
              for i in np.flatnonzero(net.kinds == int(LocationKind.HOST))]
    idp = [int(i) for i in np.flatnonzero(net.kinds == int(LocationKind.IDP))]
    if idp:
        groups.append(("idps", idp, _declared(sc, IDPS)))
    return groups


def start_from_observations(sc: Any, arrays: ScenarioArrays) -> ScenarioArrays:
    """Restart the run after the first month at which every observed stock is known.

    Hosts / IDP settings with an observation take the observed stock (an IDP total is
    spread over the IDP settings in proportion to their scenario population, or evenly);
    the others keep theirs; origins absorb the difference in proportion to population.

    Raises
    ------
    EngineError
        No such month before the last month of the period, or origins too small to supply
        the observed stocks.
    """
    net, months = arrays.net, arrays.months
    series = []
    for name, locs, o in _groups(sc, net):
        if o is not None:
            series.append((name, locs, o.series))
    if not series:
        raise EngineError("start='observed' needs at least one observation that declares "
                          "`compares: displace.stock` (with a host location) or "
                          "`compares: displace.idps`")
    common = [m for m in months[:-1] if all(m in ser for _, _, ser in series)]
    if not common:
        raise EngineError("start='observed': no month before the end of the period at which "
                          f"every observed series ({', '.join(n for n, _, _ in series)}) "
                          "has a value")
    m0 = common[0]
    pop = net.population.copy()
    for _, locs, ser in series:
        weights = pop[locs] if pop[locs].sum() > 0 else np.ones(len(locs))
        pop[locs] = float(ser[m0]) * weights / weights.sum()
    origin = net.kinds == int(LocationKind.ORIGIN)
    excess = pop[~origin].sum() - net.population[~origin].sum()
    base = net.population[origin]
    if base.sum() - excess <= 0:
        raise EngineError(f"start='observed': origins cannot supply the {excess:,.0f} people "
                          f"displaced by {m0}")
    pop[origin] = base * (1.0 - excess / base.sum())
    k = months.index(m0) + 1
    inp = arrays.inputs
    new_net = replace(net, population=pop)
    inputs = check_inputs(new_net, inp.violence[k:], inp.restriction[k:], inp.hardship[k:])
    notes = [*arrays.notes, f"run starts {months[k]} from the stocks observed at {m0}"]
    return ScenarioArrays(new_net, months[k:], inputs, arrays.deaths[k:], notes)
