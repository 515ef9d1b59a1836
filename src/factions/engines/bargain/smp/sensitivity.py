"""KTAB_SAS-style sensitivity analysis: SMP runs over grids and draws of options and inputs.

KTAB's SASQ tool builds scenario variants from "specifications" (an option or an actor's
attribute set to a value, and cross products of such specifications) and runs each. Here
the specifications are :mod:`factions.run.distributions` (``values``/``grid`` axes are
crossed, ``uniform``/``normal``/``choice`` drawn per run, every draw a pure function of
seed, run and name), the runs go to a Dask cluster (:func:`factions.run.sweep.connect`)
or stay in this process, and the results come back as tidy tables plus the ensemble frame
that :func:`factions.run.summaries.sensitivity` ranks.

A scenario's SMP is swept by the ordinary sweep instead: its options are engine options
``bargain.smp.<KTAB name>`` and its inputs scenario parameters (``factions sweep --vary
bargain.smp.VotingRule=values(Prop,Binary) --vary actors.X.capability=uniform(0.5,1)``).
"""

from __future__ import annotations

__all__ = ["smp_sensitivity", "SMPSensitivity", "INPUT_PREFIXES"]

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from factions.engines.bargain.smp.model import smp_model, validate_smp
from factions.engines.bargain.smp.options import _BY_KEY, _KTAB_OF, _key, smp_options
from factions.errors import InputError

#: Varied inputs: ``capability.<actor>``, ``position.<actor>.<dimension>``,
#: ``salience.<actor>.<dimension>`` (saliences as fractions), each replacing the value.
INPUT_PREFIXES = ("capability.", "position.", "salience.")


@dataclass
class SMPSensitivity:
    """Results of :func:`smp_sensitivity`.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per (point, run): seed, the varied values, ``states``, ``stopped``.
    outcomes : pandas.DataFrame
        ``point, run, dimension, outcome``: expected outcome of the final state.
    positions : pandas.DataFrame
        ``point, run, actor, dimension, position``: final positions.
    varied : dict
        The varied parameters and their distributions.
    """

    runs: pd.DataFrame
    outcomes: pd.DataFrame
    positions: pd.DataFrame
    varied: dict

    def ensemble(self) -> pd.DataFrame:
        """The frame of :mod:`factions.run.summaries`: metric ``<dimension>`` (outcome) and
        ``<dimension>.<actor>`` (final position), one column per varied parameter."""
        out = self.outcomes.rename(columns={"dimension": "metric", "outcome": "value"})
        pos = self.positions.assign(metric=self.positions["dimension"] + "."
                                    + self.positions["actor"])
        pos = pos.rename(columns={"position": "value"})[["point", "run", "metric", "value"]]
        frame = pd.concat([out, pos], ignore_index=True)
        frame["scenario"], frame["month"] = "smp", None
        params = self.runs.drop(columns=["seed", "states", "stopped"])
        return frame.merge(params, on=["point", "run"], how="left")

    def sensitivity(self, **kw) -> pd.DataFrame:
        """Rank correlations of each outcome with each numeric varied parameter
        (:func:`factions.run.summaries.sensitivity`)."""
        from factions.run.summaries import sensitivity

        return sensitivity(self.ensemble(), **kw)

    def by_value(self) -> pd.DataFrame:
        """Median and range of every outcome for each value of each grid or ``choice``
        parameter (option names and other categorical axes)."""
        rows = []
        merged = self.outcomes.merge(self.runs, on=["point", "run"])
        for name, dist in self.varied.items():
            if dist.random and not hasattr(dist, "options"):
                continue  # a continuous draw: see sensitivity()
            for (value, dim), g in merged.groupby([name, "dimension"], sort=True):
                rows.append({"parameter": name, "value": value, "dimension": dim,
                             "median": g["outcome"].median(), "low": g["outcome"].min(),
                             "high": g["outcome"].max(), "n": len(g)})
        return pd.DataFrame(rows, columns=["parameter", "value", "dimension", "median", "low",
                                           "high", "n"])


def _split(name: str, names: Sequence[str], dims: Sequence[str]):
    """Which input a varied name addresses: (kind, actor index, dimension index)."""
    kind, _, rest = name.partition(".")
    if kind == "capability":
        actor, dim = rest, None
    else:
        actor, _, dim = rest.rpartition(".")
    if actor not in names:
        raise InputError(f"--vary {name}: no actor {actor!r}; actors: {', '.join(names)}")
    if kind != "capability" and dim not in dims:
        raise InputError(f"--vary {name}: no dimension {dim!r}; dimensions: {', '.join(dims)}")
    return kind, names.index(actor), (None if dim is None else dims.index(dim))


def _option_name(name: str) -> str | None:
    field = _BY_KEY.get(_key(name))
    return None if field is None else _KTAB_OF[field]


def _check(vary: Mapping, names, dims, base) -> dict:
    from factions.run.distributions import Distribution, parse_dist

    out = {}
    for name, dist in vary.items():
        d = parse_dist(dist, f"{name}={dist}") if isinstance(dist, str) else dist
        if not isinstance(d, Distribution):
            raise InputError(f"--vary {name}: expected a distribution, got {dist!r}")
        if name.startswith(INPUT_PREFIXES):
            _split(name, names, dims)
        elif _option_name(name) is None:
            raise InputError(f"--vary {name}: not an SMP option (KTAB names: VictoryProbModel, "
                             "VotingRule, ...) nor an input (capability.<actor>, "
                             "position.<actor>.<dimension>, salience.<actor>.<dimension>)")
        else:
            values = d.points() if not d.random else list(getattr(d, "options", ()))
            for v in values:  # validate every option value up front
                smp_options(base, **{name: v})
        out[name] = d
    return out


