"""In a real browser: the dashboard reacts to a shock switched off, the report's plots
render. Screenshots of both are kept under tests/artifacts/ (see ``browser.py``)."""

import pytest

from factions.dashboard import ScenarioLibrary, SegmentCache, create_app
from factions.run import Pipeline
from factions.scenario import load_scenario

from .browser import chromium, running, screenshot
from .conftest import SMALL

RUN_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def test_switching_a_shock_off_changes_the_claims_table(browser, tmp_path):
    app = create_app(ScenarioLibrary(SMALL), SegmentCache(tmp_path / "cache"))
    with running(app) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        surge = page.locator('#shocks input[value="surge"]')
        # the starting scenario's shocks are switched on once the page has settled
        page.wait_for_selector('#shocks input[value="surge"]:checked')
        assert not page.locator('#shocks input[value="break"]').is_checked()
        page.wait_for_selector("#status:has-text('press Run')")
        page.click("#run")
        row = 'tr[data-claim="surge_more_troops"]'
        page.wait_for_selector(f'{row}[data-verdict="holds"]', timeout=RUN_TIMEOUT_MS)
        assert page.locator(row).get_attribute("class") is None  # as written: unchanged

        surge.uncheck()
        page.wait_for_selector("#status:has-text('1 named scenario(s) to run')")
        page.click("#run")
        page.wait_for_selector(f'{row}[data-verdict="fails"]', timeout=RUN_TIMEOUT_MS)
        assert page.locator(row).get_attribute("class") == "changed"
        cells = page.locator(f"{row} td").all_inner_texts()
        assert cells[-3:-1] == ["fails", "holds"]  # what-if, as written
        page.wait_for_selector("#plots .js-plotly-plot svg.main-svg")
        # one graph of the claimed metric, then the engines' own plotly figures (each
        # under its name)
        n_engine = page.locator("#plots h4").count()
        assert n_engine >= 1
        assert page.locator("#plots .js-plotly-plot").count() == 1 + n_engine
        assert "done: 1 named scenario(s) run" in page.inner_text("#status")

        surge.check()  # back to a cached what-if: answered without a run
        page.wait_for_selector(f'{row}[data-verdict="holds"]', timeout=10_000)
        assert "answered from the cache" in page.inner_text("#status")
        surge.uncheck()
        page.wait_for_selector(f'{row}[data-verdict="fails"]', timeout=10_000)
        screenshot(page, "dashboard-shock-off.png")
        assert errors == []


_PLOTS = """() => {
  const imgs = [...document.querySelectorAll("figure img")];
  const plotly = [...document.querySelectorAll(".js-plotly-plot")];
  return {images: imgs.length,
          loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
          plotly: plotly.length,
          drawn: plotly.filter(p => p.querySelector("svg")).length,
          ready: document.body.dataset.plotsReady || null};
}"""


def test_the_reports_plots_render(browser, tmp_path):
    out = tmp_path / "report"
    Pipeline(load_scenario(SMALL), engines=["digest"]).run(out_dir=out)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((out / "index.html").as_uri())
    page.wait_for_load_state("load")
    # plotly reports say when every plot is drawn; image reports are drawn once loaded
    page.wait_for_function(f"""() => {{ const s = ({_PLOTS})();
        return s.plotly ? (s.ready === "1" || s.drawn === s.plotly)
                        : s.images > 0 && s.loaded === s.images; }}""", timeout=60_000)
    state = page.evaluate(_PLOTS)
    assert state["images"] + state["plotly"] >= 3, state
    assert state["loaded"] == state["images"] and state["drawn"] == state["plotly"], state
    screenshot(page, "report.png")
    assert errors == []
