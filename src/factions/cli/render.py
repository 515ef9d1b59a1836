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
    if lo is not None and hi is not None and lo == hi == p:  # data: no interval
        return f"{p:.2f}".replace("0.", ".").replace("1.00", "1")
    if lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi)):
        return f"{p:.2f} [{lo:.2f},{hi:.2f}]".replace("0.", ".").replace("1.00", "1")
    return f"{p:.2f}"


#: the most lines ``factions run`` prints by default
MAX_LINES = 40
#: widths kept in the compact table (an 80-column terminal)
_CLAIM_WIDTH, _DRIVER_WIDTH = 26, 14


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def claims_view(claims: pd.DataFrame, verbose: bool = False) -> pd.DataFrame:
    """The compact claims table: id, verdict, P (with its interval), grade, top driver,
    flag. An encoded verdict reads ``encoded`` (its grade says why); ``verbose`` keeps the
    untestable claims and the full ids and drivers."""
    if claims.empty:
        return pd.DataFrame(columns=["claim", "verdict", "P"])
    rows = []
    for r in claims.to_dict(orient="records"):
        untestable = str(r["verdict"]).startswith("untestable")
        if untestable and not verbose:
            continue
        verdict = "untestable" if untestable else str(r["verdict"])
        if not verbose:  # the grade column says observed / encoded; the reason is in the report
            verdict = verdict.split(" (", 1)[0].split(":", 1)[0]
        driver = str(r.get("driver") or "")
        claim = str(r["claim"])
        rows.append({"claim": claim if verbose else _cut(claim, _CLAIM_WIDTH),
                     "verdict": verdict, "P": _p(r),
                     **({"grade": r["grade"]} if "grade" in r else {}),
                     **({"driver": driver if verbose else _cut(driver, _DRIVER_WIDTH)}
                        if "driver" in r else {}),
                     "flag": "degenerate" if r.get("flag") else ""})
    out = pd.DataFrame(rows)
    for col in ("flag", "driver"):
        if col in out and not out[col].astype(bool).any():
            out = out.drop(columns=col)
    return out


def print_run(console, res, out_dir: Path, verbose: bool = False) -> None:
    """Print the run's summary on ``console`` (a rich Console): at most
    :data:`MAX_LINES` lines unless ``verbose`` (then every claim and engine summary)."""
    sc = res.scenario
    head = [f"[bold]{sc.meta.name}[/bold]",
            f"{sc.file} · {len(res.scenario_ids)} scenarios · {res.replicas} "
            f"draw{'s' if res.replicas != 1 else ''} · seed {res.seed}"
            + (" · read back: nothing changed" if getattr(res, "from_cache", False) else "")]
    ran = [e for e in res.engines if any(r.engine == e for r in res.results)]
    head.append("engines run: " + (", ".join(ran) or "none"))
    head += [f"  skipped {e}: {why}" for e, why in res.skipped_engines().items()]
    degenerate = res.degenerate()
    head += [f"  degenerate {e} on {sid}: {why}" for e, sid, why in degenerate[:3]]
    if len(degenerate) > 3:
        head.append(f"  … and {len(degenerate) - 3} more degenerate results (see the report)")
    for i, line in enumerate(head):
        console.print(_cut(line, 200 if verbose else console.width) if i else line,
                      markup=i == 0, highlight=False)
    if verbose:
        if res.ensemble_note:
            console.print(res.ensemble_note, markup=False, highlight=False)
        console.print(_table("Results", res.summary_table()))
    view = claims_view(res.claims, verbose)
    untestable = int(res.claims["verdict"].astype(str).str.startswith("untestable").sum()) \
        if not res.claims.empty else 0
    # lines left for table rows: the header lines, the title, the column header, the
    # report's path and a line saying what was left out
    room = len(view) if verbose else max(1, MAX_LINES - len(head) - 4)
    shown = view
    if len(view) > room:  # the claims a reader most needs first: not the data-only ones
        order = view.assign(_obs=view.get("grade", pd.Series("", index=view.index))
                            .eq("observed")).sort_values("_obs", kind="stable")
        shown = order.head(room - 1).drop(columns="_obs").sort_index()
    title = f"Claims ({len(shown)} of {len(view) + (0 if verbose else untestable)}"
    title += f"; {untestable} untestable" if untestable and not verbose else ""
    console.print(_table(title + ")", shown, max_rows=len(shown), one_line=not verbose))
    if len(shown) < len(view):
        left = view.drop(index=shown.index)
        console.print(_cut(f"… {len(left)} more (--verbose or the report): "
                           + ", ".join(left["claim"]), console.width), highlight=False)
    console.print(f"Report: {Path(out_dir) / 'index.html'}", highlight=False)


def _table(title: str, df: pd.DataFrame, max_rows: int = 40, one_line: bool = False) -> Table:
    """A borderless table; ``one_line`` keeps every row on one line (cells cut with …)."""
    t = Table(title=title, show_lines=False, header_style="bold", box=None, pad_edge=False)
    for c in df.columns:
        t.add_column(str(c), overflow="ellipsis" if one_line else "fold", no_wrap=one_line)
    for _, row in df.head(max_rows).iterrows():
        t.add_row(*[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row.to_list()])
    return t
