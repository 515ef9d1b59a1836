"""What ``factions run`` prints: a short summary for an 80-column terminal.

By default at most about 40 lines: the scenario, the engines run or skipped (with the
reason), one compact claims table, the report's path. ``--verbose`` adds every engine's
summary and the untestable claims.
"""

from __future__ import annotations

__all__ = ["print_run", "claims_view"]

import math
from pathlib import Path

import pandas as pd
from rich.table import Table


def _p(row) -> str:
    p = row.get("p_holds")
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    lo, hi = row.get("p_low"), row.get("p_high")
    if lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi)):
        return f"{p:.2f} [{lo:.2f}-{hi:.2f}]"
    return f"{p:.2f}"


def claims_view(claims: pd.DataFrame, verbose: bool = False) -> pd.DataFrame:
    """The compact claims table: id, verdict, P (with its interval), grade, flag."""
    if claims.empty:
        return pd.DataFrame(columns=["claim", "verdict", "P"])
    rows = []
    for r in claims.to_dict(orient="records"):
        untestable = str(r["verdict"]).startswith("untestable")
        if untestable and not verbose:
            continue
        verdict = "untestable" if untestable else str(r["verdict"])
        rows.append({"claim": r["claim"], "verdict": verdict, "P": _p(r),
                     **({"grade": r["grade"]} if "grade" in r else {}),
                     "flag": "degenerate" if r.get("flag") else ""})
    out = pd.DataFrame(rows)
    if "flag" in out and not out["flag"].any():
        out = out.drop(columns="flag")
    return out


def print_run(console, res, out_dir: Path, verbose: bool = False) -> None:
    """Print the run's summary on ``console`` (a rich Console)."""
    sc = res.scenario
    console.print(f"[bold]{sc.meta.name}[/bold]", highlight=False)
    console.print(f"{sc.file} · {len(res.scenario_ids)} scenarios · {res.replicas} "
                  f"replica{'s' if res.replicas != 1 else ''} · seed {res.seed}",
                  highlight=False)
    ran = [e for e in res.engines if any(r.engine == e for r in res.results)]
    console.print("engines run: " + (", ".join(ran) or "none"), highlight=False)
    for e, why in res.skipped_engines().items():
        console.print(f"  skipped {e}: {why}", markup=False, highlight=False)
    degenerate = res.degenerate()
    for e, sid, why in degenerate[:3]:
        console.print(f"  degenerate {e} on {sid}: {why}", markup=False, highlight=False)
    if len(degenerate) > 3:
        console.print(f"  … and {len(degenerate) - 3} more degenerate results (see the report)",
                      highlight=False)
    if verbose:
        if res.ensemble_note:
            console.print(res.ensemble_note, markup=False, highlight=False)
        console.print(_table("Results", res.summary_table()))
    view = claims_view(res.claims, verbose)
    untestable = int(res.claims["verdict"].astype(str).str.startswith("untestable").sum()) \
        if not res.claims.empty else 0
    title = f"Claims ({len(view)} shown"
    title += f"; {untestable} untestable, see the report or --verbose)" if untestable and \
        not verbose else ")"
    console.print(_table(title, view, max_rows=200))
    console.print(f"Report: {Path(out_dir) / 'index.html'}", highlight=False)


def _table(title: str, df: pd.DataFrame, max_rows: int = 40) -> Table:
    t = Table(title=title, show_lines=False, header_style="bold", box=None, pad_edge=False)
    for c in df.columns:
        t.add_column(str(c), overflow="fold")
    for _, row in df.head(max_rows).iterrows():
        t.add_row(*[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row.to_list()])
    return t
