"""An SMP run as tidy tables, and as one SQLite file with KTAB's table and column names."""

from __future__ import annotations

__all__ = ["run_tables", "write_db", "DB_TABLES"]

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from factions.errors import InputError

#: Our table -> (KTAB table, column renames). KTAB's ``smpc`` writes these to its database
#: (``KTAB/kmodel/libsrc/kmodelsql.cpp``, ``examples/smp/libsrc/smpsql.cpp``); tables
#: without a KTAB counterpart keep descriptive names.
DB_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "actors": ("ActorDescription", {"actor": "Act_i", "name": "Name", "description": "Desc"}),
    "capability": ("SpatialCapability", {"state": "Turn_t", "actor": "Act_i",
                                         "capability": "Cap"}),
    "salience": ("SpatialSalience", {"state": "Turn_t", "actor": "Act_i", "dimension": "Dim_k",
                                     "salience": "Sal"}),
    "dimensions": ("DimensionDescription", {"dimension": "Dim_k", "name": "Desc"}),
    "positions": ("VectorPosition", {"state": "Turn_t", "actor": "Act_i", "dimension": "Dim_k",
                                     "position": "Pos_Coord", "ideal": "Idl_Coord",
                                     "mover_bargain": "Mover_BargnId"}),
    "win_prob": ("PosProb", {"state": "Turn_t", "estimator": "Est_h", "actor": "Pos_i",
                             "prob": "Prob"}),
    "risk": ("RiskAttitude", {"state": "Turn_t", "actor": "Act_i", "risk": "BigR",
                              "risk_prob": "RiskNeutralProb"}),
    "outcome": ("Outcome", {"state": "Turn_t", "dimension": "Dim_k", "outcome": "Coord"}),
    "challenges": ("BestChallenge", {"state": "Turn_t", "actor": "Init_i", "target": "Rcvr_j",
                                     "prob": "Prob", "gain": "Util_Gain"}),
    "bargains": ("Bargn", {"state": "Turn_t", "bargain": "BargnId", "initiator": "Init_Act_i",
                           "receiver": "Recd_Act_j", "value": "Value", "init_prob": "Init_Prob",
                           "init_chosen": "Init_Seld", "rcvr_prob": "Recd_Prob",
                           "rcvr_chosen": "Recd_Seld"}),
    "bargain_coords": ("BargnCoords", {"state": "Turn_t", "bargain": "BargnId",
                                       "dimension": "Dim_k", "init": "Init_Coord",
                                       "rcvr": "Recd_Coord"}),
    "utility": ("PosUtil", {"state": "Turn_t", "estimator": "Est_h", "actor": "Act_i",
                            "position": "Pos_j", "util": "Util"}),
    "challenge_matrix": ("ProbVict", {"state": "Turn_t", "estimator": "Est_h",
                                      "initiator": "Init_i", "receiver": "Rcvr_j",
                                      "prob": "Prob", "gain": "Util_Gain"}),
    "bargain_utility": ("BargnUtil", {"state": "Turn_t", "bargain": "BargnId", "actor": "Act_i",
                                      "util": "Util"}),
}


