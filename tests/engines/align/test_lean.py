"""Lean mode (metrics only, for the draws of an ensemble) equals the full engine."""

import pandas as pd
import pytest

from factions.engines.align import run_align
from factions.scenario import load_scenario


@pytest.fixture(scope="module")
def sc():
    from pathlib import Path

    return load_scenario(Path(__file__).parents[2] / "data" / "valdoria.yaml")


def test_lean_exact_metrics_equal_the_full_engine(sc):
    months = [m for m in sc.months() if "2011-01" <= m <= "2012-06"]
    full = run_align(sc, "what_happened", 0, {}).metrics()
    lean = run_align(sc, "what_happened", 0, {"lean": True, "months": months}).metrics()
    assert set(lean["month"].dropna()) == set(months)
    both = full.merge(lean, on=["metric", "month"], suffixes=("_full", "_lean"))
    assert len(both) == len(lean) > 0
    pd.testing.assert_series_equal(both["value_full"], both["value_lean"], check_names=False)


def test_lean_heuristic_finds_the_same_frustration(sc):
    full = run_align(sc, "no_truce", 0, {}).monthly.set_index("month")["frustration"]
    lean = run_align(sc, "no_truce", 0, {"lean": True, "method": "heuristic"}).monthly
    assert (lean.set_index("month")["frustration"] - full).abs().max() < 1e-9


def test_lean_without_power_has_no_power_metrics(sc):
    m = run_align(sc, "what_happened", 0, {"lean": True, "power": False}).metrics()
    assert not m["metric"].str.startswith("banzhaf").any()
    assert m["metric"].str.startswith("banzhaf").sum() == 0
    with_power = run_align(sc, "what_happened", 0, {"lean": True}).metrics()
    assert with_power["metric"].str.startswith("banzhaf.").any()
