"""Verdicts that carry their uncertainty: P(holds) with its interval, the grade of the
evidence, what drives the verdict and where it flips.

:func:`judge` takes the claims table of :func:`~factions.run.claims.evaluate_claims` and
adds, per tested claim:

``p_low``, ``p_high``
    the 90 % interval of P(holds) for the Monte Carlo error of the draws: the Jeffreys
    interval, Beta(k + 1/2, n - k + 1/2) quantiles for k holding draws of n (Brown, Cai &
    DasGupta 2001).
``p_null``
    the share of draws in which the comparison holds under the engine's *null model* —
    the engine with its mechanism neutralised (``Engine.null``; each engine's module
    ``null.py`` says what that means for it): NaN where no null model applies (a null model
    in other units compared with a constant or an observation).
``grade``
    * ``observed`` — both sides are data or constants: no model is involved;
    * ``encoded`` — the null model's comparison agrees with the engine's in at least 95 %
      of the draws (draw by draw): the compared quantity is fixed by the inputs in which the
      compared scenarios differ, so the test cannot fail whatever the mechanism does. Its
      verdict reads ``encoded (holds by construction)``, never a plain "holds";
    * ``inferred`` — not encoded, and the engine ran with parameters fitted to data (a
      calibration posterior, or the displacement engine's fit to the observed stocks);
    * ``model`` — not encoded and not fitted: the verdict emerges from the engine's
      mechanism under the scenario's inputs (and their uncertainty, when drawn).
``driver``, ``flip``
    the input that most moves the claim's margin over the draws (PAWN index above the
    dummy threshold, :mod:`.drivers`) and the threshold where the verdict flips ("holds
    unless …"), when the draws vary inputs.

References
----------
.. [1] Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for a binomial
   proportion. Statistical Science 16(2), 101-133.
"""

from __future__ import annotations

__all__ = ["judge", "jeffreys", "null_frames", "GRADES", "NULL_PREFIX"]

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from factions.run.claims import claim_sides, evaluate_claims
from factions.run.decompose import source_engine
from factions.run.drivers import drivers, flip_rule

GRADES = ("observed", "inferred", "model", "encoded")
NULL_PREFIX = "null:"
_OPS = {">": np.greater, "<": np.less, ">=": np.greater_equal, "<=": np.less_equal}


def jeffreys(k: int, n: int, level: float = 0.9) -> tuple[float, float]:
    """Jeffreys interval of a binomial proportion (k successes of n)."""
    if n <= 0:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    from scipy import stats  # here: importing scipy.stats costs ~1 s on the cached path

    low = 0.0 if k == 0 else float(stats.beta.ppf(a, k + 0.5, n - k + 0.5))
    high = 1.0 if k == n else float(stats.beta.ppf(1 - a, k + 0.5, n - k + 0.5))
    return low, high


def null_frames(frames: Iterable[pd.DataFrame]) -> list[pd.DataFrame]:
    """Each replica's null-model metrics (``null:<engine>.<metric>``) under their own names."""
    out = []
    for f in frames:
        if f.empty:
            out.append(f)
            continue
        sel = f[f["metric"].astype(str).str.startswith(NULL_PREFIX)]
        out.append(sel.assign(metric=sel["metric"].str.slice(len(NULL_PREFIX))))
    return out


def _null_applies(test, relative: bool) -> bool:
    if not relative:
        return True
    return test.lhs.scenario is not None and test.rhs.scenario is not None


