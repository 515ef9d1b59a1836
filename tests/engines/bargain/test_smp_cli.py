"""``factions bargain --ktab-csv ... --model smp``: options, --db, sensitivity, bad files."""

import json
import re
import sqlite3
from pathlib import Path

import pytest

from factions.cli import main

DATA = Path(__file__).parent / "data"
SOE = (DATA / "SOE-Pol-Comp.csv").read_text()


def test_ktab_run_prints_ktabs_history_and_writes_db(tmp_path, capsys):
    db = tmp_path / "soe.db"
    assert main(["bargain", "--ktab-csv", str(DATA / "SOE-Pol-Comp.csv"), "--model", "smp",
                 "--option", "draws=0", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "smp: 28 states (stable)" in text
    assert "WY, Policy:  15.0  15.0" in text and "XJ, prob: 0.0618 0.2605" in text
    with sqlite3.connect(db) as con:
        (count,) = con.execute("select count(*) from VectorPosition").fetchone()
    assert count == 28 * 13 * 2


def test_smp_set_and_json(tmp_path, capsys):
    assert main(["bargain", "--ktab-csv", str(DATA / "SOE-Pol-Comp.csv"), "--model", "smp",
                 "--option", "draws=0", "--smp-set", "VotingRule=Binary", "--smp-set",
                 "maxIter=3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["smp_states"] == 4
    assert main(["bargain", "--ktab-csv", str(DATA / "SOE-Pol-Comp.csv"), "--model", "smp",
                 "--smp-set", "VotingRule=Sometimes"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "VotingRule must be one of Binary" in err[0]


def test_sensitivity_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "sens"
    assert main(["bargain", "--ktab-csv", str(DATA / "SOE-Pol-Comp.csv"), "--vary",
                 "BigRAdjust=values(None,Full)", "--vary", "capability.XJ=uniform(50,150)",
                 "--runs", "2", "--out", str(out)]) == 0
    # the console wraps lines at its width, and where depends on the path's length
    text = " ".join(capsys.readouterr().out.split())
    assert "4 SMP runs" in text and (out / "by_value.csv").exists()
    assert main(["bargain", "--vary", "BigRAdjust=values(None,Full)"]) == 2
    assert "needs --ktab-csv" in capsys.readouterr().err


@pytest.mark.parametrize("old, new, msg", [
    ("Competitive Position,Competitive Salience,", "Competitive Position,",
     r"k.csv:2: header has 6 columns, 7 needed"),
    ("100.0,30,24.0,20,48.0,", "100.0,30,74.0,20,48.0,", r"k.csv:3: saliences of 'XJ' sum to 122"),
    ("60.2,45,44.7", "sixty,45,44.7", r"k.csv:4: Influence is 'sixty', not a number"),
    ("ZG,Zhang Gaoli,", "XJ,Zhang Gaoli,", r"k.csv:5: actor 'XJ' is repeated \(first on line 3\)"),
    ("35.0,30,28.9,15,65.1,", "35.0,30,28.9,15,", r"k.csv:5: column 'Competitive Salience' is missing"),
    ("35.0,30,28.9,15,65.1,", "0,30,28.9,15,65.1,", r"k.csv:5: capability of 'ZG' is 0"),
])
def test_bad_ktab_files_get_located_errors(tmp_path, capsys, old, new, msg):
    assert old in SOE
    p = tmp_path / "k.csv"
    p.write_text(SOE.replace(old, new, 1))
    assert main(["bargain", "--ktab-csv", str(p), "--model", "smp"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    assert re.search(msg, err[0]), err[0]


def test_db_on_a_scenario(tmp_path, capsys):
    small = Path(__file__).parents[2] / "data" / "small.yaml"
    db = tmp_path / "s.db"
    assert main(["bargain", str(small), "--model", "smp", "--option", "draws=0", "--db",
                 str(db)]) == 0
    with sqlite3.connect(db) as con:
        dims = con.execute("select Desc from DimensionDescription").fetchall()
    assert dims == [("presence",)]
