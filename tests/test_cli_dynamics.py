"""``factions align --edges CSV --dynamics MODEL``: final blocs and the trajectory as JSON."""

import json

from factions.cli import main


def test_align_dynamics_json(tmp_path, capsys):
    f = tmp_path / "e.csv"
    # a - b - c all negative: imbalanced; d positive with c
    f.write_text("from,to,sign,weight\na,b,-1,0.5\nb,c,-1,0.8\na,c,-1,0.3\nc,d,1,0.9\n")
    assert main(["align", "--edges", str(f), "--dynamics", "constrained_triad", "--seed", "3",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"] == "constrained_triad" and data["status"] == "balanced"
    assert {b["node"] for b in data["blocs"]} == {"a", "b", "c", "d"}
    steps = {r["step"] for r in data["trajectory"]}
    assert 0 in steps and data["steps"] in steps
    first = [r for r in data["trajectory"] if r["step"] == 0]
    assert len(first) == 4 and {r["weight"] for r in first} == {-0.5, -0.8, -0.3, 0.9}
    # exactly one of the three negative ties turned positive; strengths kept
    last = [r["weight"] for r in data["trajectory"] if r["step"] == data["steps"]]
    assert sorted(abs(w) for w in last) == [0.3, 0.5, 0.8, 0.9]
    assert sum(w > 0 for w in last) == 2


def test_align_dynamics_fixed_and_set(tmp_path, capsys):
    f = tmp_path / "e.csv"
    f.write_text("from,to,sign,weight\na,b,1,0.5\nb,c,-1,0.8\na,c,1,0.3\nc,d,1,0.9\n")
    assert main(["align", "--edges", str(f), "--dynamics", "heider", "--fix", "a:c",
                 "--set", "steps=3", "--set", "rate=0.2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["params"]["steps"] == 3 and data["params"]["rate"] == 0.2
    ac = [r["weight"] for r in data["trajectory"] if {r["a"], r["b"]} == {"a", "c"}]
    assert ac == [0.3] * len(ac) and len(ac) == 4
    assert main(["align", "--edges", str(f), "--dynamics", "landscape",
                 "--set", "sizes=a:3,b:1,c:1,d:1"]) == 0
    assert "local_minimum" in capsys.readouterr().out
