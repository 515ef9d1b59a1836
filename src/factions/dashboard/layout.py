"""The page: controls on the left (scenario, starting point, shocks, inputs, replicas, run),
the claims table and plots on the right."""

from __future__ import annotations

__all__ = ["page", "controls_for", "shock_options", "input_controls", "POLL_MS"]

from dash import dcc, html

from factions.dashboard.inputs import input_specs
from factions.dashboard.library import ScenarioLibrary
from factions.dashboard.segments import LIGHT_GROUND
from factions.dashboard.validate import MAX_REPLICAS
from factions.scenario import Scenario

#: how often a running page asks for progress
POLL_MS = 400


def shock_options(sc: Scenario) -> list[dict]:
    return [{"label": f"{s.name} ({s.month}{', hypothetical' if s.hypothetical else ''})",
             "value": s.id} for s in sc.shocks]


def input_controls(sc: Scenario) -> list:
    """A slider for every input, with its range and source."""
    rows = []
    for spec in input_specs(sc):
        rows.append(html.Div([
            html.Label(spec.label, title=spec.name, className="input-label"),
            dcc.Slider(min=spec.low, max=spec.high, step=spec.step, value=spec.value,
                       marks={spec.low: f"{spec.low:g}", spec.high: f"{spec.high:g}"},
                       tooltip={"placement": "bottom", "always_visible": False},
                       updatemode="mouseup", id={"kind": "input", "name": spec.name}),
            html.Div(f"{spec.name} · file: {spec.value:g} · range [{spec.low:g}, "
                     f"{spec.high:g}]" + (f" · source: {spec.source}" if spec.source else ""),
                     className="input-note"),
        ], className="input-row"))
    return rows


def controls_for(sc: Scenario) -> dict:
    """The values of the controls that depend on the chosen scenario."""
    start = sc.history_id()
    return {"start_options": [{"label": f"{sid} — {sc.scenario_def(sid).name}"
                               if sc.scenarios else sid, "value": sid}
                              for sid in sc.scenario_ids()],
            "start": start, "shock_options": shock_options(sc), "inputs": input_controls(sc)}


def _options_note() -> str:
    g = LIGHT_GROUND
    return (f"Interactive runs: ground grid {g['grid'][0]}×{g['grid'][1]}, {g['seeds']} seed "
            "per run, base seed 0, replicas run in this process, no calibration posterior "
            "(`factions run` uses 80×80, 3 seeds, 10 replicas and the shipped posterior). "
            "With one replica a claim's P(holds) is 0 or 1.")


def page(library: ScenarioLibrary) -> html.Div:
    """The whole page (controls filled in by the scenario callback)."""
    choices = library.choices()
    left = html.Div([
        html.Label("Scenario", htmlFor="scenario"),
        dcc.Dropdown(id="scenario", options=[{"label": v, "value": k}
                                             for k, v in choices.items()],
                     value=library.default, clearable=False),
        html.Label("Start from", htmlFor="start"),
        dcc.Dropdown(id="start", clearable=False),
        html.H3("Shocks"),
        dcc.Checklist(id="shocks", options=[], value=[], className="shocks",
                      labelClassName="shock", labelStyle={"display": "flex"}),
        html.H3("Inputs"),
        html.Div(id="inputs"),
        html.Button("Reset inputs", id="reset", n_clicks=0, className="secondary"),
        html.Label("Replicas", htmlFor="replicas"),
        dcc.Input(id="replicas", type="number", min=1, max=MAX_REPLICAS, step=1, value=1),
        html.Button("Run", id="run", n_clicks=0, className="primary"),
        html.Progress(id="progress", value="0", max="1"),
        html.Div(id="status", className="status", **{"aria-live": "polite"}),
        html.Div(id="problems", className="problems", role="alert"),
        html.P(_options_note(), className="note"),
    ], className="controls")
    right = html.Div([
        html.Div(id="results", className="results", children=[
            html.Div(id="claims", children=html.P("Press Run to answer the claims.")),
            html.Div(id="plots", className="plots"),
        ]),
    ], className="main")
    return html.Div([
        html.Header([html.H1("factions — what if"),
                     html.P("Switch shocks on and off, move inputs, run: the claims are "
                            "answered on the what-if in place of the starting scenario, "
                            "next to their verdicts on the file as written.")]),
        html.Div([left, right], className="columns"),
        dcc.Store(id="job"),
        dcc.Store(id="view"),
        dcc.Interval(id="poll", interval=POLL_MS, disabled=True),
    ], className="page")
