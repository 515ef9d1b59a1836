"""sweep / calibrate / run with replicas and a posterior, through the CLI."""

import json

import pandas as pd
import pytest

from factions.cli import main
from factions.run.plan import scenario_digest
from factions.run.posterior import load_posterior, shipped_posterior
from factions.scenario import default_scenario, load_scenario

GROUND = ["--option", "ground.grid=24", "--option", "ground.seeds=1",
          "--option", "ground.ticks_per_month=2", "--option", "ground.burn_in=5"]


def test_shipped_posterior_was_fitted_on_the_shipped_scenario():
    post = shipped_posterior(default_scenario())
    assert post is not None, "rerun scripts/recalibrate after editing iraq-2007.yaml"
    assert len(post.draws) == post.meta["accepted"] > 0
    assert set(post.draws.columns) == set(post.meta["prior"])


def _with_claim(tmp_path, small_path, *metrics):
    claims = "".join(f"""  - id: claim_{i}
    quote: "A claim on {metric}."
    test:
      metric: {metric}
      lhs: {{scenario: historical}}
      op: ">"
      rhs: {{value: 0.1}}
""" for i, metric in enumerate(metrics))
    text = small_path.read_text().replace("claims:\n", "claims:\n" + claims, 1)
    path = tmp_path / "small_claimed.yaml"
    path.write_text(text)
    return path


def _posterior_dir(tmp_path, small_path, values):
    d = tmp_path / "cal"
    d.mkdir()
    pd.DataFrame({"parameters.polarisation": values}).to_csv(d / "posterior.csv", index=False)
    sc = load_scenario(small_path)
    (d / "calibration.json").write_text(json.dumps({
        "scenario_digest": scenario_digest(sc), "metric": "ground.deaths",
        "observation": "deaths", "options": {"ground": {"grid": 24, "seeds": 1}}}))
    return d


def test_run_with_replicas_and_posterior(small_path, tmp_path, capsys):
    # a claim on the drawn parameter, so that the ensemble keeps its metric
    small_path = _with_claim(tmp_path, small_path, "digest.parameters.polarisation",
                             "ground.deaths")
    cal = _posterior_dir(tmp_path, small_path, [0.2, 0.8])
    out = tmp_path / "rep"
    argv = ["run", str(small_path), "-e", "digest", "-e", "ground", "--replicas", "3",
            "--workers", "1", "--posterior", str(cal), "-o", str(out), "--json", *GROUND]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["replicas"] == 3
    assert "posterior parameter sets" in data["ensemble"]
    parts = list((out / "ensemble").glob("*.parquet"))
    assert parts, "the ensemble's results are written as Parquet"
    res = pd.concat(pd.read_parquet(p) for p in parts)
    ground = res[res["engine"] == "ground"]
    assert set(ground["seed"]) == {0, 1, 2}
    # replica r takes posterior row r % 2, and the scenario parameter really changes
    drawn = {int(s): json.loads(p)["parameters.polarisation"]
             for s, p in ground[["seed", "params"]].drop_duplicates().itertuples(index=False)}
    assert drawn == {0: 0.2, 1: 0.8, 2: 0.2}
    pol = res[res["metric"] == "digest.parameters.polarisation"]
    assert set(pol["value"].round(6)) == {0.2, 0.8}


def test_posterior_dir_must_exist(small_path, tmp_path, capsys):
    argv = ["run", str(small_path), "-e", "ground", "--replicas", "2", "--posterior",
            str(tmp_path / "nope"), "-o", str(tmp_path / "o"), *GROUND]
    assert main(argv) == 2
    assert "not a calibration directory" in capsys.readouterr().err


def test_sweep_command(small_path, tmp_path, capsys):
    argv = ["sweep", str(small_path), "-e", "digest", "--runs", "2", "--workers", "1",
            "--vary", "parameters.polarisation=values(0.2,0.9)", "-o", str(tmp_path / "sw"),
            "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ran"] > 0 and data["cached"] == 0
    claims = {c["claim"]: c for c in data["claims"]}
    assert claims["surge_more_troops"]["verdict"] == "encoded (holds by construction)"
    assert main(argv) == 0  # a second run finds everything done
    again = json.loads(capsys.readouterr().out)
    assert again["ran"] == 0 and again["cached"] == data["ran"]


@pytest.mark.parametrize("argv, fragment", [
    (["sweep", "SMALL", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    (["sweep", "SMALL", "--vary", "parameters.polarisation=uniform(1)"], "uniform(a,b)"),
    (["sweep", "SMALL", "--vary", "forces.tanks=uniform(0,1)"], "tanks"),
    (["calibrate", "SMALL"], "give the prior with --vary"),
    (["calibrate", "SMALL", "--vary", "parameters.polarisation=uniform(0,1)",
      "--method", "magic"], "--method must be"),
])
def test_ensemble_errors_one_line(argv, fragment, small_path, tmp_path, capsys):
    argv = [str(small_path) if a == "SMALL" else a for a in argv] + ["-o", str(tmp_path / "x")]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0], err


def test_load_posterior_roundtrip(small_path, tmp_path):
    cal = _posterior_dir(tmp_path, small_path, [0.1, 0.5, 0.9])
    post = load_posterior(cal)
    assert list(post.draws["parameters.polarisation"]) == [0.1, 0.5, 0.9]
    assert post.matches(load_scenario(small_path))
    assert post.options == {"ground": {"grid": 24, "seeds": 1}}
