"""Joint samples of a scenario's uncertain inputs, for the draws of ``factions run``.

Draw ``r`` of a run takes row ``r`` of :func:`sample_inputs` — a scrambled Latin
hypercube over every uncertain input (:meth:`Scenario.uncertain_inputs`), stratified in
each input, mapped to each input's distribution (uniform on its range, or triangular with
the mode at the file's value) — together with seed ``seed + r`` for the stochastic
engines and, when a calibration posterior is used, posterior parameter set ``r`` (cycling).
Inputs that the posterior fits are taken from the posterior, not sampled. One sample
serves every named scenario of the draw (common random numbers), so comparisons between
scenarios see the same inputs and the same noise.

References
----------
.. [1] McKay, M. D., Beckman, R. J., & Conover, W. J. (1979). A comparison of three methods
   for selecting values of input variables in the analysis of output from a computer
   code. Technometrics 21(2), 239-245.
"""

from __future__ import annotations

__all__ = ["sample_inputs", "draw_table"]

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import qmc

from factions.errors import InputError


def sample_inputs(inputs: Sequence, n: int, seed: int) -> pd.DataFrame:
    """``n`` joint samples of ``inputs`` (one column per input ``name``).

    Raises
    ------
    InputError
        ``n`` < 1.
    """
    if int(n) != n or n < 1:
        raise InputError(f"draws must be a whole number >= 1, got {n}")
    names = [x.name for x in inputs]
    if not inputs:
        return pd.DataFrame(index=range(int(n)))
    u = qmc.LatinHypercube(d=len(inputs), scramble=True,
                           rng=np.random.default_rng([int(seed) & 0xFFFFFFFF, 0x1A7E])
                           ).random(int(n))
    cols = {}
    for k, x in enumerate(inputs):
        cols[x.name] = _ppf(u[:, k], x.low, x.high, x.value, x.dist)
    return pd.DataFrame(cols, columns=names)


def _ppf(u: np.ndarray, low: float, high: float, mode: float, dist: str) -> np.ndarray:
    if dist == "triangular" and high > low:
        c = (mode - low) / (high - low)
        left = u < c
        out = np.empty_like(u)
        out[left] = low + np.sqrt(u[left] * (high - low) * (mode - low))
        out[~left] = high - np.sqrt((1 - u[~left]) * (high - low) * (high - mode))
        return out
    return low + u * (high - low)


def draw_table(scenario, n: int, seed: int, posterior=None,
               fixed: Sequence[str] = ()) -> pd.DataFrame:
    """The parameter table of ``n`` draws: sampled inputs, then posterior columns.

    ``fixed`` names inputs not to sample (e.g. those a sweep varies otherwise).
    """
    post_cols = list(posterior.draws.columns) if posterior is not None else []
    inputs = [x for x in scenario.uncertain_inputs()
              if x.name not in post_cols and x.name not in fixed]
    table = sample_inputs(inputs, n, seed)
    if posterior is not None:
        rows = posterior.draws.iloc[np.arange(int(n)) % len(posterior.draws)]
        table = pd.concat([table, rows.reset_index(drop=True)], axis=1)
    return table
