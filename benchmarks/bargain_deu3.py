"""DEU III benchmark: each bargaining model's absolute error against real EU outcomes.

Reads ``/work/shared/benchmarks/deu3/deu3.csv`` (tab-separated; row 2, the GDP-like
capability row added by the blksv/predictioneers_game author, is dropped; a missing
position or salience means the actor is absent from that issue; issues without an
outcome are skipped). Positions, outcomes on 0-100; saliences divided by 100.

Capability schemes (the DEU files carry no capabilities):

* ``equal`` (primary): every present actor has capability 1;
* ``qmv``: Council votes under the Nice Treaty for member states, the Commission and
  the Parliament each given the largest state's 29 votes;
* ``gdp``: the blksv row (GDP in trillion USD; not part of DEU III), for comparison.

The exchange model runs per proposal over all its issues (also those without an outcome);
single-issue proposals get the compromise forecast.

Fitted parameters are reported with k-fold cross-validated error only: the
expected-utility ``q`` (grid 0.5, 0.75, 1.0) and a blend
``(1 - a) * compromise + a * median`` (grid a = 0, 0.1, ..., 1), each chosen on k - 1
folds and scored on the held-out fold.

Usage: ``python benchmarks/bargain_deu3.py [--folds 5] [--seed 0] [--schemes equal,qmv,gdp]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from factions.engines.bargain import MODELS, exchange, validate_inputs
from factions.engines.bargain.api import run_model
from factions.errors import EngineError, InputError

DEU = Path("/work/shared/benchmarks/deu3/deu3.csv")
NICE_VOTES = dict(at=10, be=12, bu=10, cr=7, cy=4, cz=12, dk=7, ee=4, fi=7, fr=29, de=29,
                  el=12, hu=12, ie=7, it=29, lv=4, lt=7, lu=4, mt=3, nl=13, pl=27, pt=12,
                  ro=14, si=4, sk=7, es=27, se=10, uk=29)


def load_deu3(path: Path = DEU, with_outcome: bool = True):
    """Positions (issues x 30), saliences (0-1), outcomes, capability schemes, proposal ids."""
    raw = pd.read_csv(path, sep="\t", skiprows=[1])
    pcols, scols = list(raw.columns[13:43]), list(raw.columns[43:73])
    gdp = pd.read_csv(path, sep="\t", nrows=1).iloc[0, 13:43].astype(float).to_numpy()
    qmv = np.array([29.0, 29.0] + [NICE_VOTES[c[1:]] for c in pcols[2:]])
    data = raw[raw["out"].notna()] if with_outcome else raw
    schemes = {"equal": np.ones(30), "qmv": qmv, "gdp": gdp}
    return (data[pcols].to_numpy(float), data[scols].to_numpy(float) / 100.0,
            data["out"].to_numpy(float), schemes, data["prnr"].to_numpy())


def exchange_predictions(cap) -> np.ndarray:
    """Exchange model run per proposal over all its issues; scored issues only."""
    pos, sal, y, _, prop = load_deu3(with_outcome=False)
    pred = np.full(y.size, np.nan)
    for pid in pd.unique(prop):
        rows = np.flatnonzero(prop == pid)
        if rows.size < 2:
            pred[rows] = [run_model(issue_inputs(pos[r], sal[r], cap), "compromise").outcome
                          for r in rows]
            continue
        x, s = pos[rows].T, sal[rows].T  # actors x issues
        absent = np.isnan(x) | np.isnan(s)
        keep = ~absent.all(axis=1)
        x, s = np.where(absent, np.nan, x)[keep], np.where(absent, np.nan, s)[keep]
        try:
            res = exchange(cap[keep], x, s, issues=[str(r) for r in rows])
        except (InputError, EngineError) as exc:
            print(f"  proposal {pid}: exchange failed: {exc}")
            continue
        pred[rows] = [res[str(r)].outcome for r in rows]
    return pred[~np.isnan(y)]


def issue_inputs(pos, sal, cap):
    present = ~np.isnan(pos) & ~np.isnan(sal)
    return validate_inputs(cap[present], pos[present], sal[present], scale=(0.0, 100.0))


def predictions(pos, sal, cap, model, **opts) -> np.ndarray:
    out = np.full(pos.shape[0], np.nan)
    for k in range(pos.shape[0]):
        try:
            out[k] = run_model(issue_inputs(pos[k], sal[k], cap), model, **opts).outcome
        except (InputError, EngineError) as exc:  # report, do not hide, a failing issue
            print(f"  issue {k}: {model} failed: {exc}")
    return out


def cv_select(preds: dict, y: np.ndarray, folds: int, rng) -> np.ndarray:
    """Held-out predictions: for each fold pick the candidate with least training MAE."""
    idx = rng.permutation(y.size)
    held = np.full(y.size, np.nan)
    names = list(preds)
    for f in range(folds):
        test = idx[f::folds]
        train = np.setdiff1d(idx, test)
        maes = [np.nanmean(np.abs(preds[n][train] - y[train])) for n in names]
        best = names[int(np.argmin(maes))]
        held[test] = preds[best][test]
    return held


def markdown(table: pd.DataFrame) -> str:
    """A GitHub markdown table (floats to 2 decimals) without extra dependencies."""
    def cell(v):
        return f"{v:.2f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--schemes", default="equal,qmv,gdp")
    args = ap.parse_args()
    pos, sal, y, schemes, _ = load_deu3()
    print(f"DEU III: {y.size} issues with an outcome; {args.folds}-fold CV, seed {args.seed}")
    rows = []
    for scheme in args.schemes.split(","):
        cap = schemes[scheme]
        preds = {}
        for model in MODELS:
            t0 = time.perf_counter()
            preds[model] = predictions(pos, sal, cap, model)
            print(f"  {scheme:6s} {model:17s} {time.perf_counter() - t0:6.1f} s")
        t0 = time.perf_counter()
        preds["exchange"] = exchange_predictions(cap)
        print(f"  {scheme:6s} {'exchange':17s} {time.perf_counter() - t0:6.1f} s")
        for q in (0.5, 0.75):
            preds[f"expected_utility_q{q}"] = predictions(pos, sal, cap, "expected_utility", q=q)
        rng = np.random.default_rng(args.seed)
        eu_grid = {q: preds[k] for q, k in ((0.5, "expected_utility_q0.5"),
                                           (0.75, "expected_utility_q0.75"),
                                           (1.0, "expected_utility"))}
        cv_eu = cv_select(eu_grid, y, args.folds, rng)
        blends = {a: (1 - a) * preds["compromise"] + a * preds["median"]
                  for a in np.round(np.linspace(0, 1, 11), 2)}
        cv_blend = cv_select(blends, y, args.folds, np.random.default_rng(args.seed))
        report = {m: preds[m] for m in [*MODELS, "exchange"]}
        report["expected_utility, q by CV"] = cv_eu
        report["compromise/median blend, a by CV"] = cv_blend
        for name, p in report.items():
            err = np.abs(p - y)
            rows.append({"capability": scheme, "model": name, "issues": int(np.isfinite(err).sum()),
                         "mean_abs_error": np.nanmean(err), "median_abs_error": np.nanmedian(err)})
    table = pd.DataFrame(rows)
    base = table[table.model == "compromise"].set_index("capability")["mean_abs_error"]
    table["vs_compromise"] = table["mean_abs_error"] - table["capability"].map(base)
    print(markdown(table))
    better = table[(table.model != "compromise") & (table.vs_compromise < 0)]
    if better.empty:
        print("No model beats the compromise baseline.")
    else:
        print("Beat compromise:", "; ".join(f"{r.capability}/{r.model} ({r.vs_compromise:+.2f})"
                                             for r in better.itertuples()))


if __name__ == "__main__":
    main()
