"""The ``align`` engine: blocs, balance, strained ties and voting power of a scenario."""

from __future__ import annotations

__all__ = ["AlignResult", "run_align", "scenario_graph", "OPTIONS", "match_blocs",
           "align_metrics"]

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from factions.engines.align.balance import (
    balance_score,
    contributions,
    triad_census,
    triangle_balance,
)
from factions.engines.align.evolve import tie_series
from factions.engines.align.graph import SignedGraph, signed_graph
from factions.engines.align.kblocs import k_blocs
from factions.engines.align.memo import solved
from factions.engines.align.realign import optimal_partitions, realignment
from factions.engines.align.tables import bloc_changes, council_power
from factions.engines.align.tie_metrics import emergent_table, requested_values, tie_metric_names
from factions.engines.base import METRIC_COLUMNS, EngineResult
from factions.engines.channels import TIES, TieSeries
from factions.engines.options import Option, check_options
from factions.errors import EngineError

if TYPE_CHECKING:  # pragma: no cover
    from plotly.graph_objects import Figure

OPTIONS = (
    Option("month", "month", None, "focus month for tie strain, triads, power and coalitions "
           "(default: the last)"),
    Option("k", "int", 2, "maximum number of blocs (k > 2 is Davis clusterability)", low=1),
    Option("time_limit", "float", 10.0, "seconds per exact solve (on expiry: best partition "
           "and gap)", low=0, open_low=True),
    Option("snapshots", "months", None, "months whose blocs are tabled and drawn (default: "
           "first month, the month before each shock that changes ties, the focus month)"),
    Option("cap", "int", 20, "maximum optimal partitions enumerated for tie strain", low=1),
    Option("quota", "int", None, "council quota (default a seat majority, floor(S/2) + 1)",
           low=1),
    Option("compare", "str", None, "scenario id whose network at the focus month is compared "
           "with this one"),
    Option("lean", "bool", False, "metrics only, for ensembles (see align.lean): monthly "
           "frustration, balance and bloc sizes of the listed months"),
    Option("months", "months", None, "in lean mode, the months computed (default all)"),
    Option("method", "choice", "exact", "in lean mode, how each month's frustration is found",
           choices=("exact", "heuristic")),
    Option("power", "bool", True, "in lean mode, also compute voting power"),
    Option("claimed", "bool", False, "in lean mode, compute the blocs and frustration of a "
           "named scenario only on the windows of the claims that read them on it"),
)


def scenario_graph(scenario, scenario_id: str, month: str, seed: int = 0) -> SignedGraph:
    """Signed network of a scenario at a month: its non-zero relations, shocks applied,
    free ties evolved under the scenario's dynamics (:func:`.evolve.tie_series`).

    A relation weight ``r`` in [-1, 1] becomes a tie of sign ``sign(r)`` and weight ``|r|``.

    Raises
    ------
    EngineError
        Unknown month.
    """
    tl = scenario.timeline(scenario_id)
    _check_month(tl, month)
    return _graph(tie_series(scenario, scenario_id, seed).relations_at(month))


def _graph(relations) -> SignedGraph:
    return signed_graph([(a, b, w, abs(w)) for a, b, w in relations])


def _check_month(tl, month: str) -> str:
    if month not in tl.months:
        raise EngineError(f"month {month!r} is outside {tl.months[0]}..{tl.months[-1]}")
    return month


def match_blocs(reference: Mapping[str, int], labels: Mapping[str, int]) -> dict[str, int]:
    """Renumber ``labels`` so that its blocs overlap ``reference`` the most (Hungarian)."""
    common = [a for a in labels if a in reference]
    if not common or not labels:
        return dict(labels)
    size = max(max(reference.values()), max(labels.values())) + 1
    overlap = np.zeros((size, size))
    for a in common:
        overlap[labels[a], reference[a]] += 1
    rows, cols = linear_sum_assignment(-overlap)
    mapping = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    return {a: mapping[b] for a, b in labels.items()}


