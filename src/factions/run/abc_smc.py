"""ABC sequential Monte Carlo (population Monte Carlo) through the sweep machinery.

Generation 0 is rejection ABC (:func:`factions.run.calibrate.abc_rejection`): ``runs``
draws from the prior, the ``accept`` fraction closest to the data kept as particles with
equal weights. Generation ``t`` proposes ``runs`` parameter sets by picking a particle of
generation ``t-1`` by weight and moving it with a Gaussian kernel of covariance twice the
particles' weighted covariance (proposals outside the prior's support are redrawn before
any simulation), runs them as one sweep, keeps the ``accept`` fraction closest to the data
— the tolerance epsilon shrinks adaptively — and weights each kept particle by
``prior(θ) / Σ_j w_j K(θ | θ_j)`` (Beaumont et al. 2009, eq. 3; Toni et al. 2009).
"""

from __future__ import annotations

__all__ = ["abc_smc", "prior_density"]

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from factions.errors import InputError
from factions.run.calibrate import (
    ABCResult,
    _check,
    _hindcast,
    _keep_best,
    _posterior_table,
    _score,
    abc_rejection,
    resolve_targets,
)
from factions.run.distributions import Distribution, Normal, Uniform
from factions.run.sweep import sweep
from factions.run.targets import fit_window
from factions.scenario import Scenario


def prior_density(prior: Mapping[str, Distribution], values: np.ndarray) -> np.ndarray:
    """Joint density of independent uniform/normal priors at each row of ``values``."""
    dens = np.ones(len(values))
    for j, dist in enumerate(prior.values()):
        x = values[:, j]
        if isinstance(dist, Uniform):
            dens *= np.where((x >= dist.low) & (x <= dist.high), 1 / (dist.high - dist.low), 0)
        elif isinstance(dist, Normal):
            from scipy import stats

            dens *= stats.norm.pdf(x, dist.mu, dist.sd)
        else:
            raise InputError(f"ABC-SMC needs uniform or normal priors, got {dist.describe()}")
    return dens


def _ess(w: np.ndarray) -> float:
    w = w / w.sum()
    return float(1.0 / np.sum(w ** 2))


def _propose(rng, particles: np.ndarray, weights: np.ndarray, cov: np.ndarray, n: int,
             prior) -> np.ndarray:
    out = np.empty((0, particles.shape[1]))
    p = weights / weights.sum()
    for _ in range(1000):
        idx = rng.choice(len(particles), size=n, p=p)
        moved = particles[idx] + rng.multivariate_normal(np.zeros(len(cov)), cov, size=n,
                                                         method="eigh")
        out = np.vstack([out, moved[prior_density(prior, moved) > 0]])
        if len(out) >= n:
            return out[:n]
    raise InputError("ABC-SMC: the perturbation kernel keeps leaving the prior's support")


