"""The tutorial's finished file (docs/examples/lakeland.yaml) checks and runs end to end,
and the tutorial shows its sections as they are in the file."""

from pathlib import Path

import yaml

from factions.run import Pipeline
from factions.scenario import load_scenario

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "lakeland.yaml"
TUTORIAL = ROOT / "docs" / "your-conflict.md"


def test_tutorial_example_runs_every_engine_and_answers_its_claims():
    sc = load_scenario(EXAMPLE)
    res = Pipeline(sc, options={"ground": {"grid": 30, "seeds": 1, "ticks_per_month": 4}}).run()
    assert res.skipped == [] and res.degenerate() == []
    claims = res.claims.set_index("claim")
    assert not claims["verdict"].str.startswith("not tested").any()
    assert claims.loc["fewer_killed", "verdict"] == "holds (observed)"


def test_tutorial_snippets_are_the_files_own_lines():
    """Every YAML line the tutorial shows (except comments and ellipses) is in the file."""
    text = EXAMPLE.read_text()
    shown = TUTORIAL.read_text().split("```yaml")[1:]
    assert len(shown) >= 8
    for block in shown:
        for line in block.split("```", 1)[0].splitlines():
            bare = line.split("  #", 1)[0].rstrip()
            if bare.strip() and not bare.strip().startswith("#"):
                assert bare in text, bare
    yaml.safe_load(text)
