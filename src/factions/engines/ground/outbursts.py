"""Objective outburst detection in an activity series (hysteresis thresholds).

Epstein (2002, Figs. 3-5) describes *punctuated equilibrium*: long quiet periods
broken by outbursts of rebellion. To test for it without eyeballing, an outburst is
defined with two thresholds on the number of actives ``a_t``:

* it **starts** at the first tick with ``a_t >= high`` (default 3% of citizens);
* it **ends** at the first later tick with ``a_t <= low`` (default 0.5% of citizens),

so that noise around one level cannot count twice. A series is punctuated when it has
several outbursts *and* spends a substantial share of its ticks at or below ``low``.
"""

from __future__ import annotations

__all__ = ["Outburst", "find_outbursts", "outburst_stats"]

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Outburst:
    """One outburst: first tick, first tick after it (``end``), peak actives and its tick."""

    start: int
    end: int
    peak: int
    peak_tick: int


def find_outbursts(active, population: float, high: float = 0.03,
                   low: float = 0.005) -> list[Outburst]:
    """Outbursts of a series of active counts.

    Parameters
    ----------
    active : array_like of int
        Actives per tick.
    population : float
        Citizens (the thresholds are shares of it).
    high, low : float
        Start and end thresholds as shares of ``population`` (``low < high``).

    Returns
    -------
    list of Outburst
        In time order; an outburst still running at the end has ``end = len(active)``.

    Notes
    -----
    O(T). Deterministic; no smoothing.
    """
    a = np.asarray(active, dtype=np.int64)
    hi = high * population
    lo = low * population
    out: list[Outburst] = []
    start = -1
    for t, v in enumerate(a):
        if start < 0 and v >= hi:
            start = t
        elif start >= 0 and v <= lo:
            seg = a[start:t]
            out.append(Outburst(start, t, int(seg.max()), start + int(seg.argmax())))
            start = -1
    if start >= 0:
        seg = a[start:]
        out.append(Outburst(start, len(a), int(seg.max()), start + int(seg.argmax())))
    return out


def outburst_stats(active, population: float, high: float = 0.03,
                   low: float = 0.005) -> dict[str, float]:
    """Summary: ``n_outbursts``, ``quiet_share`` (ticks with ``a_t <= low``), ``mean_peak``
    (share of population), ``mean_gap`` (ticks between outburst starts; NaN if < 2)."""
    a = np.asarray(active, dtype=np.int64)
    obs = find_outbursts(a, population, high, low)
    starts = [o.start for o in obs]
    return {
        "n_outbursts": float(len(obs)),
        "quiet_share": float(np.mean(a <= low * population)) if a.size else float("nan"),
        "mean_peak": float(np.mean([o.peak for o in obs]) / population) if obs else 0.0,
        "mean_gap": float(np.mean(np.diff(starts))) if len(starts) > 1 else float("nan"),
    }