def abc_smc(scenario: Scenario, prior: Mapping[str, Distribution],
            observation: str | pd.Series | None = None, metric: str = "ground.deaths",
            scenario_id: str | None = None, runs: int = 200, accept: float = 0.2,
            generations: int = 3, distance: str = "log_rmse",
            window: tuple[str, str] | None = None, seed: int = 0,
            out_dir: str | Path = "calibration", options: Mapping[str, Mapping] | None = None,
            observation_scale: float | str = 1.0, observations=None,
            fit_until: str | None = None, **sweep_kwargs) -> ABCResult:
    """ABC-SMC with an adaptive (quantile) tolerance; ``runs`` simulations per generation.

    Parameters
    ----------
    prior
        Independent ``uniform`` or ``normal`` priors (numeric, so that they can be
        perturbed).
    accept
        Fraction of each generation's runs kept as particles.
    generations
        Number of generations, the rejection step included (≥ 1).
    Other parameters
        As :func:`factions.run.calibrate.abc_rejection` (``observations`` and
        ``fit_until`` too); generation ``g`` sweeps into
        ``out_dir/gen-g`` with seeds from ``seed + g * 1_000_003``.

    Returns
    -------
    ABCResult
        Runs and hindcast of the last generation, weighted posterior table, and
        ``generations`` (epsilon and effective sample size per generation).

    Raises
    ------
    InputError
        Bad prior (grid, choice), ``accept`` or ``generations``.

    References
    ----------
    Beaumont, M. A., Cornuet, J.-M., Marin, J.-M., Robert, C. P. (2009). Adaptive
    approximate Bayesian computation. *Biometrika* 96(4), 983–990.
    Toni, T., Welch, D., Strelkowa, N., Ipsen, A., Stumpf, M. P. H. (2009). Approximate
    Bayesian computation scheme for parameter inference and model selection in dynamical
    systems. *Journal of the Royal Society Interface* 6(31), 187–202.
    """
    _check(prior, distance)
    prior_density(prior, np.zeros((0, len(prior))))  # refuses choice priors up front
    if int(generations) != generations or generations < 1:
        raise InputError(f"generations must be a whole number ≥ 1, got {generations}")
    if not 0 < accept < 1:
        raise InputError(f"accept must be in (0, 1) for ABC-SMC, got {accept}")
    kept = int(np.floor(accept * runs + 1e-9))
    if generations > 1 and kept <= len(prior):
        raise InputError(f"ABC-SMC keeps {kept} particles per generation (accept x runs) for "
                         f"{len(prior)} parameters: keep more than there are parameters, or "
                         "the perturbation kernel's covariance is singular")
    out = Path(out_dir)
    scenario_id = scenario_id or scenario.history_id()
    kw = dict(observation=observation, metric=metric, scenario_id=scenario_id,
              distance=distance, window=window, options=options,
              observation_scale=observation_scale, observations=observations,
              fit_until=fit_until)
    first = abc_rejection(scenario, prior, runs=runs, accept=accept, seed=seed,
                          out_dir=out / "gen-0", **kw, **sweep_kwargs)
    names = list(prior)
    acc = first.runs[first.runs["accepted"]]
    particles = acc[names].to_numpy(float)
    weights = np.ones(len(particles))
    history = [{"generation": 0, "runs": len(first.runs), "epsilon": first.epsilon,
                "ess": _ess(weights)}]
    result = first
    targets = resolve_targets(scenario, observation, metric, observation_scale, observations)
    fit = fit_window(window, fit_until)
    n_keep = max(1, int(np.floor(accept * runs + 1e-9)))
    engines = list(dict.fromkeys(t.metric.split(".", 1)[0] for t in targets))
    for g in range(1, int(generations)):
        rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, g, 0xABC])
        cov = 2.0 * np.atleast_2d(np.cov(particles.T, aweights=weights, ddof=0))
        cov += np.eye(len(names)) * 1e-12
        proposals = _propose(rng, particles, weights, cov, runs, prior)
        draws = pd.DataFrame(proposals, columns=names)
        res = sweep(scenario, [scenario_id], engines, runs=runs, draws=draws,
                    seed=seed + g * 1_000_003, out_dir=out / f"gen-{g}", options=options,
                    **sweep_kwargs)
        table, series = _score(res, targets, names, distance, fit)
        table = _keep_best(table, n_keep)
        kept = table[table["accepted"]]
        theta = kept[names].to_numpy(float)
        from scipy import stats

        kernel = stats.multivariate_normal(mean=np.zeros(len(names)), cov=cov,
                                           allow_singular=True)
        denom = np.array([np.sum(weights * kernel.pdf(t - particles)) for t in theta])
        new_w = prior_density(prior, theta) / denom
        table["weight"] = 0.0
        table.loc[kept.index, "weight"] = new_w / new_w.sum()
        particles, weights = theta, table.loc[kept.index, "weight"].to_numpy(float)
        eps = float(kept["distance"].max())
        history.append({"generation": g, "runs": len(table), "epsilon": eps,
                        "ess": _ess(weights)})
        posterior = _posterior_table(prior, first.runs, kept, weights)
        hind, hinds, members, rho, pval = _hindcast(series, kept["run"], weights, targets,
                                                    window, fit, distance)
        result = ABCResult(dict(prior), first.metric, targets[0].observed, table, posterior,
                           hind, rho, pval, eps, res, targets=targets, hindcasts=hinds,
                           fit_until=fit_until, members=members)
    result.generations = pd.DataFrame.from_records(history)
    return result
