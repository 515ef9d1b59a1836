"""`factions` end to end: report files, JSON output, one-line errors with exit code 2."""

import json

import pytest

from factions.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("factions ")


def test_run_writes_report(small_path, tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["run", str(small_path), "-e", "digest", "--out", str(out), "--seed", "3"]) == 0
    html = (out / "index.html").read_text()
    assert "A small two-faction example" in html
    assert "id='card-digest-timeline'" in html      # the digest's figures, interactive
    assert html.count("id=plotly-bundle") == 1       # with plotly.js embedded once
    assert "surge_more_troops" in html
    assert ("3 claims: <b>1</b> hold · <b>1</b> encoded (hold or fail by construction) · "
            "<b>1</b> untestable") in html
    res = json.loads((out / "results.json").read_text())
    assert res["seed"] == 3 and res["scenarios"] == ["historical", "no_surge", "rupture"]
    claims = {c["claim"]: c for c in res["claims"]}
    assert claims["surge_more_troops"]["verdict"] == "encoded (holds by construction)"
    assert claims["surge_more_troops"]["difference"] == pytest.approx(20000)
    assert (out / "tables" / "digest__historical__shocks.csv").exists()
    assert (out / "tables" / "claims.csv").exists()
    assert "Report:" in capsys.readouterr().out


def test_run_json_and_scenario_filter(small_path, tmp_path, capsys):
    assert main(["run", str(small_path), "-e", "digest", "-s", "no_surge", "-o", str(tmp_path),
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenarios"] == ["no_surge"]
    assert {r["scenario_id"] for r in data["results"]} == {"no_surge"}
    shocks = data["results"][0]["tables"]["shocks"]
    assert shocks["rows"] == 1 and (tmp_path / shocks["csv"]).exists()


def test_check_json(small_path, capsys):
    assert main(["check", str(small_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] and data["actors"] == 4 and data["shocks"] == 3


@pytest.mark.parametrize("argv, fragment", [
    (["run", "missing.yaml"], "missing.yaml no such file"),
    (["run", "--bogus"], "No such option: --bogus"),
    (["check", "--nope"], "No such option"),
    (["run", "SMALL", "-s", "nope"], "unknown scenario 'nope'"),
    (["run", "SMALL", "-e", "nope"], "unknown engine 'nope'"),
    (["run", "SMALL", "-e", "digest", "--option", "digest.x=1"], "engine 'digest': unknown option(s) x; accepted: none"),
    (["run", "SMALL", "--option", "garbage"], "expected ENGINE.NAME=VALUE"),
])
def test_user_errors_one_line_exit_2(argv, fragment, small_path, tmp_path, capsys):
    argv = [str(small_path) if a == "SMALL" else a for a in argv] + (
        ["-o", str(tmp_path)] if argv[0] == "run" and len(argv) > 1 and argv[1] != "--bogus" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and fragment in err[0]


def test_bad_scenario_file_lists_each_problem(small_text, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(small_text.replace("capability: 0.2,", "capability: -1,")
                   .replace("salience: 0.6,", "salience: 2,"))
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert all(line.startswith(f"error: {bad}:") for line in err)


def test_check_default_scenario(capsys):
    assert main(["check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == "iraq-2007.yaml" and data["actors"] >= 20
    assert {"historical", "no_surge", "no_realignment", "war_on_iran",
            "workers_unite"} <= set(data["scenarios"])


def test_scenarios_lists_the_embedded_ones(capsys):
    assert main(["scenarios", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["default"] == "iraq-2007" and "iraq-2007" in data["scenarios"]
    assert data["scenarios"]["iraq-2007"].startswith("Iraq 2006-09")


def test_check_by_name_and_engine_readiness(capsys):
    assert main(["check", "iraq-2007", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == "iraq-2007" and data["engines"] == {
        e: "ready" for e in ("digest", "align", "bargain", "ground", "displace")}


def test_check_says_why_an_engine_would_be_skipped(small_text, tmp_path, capsys):
    path = tmp_path / "no_routes.yaml"
    head, tail = small_text.split("routes:")
    path.write_text(head + tail[tail.index("shocks:"):])
    assert main(["check", str(path), "--json"]) == 0
    engines = json.loads(capsys.readouterr().out)["engines"]
    assert engines["displace"].startswith("needs routes (the scenario has none)")
    assert engines["align"] == "ready"


def test_unknown_name_is_one_line(capsys):
    assert main(["run", "atlantis-1999"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "atlantis-1999 no such file or embedded scenario (embedded: iraq-2007" in err[0]