@dataclass
class AlignResult(EngineResult):
    """Monthly balance, blocs at snapshot months, strained ties and voting power."""

    month: str = ""
    k: int = 2
    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)
    blocs: pd.DataFrame = field(default_factory=pd.DataFrame)
    ties: pd.DataFrame = field(default_factory=pd.DataFrame)
    moves: pd.DataFrame = field(default_factory=pd.DataFrame)
    flips: pd.DataFrame = field(default_factory=pd.DataFrame)
    triads: pd.DataFrame = field(default_factory=pd.DataFrame)
    power: pd.DataFrame = field(default_factory=pd.DataFrame)
    coalitions: pd.DataFrame = field(default_factory=pd.DataFrame)
    compare: dict[str, pd.DataFrame] = field(default_factory=dict)
    snapshot_ties: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    marks: list[tuple[str, str]] = field(default_factory=list)
    series: TieSeries | None = field(default=None, repr=False)
    monthly_blocs: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    tie_metrics: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    tie_months: list[str] | None = field(default=None, repr=False)

    def provided(self, name: str):
        """``"ties"``: the :class:`~factions.engines.channels.TieSeries` (evolved ties)."""
        return self.series if name == TIES else self

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"monthly": self.monthly, "blocs": self.blocs, "ties": self.ties,
               "strained": self.ties[self.ties["strain"] > 0].sort_values(
                   ["strain", "weight"], ascending=False).reset_index(drop=True),
               "moves": self.moves, "flips": self.flips, "triads": self.triads,
               "power": self.power, "coalitions": self.coalitions}
        out.update({f"compare_{k}": v for k, v in self.compare.items()})
        if self.series is not None and self.series.dynamic:
            out["ties_moved"] = self.series.moves()
            out["ties_emergent"] = emergent_table(self.series)
        return out

    def figures(self) -> dict[str, Figure]:
        """Plotly figures: frustration by month, the network at every snapshot month (one
        figure, a slider over the months, the focus month shown first) and voting power."""
        from factions.engines.align.figures import (
            frustration_figure,
            network_figure,
            network_layout,
            power_figure,
        )

        figs: dict[str, Figure] = {
            "frustration": frustration_figure(
                self.monthly, self.marks,
                f"{self.scenario_id}: distance from structural balance by month"),
        }
        layout = network_layout(self.snapshot_ties)
        months = sorted(self.snapshot_ties)
        by_month = self.monthly.set_index("month")
        snaps = []
        for month in months:
            blocs = self.blocs[self.blocs["month"] == month]
            row = by_month.loc[month]
            value = row["frustration"] if self.k == 2 else row["k_frustration"]
            snaps.append((month, self.snapshot_ties[month], blocs,
                          f"{month}: {int(blocs['bloc'].nunique())} blocs "
                          f"(k <= {self.k}), frustrated weight {value:.2f}, balance "
                          f"{row['balance']:.2f}"))
        if snaps:
            figs["network"] = network_figure(snaps, layout, show=self.month)
        if not self.power.empty:
            p = self.power[self.power["month"] == self.month]
            figs["power"] = power_figure(p, f"{self.scenario_id} {self.month}: voting power in "
                                            f"the Council of Representatives")
        if self.series is not None and self.series.dynamic:
            from factions.engines.align.figures_ties import evolution_figures

            figs = {**evolution_figures(self.series, self.monthly_blocs, self.scenario_id,
                                        self.marks), **figs}
        return figs

    def metrics(self) -> pd.DataFrame:
        m = self.monthly
        rows = []
        cols = ["frustration", "balance", "triangle_balance"]
        if self.summary.get("lean"):
            rows = [(c, mo, v) for c in cols for mo, v in zip(m["month"], m[c], strict=True)]
            rows += [(f"bloc_size.{a}", mo, float(v)) for (mo, a), v in self._bloc_sizes.items()]
            rows += [(f"{c}.{p}", mo, float(v)) for c, d in self._power_monthly.items()
                     for (mo, p), v in d.items()]
            rows += self._tie_rows()
            return pd.DataFrame(rows, columns=METRIC_COLUMNS)
        cols += ["k_frustration"] if "k_frustration" in m else []
        for col in cols:
            rows += [(col, mo, v) for mo, v in zip(m["month"], m[col], strict=True)]
        sizes = self._bloc_sizes
        rows += [(f"bloc_size.{a}", mo, float(v)) for (mo, a), v in sizes.items()]
        for col in ("banzhaf", "shapley_shubik"):
            if col in self._power_monthly:
                rows += [(f"{col}.{p}", mo, float(v))
                         for (mo, p), v in self._power_monthly[col].items()]
        strained = self.ties["strain"].to_numpy() if not self.ties.empty else np.zeros(0)
        rows.append(("strained_ties", None, float(np.sum(strained >= 1.0))))
        rows.append(("moved_actors", None, float(self.moves["moved"].sum())
                     if not self.moves.empty else 0.0))
        rows += self._tie_rows()
        return pd.DataFrame(rows, columns=METRIC_COLUMNS)

    def _tie_rows(self) -> list[tuple]:
        months = self.monthly["month"].tolist() if self.tie_months is None else self.tie_months
        return [(name, mo, float(v)) for name, values in self.tie_metrics.items()
                for mo, v in zip(months, values, strict=True)]

    _bloc_sizes: dict = field(default_factory=dict, repr=False)
    _power_monthly: dict = field(default_factory=dict, repr=False)


