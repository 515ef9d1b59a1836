"""Size and write time of the default scenario's HTML report.

Usage::

    python benchmarks/report_size.py [--replicas 1] [--repeat 3] [--cache DIR] [--out DIR]

Runs the main job on the embedded default scenario (every engine, every named scenario;
with ``--replicas`` > 1 the replicas run on ``--workers`` local Dask workers and take the
shipped calibration's posterior draws, as ``factions run`` does) once and pickles the
results under ``--cache`` (default: ``factions-bench`` in the system's temporary
directory; reused while the scenario, the replica count and the factions version are
unchanged), then writes the report ``--repeat`` times into fresh directories with
:func:`factions.report.html.write_report`, each time with the compressed plotly.js
dropped from the process cache as in a fresh ``factions run``.

Prints a Markdown table: the size of ``index.html`` and how it splits (plotly.js bundle,
figure specs, the rest), the number of figure cards and distinct specs, and the write
time (wall and CPU) against an anchor measured in the same run: writing every table of
the results as CSV, which any report must do (the ratio is what to compare across
machines). The budgets are 3 MB for the file and a few seconds for the write.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import re
import tempfile
import time
from pathlib import Path


def _cached_run(replicas: int, cache: Path, workers: int = 2):
    import factions
    from factions.run import Pipeline
    from factions.run.plan import scenario_digest
    from factions.scenario import default_scenario

    sc = default_scenario()
    key = hashlib.sha1(f"{factions.__version__}|{replicas}|{scenario_digest(sc)}".encode()
                       ).hexdigest()[:16]
    path = cache / f"report_run_{key}.pkl"
    if path.is_file():
        with path.open("rb") as f:
            return pickle.load(f), f"cached {path}"
    cache.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    pipe = Pipeline(sc, replicas=replicas, workers=workers)
    res = pipe.run(cache / f"report_run_{key}" if replicas > 1 else None)
    took = time.perf_counter() - t0
    with path.open("wb") as f:
        pickle.dump(res, f)
    return res, f"ran in {took:.0f} s, cached in {path}"


def _csv_anchor(res, out: Path) -> tuple[float, float]:
    out.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    for r in res.primary():
        for name, df in r.tables().items():
            df.to_csv(out / f"{r.engine}__{r.scenario_id}__{name}.csv", index=False)
    return time.perf_counter() - t0, time.process_time() - c0


def _split(html: str) -> dict[str, int]:
    sizes = {}
    for key in ("plotly-bundle", "plot-specs"):
        m = re.search(rf"<script [^>]*id={key}>(.*?)</script>", html, re.S)
        sizes[key] = len(m.group(1)) if m else 0
    sizes["cards"] = html.count("<figure class=plot-card")
    sizes["claims"] = html.count("<section class='claim")
    return sizes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "factions-bench")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    from factions.report.embed import embedded_specs, plotly_bundle
    from factions.report.html import write_report

    res, how = _cached_run(args.replicas, args.cache, args.workers)
    post = getattr(res, "posterior", None)
    print(f"run: {len(res.scenario_ids)} scenarios x {len(res.engines)} engines, "
          f"{res.replicas} replica(s), posterior {post.path if post else 'none'}; {how}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            plotly_bundle.cache_clear()
            out = (args.out or Path(tmp)) / f"report_{i}"
            load = os.getloadavg()[0]
            anchor_wall, anchor_cpu = _csv_anchor(res, Path(tmp) / f"csv_{i}")
            t0, c0 = time.perf_counter(), time.process_time()
            write_report(res, out)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            html = (out / "index.html").read_text(encoding="utf-8")
            size = (out / "index.html").stat().st_size
            rows.append((i, load, size, _split(html), len(embedded_specs(html)), wall, cpu,
                         anchor_wall, anchor_cpu))
    print()
    print("| write | load avg | index.html | plotly.js (gzip+b64) | specs (gzip+b64) | rest "
          "| cards | specs | claim panels | wall s | CPU s | CSV anchor wall / CPU s "
          "| CPU / anchor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for i, load, size, sp, n_specs, wall, cpu, aw, ac in rows:
        rest = size - sp["plotly-bundle"] - sp["plot-specs"]
        print(f"| {i + 1} | {load:.1f} | {size / 1e6:.2f} MB | {sp['plotly-bundle'] / 1e6:.2f} MB "
              f"| {sp['plot-specs'] / 1e6:.3f} MB | {rest / 1e6:.3f} MB | {sp['cards']} "
              f"| {n_specs} | {sp['claims']} | {wall:.2f} | {cpu:.2f} | {aw:.2f} / {ac:.2f} "
              f"| {cpu / ac:.1f} |")
    best = min(r[6] for r in rows)
    size = rows[0][2]
    print()
    print(f"budget: index.html {size / 1e6:.2f} MB of 3 MB ({'met' if size <= 3e6 else 'MISSED'});"
          f" write {best:.2f} s CPU at best")


if __name__ == "__main__":
    main()
