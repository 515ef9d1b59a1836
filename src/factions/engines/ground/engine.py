"""The ground engine on a scenario: monthly violence on the lattice, compared with IBC.

See :mod:`factions.engines.ground.mapping` for how the scenario's populations, ties,
forces and shocks become lattice parameters, and ``docs/models/ground.md``.
"""

from __future__ import annotations

__all__ = ["OPTIONS", "GroundResult", "run_ground", "parse_options"]

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from factions.engines.base import METRIC_COLUMNS, EngineResult
from factions.engines.ground.mapping import LatticePlan, plan_from_timeline
from factions.engines.ground.params import validate_params
from factions.engines.ground.simulator import Simulator
from factions.errors import EngineError, InputError

OPTIONS = {
    "grid": "lattice size W or WxH (default 80x80)",
    "seeds": "number of seeded replicate runs averaged (default 3)",
    "ticks_per_month": "lattice ticks per calendar month (default 10)",
    "burn_in": "ticks run with the first month's parameters before it (default 50)",
    "model": "'II' (groups kill each other; default) or 'I' (activity and arrests only)",
    "citizen_density": "share of sites with citizens (default 0.7)",
    "cop_density": "density of all security forces in the first month (default 0.04)",
    "kill_scale": "kill probability per tick of an active, fully engaged, fully hostile "
                  "agent with a target in vision (default 0.15)",
    "vision": "citizens' vision v (default 7)",
    "cop_vision": "forces' vision v* (default 7)",
    "threshold": "activation threshold T (default 0.1)",
    "k": "arrest constant k (default 2.3)",
    "max_jail_term": "J_max in ticks (default 30)",
    "lifespan_months": "agents' maximum age in months, births balancing deaths by age "
                       "(default 0: no ageing)",
    "replace_killed": "replace each killed citizen by a newcomer of its group at a random "
                      "empty site, so killing does not deplete the lattice (default true)",
}
_DEFAULTS = {"grid": (80, 80), "seeds": 3, "ticks_per_month": 10, "burn_in": 50,
             "model": "II", "citizen_density": 0.7, "cop_density": 0.04, "kill_scale": 0.15,
             "vision": 7, "cop_vision": 7, "threshold": 0.1, "k": 2.3, "max_jail_term": 30,
             "lifespan_months": 0, "replace_killed": True}


def parse_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Complete and check engine options; :class:`EngineError` names the bad one."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise EngineError(f"ground: unknown option(s) {', '.join(unknown)}; "
                          f"accepted: {', '.join(OPTIONS)}")
    o = dict(_DEFAULTS)
    o.update({k: v for k, v in options.items() if v is not None})
    try:
        g = o["grid"]
        if isinstance(g, str):
            parts = g.lower().replace(",", "x").split("x")
            g = (int(parts[0]), int(parts[-1]))
        elif np.ndim(g) == 0:
            g = (int(g), int(g))
        o["grid"] = (int(g[0]), int(g[1]))
        for name in ("seeds", "ticks_per_month", "burn_in", "vision", "cop_vision",
                     "max_jail_term", "lifespan_months"):
            o[name] = int(o[name])
        for name in ("citizen_density", "cop_density", "kill_scale", "threshold", "k"):
            o[name] = float(o[name])
        rk = o["replace_killed"]
        if isinstance(rk, str):
            if rk.strip().lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(f"replace_killed={rk!r}")
            rk = rk.strip().lower() in ("true", "1", "yes")
        o["replace_killed"] = bool(rk)
    except (TypeError, ValueError, IndexError) as exc:
        raise EngineError(f"ground: bad option value ({exc})") from None
    o["model"] = str(o["model"]).upper()
    if o["model"] not in ("I", "II"):
        raise EngineError(f"ground: option model must be 'I' or 'II'; got {o['model']!r}")
    if o["seeds"] < 1 or o["ticks_per_month"] < 1 or o["burn_in"] < 0:
        raise EngineError("ground: seeds and ticks_per_month must be >= 1, burn_in >= 0")
    if o["lifespan_months"] < 0 or not 0.0 <= o["kill_scale"] <= 1.0:
        raise EngineError("ground: lifespan_months must be >= 0 and kill_scale in [0, 1]")
    try:
        validate_params("II", {"width": o["grid"][0], "height": o["grid"][1],
                               "citizen_density": o["citizen_density"],
                               "cop_density": o["cop_density"],
                               "vision": o["vision"], "cop_vision": o["cop_vision"],
                               "threshold": o["threshold"], "k": o["k"],
                               "max_jail_term": o["max_jail_term"]})
    except InputError as exc:
        raise EngineError(f"ground: {exc}") from None
    return o


