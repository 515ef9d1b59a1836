"""The short terminal of ``factions run``: at most 40 lines on an 80-column terminal by
default, the claims a reader needs first, every claim with --verbose."""

from types import SimpleNamespace

import pandas as pd
from rich.console import Console

from factions.cli.render import MAX_LINES, claims_view, print_run


def _result(n_claims: int, n_observed: int):
    rows = []
    for i in range(n_claims):
        observed = i < n_observed
        rows.append({"claim": f"claim_number_{i:02d}_with_a_rather_long_identifier",
                     "verdict": "holds" if i % 3 else "encoded (holds by construction)",
                     "p_holds": 0.97, "p_low": 0.93, "p_high": 0.99,
                     "grade": "observed" if observed else ("encoded" if i % 3 == 0 else "model"),
                     "driver": "shocks.awakening.aqi_active", "flip": "", "flag": False})
    rows.append({"claim": "a_programme", "verdict": "untestable: a programme",
                 "p_holds": float("nan"), "p_low": float("nan"), "p_high": float("nan"),
                 "grade": "", "driver": "", "flip": "", "flag": False})
    claims = pd.DataFrame(rows)
    sc = SimpleNamespace(meta=SimpleNamespace(name="A test conflict"), file="x.yaml")
    return SimpleNamespace(
        scenario=sc, scenario_ids=["a", "b"], replicas=100, seed=0, engines=["ground"],
        results=[SimpleNamespace(engine="ground")], skipped_engines=lambda: {"bargain": "no issues"},
        degenerate=lambda: [], claims=claims, ensemble_note="", summary_table=lambda: pd.DataFrame())


def _printed(res, verbose=False) -> list[str]:
    console = Console(width=80, record=True, color_system=None)
    print_run(console, res, "out", verbose=verbose)
    return console.export_text().rstrip("\n").splitlines()


def test_at_most_40_lines_of_at_most_80_columns():
    res = _result(60, 10)
    lines = _printed(res)
    assert len(lines) <= MAX_LINES
    assert max(len(line) for line in lines) <= 80
    assert lines[-1] == "Report: out/index.html"
    assert any(line.startswith("… ") and "--verbose" in line for line in lines)
    # the data-only claims (0-9) are the ones left out first; the rest in file order
    table = [line for line in lines[:-2] if line.startswith("claim_number_")]
    shown = [int(line.split("_")[2]) for line in table]
    assert shown == list(range(10, 10 + len(shown))) and len(shown) >= 25
    assert lines[-2].startswith(f"… {60 - len(shown)} more (--verbose")


def test_a_short_table_is_shown_whole_and_verbose_shows_everything():
    res = _result(8, 2)
    lines = _printed(res)
    assert sum("claim_number_" in line for line in lines) == 8
    assert not any(line.startswith("… ") for line in lines)
    assert any("encoded" in line and "model" not in line for line in lines)
    many = _result(60, 10)
    verbose = _printed(many, verbose=True)
    assert sum("claim_number_" in line for line in verbose) >= 60
    assert any("a_programme" in line for line in verbose)


def test_compact_view_columns_and_encoded_label():
    view = claims_view(_result(3, 0).claims)
    assert list(view.columns) == ["claim", "verdict", "P", "grade", "driver"]
    assert view.loc[0, "verdict"] == "encoded" and view.loc[0, "P"] == ".97 [.93,.99]"
    assert len(view) == 3  # the untestable claim is left to --verbose
    assert claims_view(_result(3, 0).claims, verbose=True).loc[0, "verdict"].startswith(
        "encoded (holds")
