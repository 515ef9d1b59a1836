"""Benchmark and README screenshot: the what-if dashboard in headless Chromium.

Serves ``factions serve`` on a free port of 127.0.0.1 with an empty cache, then, in the
browser: presses Run (the first run: every named scenario the claims compare), switches one
shock off and runs again (one named scenario), switches it back on (answered from the
cache) and off again (cached too), and saves a screenshot of the page (default
``docs/img/dashboard.png``, the README's). Anchor, in the same process before the browser
starts: the pipeline alone on the same named scenarios with the same options
(:class:`factions.run.Pipeline`, no report), so the first run's ratio to it is the
dashboard's overhead. Goal: a change answerable from the cache answers within 1 s.

Run from the project root: ``python benchmarks/dashboard.py [SCENARIO] [--off SHOCK]``
(needs Debian's ``chromium`` and the ``playwright`` package, as the browser tests).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _anchor(library, key) -> tuple[float, list[str]]:
    from factions.dashboard.segments import light_options
    from factions.dashboard.whatif import as_written
    from factions.run import Pipeline

    sc = library.get(key)
    _, ids = as_written(sc, sc.history_id())
    t0 = time.perf_counter()
    Pipeline(sc, ids, None, light_options(sc), posterior=None, local=True).run()
    return time.perf_counter() - t0, ids


def _wait_status(page, text: str, timeout_ms: int) -> float:
    t0 = time.perf_counter()
    page.wait_for_function(
        "t => document.querySelector('#status').innerText.includes(t) && "
        "!document.querySelector('#results').classList.contains('stale')",
        arg=text, timeout=timeout_ms)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=None,
                        help="scenario file or embedded name (default: the embedded default)")
    parser.add_argument("--off", default=None,
                        help="shock to switch off (default: the starting scenario's first)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img" / "dashboard.png"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--no-anchor", action="store_true", help="skip the pipeline anchor")
    parser.add_argument("--cache", default=None,
                        help="cache directory to use and keep (default: a fresh one, removed)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from factions.dashboard import ScenarioLibrary, SegmentCache, create_app, make_server

    library = ScenarioLibrary(args.scenario)
    key = library.default
    sc = library.get(key)
    start = sc.history_id()
    shock = args.off or sc.scenario_def(start).shocks[0]
    anchor, ids = (float("nan"), []) if args.no_anchor else _anchor(library, key)
    cache_dir = Path(args.cache or tempfile.mkdtemp(prefix="factions-dashboard-bench-"))
    warm = cache_dir.is_dir() and any(cache_dir.iterdir())
    server = make_server(create_app(library, SegmentCache(cache_dir)), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.port}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1440, "height": 1080})
            page.goto(url)
            box = page.locator(f'#shocks input[value="{shock}"]')
            page.wait_for_selector(f'#shocks input[value="{shock}"]:checked')
            page.wait_for_selector("#status:has-text('press Run'), "
                                   "#status:has-text('answered from the cache')")
            t0 = time.perf_counter()
            page.click("#run")
            _wait_status(page, "", 1_800_000)
            first = time.perf_counter() - t0
            page.wait_for_timeout(3000)  # let the plots draw: a user reads before clicking
            box.uncheck()
            page.wait_for_selector("#status:has-text('press Run'), "
                                   "#status:has-text('answered from the cache')")
            t0 = time.perf_counter()
            page.click("#run")
            _wait_status(page, "", 600_000)
            toggle = time.perf_counter() - t0
            cached = []
            for action in (box.check, box.uncheck, box.check, box.uncheck):
                page.wait_for_timeout(3000)
                t0 = time.perf_counter()
                action()
                _wait_status(page, "answered from the cache", 30_000)
                cached.append(time.perf_counter() - t0)
            page.wait_for_selector("#plots .js-plotly-plot svg.main-svg")
            n_plots = page.locator("#plots .js-plotly-plot").count()
            page.evaluate("window.scrollTo(0, 0)")
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out)
            changed = page.locator("tr.changed").count()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        if args.cache is None:
            shutil.rmtree(cache_dir, ignore_errors=True)
    print(f"scenario {key} ({sc.meta.name}); start {start}; shock switched off: {shock}")
    if ids:
        print(f"anchor: Pipeline on {len(ids)} named scenarios (light options): {anchor:.1f} s")
    print(f"dashboard first run (what-if + as written, {len(ids) or '?'} + 1 named "
          f"scenarios, from the click to the table{', cache warm' if warm else ''}): "
          f"{first:.1f} s"
          + (f" = {first / anchor:.2f} x anchor" if ids else ""))
    print(f"shock switched off, one named scenario run: {toggle:.1f} s")
    print("cached answers, claims table shown (shock on, off, on, off): "
          + ", ".join(f"{c * 1000:.0f} ms" for c in cached) + " (goal: < 1000 ms); "
          f"{n_plots} plots follow")
    print(f"claims whose verdict differs from the file as written: {changed}")
    print(f"screenshot: {args.out}")
    sys.exit(0 if max(cached) < 1.0 else 1)


if __name__ == "__main__":
    main()