def _one(task: dict) -> dict:
    """One SMP run of a sensitivity analysis (a top-level function, picklable for Dask)."""
    cap = np.array(task["capability"], float)
    pos = np.array(task["position"], float)
    sal = np.array(task["salience"], float)
    opts = dict(task["options"])
    for name, value in task["params"].items():
        if name.startswith(INPUT_PREFIXES):
            kind, a, k = _split(name, task["names"], task["dims"])
            if kind == "capability":
                cap[a] = value
            elif kind == "position":
                pos[a, k] = value
            else:
                sal[a, k] = value
        else:
            opts[_option_name(name)] = value
    run = smp_model(cap, pos, sal, names=task["names"], dimensions=task["dims"],
                    scale=task["scale"], seed=task["seed"], **opts)
    return {"states": run.n_states, "stopped": run.stopped, "outcome": run.outcome[-1].tolist(),
            "positions": run.final_positions.tolist()}


def smp_sensitivity(capability, position, salience, vary: Mapping, *, names=None,
                    dimensions=None, scale=(0.0, 100.0), options=None, runs: int = 1,
                    seed: int = 0, workers: int = 1, scheduler=None) -> SMPSensitivity:
    """SMP runs over every point of the grid axes of ``vary``, ``runs`` draws each.

    Parameters
    ----------
    capability, position, salience, names, dimensions, scale
        The base case, as :func:`~factions.engines.bargain.smp.smp_model`.
    vary : mapping
        ``{name: distribution}`` with distributions of :mod:`factions.run.distributions`
        or their text (``"values(Prop,Binary)"``, ``"uniform(20,60)"``). Names: SMP options
        by KTAB name (``VotingRule``, ``maxIter``, ...) or inputs ``capability.<actor>``,
        ``position.<actor>.<dimension>``, ``salience.<actor>.<dimension>``.
    options : mapping, optional
        Base SMP options.
    runs : int
        Draws per grid point; run r uses seed ``seed + r`` (for ``Stochastic`` runs) and
        the draws of :func:`factions.run.distributions.draw_params` for run r.
    workers, scheduler
        ``workers > 1`` or a ``scheduler`` (address or Dask ``Client``) runs on Dask
        (:func:`factions.run.sweep.connect`); otherwise in this process.

    Returns
    -------
    SMPSensitivity

    Raises
    ------
    InputError
        An unknown varied name, actor or dimension; a bad distribution; invalid inputs.
    EngineError
        An invalid option value (every grid and ``choice`` value is checked first).

    Notes
    -----
    Cost: (grid points x runs) SMP runs, spread over the workers.
    """
    from factions.run.distributions import draw_params, grid_points

    base = smp_options(options)
    data = validate_smp(capability, position, salience, scale)  # fail early on bad inputs
    n, nd = data.position.shape
    names = [str(v) for v in names] if names is not None else [str(i) for i in range(n)]
    dims = ([str(v) for v in dimensions] if dimensions is not None
            else [str(k + 1) for k in range(nd)])
    if int(runs) != runs or runs < 1:
        raise InputError(f"runs must be a whole number >= 1, got {runs}")
    varied = _check(vary, names, dims, base)
    pos = np.asarray(position, float).reshape(n, nd)
    sal = np.asarray(salience, float).reshape(n, nd)
    common = {"capability": np.asarray(capability, float).tolist(), "position": pos.tolist(),
              "salience": sal.tolist(), "names": names, "dims": dims,
              "scale": tuple(float(v) for v in scale), "options": base.ktab()}
    tasks, keys = [], []
    for p, point in enumerate(grid_points(varied)):
        for r in range(int(runs)):
            params = {**point, **draw_params(varied, seed, r)}
            params = {k: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}
            tasks.append({**common, "params": params, "seed": int(seed) + r})
            keys.append((p, r))
    results = _execute(tasks, workers, scheduler)
    run_rows, out_rows, pos_rows = [], [], []
    for (p, r), task, res in zip(keys, tasks, results, strict=True):
        run_rows.append({"point": p, "run": r, "seed": task["seed"], **task["params"],
                         "states": res["states"], "stopped": res["stopped"]})
        for k, dim in enumerate(dims):
            out_rows.append({"point": p, "run": r, "dimension": dim, "outcome": res["outcome"][k]})
            for a, actor in enumerate(names):
                pos_rows.append({"point": p, "run": r, "actor": actor, "dimension": dim,
                                 "position": res["positions"][a][k]})
    return SMPSensitivity(pd.DataFrame(run_rows), pd.DataFrame(out_rows), pd.DataFrame(pos_rows),
                          varied)


def _execute(tasks: list[dict], workers: int, scheduler) -> list[dict]:
    if scheduler is None and int(workers) <= 1:
        return [_one(t) for t in tasks]
    from factions.run.sweep import connect

    client, owned = connect(scheduler, int(workers))
    try:
        return client.gather(client.map(_one, tasks, pure=False))
    finally:
        if owned:
            cluster = getattr(client, "_factions_cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
