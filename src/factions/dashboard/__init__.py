"""A what-if dashboard in the browser (Dash): pick a scenario, switch shocks on and off,
move inputs, run the pipeline and see the claims and plots change.

Start it with ``factions serve [FILE]``; the pieces are usable on their own::

    from factions.dashboard import ScenarioLibrary, parse_request, plan_request
    lib = ScenarioLibrary("tests/data/small.yaml")
    req = parse_request(lib, {"scenario": "file", "start": "historical",
                              "shocks": ["ceasefire"], "inputs": {}, "replicas": 1})
    spec = plan_request(lib.get("file"), req)   # the named scenarios to run
"""

from factions.dashboard.answer import Answer, RunSpec, answer, plan_request
from factions.dashboard.app import HOST, create_app, make_server, serve
from factions.dashboard.cache import SegmentCache, default_cache_dir
from factions.dashboard.callbacks import Controller
from factions.dashboard.inputs import InputSpec, input_specs
from factions.dashboard.library import ScenarioLibrary
from factions.dashboard.segments import Segment, run_segment
from factions.dashboard.validate import parse_request
from factions.dashboard.whatif import WhatIf, what_if_variant
from factions.dashboard.worker import Busy, Job, RunWorker

__all__ = ["create_app", "make_server", "serve", "HOST", "ScenarioLibrary", "SegmentCache",
           "default_cache_dir", "Controller", "RunWorker", "Job", "Busy", "WhatIf",
           "what_if_variant", "parse_request", "plan_request", "answer", "Answer", "RunSpec",
           "InputSpec", "input_specs", "Segment", "run_segment"]
