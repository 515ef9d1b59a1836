"""Inference of shock effects from regional series: synthetic data made with known effect
sizes are fitted back (the truth inside the posterior's 90 % interval); months after the
cut never enter the fit."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from factions.engines.ground import run_ground
from factions.run.calibrate import abc_rejection
from factions.run.distributions import Uniform
from factions.run.validate import validate_calibration
from factions.scenario import parse_scenario

FILE = Path(__file__).parents[1] / "data" / "valdoria.yaml"
OPTS = {"grid": 40, "seeds": 2, "ticks_per_month": 10, "burn_in": 10}
CHEAP = {"grid": 30, "seeds": 1, "ticks_per_month": 4, "burn_in": 5}
GUARD = "shocks.legion_arrives.guard_active"
TRUTH = 0.2
SCALE = 3.0  # deaths per lattice death: any one factor for the whole country


def _data() -> dict:
    data = yaml.safe_load(FILE.read_text())
    shock = next(s for s in data["shocks"] if s["id"] == "legion_arrives")
    shock["effects"].append({"id": "guard_active", "param": "actors.peak_guard.active",
                             "set": 1.0, "from": "2011-06", "regions": ["highlands"]})
    data["observations"] = [o for o in data["observations"] if "region" not in o]
    return data


def _scenario(data):
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), "synthetic.yaml")


@pytest.fixture(scope="module")
def synthetic():
    """The scenario with regional death series simulated at the true effect size (the
    mean of 4 replicate lattices, in counts: rate x residents / 100,000 x SCALE)."""
    data = _data()
    truth = _scenario(data).with_base({GUARD: TRUTH})
    res = run_ground(truth, "what_happened", 2024, {**OPTS, "seeds": 4})
    for region, people in (("highlands", 900000), ("coast", 1100000)):
        values = res.monthly[f"region_deaths.{region}"] * people / 1e5 * SCALE
        data["observations"].append({
            "id": f"{region}_deaths", "name": f"Deaths in the {region}", "unit": "deaths",
            "compares": "ground.deaths", "region": region, "source": "synthetic",
            "series": {m: round(float(v), 3) for m, v in zip(res.monthly.month, values,
                                                            strict=True)}})
    return data


@pytest.fixture(scope="module")
def client():
    from distributed import Client

    c = Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0")
    yield c
    c.close()


def _fit(data, client, out, seed=11, fit_until=None, opts=OPTS, runs=60):
    sc = _scenario(data)
    return abc_rejection(sc, {GUARD: Uniform(0.0, 1.0)},
                         observations=["highlands_deaths", "coast_deaths"], runs=runs,
                         accept=0.2, distance="scaled_sqrt", seed=seed, out_dir=out,
                         options={"ground": opts}, scheduler=client, fit_until=fit_until,
                         window=("2010-01", "2012-12"))


def test_known_effect_is_recovered(synthetic, client, tmp_path):
    abc = _fit(synthetic, client, tmp_path)
    post = abc.posterior.set_index("parameter").loc[GUARD]
    assert post["post_low"] <= TRUTH <= post["post_high"], post
    # the data inform the effect: the 90 % interval is inside the prior's (0.9 wide)
    assert post["post_high"] - post["post_low"] < 0.7, post
    assert abc.runs["accepted"].sum() == 12  # 0.2 of 60
    # both regions are targets, their sum is the total hindcast
    assert set(abc.hindcasts["target"]) == {"highlands_deaths", "coast_deaths", "total"}
    assert {t.metric for t in abc.targets} == {"ground.region_deaths.highlands",
                                               "ground.region_deaths.coast"}
    # each accepted run is shown at the level the distance fitted: its total over the
    # fitted months and both regions is the observed total
    mem = abc.members[abc.members["target"] != "total"]
    observed = sum(t.observed.sum() for t in abc.targets)
    per_run = mem.groupby("run")["value"].sum()
    assert np.allclose(per_run, observed, rtol=1e-9)


def test_held_out_months_never_enter_the_fit(synthetic, client, tmp_path):
    cut = "2011-12"
    first = _fit(synthetic, client, tmp_path / "a", fit_until=cut, opts=CHEAP, runs=20)
    changed = yaml.safe_load(yaml.safe_dump(synthetic))
    for o in changed["observations"]:
        if o["id"].endswith("_deaths"):
            o["series"] = {m: (v * 10 if m > cut else v) for m, v in o["series"].items()}
    second = _fit(changed, client, tmp_path / "b", fit_until=cut, opts=CHEAP, runs=20)
    cols = ["run", "seed", GUARD, "distance", "accepted"]
    pd.testing.assert_frame_equal(first.runs[cols], second.runs[cols])
    fitted = first.hindcasts[first.hindcasts["fitted"]]
    assert (fitted["month"] <= cut).all() and not first.hindcasts["fitted"].all()
    pd.testing.assert_frame_equal(fitted, second.hindcasts[second.hindcasts["fitted"]])
    # the held-out months are scored, and the scores see the changed data
    t1, _ = validate_calibration(_scenario(synthetic), first, cut, displacement=False)
    t2, _ = validate_calibration(_scenario(changed), second, cut, displacement=False)
    model1 = t1[t1["method"] == "model"].set_index("series")
    model2 = t2[t2["method"] == "model"].set_index("series")
    assert model1.loc["total", "first"] == "2012-01" and model1.loc["total", "months"] == 12
    assert (model2["crps"] > model1["crps"]).all()
    # a different seed draws other parameter sets
    other = _fit(synthetic, client, tmp_path / "c", seed=12, fit_until=cut, opts=CHEAP, runs=20)
    assert not np.allclose(other.runs[GUARD], first.runs[GUARD])
