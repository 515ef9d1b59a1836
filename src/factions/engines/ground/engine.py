"""The ground engine on a scenario: monthly violence on the lattice, held against data.

See :mod:`factions.engines.ground.mapping` for how the scenario's populations, ties,
forces and shocks become lattice parameters, and ``docs/models/ground.md``.
"""

from __future__ import annotations

__all__ = ["OPTIONS", "GroundResult", "run_ground", "parse_options", "ground_metrics",
           "OBSERVED"]

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from factions.engines.base import METRIC_COLUMNS, EngineResult
from factions.engines.channels import TIES
from factions.engines.ground.mapping import LatticePlan, lattice_groups, plan_from_timeline
from factions.engines.ground.options import OPTIONS
from factions.engines.ground.params import validate_params
from factions.engines.ground.prefix import MEMO, STORE_EVERY, PrefixMemo, digest_chain
from factions.engines.ground.regions import regional_fit, regional_plans, uses_regions
from factions.engines.ground.simulator import Simulator
from factions.engines.options import check_options
from factions.errors import EngineError, InputError

#: the quantity an observation declares (``compares: ground.deaths``) to be held against
OBSERVED = "ground.deaths"


def parse_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Complete and check engine options; :class:`EngineError` names the bad one."""
    o = check_options("ground", OPTIONS, options)
    try:
        validate_params("II", {"width": o["grid"][0], "height": o["grid"][1],
                               "citizen_density": o["citizen_density"],
                               "cop_density": o["cop_density"],
                               "vision": o["vision"], "cop_vision": o["cop_vision"],
                               "threshold": o["threshold"], "k": o["k"],
                               "max_jail_term": o["max_jail_term"]})
    except InputError as exc:
        raise EngineError(f"engine 'ground': {exc}") from None
    return o


@dataclass
class GroundResult(EngineResult):
    """Monthly violence on the lattice (mean over seeds), its mapping and the fit to the
    observed deaths (the observation with ``compares: ground.deaths``)."""

    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_seed: pd.DataFrame = field(default_factory=pd.DataFrame)
    fit: pd.DataFrame = field(default_factory=pd.DataFrame)
    snapshot: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int8))
    group_ids: list[str] = field(default_factory=list)
    within: list[str] = field(default_factory=list)
    observed: str | None = None
    regions: list[str] = field(default_factory=list)
    #: the lattice plans behind :attr:`mapping`: ``(region or None, plan)``
    plans: list = field(default_factory=list, repr=False)
    #: :attr:`mapping` once built (not an argument; kept in pickles)
    _mapping: pd.DataFrame | None = field(default=None, init=False, repr=False,
                                          compare=False)

    @property
    def mapping(self) -> pd.DataFrame:
        """The lattice parameters month by month (per region on regions, with a
        ``region`` column), built when first read."""
        if self._mapping is None:
            frames = [p.frame if r is None else p.frame.assign(region=r)
                      for r, p in self.plans]
            self._mapping = (pd.concat(frames) if len(frames) > 1 else
                             frames[0] if frames else pd.DataFrame())
        return self._mapping

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"monthly": self.monthly, "by_seed": self.by_seed,
                "mapping": self.mapping.reset_index(), "fit": self.fit}

    def metrics(self) -> pd.DataFrame:
        names = ["deaths", "sectarian_deaths", "activity", "arrests"]
        names += [f"deaths_within.{p}" for p in self.within]
        names += [f"killed.{g}" for g in self.group_ids]
        names += [f"{q}.{r}" for r in self.regions for q in REGION_METRICS]
        months = np.array(self.monthly["month"].tolist(), dtype=object)
        fit = [f"fit.{v}" for v in self.fit["statistic"].tolist()] if len(self.fit) else []
        return pd.DataFrame({
            "metric": np.array([n for n in names for _ in months] + fit, dtype=object),
            "month": np.concatenate([np.tile(months, len(names)),
                                     np.full(len(fit), None, dtype=object)]),
            "value": np.concatenate([self.monthly[n].to_numpy(float) for n in names]
                                    + [self.fit["value"].to_numpy(float)[:len(fit)]]),
        })[METRIC_COLUMNS]

    def figures(self) -> dict[str, Any]:
        """Plotly figures: deaths against the observed series, the final lattice and, on
        regions, each region against its series."""
        from factions.engines.ground.figures import lattice_figure, regions_figure, series_figure

        figs = {"series_vs_observed": series_figure(self),
                "grid_snapshot": lattice_figure(self.snapshot, self.group_ids)}
        if self.regions:
            figs["regions_vs_observed"] = regions_figure(self)
        return figs


#: per-region metrics, ``<name>.<region>``
REGION_METRICS = ("region_deaths", "region_sectarian_deaths", "region_activity")


def _one_run(plan: LatticePlan, o: dict[str, Any], rng: np.random.Generator,
             size: tuple[int, int] | None = None, memo: PrefixMemo | None = MEMO):
    """One lattice run of ``plan``; with a ``memo`` (:mod:`.prefix`) it resumes from the
    longest history it shares with an earlier run (bit-for-bit the same result)."""
    months = plan.months
    w, h = size or o["grid"]
    n_cells = w * h
    n_cit = int(round(o["citizen_density"] * n_cells))
    shares = np.array([g.share for g in plan.groups])
    counts = np.floor(shares * n_cit).astype(int)
    counts[np.argmax(shares)] += n_cit - counts.sum()
    tpm = o["ticks_per_month"]
    max_age = o["lifespan_months"] * tpm
    # births balance natural deaths at the initial density (a site's 4 neighbours)
    full = o["citizen_density"] + o["cop_density"]
    clone_p = min(1.0, 1.0 / (max_age * max(1e-9, 1.0 - full ** 4))) if max_age else 0.0
    params = validate_params("II", {
        "width": w, "height": h, "citizen_density": o["citizen_density"],
        "vision": o["vision"], "cop_vision": o["cop_vision"], "threshold": o["threshold"],
        "k": o["k"], "max_jail_term": o["max_jail_term"], "clone_probability": clone_p,
        "max_age": max_age})
    model_ii = o["model"] == "II"
    legit = plan.matrix("legitimacy")
    allowed = plan.matrix("allowed")
    cops = [round(v * n_cells) for v in plan.column("cop_density")]
    keepers = [round(v * n_cells) for v in plan.column("peacekeeper_density")]
    targets = [plan.targets(m) if model_ii else np.zeros((len(counts),) * 2) for m in months]
    setup = (w, h, counts, sorted(params.items()), cops[0], keepers[0], legit[0],
             targets[0], allowed[0], o["replace_killed"], o["burn_in"], tpm, model_ii,
             rng.bit_generator.state)
    digests = digest_chain(setup, [(m, legit[j], allowed[j], cops[j], keepers[j], targets[j])
                                   for j, m in enumerate(months)])
    start, sim = memo.longest(digests) if memo is not None else (-1, None)
    if sim is None:
        sim = Simulator(w, h, counts, cops[0], keepers[0], params, legit[0], targets[0], rng)
        sim.set(allowed=allowed[0])
        sim.replace_killed = o["replace_killed"]
        sim.advance(o["burn_in"])
        start = 0
        if memo is not None:
            memo.put(digests[0], sim)
    for j in range(start, len(months)):
        sim.set(legitimacy=legit[j], allowed=allowed[j], n_cops=cops[j],
                n_peacekeepers=keepers[j])
        if model_ii:
            sim.set(targets=targets[j])
        sim.advance(tpm)
        if memo is not None and ((j + 1) % STORE_EVERY == 0 or j == len(months) - 1):
            memo.put(digests[j + 1], sim)
    b = o["burn_in"]
    return sim.counts()[b:], sim.kills()[b:], sim.snapshot(), n_cit


def _monthly(counts, kills, plan: LatticePlan, tpm: int, n_cit: int) -> dict:
    """Monthly metrics of one lattice run: ``{"month": months, name: values}``."""
    months = plan.months
    ids = [g.id for g in plan.groups]
    pops = [g.population for g in plan.groups]
    n = len(ids)
    cross = np.array([[pops[i] != pops[j] for j in range(n)] for i in range(n)])
    per = 1e5 / n_cit  # rates per 100,000 lattice citizens
    mk = kills.reshape(len(months), tpm, n, n).sum(axis=1)
    mc = counts.reshape(len(months), tpm, n, -1)
    cols = {
        "month": months,
        "deaths": mk.sum(axis=(1, 2)) * per,
        "sectarian_deaths": (mk * cross).sum(axis=(1, 2)) * per,
    }
    for p in _within(plan):
        inside = np.array([[pops[i] == p == pops[j] and i != j for j in range(n)]
                           for i in range(n)])
        cols[f"deaths_within.{p}"] = (mk * inside).sum(axis=(1, 2)) * per
    for j, g in enumerate(ids):  # kills[t, killer group, victim group]
        cols[f"killed.{g}"] = mk[:, :, j].sum(axis=1) * per
    cols["activity"] = mc[:, :, :, 0].sum(axis=2).mean(axis=1) / n_cit
    cols["arrests"] = mc[:, :, :, 3].sum(axis=(1, 2)) * per
    cols["jailed"] = mc[:, :, :, 1].sum(axis=2).mean(axis=1) / n_cit
    return cols


def _within(plan: LatticePlan) -> list[str]:
    """Populations cut into several lattice groups (by their movements)."""
    pops = [g.population for g in plan.groups]
    return [p for p in dict.fromkeys(pops) if pops.count(p) > 1]


def ground_metrics(scenario) -> list[str]:
    """The metric names the engine reports on ``scenario`` (its own groups' names; per
    region ``region_deaths.<region>``, ``region_sectarian_deaths.<region>`` and
    ``region_activity.<region>`` when it runs on regions)."""
    groups = lattice_groups(scenario) if scenario.populations else []
    pops = [g.population for g in groups]
    within = [p for p in dict.fromkeys(pops) if pops.count(p) > 1]
    regional = [f"{q}.{r.id}" for r in scenario.regions for q in REGION_METRICS] if (
        uses_regions(scenario, "auto")) else []
    return (["deaths", "sectarian_deaths", "activity", "arrests", "fit.*"]
            + [f"deaths_within.{p}" for p in within] + [f"killed.{g.id}" for g in groups]
            + regional)


def _run_seed(scenario, scenario_id: str, o: dict[str, Any], rng, plans,
              evolved=None) -> tuple:
    """One replicate: the national lattice, or every region's (residents-weighted)."""
    if plans is None:
        plan = plan_from_timeline(scenario, scenario.timeline(scenario_id), o["cop_density"],
                                  o["kill_scale"], evolved=evolved)
        counts, kills, snapshot, n_cit = _one_run(plan, o, rng)
        monthly = pd.DataFrame(_monthly(counts, kills, plan, o["ticks_per_month"], n_cit))
        return monthly, snapshot
    frames, snap = [], None
    for rp, child in zip(plans, rng.spawn(len(plans)), strict=True):
        counts, kills, snapshot, n_cit = _one_run(rp.plan, o, child, (rp.side, rp.side))
        frames.append(_monthly(counts, kills, rp.plan, o["ticks_per_month"], n_cit))
        snap = snapshot if snap is None or snapshot.size > snap.size else snap
    nat = {"month": frames[0]["month"]}
    for col in frames[0]:
        if col != "month":
            nat[col] = sum(rp.weight * f[col] for rp, f in zip(plans, frames, strict=True))
    for rp, f in zip(plans, frames, strict=True):
        nat[f"region_deaths.{rp.region}"] = f["deaths"]
        nat[f"region_sectarian_deaths.{rp.region}"] = f["sectarian_deaths"]
        nat[f"region_activity.{rp.region}"] = f["activity"]
    return pd.DataFrame(nat), snap


