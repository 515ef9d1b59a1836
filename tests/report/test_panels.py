"""Claim panels with and without the columns of later claims tables; calibration figures
redrawn from a calibration directory's CSVs."""

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from factions.report.calibration import calibration_figures
from factions.report.claims_panel import claim_distribution, claims_section
from factions.report.embed import PlotRegistry
from factions.run import evaluate_claims
from factions.run.claims import claim_replicas
from factions.scenario import load_scenario

METRIC = "digest.forces.occ_troops"


@pytest.fixture
def sc(small_path):
    return load_scenario(small_path)


def _frames(values):
    return [pd.DataFrame({"scenario": ["historical", "no_surge"], "metric": [METRIC] * 2,
                          "month": ["2007-06"] * 2, "value": [v, 5.0], "seed": [s, s]})
            for s, v in enumerate(values)]


def _section(sc, claims, frames, drivers=None):
    plots = PlotRegistry()
    html = claims_section(claims, sc, claim_replicas(sc, frames), plots,
                          {METRIC: "card-compare-x"}, drivers=drivers)
    return html, plots


def test_panels_without_the_later_columns(sc):
    frames = _frames([10.0, 1.0, 7.0])
    html, plots = _section(sc, evaluate_claims(sc, frames), frames)
    assert html.count("<section class='claim") == 3
    assert "badge grade" not in html and "interval" not in html and "Drivers" not in html
    assert "<th>grade</th>" not in html
    assert "0.67 over 3 replica(s)" in html and "href='#card-compare-x'" in html
    assert len(plots) == 1 and "id='card-claim-surge_more_troops'" in html


def test_panels_show_grade_interval_driver_and_drivers_table(sc):
    frames = _frames([10.0, 1.0, 7.0])
    claims = evaluate_claims(sc, frames).assign(
        grade=["encoded", "observed", None], p_low=[0.3, 1.0, np.nan],
        p_high=[0.9, 1.0, np.nan], driver=["forces.occ_troops", "", None],
        elasticity=[0.25, np.nan, np.nan])
    drivers = pd.DataFrame({"claim": ["surge_more_troops"] * 2,
                            "input": ["forces.occ_troops", "polarisation"],
                            "flip_threshold": [95000.0, np.nan]})
    html, _ = _section(sc, claims, frames, drivers)
    first = html.split("<section")[1]
    assert "<span class='badge grade'>encoded</span>" in first
    assert "(90 % interval 0.30–0.90)" in first
    assert "<dt>driver</dt><dd>forces.occ_troops</dd>" in first
    assert "<dt>elasticity</dt><dd>0.25</dd>" in first  # a column the panel does not know
    assert "<h4>Drivers</h4>" in first and "95,000" in first and "polarisation" in first
    others = "".join(html.split("<section")[2:])
    assert "Drivers" not in others and "<dt>driver</dt>" not in others
    assert "<th>grade</th>" in html


def test_distribution_marks_the_side_where_the_claim_holds(sc):
    reps = claim_replicas(sc, _frames([10.0, 1.0, 7.0]))
    reps = reps[reps["claim"] == "surge_more_troops"]
    fig = claim_distribution("surge_more_troops", ">", reps)
    assert list(fig.data[0].x) == [5.0, -4.0, 2.0]
    shade = fig.layout.shapes[0]
    assert shade.x0 == 0 and shade.x1 > 5  # '>' holds right of zero
    left = claim_distribution("x", "<", reps).layout.shapes[0]
    assert left.x1 < -4


def test_calibration_figures_from_the_shipped_csvs():
    path = resources.files("factions.scenarios").joinpath("iraq-2007.calibration")
    hind = pd.read_csv(path / "hindcast.csv")
    figs = calibration_figures(path)
    assert set(figs) == {"hindcast", "posterior"}
    median = [tr for tr in figs["hindcast"].data if tr.name == "accepted runs, median"][0]
    assert list(median.y) == pytest.approx(hind["median"].to_list())
    runs = pd.read_csv(path / "runs.csv")
    n_params = len([c for c in runs.columns if "." in c])
    assert len(figs["posterior"].data) == 2 * n_params  # prior and posterior per parameter


def test_calibration_figures_of_a_directory_without_csvs(tmp_path):
    assert calibration_figures(tmp_path) == {}
