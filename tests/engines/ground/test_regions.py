"""The ground engine on regions: one lattice per region, sites shared out by residents,
national figures the residents-weighted means of the regions'."""

from pathlib import Path

import numpy as np
import pytest

from factions.engines.ground import ground_metrics, run_ground
from factions.engines.ground.regions import lattice_sides, region_groups, uses_regions
from factions.scenario import load_scenario

FILE = Path(__file__).parents[2] / "data" / "valdoria.yaml"
FAST = {"grid": 40, "seeds": 2, "ticks_per_month": 4, "burn_in": 10}


@pytest.fixture(scope="module")
def sc():
    return load_scenario(FILE)


@pytest.fixture(scope="module")
def res(sc):
    return run_ground(sc, "what_happened", 5, FAST)


def test_sites_are_shared_out_by_residents(res):
    sides = {r: int(v.split("x")[0]) for r, v in res.summary["regions"].items()}
    # 900,000 and 1,100,000 residents: 0.45 and 0.55 of 40 x 40 sites
    assert sides == {"highlands": round(np.sqrt(0.45 * 1600)), "coast": round(np.sqrt(0.55 * 1600))}
    assert abs(sum(s * s for s in sides.values()) - 1600) / 1600 < 0.05
    assert lattice_sides([0.01, 0.99], 1600, 15) == [15, 40]


def test_groups_take_the_regions_mix(sc):
    hi = next(r for r in sc.regions if r.id == "highlands")
    shares = {g.id: g.share for g in region_groups(sc, hi)}
    # coastals 0.2 of the highlands, cut by the Tide movement (0.35) as nationally
    assert shares["highlanders"] == pytest.approx(0.8)
    assert shares["tide_movement"] == pytest.approx(0.2 * 0.35)
    assert sum(shares.values()) == pytest.approx(1.0)


def test_national_figures_weigh_the_regions_by_residents(res):
    m = res.monthly
    for col in ("deaths", "sectarian_deaths", "activity"):
        parts = 0.45 * m[f"region_{col}.highlands"] + 0.55 * m[f"region_{col}.coast"]
        assert np.allclose(m[col], parts)
    assert m["region_deaths.highlands"].sum() > 0 and m["region_deaths.coast"].sum() > 0
    met = res.metrics()
    assert {"region_deaths.highlands", "region_deaths.coast",
            "region_activity.coast"} <= set(met.metric)
    fit = dict(zip(res.fit.statistic, res.fit.value, strict=True))
    assert "spearman.highlands" in fit and fit["region_scale_factor"] > 0
    # one scale factor: the regions' scaled deaths total the observed total where observed
    obs = m["region_observed.highlands"].notna()
    assert m.loc[obs, "region_deaths_scaled.highlands"].sum() == pytest.approx(
        m.loc[obs, "region_observed.highlands"].sum())


def test_same_seed_same_result_other_seed_differs(sc, res):
    again = run_ground(sc, "what_happened", 5, FAST)
    assert res.by_seed.equals(again.by_seed)
    other = run_ground(sc, "what_happened", 6, FAST)
    assert not res.by_seed.equals(other.by_seed)


def test_regions_off_runs_one_national_lattice(sc):
    r = run_ground(sc, "what_happened", 5, {**FAST, "regions": "off", "seeds": 1})
    assert "regions" not in r.summary and r.snapshot.shape == (40, 40)
    assert not any(c.startswith("region_") for c in r.monthly.columns)


def test_metrics_are_declared_only_with_usable_regions(sc):
    assert uses_regions(sc, "auto") and not uses_regions(sc, "off")
    assert "region_deaths.coast" in ground_metrics(sc)
    bare = sc.model_copy(update={"regions": []})
    assert not uses_regions(bare, "auto")
    assert not any(m.startswith("region_") for m in ground_metrics(bare))


def test_null_model_runs_on_the_regions_too(sc):
    from factions.engines.ground.null import ground_null

    null = ground_null(sc, "what_happened", FAST).set_index(["metric", "month"])["value"]
    month = "2011-09"
    parts = (0.45 * null[("region_deaths.highlands", month)]
             + 0.55 * null[("region_deaths.coast", month)])
    assert null[("deaths", month)] == pytest.approx(parts)
    national = ground_null(sc, "what_happened", {**FAST, "regions": "off"})
    assert not national["metric"].str.startswith("region_").any()