def _snapshots(scenario, scenario_id, tl, month, value) -> list[str]:
    if value is not None:
        months = list(value)
        for m in months:
            _check_month(tl, m)
        return sorted(dict.fromkeys(months))
    chosen = [tl.months[0]]
    ids = next((s.shocks for s in scenario.scenarios if s.id == scenario_id), [])
    for shock in scenario.shocks:
        if shock.id in ids and any(e.param.startswith("relations.") for e in shock.effects):
            i = tl.months.index(shock.month) if shock.month in tl.months else None
            if i:
                chosen.append(tl.months[i - 1])
    chosen.append(month)
    return sorted(m for m in dict.fromkeys(chosen) if m <= month) or [month]


def run_align(scenario, scenario_id: str, seed: int, options: Mapping[str, Any],
              upstream: Mapping[str, Any] | None = None) -> AlignResult:
    """Engine entry point: alignment of the scenario's factions month by month.

    The ties are the scenario's, shocks applied, with the free ones evolved under the
    named scenario's ``dynamics`` (:func:`.evolve.tie_series`; the engine publishes them as
    ``"ties"`` for the engines that consume them). For every month: the exact 2-bloc frustration index of the signed network of relations
    (shocks applied), the normalised balance ``1 - 2L/W`` and the share of balanced
    triangles; blocs (up to ``k``) and actors' contributions at snapshot months; the strain
    of each tie at the focus month (share of optimal partitions frustrating it); bloc moves
    and tie flips between consecutive snapshots; and Banzhaf and Shapley-Shubik power of
    the parties holding seats (quota a seat majority, floor(S/2) + 1).

    Parameters
    ----------
    scenario : factions.scenario.Scenario
        Validated scenario (not modified).
    scenario_id : str
        Which of its scenarios (shock sets) to run.
    seed : int
        Seed of the heuristics (used only for k-bloc problems beyond the exact size and for
        time-limit fallbacks) and of a stochastic dynamics model (the triad and landscape
        models); with the deterministic ones (heider, continuous) the engine is
        deterministic.
    options : mapping
        See :data:`OPTIONS`.

    Returns
    -------
    AlignResult

    Raises
    ------
    EngineError
        Unknown option, month, scenario to compare, or a bad value.

    Notes
    -----
    Models and equations: :func:`frustration`, :func:`k_blocs`, :func:`balance_score`,
    :func:`optimal_partitions`, :func:`banzhaf`, :func:`shapley_shubik`.

    References
    ----------
    .. [1] Aref, S., Mason, A. J., & Wilson, M. C. (2020). A modeling and computational
       study of the frustration index in signed networks. Networks, 75(1), 95-110.
    .. [2] Doreian, P., & Mrvar, A. (2015). Structural balance and signed international
       relations. Journal of Social Structure, 16(2).
    """
    options = check_options("align", OPTIONS, options)
    if options["lean"]:
        from factions.engines.align.lean import lean_align

        return lean_align(scenario, scenario_id, seed, options, AlignResult)
    tl = scenario.timeline(scenario_id)
    ties_t = tie_series(scenario, scenario_id, seed)
    month = _check_month(tl, options["month"] or tl.months[-1])
    k, cap, time_limit = options["k"], options["cap"], options["time_limit"]
    snapshots = _snapshots(scenario, scenario_id, tl, month, options["snapshots"])
    rng = np.random.default_rng(seed)

    cache: dict[tuple, tuple] = {}
    monthly_rows, sizes, labels_at = [], {}, {}
    for mo in tl.months:
        rel = tuple(sorted(ties_t.relations_at(mo)))
        if rel not in cache:
            g, fr = solved(scenario, rel, time_limit, rng)  # once per network and scenario
            kb = k_blocs(g, k, time_limit=time_limit, seed=rng) if k != 2 else None
            labels = dict(zip(g.nodes, (kb.labels if kb else fr.labels).tolist(), strict=True))
            cache[rel] = (g, fr, kb, labels)
        g, fr, kb, labels = cache[rel]
        labels_at[mo] = labels
        row = {"month": mo, "actors": g.n, "ties": g.m, "negative_ties": int((g.sign < 0).sum()),
               "frustration": fr.value, "bound": fr.bound, "status": fr.status,
               "balance": balance_score(g, fr.value), "triangle_balance": triangle_balance(g),
               "blocs": len(set(labels.values()))}
        if kb is not None:
            row.update(k_frustration=kb.value, k_status=kb.status)
        monthly_rows.append(row)
        counts = pd.Series(labels).value_counts()
        sizes.update({(mo, a): int(counts[b]) for a, b in labels.items()})
    monthly = pd.DataFrame(monthly_rows)

    names = {a.id: a.name for a in scenario.actors}
    kinds = {a.id: a.kind for a in scenario.actors}
    bloc_frames, snapshot_ties, previous = [], {}, None
    for mo in snapshots:
        g, fr, kb, _ = cache[tuple(sorted(ties_t.relations_at(mo)))]
        labels = labels_at[mo] if previous is None else match_blocs(previous, labels_at[mo])
        previous = labels
        lab = np.array([labels[a] for a in g.nodes])
        actors, ties = contributions(g, lab)
        actors["bloc"] = lab
        actors.insert(0, "month", mo)
        actors.insert(2, "name", [names.get(a, a) for a in actors["actor"]])
        actors.insert(3, "kind", [kinds.get(a, "") for a in actors["actor"]])
        bloc_frames.append(actors)
        snapshot_ties[mo] = ties
    blocs = pd.concat(bloc_frames, ignore_index=True)

    g_focus = cache[tuple(sorted(ties_t.relations_at(month)))][0]
    opt = optimal_partitions(g_focus, cap=cap, time_limit=time_limit)
    _, ties = contributions(g_focus, opt.labels[0], opt.strain)
    moves, flips = bloc_changes(snapshots, blocs, ties_t)
    power, coalitions, power_monthly = council_power(tl, month, snapshots, options["quota"])
    compare = _compare(scenario, options["compare"], g_focus, month, k, cap, rng, seed)
    marks = [(s.month, s.id) for s in scenario.shocks
             if s.id in next((x.shocks for x in scenario.scenarios if x.id == scenario_id), [])]
    focus = monthly.set_index("month").loc[month]
    summary = {
        "month": month, "k": k, "frustration": round(float(focus["frustration"]), 3),
        "balance": round(float(focus["balance"]), 3), "status": focus["status"],
        "blocs": {int(b): sorted(blocs[(blocs.month == month) & (blocs.bloc == b)].actor)
                  for b in sorted(blocs[blocs.month == month].bloc.unique())},
        "strained_ties": int((ties["strain"] >= 1.0).sum()),
        "next_breaks": [f"{r.a}-{r.b}" for r in ties[ties["strain"] >= 1.0].sort_values(
            "weight", ascending=False).head(5).itertuples()],
        "optimal_partitions": len(opt.labels), "enumeration_complete": opt.complete,
    }
    if not power.empty:
        p = power[power.month == month]
        summary["banzhaf"] = {r.party: round(r.banzhaf, 3) for r in p.itertuples()}
    return AlignResult(
        engine="align", scenario_id=scenario_id, seed=seed, summary=summary, month=month, k=k,
        monthly=monthly, blocs=blocs, ties=ties, moves=moves, flips=flips,
        triads=triad_census(g_focus), power=power, coalitions=coalitions, compare=compare,
        snapshot_ties=snapshot_ties, marks=marks, _bloc_sizes=sizes,
        _power_monthly=power_monthly, series=ties_t, monthly_blocs=labels_at,
        tie_metrics=requested_values(scenario, ties_t.weights))


def _compare(scenario, other, g_focus, month, k, cap, rng, seed) -> dict[str, pd.DataFrame]:
    if other is None:
        return {}
    if other not in scenario.scenario_ids():
        raise EngineError(f"unknown scenario to compare {other!r}; known: "
                          f"{', '.join(scenario.scenario_ids())}")
    g_other = _graph(tie_series(scenario, other, seed).relations_at(month))
    r = realignment(g_focus, g_other, k=k, cap=cap, seed=rng)
    return {"membership": r.membership.assign(compare=other),
            "flipped": r.flipped.assign(compare=other),
            "strained": r.strained.assign(compare=other)}


def align_metrics(scenario) -> list[str]:
    """The metric names the engine reports on ``scenario`` (named after its actors; the
    tie metrics of :mod:`.tie_metrics` for the names its claims use)."""
    out = ["frustration", "balance", "triangle_balance", "k_frustration", "strained_ties",
           "moved_actors"]
    out += tie_metric_names(scenario)
    out += [f"bloc_size.{a.id}" for a in scenario.actors]
    parties = [a.id for a in scenario.actors if a.seats is not None]
    out += [f"{m}.{p}" for m in ("banzhaf", "shapley_shubik") for p in parties]
    return out