@dataclass
class GroundResult(EngineResult):
    """Monthly violence on the lattice (mean over seeds), its mapping and the IBC fit."""

    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_seed: pd.DataFrame = field(default_factory=pd.DataFrame)
    mapping: pd.DataFrame = field(default_factory=pd.DataFrame)
    fit: pd.DataFrame = field(default_factory=pd.DataFrame)
    snapshot: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int8))
    group_ids: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"monthly": self.monthly, "by_seed": self.by_seed,
                "mapping": self.mapping.reset_index(), "fit": self.fit}

    def metrics(self) -> pd.DataFrame:
        rows = []
        for name in ("deaths", "sectarian_deaths", "intra_shia_violence", "activity",
                     "arrests"):
            rows += [(name, m, float(v)) for m, v in zip(self.monthly.month,
                                                          self.monthly[name], strict=True)]
        for _, r in self.fit.iterrows():
            rows.append((f"{r.statistic}_ibc", None, float(r.value)))
        return pd.DataFrame(rows, columns=METRIC_COLUMNS)

    def figures(self) -> dict[str, Any]:
        from factions.engines.ground.figures import grid_figure, series_figure

        return {"series_vs_ibc": series_figure(self),
                "grid_snapshot": grid_figure(self.snapshot, self.group_ids)}


def _one_run(plan: LatticePlan, o: dict[str, Any], rng: np.random.Generator):
    months = list(plan.frame.index)
    w, h = o["grid"]
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
    first = months[0]
    targets = plan.targets(first) if o["model"] == "II" else np.zeros((len(counts),) * 2)
    sim = Simulator(w, h, counts, round(plan.frame.at[first, "cop_density"] * n_cells),
                    round(plan.frame.at[first, "peacekeeper_density"] * n_cells), params,
                    plan.vector("legitimacy", first), targets, rng)
    sim.set(allowed=plan.vector("allowed", first))
    sim.replace_killed = o["replace_killed"]
    sim.advance(o["burn_in"])
    for m in months:
        sim.set(legitimacy=plan.vector("legitimacy", m), allowed=plan.vector("allowed", m),
                n_cops=round(plan.frame.at[m, "cop_density"] * n_cells),
                n_peacekeepers=round(plan.frame.at[m, "peacekeeper_density"] * n_cells))
        if o["model"] == "II":
            sim.set(targets=plan.targets(m))
        sim.advance(tpm)
    b = o["burn_in"]
    return sim.counts()[b:], sim.kills()[b:], sim.snapshot(), n_cit


def _monthly(counts, kills, plan: LatticePlan, tpm: int, n_cit: int) -> pd.DataFrame:
    months = list(plan.frame.index)
    ids = [g.id for g in plan.groups]
    pops = [g.population for g in plan.groups]
    n = len(ids)
    cross = np.array([[pops[i] != pops[j] for j in range(n)] for i in range(n)])
    split = [i for i, g in enumerate(plan.groups) if g.population == "shia"]
    intra = np.zeros((n, n), bool)
    for i in split:
        for j in split:
            intra[i, j] = i != j
    per = 1e5 / n_cit  # rates per 100,000 lattice citizens
    mk = kills.reshape(len(months), tpm, n, n).sum(axis=1)
    mc = counts.reshape(len(months), tpm, n, -1)
    return pd.DataFrame({
        "month": months,
        "deaths": mk.sum(axis=(1, 2)) * per,
        "sectarian_deaths": (mk * cross).sum(axis=(1, 2)) * per,
        "intra_shia_violence": (mk * intra).sum(axis=(1, 2)) * per,
        "activity": mc[:, :, :, 0].sum(axis=2).mean(axis=1) / n_cit,
        "arrests": mc[:, :, :, 3].sum(axis=(1, 2)) * per,
        "jailed": mc[:, :, :, 1].sum(axis=2).mean(axis=1) / n_cit,
    })


