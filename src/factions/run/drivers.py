"""What drives a verdict: moment-independent sensitivity from the draws, and where it flips.

Given the draws of a run (inputs ``X``, one row per draw) and a claim's margin ``y``
(lhs − rhs, oriented so that ``y > 0`` means the claim holds):

* :func:`pawn_given_data` — the PAWN index of each input from a generic sample (Pianosi &
  Wagener 2018): the draws are split into ``bins`` equally populated slices of the input,
  and the index is the median over slices of the Kolmogorov–Smirnov distance between the
  conditional distribution of ``y`` in the slice and its unconditional distribution. It is
  moment-independent (it sees changes of spread and shape, not only of the mean) and needs
  no special design, so the same draws serve every claim. An index is reported as a driver
  only above the 95th percentile of the indices of *dummy* inputs (the inputs' columns
  permuted), which estimates the index of an input that does not matter at this sample
  size. With many inputs a dummy's index exceeds a fixed quantile by chance for some of them,
  so the threshold is the largest index of as many dummies as there are inputs (50 at
  least, 500 at most): roughly a family-wise 1/d false-positive rate per input.
* :func:`flip_rule` — scenario discovery with a depth-one classification tree (the simplest
  case of CART as used by the EMA Workbench): the threshold on one of the top drivers that
  best separates the draws where the claim holds from those where it fails, written as
  "holds unless <input> < t".

References
----------
.. [1] Pianosi, F., & Wagener, T. (2015). A simple and efficient method for global
   sensitivity analysis based on cumulative distribution functions. Environmental
   Modelling & Software 67, 1-11.
.. [2] Pianosi, F., & Wagener, T. (2018). Distribution-based sensitivity analysis from a
   generic input-output sample. Environmental Modelling & Software 108, 197-207.
.. [3] Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. Environmental Modelling &
   Software 96, 239-250 (scenario discovery with PRIM and CART).
"""

from __future__ import annotations

__all__ = ["pawn_given_data", "drivers", "flip_rule"]

import numpy as np
import pandas as pd


def _ks_to_all(y_sorted: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """KS distance between each row of ``groups`` (samples of y) and ``y_sorted``."""
    n = len(y_sorted)
    f_all = np.arange(1, n + 1) / n
    g = np.sort(groups, axis=-1)
    m = g.shape[-1]
    # conditional CDF evaluated at the unconditional sample points
    pos = np.stack([np.searchsorted(row, y_sorted, side="right") for row in
                    g.reshape(-1, m)]).reshape(*g.shape[:-1], n) / m
    return np.abs(pos - f_all).max(axis=-1)


def pawn_given_data(x: np.ndarray, y: np.ndarray, bins: int = 5) -> np.ndarray:
    """PAWN indices (median KS over ``bins`` slices) of each column of ``x`` for ``y``.

    Parameters
    ----------
    x : array (n, d)
    y : array (n,)
    bins : int
        Equally populated slices per input (``n // bins`` draws each; the last ``n % bins``
        draws of each input's ordering are left out).

    Returns
    -------
    ndarray (d,)
        In [0, 1]; 0 for a constant column.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    n, d = x.shape
    per = n // bins
    if per < 2 or d == 0:
        return np.zeros(d)
    order = np.argsort(x, axis=0, kind="stable")[: per * bins]        # (per*bins, d)
    slices = y[order].T.reshape(d, bins, per)                        # (d, bins, per)
    ks = _ks_to_all(np.sort(y), slices)                              # (d, bins)
    out = np.median(ks, axis=1)
    out[np.ptp(x, axis=0) == 0] = 0.0
    return out


def drivers(x: pd.DataFrame, y: np.ndarray, labels: dict[str, str] | None = None,
            top: int = 3, bins: int = 5, seed: int = 0, dummies: int | None = None
            ) -> pd.DataFrame:
    """The inputs that most move ``y``, ranked by PAWN index, with the dummy threshold.

    Returns a frame ``input, label, pawn, threshold, significant`` (``top`` rows at most,
    significant ones first); empty when ``y`` does not vary.
    """
    cols = ["input", "label", "pawn", "threshold", "significant"]
    y = np.asarray(y, float)
    if len(y) < 2 * bins or np.ptp(y) == 0 or x.shape[1] == 0:
        return pd.DataFrame(columns=cols)
    xs = x.to_numpy(float)
    index = pawn_given_data(xs, y, bins)
    rng = np.random.default_rng(seed)
    k = dummies if dummies is not None else int(np.clip(xs.shape[1], 50, 500))
    picks = rng.integers(xs.shape[1], size=k)
    dummy = np.column_stack([rng.permutation(xs[:, j]) for j in picks])
    threshold = float(pawn_given_data(dummy, y, bins).max())
    order = np.argsort(-index, kind="stable")[:top]
    labels = labels or {}
    return pd.DataFrame([{"input": x.columns[j], "label": labels.get(x.columns[j], x.columns[j]),
                          "pawn": float(index[j]), "threshold": threshold,
                          "significant": bool(index[j] > threshold)} for j in order],
                        columns=cols)


def flip_rule(x: pd.DataFrame, holds: np.ndarray, candidates: list[str],
              labels: dict[str, str] | None = None, min_leaf: int = 5) -> dict | None:
    """The best single threshold on one of ``candidates`` separating holds from fails.

    Returns ``{"input", "label", "threshold", "side", "accuracy", "text"}`` where ``side``
    is ``"below"`` when the claim fails below the threshold; ``None`` when the draws all
    agree or no split beats always predicting the majority verdict.
    """
    h = np.asarray(holds, bool)
    n = len(h)
    if n < 2 * min_leaf or h.all() or (~h).all():
        return None
    base = max(h.mean(), 1 - h.mean())
    best = None
    for name in candidates:
        v = x[name].to_numpy(float)
        order = np.argsort(v, kind="stable")
        vs, hs = v[order], h[order]
        ones_left = np.cumsum(hs)
        for i in range(min_leaf, n - min_leaf + 1):
            if vs[i - 1] == vs[i]:
                continue
            left_h, right_h = ones_left[i - 1], ones_left[-1] - ones_left[i - 1]
            # fails below / holds above, or the reverse
            acc_a = ((i - left_h) + right_h) / n
            acc_b = (left_h + (n - i - right_h)) / n
            acc, side = (acc_a, "below") if acc_a >= acc_b else (acc_b, "above")
            if best is None or acc > best[0] + 1e-12:
                t = (vs[i - 1] + vs[i]) / 2
                best = (acc, name, float(t), side)
    if best is None or best[0] <= base + 1e-12:
        return None
    acc, name, t, side = best
    label = (labels or {}).get(name, name)
    text = (f"holds unless {label} is below {t:.3g}" if side == "below"
            else f"holds unless {label} is above {t:.3g}")
    return {"input": name, "label": label, "threshold": t, "side": side, "accuracy": acc,
            "text": text}
