"""The HTML report of a small scenario: one self-contained file, one plotly bundle, every
figure's spec valid and present, a panel per claim."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd
import plotly.graph_objects as go
import pytest

from factions.engines.base import EngineResult
from factions.report.embed import embedded_bundle, embedded_specs
from factions.run import Pipeline
from factions.run.claims import claim_replicas, split_replicas
from factions.scenario import parse_scenario

EXTRA_CLAIM = '''  - id: violence_fell
    quote: "Violence fell after the surge."
    test:
      metric: ground.deaths
      lhs: {scenario: historical, window: [2007-08, 2007-12]}
      op: "<"
      rhs: {scenario: historical, window: [2007-01, 2007-05]}
'''
OPTIONS = {"ground": {"grid": 20, "seeds": 1, "ticks_per_month": 3, "burn_in": 5},
           "bargain": {"draws": 10}}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    text = (Path(__file__).parents[1] / "data" / "small.yaml").read_text()
    sc = parse_scenario(text.replace("claims:\n", "claims:\n" + EXTRA_CLAIM, 1), "small.yaml")
    out = tmp_path_factory.mktemp("report")
    res = Pipeline(sc, options=OPTIONS, replicas=3, local=True, seed=1).run(out)
    return res, out, (out / "index.html").read_text(encoding="utf-8")


def _outside_embedded(html: str) -> str:
    return re.sub(r"<script type=application/gzip\+base64 id=[\w-]+>.*?</script>", "", html,
                  flags=re.S)


def test_one_file_one_bundle_no_external_urls(report):
    _, out, html = report
    assert html.count("id=plotly-bundle") == 1
    assert embedded_bundle(html).startswith(b"/**")  # plotly.js, unpacked once
    page = _outside_embedded(html)
    assert "plotly.js v" not in page  # no second, uncompressed copy
    assert not re.search(r"""(src|href)\s*=\s*['"]?\s*(https?:)?//""", page)
    assert not re.search(r"<script[^>]*\bsrc=", page) and "<link" not in page
    assert (out / "index.html").stat().st_size < 3_000_000


def test_every_figure_refers_to_a_valid_spec(report):
    _, _, html = report
    specs = embedded_specs(html)
    divs = re.findall(r"<div class=plot id='(plot-[^']+)' data-spec='(spec-\d+)'", html)
    options = re.findall(r"<option value='(spec-\d+)'", html)
    assert len(divs) >= 10 and len({d for d, _ in divs}) == len(divs)
    used = {s for _, s in divs} | set(options)
    assert used == set(specs)  # every reference resolves, no spec is unused
    selects = re.findall(r"data-plot='(plot-[^']+)'", html)
    assert set(selects) <= {d for d, _ in divs}
    for spec in specs.values():
        fig = go.Figure(spec)  # plotly validates every property
        names = {k for k in spec["layout"] if re.fullmatch(r"[xy]axis\d*", k)}
        for tr in spec["data"]:
            for ax in ("xaxis", "yaxis"):
                ref = tr.get(ax)
                if ref and ref not in ("x", "y"):
                    assert ref.replace(ax[0], ax, 1) in names
        assert len(fig.data) == len(spec["data"])


def test_a_panel_per_claim_with_its_distribution(report):
    res, _, html = report
    panels = re.findall(r"<section class='claim claim-(\w+)' id='claim-([^']+)'", html)
    assert [c for _, c in panels] == list(res.claims["claim"])
    assert dict((c, k) for k, c in panels)["violence_fell"] in ("holds", "fails", "other")
    # the tested model claim has a distribution over the 3 replicas, drawn from
    # claim_replicas; the observed and untestable ones have none
    assert "id='card-claim-violence_fell'" in html
    assert "id='card-claim-deaths_fell'" not in html and "id='card-claim-economy'" not in html
    specs = embedded_specs(html)
    spec_id = re.search(r"id='plot-claim-violence_fell' data-spec='(spec-\d+)'", html).group(1)
    margins = specs[spec_id]["data"][0]["x"]
    reps = claim_replicas(res.scenario, split_replicas(res.metrics, res.replicas))
    want = reps.loc[reps["claim"] == "violence_fell", "margin"].to_list()
    assert margins == pytest.approx(want, rel=1e-3) and len(margins) == 3
    assert "3 claims" not in html and "4 claims: " in html


def test_engine_figures_have_a_scenario_selector(report):
    res, _, html = report
    card = re.search(r"<figure class=plot-card id='card-digest-timeline'>(.*?)</figure>", html,
                     re.S).group(1)
    assert re.findall(r"<option [^>]*>([^<]+)</option>", card) == res.scenario_ids
    assert "id='engine-ground'" in html and "id='card-compare-ground-deaths'" in html


def test_tables_written_and_linked(report):
    res, out, html = report
    for r in res.primary():
        for name in r.tables():
            fname = f"{r.engine}__{r.scenario_id}__{name}.csv"
            assert (out / "tables" / fname).exists() and f"href='tables/{fname}'" in html
    assert (out / "results.json").exists() and (out / "tables" / "claims.csv").exists()


@dataclass
class _Fake(EngineResult):
    level: float = 0.0
    drawn: ClassVar[list] = []

    def tables(self):
        return {"level": pd.DataFrame({"month": ["2007-01", "2007-02"],
                                       "value": [self.level, self.level + 1]})}

    def figures(self):
        type(self).drawn.append(self.scenario_id)
        fig = go.Figure(go.Scatter(x=[0, 1], y=[self.level, self.level + 1]),
                        layout={"title": {"text": f"level in {self.scenario_id}"}})
        return {"level": fig}


def test_results_with_equal_data_reuse_their_figures(small_path, tmp_path):
    from factions.report.html import write_report
    from factions.run import RunResults, evaluate_claims
    from factions.scenario import load_scenario

    sc = load_scenario(small_path)
    ids = ["historical", "no_surge", "rupture"]
    run = RunResults(sc, ids, 0, 1, ["fake"])
    run.results = [_Fake("fake", sid, 0, level=lv) for sid, lv in zip(ids, [1.0, 2.0, 1.0],
                                                                      strict=True)]
    run.claims = evaluate_claims(sc, [pd.DataFrame(columns=["scenario", "metric", "month",
                                                             "value"])])
    _Fake.drawn.clear()
    write_report(run, tmp_path)
    assert _Fake.drawn == ["historical", "no_surge"]  # rupture holds historical's data
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    options = re.findall(r"<option value='(spec-\d+)' data-title='([^']*)'>([^<]+)</option>",
                         html)
    assert [o[2] for o in options] == ids
    assert options[0][0] == options[2][0] != options[1][0]
    assert options[2][1] == "level in rupture"  # retitled for its scenario
    assert embedded_specs(html)[options[1][0]]["data"][0]["y"] == [2, 3]
