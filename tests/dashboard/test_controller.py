"""The page's behaviour without a browser: the controller behind the callbacks, on the
small scenario with the real pipeline."""

import pytest
from dash import no_update

from factions.dashboard import Controller, RunWorker, SegmentCache

from .conftest import request
from .test_worker import Gate


def _rows(component) -> dict[str, dict]:
    """``{claim: {"verdict": …, "cells": [...], "changed": bool}}`` of a claims table."""
    out = {}

    def walk(c):
        if isinstance(c, list | tuple):
            for x in c:
                walk(x)
            return
        if not hasattr(c, "to_plotly_json"):
            return
        props = c.to_plotly_json()["props"]
        if "data-claim" in props:
            cells = [td.children for td in props["children"]]
            out[props["data-claim"]] = {"verdict": props["data-verdict"], "cells": cells,
                                        "changed": props.get("className") == "changed"}
        walk(props.get("children"))

    walk(component)
    return out


def _run(c: Controller, req: dict):
    """Press Run and wait; the answer (at once when the cache holds it)."""
    r = c.respond("run", req)
    if not r.stale:
        assert r.status.startswith("answered from the cache in ")
        return r
    assert isinstance(r.job, int) and not r.poll_disabled
    c.worker.wait(120)
    return c.respond("poll", req, r.job)


@pytest.fixture(scope="module")
def controller(small_library):
    return Controller(small_library, SegmentCache(None))


def test_switching_a_shock_off_changes_the_claims_table(controller):
    c = controller
    first = c.respond(None, request())
    assert first.status == "3 named scenario(s) to run for this what-if: press Run"
    assert first.stale and first.poll_disabled
    assert first.outputs()[0] is no_update and first.outputs()[-1] is no_update  # kept

    done = _run(c, request())
    assert done.status.startswith("done: 3 named scenario(s) run in ")
    assert done.progress == 1.0 and done.poll_disabled and not done.stale
    rows = _rows(done.claims)
    assert rows["surge_more_troops"]["verdict"] == "holds"
    assert not rows["surge_more_troops"]["changed"]
    assert rows["deaths_fell"]["verdict"] == "holds (observed)"
    assert "economy" not in rows  # untestable claims are listed apart

    off = request(shocks=["ceasefire"])
    pending = c.respond(None, off)
    assert pending.status == "1 named scenario(s) to run for this what-if: press Run"
    rows = _rows(_run(c, off).claims)
    assert rows["surge_more_troops"]["verdict"] == "fails"
    assert rows["surge_more_troops"]["changed"]
    assert rows["surge_more_troops"]["cells"][-3:-1] == ["fails", "holds"]  # what-if, as written
    assert not rows["deaths_fell"]["changed"]

    moved = c.respond(None, request(inputs={"populations.group_b.legitimacy": 0.9}))
    # a moved input changes every scenario of the what-if (what_if, no_surge), not the file
    assert moved.status == "2 named scenario(s) to run for this what-if: press Run"

    back = c.respond(None, request())  # answerable from the cache: no run
    assert back.status.startswith("answered from the cache in ")
    assert _rows(back.claims)["surge_more_troops"]["verdict"] == "holds"
    assert back.outputs()[5] is no_update and not c.worker.busy  # no job started
    assert c.plots(back.view) is back.plots  # the plots follow from the view store
    assert c.plots("gone") is no_update


def test_the_plots_show_the_what_if_and_the_file_as_written(controller):
    c = controller
    r = _run(c, request(shocks=["ceasefire"]))
    graph, *engine_figures = r.plots  # the claimed metric's graph, then the engines' own
    assert len(engine_figures) >= 1
    fig = graph.figure
    assert fig["layout"]["title"]["text"] == "digest.forces.occ_troops"
    names = [t["name"] for t in fig["data"]]
    assert names == ["what_if", "no_surge", "historical (as written)"]
    what_if, no_surge, written = (t["y"] for t in fig["data"])
    assert what_if == no_surge != written  # without the surge, as no_surge


def test_a_bad_request_is_refused_with_one_line_per_problem(controller):
    r = controller.respond("run", request(shocks=["nope"], replicas=9))
    assert r.status == "not run: the request was refused"
    assert r.outputs()[0] is no_update and r.outputs()[5] is no_update
    assert [p.split(":")[0] for p in r.problems] == ["shocks", "replicas"]
    assert not controller.worker.busy


def test_a_second_run_is_told_that_one_is_in_progress(small_library):
    gate = Gate()
    cache = SegmentCache(None)
    c = Controller(small_library, cache, RunWorker(cache, run=gate))
    assert c.respond("run", request()).job == 1
    assert gate.entered.wait(10)
    other = c.respond("run", request(shocks=["surge"]))
    assert other.problems == ["a run is in progress; wait for it to finish"]
    assert not other.poll_disabled  # this page, too, follows the running job
    polled = c.respond("poll", request(), 1)
    assert polled.status.startswith("running 1/3 · digest · what_if · seed 0")
    assert 0 < polled.progress < 1
    gate.release.set()
    c.worker.wait(10)
    assert c.respond("poll", request(), 1).status.startswith("done: 3 named scenario(s)")


def test_controls_follow_the_scenario_and_the_starting_point(small_library):
    c = Controller(small_library, SegmentCache(None))
    starts, start, shocks, inputs = c.controls("file")
    assert [o["value"] for o in starts] == ["historical", "no_surge", "rupture"]
    assert start == "historical"
    assert [o["value"] for o in shocks] == ["surge", "ceasefire", "break"]
    assert "hypothetical" in shocks[2]["label"]
    assert len(inputs) == 5
    assert c.start_shocks("file", "rupture") == ["surge", "ceasefire", "break"]
    assert c.start_shocks("file", "nowhere") == []
    ids = [{"kind": "input", "name": "parameters.polarisation"}]
    assert c.file_values("file", ids) == [0.5]