def judge(scenario, frames: list[pd.DataFrame], claims: pd.DataFrame | None = None, *,
          draws: pd.DataFrame | None = None, fitted: Iterable[str] = (),
          null_relative: Mapping[str, bool] | None = None, seed: int = 0
          ) -> tuple[pd.DataFrame, dict[str, dict]]:
    """The claims table with intervals, null-model probability, grade, driver and flip.

    Parameters
    ----------
    frames
        One metrics frame per draw (as for :func:`evaluate_claims`), with the null-model
        rows ``null:<engine>.<metric>`` beside the engine's own.
    claims
        The table of :func:`evaluate_claims` on ``frames`` (computed if not given).
    draws
        The inputs of each draw (row ``r`` for frame ``r``), for the drivers.
    fitted
        Engines that ran with parameters fitted to data.
    null_relative
        Engines whose null model is in other units (compared only between scenarios).

    Returns
    -------
    (DataFrame, dict)
        The table, and per claim ``{"drivers": DataFrame, "flip": dict | None,
        "margins": ndarray}`` for the report.
    """
    real = [f[~f["metric"].astype(str).str.startswith(NULL_PREFIX)] if not f.empty else f
            for f in frames]
    claims = evaluate_claims(scenario, real) if claims is None else claims.copy()
    sides = claim_sides(scenario, real)
    null_sides = claim_sides(scenario, null_frames(frames))
    fitted = set(fitted)
    relative = dict(null_relative or {})
    labels = {x.name: x.label for x in scenario.uncertain_inputs()}
    cols = {"p_low": [], "p_high": [], "p_null": [], "grade": [], "driver": [], "flip": []}
    details: dict[str, dict] = {}
    by_id = {c.id: c for c in scenario.claims}
    read_by: dict[str, list[str]] = {}
    for row in claims.itertuples(index=False):
        c = by_id[row.claim]
        t = c.test
        got = {"p_low": np.nan, "p_high": np.nan, "p_null": np.nan, "grade": "",
               "driver": "", "flip": ""}
        if t is not None and c.id in sides and row.replicas:
            lhs, rhs = sides[c.id]
            ok = ~(np.isnan(lhs) | np.isnan(rhs))
            holds = _OPS[t.op](lhs[ok], rhs[ok])
            got["p_low"], got["p_high"] = jeffreys(int(holds.sum()), int(ok.sum()))
            engine = source_engine(t.metric, scenario) if t.metric else None
            if engine is None:  # data against data: no draw changes it, no Monte Carlo error
                got["grade"] = "observed"
                got["p_low"] = got["p_high"] = float(holds.mean()) if ok.any() else np.nan
            else:
                p_null, agree = np.nan, np.nan
                if c.id in null_sides and _null_applies(t, relative.get(engine, False)):
                    nl, nr = null_sides[c.id]
                    both = ok & ~(np.isnan(nl) | np.isnan(nr)) if len(nl) == len(ok) else None
                    if both is not None and both.any():
                        null_holds = _OPS[t.op](nl[both], nr[both])
                        p_null = float(null_holds.mean())
                        agree = float((null_holds == _OPS[t.op](lhs[both], rhs[both])).mean())
                got["p_null"] = p_null
                encoded = not np.isnan(agree) and agree >= 0.95
                got["grade"] = ("encoded" if encoded else
                                "inferred" if engine in fitted else "model")
                margin = (lhs - rhs) if t.op in (">", ">=") else (rhs - lhs)
                info = _drivers(scenario, engine, draws, margin, holds, ok, labels, seed,
                                read_by)
                info["margins"] = margin
                details[c.id] = info
                top = info["drivers"]
                sig = top[top["significant"]] if not top.empty else top
                got["driver"] = sig["label"].iloc[0] if not sig.empty else ""
                got["flip"] = info["flip"]["text"] if info["flip"] else ""
        for k, v in got.items():
            cols[k].append(v)
    for k, v in cols.items():
        claims[k] = pd.Series(v, index=claims.index, dtype=object if k in (
            "grade", "driver", "flip") else float)
    enc = (claims["grade"] == "encoded") & ~claims["verdict"].astype(str).str.startswith(
        "encoded")  # graded twice (e.g. a run read back from its cache): word it once
    claims.loc[enc, "verdict"] = [
        "encoded (holds by construction)" if str(v).startswith("holds") else
        "encoded (fails by construction)" if str(v).startswith("fails") else
        f"encoded ({v})" for v in claims.loc[enc, "verdict"]]
    return claims, details


def _read_columns(scenario, engine: str, draws: pd.DataFrame) -> list[str]:
    """The drawn inputs that vary and that ``engine`` reads (or its own options)."""
    from factions.engines import get

    eng = get(engine)
    return [c for c in draws.columns
            if (c.startswith(engine + ".") or eng.reads_param(c, scenario))
            and draws[c].nunique() > 1]


def _drivers(scenario, engine, draws, margin, holds, ok, labels, seed,
             read_by: dict | None = None) -> dict:
    empty = {"drivers": pd.DataFrame(columns=["input", "label", "pawn", "threshold",
                                              "significant"]), "flip": None}
    if draws is None or draws.empty or len(margin) != len(draws) or not ok.all():
        return empty
    read_by = {} if read_by is None else read_by  # engine -> its columns, per judge call
    if engine not in read_by:
        read_by[engine] = _read_columns(scenario, engine, draws)
    cols = read_by[engine]
    if not cols:
        return empty
    x = draws[cols].reset_index(drop=True)
    top = drivers(x, margin, labels, top=5, seed=seed)
    sig = top[top["significant"]]["input"].tolist() if not top.empty else []
    flip = flip_rule(x, holds, sig[:3], labels) if sig else None
    return {"drivers": top, "flip": flip}