def _grid(*sizes):
    return [g.ravel() for g in np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij")]


def _cat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _bargain_tables(run) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows, coords, chal, butil = [], [], [], []
    offset = 0
    n, nd = run.positions.shape[1:]
    scale = run.scale[1] - run.scale[0]
    for t, tr in enumerate(run.transitions):
        b = tr.bargains
        m = b.init.size
        ids = offset + np.arange(m)
        owner = np.repeat(np.arange(n), np.diff(b.ptr))
        entry_b = b.items
        init_prob = np.full(m, np.nan)
        rcvr_prob = np.full(m, np.nan)
        at_init = b.init[entry_b] == owner
        at_rcvr = b.rcvr[entry_b] == owner
        init_prob[entry_b[at_init]] = tr.bargain_prob[at_init]
        rcvr_prob[entry_b[at_rcvr]] = tr.bargain_prob[at_rcvr]
        init_chosen = tr.chosen[b.init] == np.arange(m)
        rcvr_chosen = tr.chosen[b.rcvr] == np.arange(m)
        rows.append(pd.DataFrame({
            "state": t, "bargain": ids, "initiator": b.init, "receiver": b.rcvr,
            "status_quo": b.init == b.rcvr, "value": b.value, "init_prob": init_prob,
            "init_chosen": init_chosen, "rcvr_prob": rcvr_prob, "rcvr_chosen": rcvr_chosen}))
        q, k = _grid(m, nd)
        coords.append(pd.DataFrame({
            "state": t, "bargain": ids[q], "dimension": k,
            "init": run.scale[0] + scale * b.pos_init[q, k],
            "rcvr": run.scale[0] + scale * b.pos_rcvr[q, k]}))
        chal.append(pd.DataFrame({"state": t, "actor": np.arange(n), "target": tr.target,
                                  "prob": tr.target_prob, "gain": tr.target_gain}))
        if tr.bargain_utility.size:
            q, a = _grid(m, n)
            butil.append(pd.DataFrame({"state": t, "bargain": ids[q], "actor": a,
                                       "util": tr.bargain_utility[q, a]}))
        offset += m
    return _cat(rows), _cat(coords), _cat(chal), _cat(butil)


def run_tables(run, matrices: bool | None = None) -> dict[str, pd.DataFrame]:
    """Tidy tables of an :class:`~factions.engines.bargain.smp.SMPRun`.

    Parameters
    ----------
    run : SMPRun
    matrices : bool, optional
        Add the per-state matrices (``utility`` n³ rows per state, ``challenge_matrix``,
        ``bargain_utility``); default: when the run kept them (``matrices=True``).

    Returns
    -------
    dict of pandas.DataFrame
        ``actors``, ``dimensions``, ``capability``, ``salience``, ``positions`` (state,
        actor, dimension, position, ideal, mover_bargain), ``win_prob`` (state, actor,
        prob; ``estimator`` -1 as KTAB's ``pDist(-1)``), ``risk``, ``outcome``,
        ``challenges`` (each actor's best target per step), ``bargains`` (KTAB's ``Bargn``:
        probability in, and choice by, the initiator's and the receiver's votes) and
        ``bargain_coords``; ``state`` numbers from 0 (the input), a bargain's ``state`` is
        the state it was proposed in. Actors, dimensions and estimators are 0-based
        indices, as in KTAB's database.
    """
    T, n, nd = run.positions.shape
    names = pd.DataFrame({"actor": np.arange(n), "name": list(run.names), "description": ""})
    t, a, k = _grid(T, n, nd)
    mover = np.full((T, n), -1)
    brg, coords, chal, butil = _bargain_tables(run)
    if not brg.empty:
        moved = np.abs(np.diff(run.positions, axis=0)).max(axis=2) > 0
        for s, tr in enumerate(run.transitions):
            first_id = brg.loc[brg["state"] == s, "bargain"].min()
            mover[s + 1] = np.where(moved[s], first_id + tr.chosen, -1)
    out = {
        "actors": names,
        "dimensions": pd.DataFrame({"dimension": np.arange(nd), "name": list(run.dimensions)}),
        "capability": pd.DataFrame({"state": 0, "actor": np.arange(n), "capability": run.capability}),
        "salience": pd.DataFrame({"state": 0, "actor": _grid(n, nd)[0], "dimension": _grid(n, nd)[1],
                                  "salience": run.salience.ravel()}),
        "positions": pd.DataFrame({"state": t, "actor": a, "dimension": k,
                                   "position": run.positions[t, a, k],
                                   "ideal": run.ideals[t, a, k],
                                   "mover_bargain": mover[t, a]}),
        "win_prob": pd.DataFrame({"state": _grid(T, n)[0], "estimator": -1,
                                  "actor": _grid(T, n)[1], "prob": run.win_prob.ravel()}),
        "risk": pd.DataFrame({"state": _grid(T, n)[0], "actor": _grid(T, n)[1],
                              "risk": run.risk.ravel(), "risk_prob": run.risk_prob.ravel()}),
        "outcome": pd.DataFrame({"state": _grid(T, nd)[0], "dimension": _grid(T, nd)[1],
                                 "outcome": run.outcome.ravel()}),
        "challenges": chal, "bargains": brg, "bargain_coords": coords,
    }
    want = bool(run.matrices) if matrices is None else matrices
    if want:
        if not run.matrices:
            raise InputError("this SMP run kept no matrices; run it with matrices=True")
        u = run.matrices["utility"]
        t4, h, i, j = _grid(*u.shape)
        out["utility"] = pd.DataFrame({"state": t4, "estimator": h, "actor": i, "position": j,
                                       "util": u.ravel()})
        parts = []
        for s, tr in enumerate(run.transitions):
            i2, j2 = _grid(n, n)
            off = i2 != j2
            parts.append(pd.DataFrame({"state": s, "estimator": i2[off], "initiator": i2[off],
                                       "receiver": j2[off],
                                       "prob": tr.challenge_prob[i2[off], j2[off]],
                                       "gain": tr.challenge_gain[i2[off], j2[off]]}))
        out["challenge_matrix"] = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        out["bargain_utility"] = butil
    return out


def write_db(run, path, matrices: bool | None = None) -> Path:
    """Write a run to one SQLite file, tables and columns named as in KTAB's database.

    Besides the tables of :func:`run_tables` (renamed after :data:`DB_TABLES`, e.g.
    ``positions`` -> ``VectorPosition(Turn_t, Act_i, Dim_k, Pos_Coord, Idl_Coord,
    Mover_BargnId)``) it holds ``ScenarioDesc`` with the options under KTAB's names. An
    existing file is replaced.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    tables = run_tables(run, matrices)
    desc = {"Scenario": "smp", "Desc": "factions SMP run", "RNGSeed": str(run.seed),
            "States": run.n_states, "Stopped": run.stopped}
    desc |= {k: (str(v) if isinstance(v, str) else v) for k, v in run.options.ktab().items()}
    with sqlite3.connect(path) as con:
        pd.DataFrame([desc]).to_sql("ScenarioDesc", con, index=False)
        for key, frame in tables.items():
            name, cols = DB_TABLES[key]
            if frame.empty:
                continue
            frame = frame.rename(columns=cols)
            frame = frame.astype({c: int for c in frame.columns if frame[c].dtype == bool})
            frame.to_sql(name, con, index=False)
    return path
