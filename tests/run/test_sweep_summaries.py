"""Ensemble summaries, sensitivity and figures on synthetic ensembles (no cluster)."""

import numpy as np
import pandas as pd
import pytest
from plotly.graph_objects import Figure

from factions.errors import InputError
from factions.run.distributions import (
    Choice,
    Grid,
    Normal,
    Uniform,
    Values,
    draw_params,
    grid_points,
    parse_vary,
)
from factions.run.summaries import (
    ensemble_summary,
    fan_chart,
    prcc,
    sensitivity,
    tornado_chart,
)

MONTHS = ["2007-01", "2007-02", "2007-03"]


def _ensemble(n=200, seed=0):
    """y = 100 a + noise per month (b irrelevant) in two scenarios."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    rows = []
    for run in range(n):
        for sid, shift in (("hist", 0.0), ("alt", 50.0)):
            for i, m in enumerate(MONTHS):
                rows.append({"engine": "x", "scenario": sid, "point": 0, "run": run,
                             "seed": run, "metric": "x.deaths", "month": m,
                             "value": 100 * a[run] + shift + i + rng.normal(0, 5),
                             "p.a": a[run], "p.b": b[run]})
    return pd.DataFrame.from_records(rows)


def test_summary_quantiles_match_numpy():
    ens = _ensemble()
    s = ensemble_summary(ens).set_index(["scenario", "month"])
    sel = ens[(ens["scenario"] == "hist") & (ens["month"] == "2007-02")]["value"]
    row = s.loc[("hist", "2007-02")]
    assert row["n"] == 200
    assert row["median"] == pytest.approx(np.median(sel))
    assert row["low"] == pytest.approx(np.quantile(sel, 0.05))
    assert row["high"] == pytest.approx(np.quantile(sel, 0.95))
    wide = ensemble_summary(ens, level=0.99).set_index(["scenario", "month"])
    assert (wide["high"] - wide["low"] > s["high"] - s["low"]).all()
    with pytest.raises(InputError):
        ensemble_summary(ens, level=1.5)


def test_sensitivity_finds_the_parameter_that_matters():
    sens = sensitivity(_ensemble()).set_index(["scenario", "parameter"])
    for sid in ("hist", "alt"):
        assert sens.loc[(sid, "p.a"), "spearman"] > 0.9
        assert sens.loc[(sid, "p.a"), "p_value"] < 1e-6
        assert abs(sens.loc[(sid, "p.b"), "spearman"]) < 0.2
        assert sens.loc[(sid, "p.a"), "prcc"] > 0.9
        assert abs(sens.loc[(sid, "p.b"), "prcc"]) < 0.2


def test_prcc_removes_a_correlated_nuisance():
    rng = np.random.default_rng(1)
    a = rng.uniform(size=500)
    b = a + rng.normal(0, 0.05, 500)  # b tracks a but has no effect of its own
    y = np.exp(3 * a) + rng.normal(0, 0.1, 500)
    x = np.column_stack([a, b])
    p = prcc(x, y)
    raw_b = pd.Series(b).corr(pd.Series(y), method="spearman")
    assert raw_b > 0.8 and p[0] > 0.8 and abs(p[1]) < 0.3
    assert np.isnan(prcc(x[:3], y[:3])).all()


def test_figures_are_plotly_figures():
    ens = _ensemble(50)
    obs = pd.Series([40.0, 45.0, 50.0], index=MONTHS)
    fig = fan_chart(ens, "x.deaths", observed=obs)
    assert isinstance(fig, Figure)
    bands = [tr for tr in fig.data if tr.fill == "tonexty"]
    assert len(bands) == 4  # two bands per scenario
    assert [tr.name for tr in fig.data if tr.showlegend is not False] == [
        "alt (median, 50%/90%)", "hist (median, 50%/90%)", "observed"]
    med = [tr for tr in fig.data if (tr.name or "").startswith("hist (median")][0]
    want = ens[(ens.scenario == "hist") & (ens.metric == "x.deaths")].groupby("month")[
        "value"].median()
    assert list(med.y) == pytest.approx(want.to_list())
    tor = tornado_chart(sensitivity(ens), "x.deaths", scenario="hist")
    assert list(tor.data[0].y)[-1] == "p.a"  # largest bar on top
    with pytest.raises(InputError, match="no monthly values"):
        fan_chart(ens, "x.other")


def test_draws_are_per_run_and_name_stable():
    vary = {"a": Uniform(0, 1), "b": Normal(0, 1), "c": Choice((1, 2, 3)), "g": Grid(0, 1, 3),
            "v": Values(("x", "y"))}
    d5 = draw_params(vary, seed=3, run=5)
    assert set(d5) == {"a", "b", "c"}
    assert draw_params(vary, 3, 5) == d5
    assert draw_params({"a": vary["a"]}, 3, 5)["a"] == d5["a"]  # independent of other names
    assert draw_params(vary, 3, 6) != d5 and draw_params(vary, 4, 5) != d5
    pts = grid_points(vary)
    assert len(pts) == 6 and pts[0] == {"g": 0.0, "v": "x"} and pts[-1] == {"g": 1.0, "v": "y"}
    draws = np.array([draw_params(vary, 0, r)["a"] for r in range(2000)])
    assert 0 <= draws.min() and draws.max() <= 1 and abs(draws.mean() - 0.5) < 0.03


def test_parse_vary_forms():
    assert parse_vary("x.y=uniform(0.4, 0.8)") == ("x.y", Uniform(0.4, 0.8))
    assert parse_vary("x=normal(-1,2)") == ("x", Normal(-1.0, 2.0))
    assert parse_vary("x=choice(1,2.5,low)") == ("x", Choice((1, 2.5, "low")))
    assert parse_vary("x=grid(0,1,5)")[1].points() == pytest.approx([0, .25, .5, .75, 1])
    assert parse_vary("x=values(3)")[1].points() == [3]
    for bad in ("x=grid(0,1,2.5)", "x=grid(0,1,0)", "x=normal(0,0)", "x=choice()",
                "x=uniform(0,inf)", "=uniform(0,1)", "x=uniform(0,1"):
        with pytest.raises(InputError) as err:
            parse_vary(bad)
        assert "\n" not in str(err.value) and "--vary" in str(err.value)


def test_progress_bar_follows_the_states():
    import io

    from rich.console import Console

    from factions.run.plan import SweepTask
    from factions.run.progress import SweepProgressBar, describe_progress
    from factions.run.sweep import SweepProgress

    task = SweepTask("k", "ground", "historical", 3, 13, {})
    states = [SweepProgress(total=10, done=4, cached=4),
              SweepProgress(total=10, done=7, cached=4, retried=1, elapsed=2.0, last=task)]
    assert describe_progress(states[0]) == "4/10 tasks (4 cached)"
    assert describe_progress(states[1]) == (
        "7/10 tasks (4 cached, 1 retried) · 1.50 runs/s · last ground/historical seed 13")
    out = io.StringIO()
    with SweepProgressBar(Console(file=out, width=150, force_terminal=False)) as bar:
        for s in states:
            bar(s)
    assert bar.progress.tasks[0].completed == 7
    assert "7/10" in out.getvalue()