def run_ground(scenario, scenario_id: str, seed: int, options: Mapping[str, Any],
               upstream: Mapping[str, Any] | None = None):
    """Run the ground engine on one scenario; see the module and mapping docs.

    Parameters
    ----------
    scenario : factions.scenario.Scenario
    scenario_id : str
        One of ``scenario.scenario_ids()``.
    seed : int
        Seed of ``numpy.random.default_rng``; replicate ``r`` uses its ``r``-th spawn.
    options : mapping
        See :data:`OPTIONS`.
    upstream : mapping, optional
        Outputs of other engines passed by the pipeline: ``"ties"`` (a
        :class:`~factions.engines.channels.TieSeries`, the align engine's evolved ties) is
        used for engagement and hostility instead of the timeline's ties.

    Returns
    -------
    GroundResult
        ``monthly`` (mean over seeds): ``deaths``, ``sectarian_deaths`` (killings between
        different populations), ``deaths_within.<population>`` (killings between the
        lattice groups of one population, for populations with movements),
        ``killed.<group>`` (members of each lattice group killed), ``arrests`` per month
        per 100,000 lattice citizens, ``activity`` and ``jailed`` as shares of citizens,
        ``observed_deaths`` and ``deaths_scaled`` (model deaths times sum(observed) /
        sum(model) over common months — one factor, which leaves correlations unchanged);
        ``fit``: Pearson and Spearman correlation of model deaths with the observation
        that declares ``compares: ground.deaths`` (national: without a region).

    Raises
    ------
    EngineError
        Bad options (unknown name, bad value, grid too large).

    Notes
    -----
    Each replicate runs Epstein's rules (citizens: ``G = H (1 - L_g)``, ``P = 1 -
    exp(-k floor(C/A))``, active iff ``G - R P > T``; forces arrest a random active in
    vision; actives of ``g`` kill a member of ``h`` in vision with probability
    ``targets[g, h]``) with random asynchronous activation on a torus, ``burn_in`` ticks
    and then ``ticks_per_month`` ticks per month, the parameters of each month coming from
    :func:`~factions.engines.ground.mapping.plan_from_timeline`. Cost: O(seeds x months x
    ticks_per_month x agents x sites in vision).

    References
    ----------
    .. [1] Epstein, J. M. (2002). Modeling civil violence: An agent-based computational
       approach. PNAS 99(suppl. 3), 7243-7250.
    """
    o = parse_options(options)
    evolved = (upstream or {}).get(TIES)
    plans = regional_plans(scenario, scenario_id, o, evolved) if uses_regions(
        scenario, o["regions"]) else None
    plan = plans[0].plan if plans else plan_from_timeline(
        scenario, scenario.timeline(scenario_id), o["cop_density"], o["kill_scale"],
        evolved=evolved)
    rng = np.random.default_rng(seed)
    frames, snap = [], None
    for r, child in enumerate(rng.spawn(o["seeds"])):
        df, snapshot = _run_seed(scenario, scenario_id, o, child, plans, evolved)
        df.insert(0, "seed_index", r)
        frames.append(df)
        snap = snapshot if snap is None else snap
    if len(frames) > 1:
        by_seed = pd.concat(frames, ignore_index=True)
        monthly = by_seed.drop(columns="seed_index").groupby("month", sort=True).mean()
        monthly["deaths_sd"] = by_seed.groupby("month", sort=True)["deaths"].std(ddof=0)
        monthly = monthly.reset_index()
    else:  # one seed: the mean is the run itself (months are in calendar order)
        by_seed = frames[0]
        monthly = by_seed.drop(columns="seed_index")
        monthly["deaths_sd"] = 0.0
    observed = next((ob for ob in scenario.observations_of(OBSERVED)
                     if getattr(ob, "region", None) is None), None)
    fit = _fit_observed(observed, monthly)
    regions = [rp.region for rp in plans] if plans else []
    if plans:
        fit = pd.concat([fit, regional_fit(scenario, monthly, plans)], ignore_index=True)
    summary = {"seeds": o["seeds"], "grid": list(o["grid"]),
               "ticks_per_month": o["ticks_per_month"], "model": o["model"],
               "mean_deaths_per_100k": float(monthly.deaths.mean())}
    summary.update({f"fit_{r.statistic}": float(r.value) for _, r in fit.iterrows()})
    if observed is not None:
        summary["observed"] = observed.id
    if plans:
        summary["regions"] = {rp.region: f"{rp.side}x{rp.side}" for rp in plans}
    degenerate = None
    if o["model"] == "II" and not (monthly["deaths"] > 0).any():
        degenerate = "no deaths in any month (no active armed group at war with the incumbent)"
    elif not (monthly["activity"] > 0).any():
        degenerate = "no active citizens in any month"
    return GroundResult("ground", scenario_id, int(seed), summary, monthly, by_seed,
                        fit, snap, [g.id for g in plan.groups],
                        within=_within(plan), observed=None if observed is None else observed.id,
                        regions=regions, degenerate=degenerate,
                        plans=[(rp.region, rp.plan) for rp in plans] if plans else
                        [(None, plan)])


def _fit_observed(observed, monthly: pd.DataFrame) -> pd.DataFrame:
    monthly["observed_deaths"] = np.nan
    monthly["deaths_scaled"] = np.nan
    empty = pd.DataFrame(columns=["statistic", "value", "n_months"])
    if observed is None:
        return empty
    ser = pd.Series(observed.series, dtype=float)
    monthly["observed_deaths"] = monthly.month.map(ser)
    both = monthly.dropna(subset=["observed_deaths"])
    if len(both) < 3 or both.deaths.sum() <= 0:
        return empty
    factor = both.observed_deaths.sum() / both.deaths.sum()
    monthly["deaths_scaled"] = monthly.deaths * factor
    pear = stats.pearsonr(both.deaths, both.observed_deaths)[0]
    spear = stats.spearmanr(both.deaths, both.observed_deaths)[0]
    n = len(both)
    return pd.DataFrame({"statistic": ["pearson", "spearman", "scale_factor"],
                         "value": [pear, spear, factor], "n_months": [n, n, n]})
