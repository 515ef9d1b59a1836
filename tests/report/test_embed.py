"""Figure specs and the embedded plotly bundle: rounding, typed arrays, dedupe, one bundle."""

import base64
import gzip
import json

import numpy as np
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from factions.report.embed import (
    PlotRegistry,
    embedded_bundle,
    embedded_specs,
    figure_spec,
    plotly_bundle,
    spec_json,
)
from factions.report.layout import page


def _fig(y, title="t"):
    return go.Figure(data=[{"type": "scatter", "x": [0, 1, 2], "y": y}],
                     layout={"title": {"text": title}})


def test_spec_rounds_floats_and_decodes_typed_arrays():
    fig = go.Figure(go.Scatter(x=np.array([0.0, 1.0, 2.0]),
                               y=np.array([1234.5678, 0.000123456, np.nan])))
    fig.add_trace(go.Heatmap(z=np.arange(6, dtype=np.int8).reshape(2, 3)))
    spec = figure_spec(fig)
    assert "template" not in spec["layout"]
    assert spec["data"][0]["x"] == [0, 1, 2]                 # integral floats become ints
    assert spec["data"][0]["y"] == [1235, 0.0001235, None]  # 4 significant digits, NaN null
    assert spec["data"][1]["z"] == [[0, 1, 2], [3, 4, 5]]   # plotly's bdata decoded
    other = figure_spec(fig, digits=2)
    assert other["data"][0]["y"] == [1200, 0.00012, None]


def test_spec_mixed_array_keeps_integral_values_short():
    spec = figure_spec(_fig([60.0, 60.5, float("inf")]))
    assert spec_json(spec["data"][0]["y"]) == "[60,60.5,null]"


def test_spec_json_escapes_script_end():
    text = spec_json({"a": "</script><b>"})
    assert "</script>" not in text and json.loads(text) == {"a": "</script><b>"}


def test_bundle_is_the_installed_plotly_js_compressed():
    raw = get_plotlyjs().encode("utf-8")
    packed = plotly_bundle()
    assert gzip.decompress(base64.b64decode(packed)) == raw
    assert len(packed) < 0.5 * len(raw)  # gzip + base64 is well under half the size


def test_registry_stores_a_spec_once_and_keeps_titles_apart():
    plots = PlotRegistry()
    a, b = _fig([1, 2, 3], "scenario a"), _fig([1, 2, 3], "scenario b")
    c = _fig([3, 2, 1], "scenario c")
    html = plots.card("thing", [("a", a), ("b", b), ("c", c), ("d", a, "renamed")])
    assert plots.spec_count() == 2 and len(plots) == 1
    assert html.count("<option") == 4 and "data-title='renamed'" in html
    assert "data-title='scenario b'" in html
    assert plots.card("thing", c).count("id='plot-thing-2'") == 1  # ids stay unique
    specs = plots.specs()
    assert all("text" not in s["layout"].get("title", {}) for s in specs.values())


def test_page_round_trip_one_bundle_and_specs():
    plots = PlotRegistry()
    body = plots.card("one", _fig([1.5, 2.5, 3.5])) + plots.card("two", _fig([0, 1, 0]))
    html = page("x", body, plots)
    assert html.count("id=plotly-bundle") == 1 and html.count("id=plot-specs") == 1
    assert embedded_bundle(html) == get_plotlyjs().encode("utf-8")
    specs = embedded_specs(html)
    assert specs == plots.specs()
    assert specs["spec-0"]["data"][0]["y"] == [1.5, 2.5, 3.5]
    assert "plotsReady" in html and "DecompressionStream" in html


def test_page_without_figures_has_no_bundle():
    html = page("x", "<p>nothing</p>", PlotRegistry())
    assert "plotly-bundle" not in html and embedded_specs(html) == {}


def test_typed_array_inside_nested_dicts():
    fig = go.Figure(go.Scatter(x=[0], y=[0], marker={"size": np.array([3.0, 4.25])}))
    assert figure_spec(fig)["data"][0]["marker"]["size"] == [3, 4.25]


def test_fast_path_gives_the_same_spec_as_to_plotly_json():
    import pandas as pd

    from factions.engines.align.figures import frustration_figure
    from factions.engines.displace.figures import flows_figure
    from factions.report.charts import log_buttons, new_plot, panels

    monthly = pd.DataFrame({"month": ["2007-01", "2007-02", "2007-03"],
                            "frustration": [1.0, 2.5, np.nan], "balance": [0.5, 0.25, 1 / 3]})
    layout, refs = panels(1, 2, titles=["a", "b"])
    grid = new_plot("p", 300, [{"type": "bar", "x": [1, 2], "y": np.array([0.1, 0.2]),
                                **refs[1]}], **layout)
    log_buttons(grid)
    flows = pd.DataFrame({"month": ["2007-01"] * 2, "from": ["o", "h"], "to": ["h", "o"],
                          "people": [10.0, 2.5]})
    figs = [frustration_figure(monthly, [("2007-02", "shock")], "t"), grid,
            flows_figure(flows, {"o": "origin", "h": "host"}, "f"),
            go.Figure(go.Heatmap(z=np.eye(3)))]
    for fig in figs:
        assert figure_spec(fig) == figure_spec(fig, fast=False)
    before = figs[0].to_plotly_json()
    figure_spec(figs[0])
    assert figs[0].to_plotly_json() == before  # the figure is left as it was
