"""ABC rejection through the sweep: a known parameter value is recovered from its series."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from factions.engines.digest import run_digest
from factions.errors import InputError
from factions.run.calibrate import abc_rejection, posterior_sweep, series_distance
from factions.run.distributions import Grid, Uniform
from factions.scenario import load_scenario

LEGIT = "populations.group_a.legitimacy"
METRIC = f"digest.{LEGIT}"


@pytest.fixture(scope="module")
def sc():
    return load_scenario(Path(__file__).parents[1] / "data" / "small.yaml")


@pytest.fixture(scope="module")
def client():
    from distributed import Client

    c = Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0")
    yield c
    c.close()


def _truth_series(sc, value, noise, seed=0):
    m = run_digest(sc.with_base({LEGIT: value}), "historical").metrics()
    m = m[m["metric"] == LEGIT].set_index("month")["value"].astype(float)
    rng = np.random.default_rng(seed)
    return m * (1 + rng.normal(0, noise, len(m)))


def test_series_distance_kinds():
    idx = ["2007-01", "2007-02", "2007-03"]
    o = pd.Series([100.0, 200.0, 400.0], index=idx)
    assert series_distance(o, o) == 0.0
    assert series_distance(o * 2, o, "nrmse") == pytest.approx(
        np.sqrt(np.mean(o.to_numpy() ** 2)) / o.mean())
    assert series_distance(o * 3, o, "rank") == pytest.approx(0.0)
    assert series_distance(o[::-1].set_axis(idx), o, "rank") == pytest.approx(2.0)
    assert series_distance(o + 1e6, o, window=("2007-02", "2007-02"), kind="rmse") == 1e6
    assert series_distance(o * 7, o, "shape") == pytest.approx(0.0)
    assert series_distance(o * 0, o, "shape") == np.inf
    assert series_distance(o[::-1].set_axis(idx), o, "shape") > 0.5
    with pytest.raises(InputError, match="no month in common"):
        series_distance(o, o.set_axis(["2008-01", "2008-02", "2008-03"]))
    with pytest.raises(InputError, match="unknown distance"):
        series_distance(o, o, "manhattan")


def test_abc_recovers_a_known_parameter(sc, client, tmp_path):
    observed = _truth_series(sc, 0.55, noise=0.02)
    prior = {LEGIT: Uniform(0.2, 0.9), "parameters.polarisation": Uniform(0.0, 1.0)}
    abc = abc_rejection(sc, prior, observation=observed, metric=METRIC, runs=100, accept=0.1,
                        seed=4, out_dir=tmp_path, scheduler=client)
    post = abc.posterior.set_index("parameter")
    assert abc.runs["accepted"].sum() == 10
    assert abs(post.loc[LEGIT, "post_median"] - 0.55) < 0.03
    assert post.loc[LEGIT, "post_high"] - post.loc[LEGIT, "post_low"] < 0.1
    # the series does not depend on polarisation: its posterior stays as wide as the prior
    pol = post.loc["parameters.polarisation"]
    assert pol["post_high"] - pol["post_low"] > 0.5
    assert abc.epsilon == abc.runs.loc[abc.runs["accepted"], "distance"].max()
    assert (abc.runs.loc[~abc.runs["accepted"], "distance"] >= abc.epsilon).all()
    # the hindcast ranks the months as the noise-free truth does
    truth = _truth_series(sc, 0.55, noise=0.0)
    best = stats.spearmanr(truth.loc[abc.hindcast["month"]], abc.hindcast["observed"])
    assert len(abc.hindcast) == 12
    assert abc.spearman == pytest.approx(best.statistic, abs=0.05) and abc.spearman > 0.5
    figs = abc.figures()
    assert set(figs) == {"hindcast", "posterior"}
    # the posterior feeds scenario comparisons: run r uses the r-th accepted set
    again = posterior_sweep(sc, abc, scenario_ids=["historical", "no_surge"], seed=0,
                            out_dir=tmp_path / "post", scheduler=client)
    ens = again.ensemble()
    used = ens.drop_duplicates("run").sort_values("run")[LEGIT].to_numpy()
    assert np.allclose(used, abc.posterior_draws()[LEGIT].to_numpy())


def test_abc_refuses_bad_settings(sc, tmp_path):
    with pytest.raises(InputError, match="is a grid"):
        abc_rejection(sc, {LEGIT: Grid(0, 1, 3)}, observation="deaths", metric=METRIC,
                      out_dir=tmp_path)
    with pytest.raises(InputError, match="observation 'nope' is not in the scenario"):
        abc_rejection(sc, {LEGIT: Uniform(0, 1)}, observation="nope", metric=METRIC,
                      out_dir=tmp_path)
    with pytest.raises(InputError, match="no observation declares `compares: digest"):
        abc_rejection(sc, {LEGIT: Uniform(0, 1)}, metric=METRIC, out_dir=tmp_path)
    with pytest.raises(InputError, match="accept"):
        abc_rejection(sc, {LEGIT: Uniform(0, 1)}, observation="deaths", accept=0,
                      metric=METRIC, out_dir=tmp_path)


def test_observation_scale_per_100k(sc):
    from factions.run.calibrate import _scale

    assert _scale(sc, 2.0) == 2.0
    assert _scale(sc, "per_100k:polarisation") == pytest.approx(1e5 / 0.5)
    with pytest.raises(InputError, match="per_100k:<param>"):
        _scale(sc, "per_100k:nobody")


def test_abc_smc_shrinks_the_tolerance_and_stays_on_the_truth(sc, client, tmp_path):
    from factions.run.abc_smc import abc_smc

    observed = _truth_series(sc, 0.55, noise=0.02)
    prior = {LEGIT: Uniform(0.2, 0.9), "parameters.polarisation": Uniform(0.0, 1.0)}
    smc = abc_smc(sc, prior, observation=observed, metric=METRIC, runs=40, accept=0.25,
                  generations=3, seed=4, out_dir=tmp_path, scheduler=client)
    gens = smc.generations
    assert list(gens["generation"]) == [0, 1, 2]
    assert gens["epsilon"].iloc[-1] < gens["epsilon"].iloc[0]
    kept = smc.runs[smc.runs["accepted"]]
    assert len(kept) == 10 and kept["weight"].sum() == pytest.approx(1.0)
    assert (kept["weight"] > 0).all() and (smc.runs.loc[~smc.runs["accepted"], "weight"] == 0).all()
    post = smc.posterior.set_index("parameter")
    assert abs(post.loc[LEGIT, "post_median"] - 0.55) < 0.03
    # proposals stay inside the prior's support
    assert smc.runs[LEGIT].between(0.2, 0.9).all()
    draws = smc.posterior_draws(n=25, seed=1)
    assert len(draws) == 25 and set(draws[LEGIT]) <= set(kept[LEGIT])


def test_abc_smc_refuses_choice_priors(sc, tmp_path):
    from factions.run.abc_smc import abc_smc
    from factions.run.distributions import Choice

    with pytest.raises(InputError, match="uniform or normal"):
        abc_smc(sc, {LEGIT: Choice((0.2, 0.4))}, observation="deaths", metric=METRIC,
                out_dir=tmp_path)
