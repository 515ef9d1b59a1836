"""What the page does, as plain methods of :class:`Controller` (tested without a browser),
and their wiring to the page's components (:func:`register`)."""

from __future__ import annotations

__all__ = ["Controller", "Response", "register"]

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from dash import ALL, Input, Output, State, ctx, html, no_update

from factions.dashboard.answer import answer, plan_request
from factions.dashboard.cache import SegmentCache
from factions.dashboard.inputs import input_specs
from factions.dashboard.layout import controls_for
from factions.dashboard.library import ScenarioLibrary
from factions.dashboard.validate import parse_request
from factions.dashboard.views import claims_table, metric_figures
from factions.dashboard.worker import Busy, RunWorker
from factions.errors import FactionsError

_KEEP = object()  # leave the component as it is
#: answers whose rendered table and plots are remembered
KEEP_VIEWS = 32


@dataclass
class Response:
    """What the main callback sets; fields left at ``_KEEP`` are not updated."""

    claims: object = _KEEP
    plots: object = _KEEP
    status: str = ""
    problems: list = field(default_factory=list)
    progress: float = 0.0
    poll_disabled: bool = True
    job: object = _KEEP
    stale: bool = False
    view: object = _KEEP

    def outputs(self) -> tuple:
        """The main callback's outputs; the plots follow through the ``view`` store (a
        callback of their own, so that the table shows before the plots are drawn)."""
        keep = lambda v: no_update if v is _KEEP else v  # noqa: E731
        return (keep(self.claims), self.status, [html.Div(p) for p in self.problems],
                str(self.progress), self.poll_disabled, keep(self.job),
                "results stale" if self.stale else "results", keep(self.view))


class Controller:
    """The dashboard's state: the scenarios offered, the cache and the one run worker."""

    def __init__(self, library: ScenarioLibrary, cache: SegmentCache,
                 worker: RunWorker | None = None):
        self.library = library
        self.cache = cache
        self.worker = worker or RunWorker(cache)
        self._views: OrderedDict[str, tuple] = OrderedDict()
        self._views_lock = threading.Lock()

    def view(self, spec):
        """``(view key, claims table, plots, skipped note)`` of ``spec`` from the cache, or
        ``None`` while a segment is missing; the last :data:`KEEP_VIEWS` are remembered."""
        key = "-".join(n.key for n in spec.needs())
        with self._views_lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        ans = answer(spec, self.cache)
        if ans is None:
            return None
        out = (key, claims_table(ans.claims), metric_figures(ans), self._skipped(ans))
        with self._views_lock:
            self._views[key] = out
            while len(self._views) > KEEP_VIEWS:
                self._views.popitem(last=False)
        return out

    def payload(self, scenario, start, shocks, input_ids, input_values, replicas) -> dict:
        inputs = {i["name"]: v for i, v in zip(input_ids or [], input_values or [],
                                                strict=False) if isinstance(i, dict)}
        return {"scenario": scenario, "start": start, "shocks": list(shocks or []),
                "inputs": inputs, "replicas": replicas}

    def respond(self, trigger: str | None, payload: dict, job_id=None) -> Response:
        """React to a change (``trigger`` ``None``), a press of Run (``"run"``) or a poll
        of a running job (``"poll"``)."""
        running = self.worker.busy
        job = self.worker.status(job_id) if trigger == "poll" else None
        if job is not None and job.state == "running":  # progress only: nothing to plan
            return Response(status=job.describe(), progress=round(job.fraction, 3),
                            poll_disabled=False, stale=True)
        try:
            request = parse_request(self.library, payload)
            spec = plan_request(self.library.get(request.scenario), request)
        except FactionsError as exc:
            return Response(status="not run: the request was refused",
                            problems=str(exc).splitlines(), poll_disabled=not running,
                            stale=True)
        t0 = time.perf_counter()
        seen = self.view(spec)
        if seen is not None:
            ms = (time.perf_counter() - t0) * 1000
            how = job.describe() if job is not None and job.state == "done" else \
                f"answered from the cache in {ms:.0f} ms"
            key, table, plots, skipped = seen
            return Response(table, plots, status=how + skipped, progress=1.0,
                            poll_disabled=not running, view=key)
        missing = len(spec.missing(self.cache))
        if trigger == "run":
            try:
                job = self.worker.submit(spec)
            except Busy as exc:
                return Response(status="", problems=[str(exc)], poll_disabled=False,
                                stale=True)
            return Response(status=job.describe(), poll_disabled=False, job=job.id, stale=True)
        if trigger == "poll":
            if job is not None and job.state == "failed":
                return Response(status="run failed", problems=[job.error],
                                poll_disabled=not running, stale=True)
        return Response(status=f"{missing} named scenario(s) to run for this what-if: "
                               "press Run", poll_disabled=not running, stale=True)

    @staticmethod
    def _skipped(ans) -> str:
        if not ans.skipped:
            return ""
        return " · skipped: " + "; ".join(f"{e} ({why})" for e, why in ans.skipped.items())

    def plots(self, view):
        """The plots of a view shown by the main callback (``no_update`` once forgotten)."""
        with self._views_lock:
            seen = self._views.get(view) if isinstance(view, str) else None
        return no_update if seen is None else seen[2]

    def controls(self, key):
        """Outputs of the scenario callback."""
        sc = self.library.get(key)
        c = controls_for(sc)
        return c["start_options"], c["start"], c["shock_options"], c["inputs"]

    def start_shocks(self, key, start) -> list[str]:
        sc = self.library.get(key)
        if start not in sc.scenario_ids():
            return []
        sdef = sc.scenario_def(start)
        return list(sdef.shocks) if sdef else []

    def file_values(self, key, ids) -> list[float]:
        values = {s.name: s.value for s in input_specs(self.library.get(key))}
        return [values.get(i["name"]) for i in ids]


def register(app, c: Controller) -> None:
    """Wire the controller to the page of :func:`factions.dashboard.layout.page`."""
    slider = {"kind": "input", "name": ALL}

    @app.callback(Output("start", "options"), Output("start", "value"),
                  Output("shocks", "options"), Output("inputs", "children"),
                  Input("scenario", "value"))
    def _scenario(key):
        try:
            return c.controls(key)
        except FactionsError:
            return [], None, [], []

    @app.callback(Output("shocks", "value"), Input("start", "value"),
                  State("scenario", "value"))
    def _start(start, key):
        try:
            return c.start_shocks(key, start)
        except FactionsError:
            return []

    @app.callback(Output(slider, "value"), Input("reset", "n_clicks"),
                  State("scenario", "value"), State(slider, "id"), prevent_initial_call=True)
    def _reset(_, key, ids):
        return c.file_values(key, ids)

    @app.callback(Output("plots", "children"), Input("view", "data"))
    def _plots(view):
        return c.plots(view)

    @app.callback(Output("claims", "children"),
                  Output("status", "children"), Output("problems", "children"),
                  Output("progress", "value"), Output("poll", "disabled"),
                  Output("job", "data"), Output("results", "className"),
                  Output("view", "data"),
                  Input("shocks", "value"), Input("start", "value"), Input(slider, "value"),
                  Input("replicas", "value"), Input("run", "n_clicks"),
                  Input("poll", "n_intervals"),
                  State("scenario", "value"), State(slider, "id"), State("job", "data"))
    def _main(shocks, start, values, replicas, _run, _poll, key, ids, job_id):
        trigger = ctx.triggered_id if ctx.triggered_id in ("run", "poll") else None
        payload = c.payload(key, start, shocks, ids, values, replicas)
        return c.respond(trigger, payload, job_id).outputs()
