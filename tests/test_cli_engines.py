"""Engine commands on plain data and on scenarios; errors as one line and exit 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import factions
from factions.cli import main


def test_power_from_seats_csv(tmp_path, capsys):
    f = tmp_path / "seats.csv"
    f.write_text("party,seats\nA,50\nB,30\nC,20\n")
    assert main(["power", "--seats", str(f), "--quota", "51", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {r["party"]: r for r in data["power"]}
    # A needs B or C; B and C together are short: A is pivotal in 3 of 3 swings… Banzhaf (3,1,1)/5
    assert abs(sum(r["banzhaf"] for r in rows.values()) - 1) < 1e-12
    assert rows["B"]["banzhaf"] == rows["C"]["banzhaf"]
    assert rows["A"]["banzhaf"] > rows["B"]["banzhaf"]


def test_power_bad_quota(tmp_path, capsys):
    f = tmp_path / "seats.csv"
    f.write_text("party,seats\nA,50\nB,30\n")
    assert main(["power", "--seats", str(f), "--quota", "500"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "quota" in err[0]


def test_align_edges(tmp_path, capsys):
    f = tmp_path / "e.csv"
    # a triangle with one negative tie is balanced; with three negatives it is not
    f.write_text("from,to,sign\na,b,-1\nb,c,-1\na,c,-1\nc,d,1\n")
    assert main(["align", "--edges", str(f), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["frustration"] == 1 and data["status"] == "optimal"
    assert len(data["frustrated_ties"]) == 1


def test_align_edges_bad_sign(tmp_path, capsys):
    f = tmp_path / "e.csv"
    f.write_text("from,to,sign\na,b,x\n")
    assert main(["align", "--edges", str(f)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "e.csv" in err[0]


def test_bargain_ktab(tmp_path, capsys):
    f = tmp_path / "k.csv"
    f.write_text("toy,two actors,2,1\nActor,Description,Power,Pos,Sal\n"
                 "A,first,100,0,100\nB,second,100,100,100\n")
    assert main(["bargain", "--ktab-csv", str(f), "--model", "compromise", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (row,) = data["tables"]["outcomes"]
    assert row["model"] == "compromise" and row["outcome"] == 50.0  # equal weights, 0 and 100
    assert data["summary"]["outcomes"] == {"Pos": 50.0}
    # the SMP as the default model of the KTAB path (its distribution included) runs too
    assert main(["bargain", "--ktab-csv", str(f), "--model", "smp", "--json"]) == 0
    smp = json.loads(capsys.readouterr().out)
    (row,) = smp["tables"]["outcomes"]
    assert row["model"] == "smp" and 0.0 <= row["outcome"] <= 100.0
    assert not smp["tables"].get("uncertainty")  # one run, as KTAB makes it
    assert main(["bargain", "--ktab-csv", str(f), "--model", "smp", "--option", "draws=5",
                 "--json"]) == 0
    dist = json.loads(capsys.readouterr().out)["tables"]["uncertainty"]
    assert dist[0]["model"] == "smp" and dist[0]["draws"] == 5


def test_bargain_on_small_scenario(small_path, capsys):
    assert main(["bargain", str(small_path), "--model", "compromise", "--model", "median",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (res,) = data["results"]
    assert res["engine"] == "bargain" and res["scenario_id"] == "historical"


def test_displace_without_violence_series(small_path, capsys):
    assert main(["displace", str(small_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


def test_ground_bare_model_json_is_reproducible(capsys):
    argv = ["ground", "--model", "I", "--set", "legitimacy=0.8", "--set", "vision=3",
            "--ticks", "30", "--seed", "5", "--json"]
    assert main(argv) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    b = json.loads(capsys.readouterr().out)
    assert a["series"] == b["series"] and len(a["series"]["active"]) == 30
    assert a["params"]["legitimacy"] == 0.8


def test_ground_bare_seeds_differ(capsys):
    argv = ["ground", "--model", "I", "--set", "vision=3", "--ticks", "30", "--json"]
    assert main([*argv, "--seed", "5"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main([*argv, "--seed", "6"]) == 0
    b = json.loads(capsys.readouterr().out)
    assert a["series"]["active"] != b["series"]["active"]


def test_ground_bare_run_imports_neither_pandas_nor_scipy_stats_nor_matplotlib():
    """The bare run's process stays lean (docs/performance.md, start-up); --out loads more.
    Nor scipy.linalg: numba's BLAS probe gets its one module (factions.jit_startup)."""
    code = ("import sys; from factions.cli import main; "
            "rc = main(['ground', '--model', 'I', '--set', 'vision=2', '--ticks', '3']); "
            "print(rc, *sorted({m.partition('.')[0] for m in sys.modules} "
            "& {'pandas', 'matplotlib', 'dask'}), 'scipy.stats' in sys.modules, "
            "'scipy.linalg' in sys.modules, 'scipy.linalg.cython_blas' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(Path(factions.__file__).parents[1])}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert res.stdout.strip().splitlines()[-1] == "0 False False True"


def test_ground_bare_out_writes_series_and_figures(tmp_path, capsys):
    import pandas as pd

    from factions.engines.ground import simulate

    argv = ["ground", "--model", "II", "--set", "vision=2", "--set", "cop_vision=2",
            "--ticks", "12", "--seed", "3", "--out", str(tmp_path)]
    assert main(argv) == 0
    assert "Wrote" in capsys.readouterr().out
    got = pd.read_csv(tmp_path / "series.csv")
    want = simulate("II", {"vision": 2, "cop_vision": 2}, ticks=12, seed=3).series
    pd.testing.assert_frame_equal(got, want)
    assert (tmp_path / "series.png").stat().st_size > 0
    assert (tmp_path / "grid.png").stat().st_size > 0


def test_ground_bare_bad_parameter(capsys):
    assert main(["ground", "--model", "I", "--set", "citizen_density=1.5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "citizen_density" in err[0]


def test_ground_set_without_model(capsys):
    assert main(["ground", "--set", "vision=3"]) == 2
    assert "--set is for the bare model" in capsys.readouterr().err


def test_align_console_without_seats(small_path, tmp_path, capsys):
    """A scenario where no actor holds seats has no power table; the console view skips it."""
    text = "\n".join(line.replace(", seats: 60", "").replace(", seats: 30", "")
                     .replace(", seats: 10", "") for line in small_path.read_text().splitlines())
    assert "seats:" not in text
    f = tmp_path / "noseats.yaml"
    f.write_text(text)
    assert main(["align", str(f)]) == 0
    out = capsys.readouterr().out
    assert "Blocs at" in out and "Voting power" not in out
    assert main(["align", str(small_path)]) == 0
    assert "Voting power" in capsys.readouterr().out


def test_the_console_script_exits_fast_without_losing_output_or_exit_code(tmp_path):
    """``python -m factions`` ends through :func:`factions.cli.finish`: every line of
    output and every file written arrive, the exit code is the command's, and atexit
    handlers still run."""
    import pandas as pd

    env = {**os.environ, "PYTHONPATH": str(Path(factions.__file__).parents[1])}
    run = subprocess.run([sys.executable, "-m", "factions", "ground", "--model", "I",
                          "--set", "vision=2", "--ticks", "40", "--json", "--out",
                          str(tmp_path)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)["series"]["active"]) == 40
    assert len(pd.read_csv(tmp_path / "series.csv")) == 40
    bad = subprocess.run([sys.executable, "-m", "factions", "ground", "--model", "III"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and bad.stderr.strip() == "error: --model must be I or II, got 'III'"
    marker = tmp_path / "atexit.txt"
    code = ("import atexit, pathlib; from factions.cli import finish; "
            f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text('ran')); "
            "print('last line', end=''); finish(3)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env)
    assert (res.returncode, res.stdout, marker.read_text()) == (3, "last line", "ran")
    # under a profiler the normal exit is kept, so the profile is written
    prof = tmp_path / "run.prof"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "factions",
                    "ground", "--model", "I", "--set", "vision=2", "--ticks", "3"],
                   capture_output=True, env=env, check=True)
    assert prof.stat().st_size > 0