def run_ground(scenario, scenario_id: str, seed: int, options: Mapping[str, Any]):
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

    Returns
    -------
    GroundResult
        ``monthly`` (mean over seeds): ``deaths``, ``sectarian_deaths``,
        ``intra_shia_violence``, ``arrests`` per month per 100,000 lattice citizens,
        ``activity`` and ``jailed`` as shares of citizens, ``ibc_deaths`` and
        ``deaths_scaled`` (model deaths times sum(IBC) / sum(model) over common months —
        one factor, which leaves correlations unchanged); ``fit``: Pearson and Spearman
        correlation of model deaths with IBC.

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
    .. [2] Iraq Body Count monthly deaths (scenario observation ``ibc_deaths``).
    """
    o = parse_options(options)
    tl = scenario.timeline(scenario_id)
    plan = plan_from_timeline(scenario, tl, o["cop_density"], o["kill_scale"])
    rng = np.random.default_rng(seed)
    frames, snap = [], None
    for r, child in enumerate(rng.spawn(o["seeds"])):
        counts, kills, snapshot, n_cit = _one_run(plan, o, child)
        df = _monthly(counts, kills, plan, o["ticks_per_month"], n_cit)
        df.insert(0, "seed_index", r)
        frames.append(df)
        snap = snapshot if snap is None else snap
    by_seed = pd.concat(frames, ignore_index=True)
    monthly = by_seed.drop(columns="seed_index").groupby("month", sort=True).mean()
    monthly["deaths_sd"] = by_seed.groupby("month", sort=True)["deaths"].std(ddof=0)
    monthly = monthly.reset_index()
    fit = _fit_ibc(scenario, monthly)
    summary = {"seeds": o["seeds"], "grid": list(o["grid"]),
               "ticks_per_month": o["ticks_per_month"], "model": o["model"],
               "mean_deaths_per_100k": float(monthly.deaths.mean())}
    summary.update({f"{r.statistic}_ibc": float(r.value) for _, r in fit.iterrows()})
    return GroundResult("ground", scenario_id, int(seed), summary, monthly, by_seed,
                        plan.frame, fit, snap, [g.id for g in plan.groups])


def _fit_ibc(scenario, monthly: pd.DataFrame) -> pd.DataFrame:
    obs = {o.id: o for o in getattr(scenario, "observations", [])}
    monthly["ibc_deaths"] = np.nan
    monthly["deaths_scaled"] = np.nan
    if "ibc_deaths" not in obs:
        return pd.DataFrame(columns=["statistic", "value", "n_months"])
    ibc = pd.Series(obs["ibc_deaths"].series, dtype=float)
    monthly["ibc_deaths"] = monthly.month.map(ibc)
    both = monthly.dropna(subset=["ibc_deaths"])
    if len(both) < 3 or both.deaths.sum() <= 0:
        return pd.DataFrame(columns=["statistic", "value", "n_months"])
    factor = both.ibc_deaths.sum() / both.deaths.sum()
    monthly["deaths_scaled"] = monthly.deaths * factor
    pear = stats.pearsonr(both.deaths, both.ibc_deaths)[0]
    spear = stats.spearmanr(both.deaths, both.ibc_deaths)[0]
    n = len(both)
    return pd.DataFrame({"statistic": ["pearson", "spearman", "scale_factor"],
                         "value": [pear, spear, factor], "n_months": [n, n, n]})
