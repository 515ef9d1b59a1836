"""The dashboard application and the server that binds it to this machine only.

The server listens on 127.0.0.1 and nowhere else, answers only requests addressed to
``127.0.0.1`` or ``localhost`` from a loopback address (so that a page of another site
cannot reach it through a rebound name), refuses request bodies over
:data:`MAX_BODY_BYTES`, serves only the package's own assets and writes nothing but the
cache directory.
"""

from __future__ import annotations

__all__ = ["create_app", "make_server", "serve", "HOST", "MAX_BODY_BYTES"]

import ipaddress
from pathlib import Path

from dash import Dash

from factions.dashboard.cache import SegmentCache, default_cache_dir
from factions.dashboard.callbacks import Controller, register
from factions.dashboard.layout import page
from factions.dashboard.library import ScenarioLibrary
from factions.dashboard.worker import RunWorker

HOST = "127.0.0.1"
#: the largest request body accepted (a callback's JSON)
MAX_BODY_BYTES = 262_144
_NAMES = {"127.0.0.1", "localhost"}


def _local_only():
    from flask import abort, request

    host = (request.host or "").rsplit(":", 1)[0].strip("[]").lower()
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if host not in _NAMES or not loopback:
        abort(403, "this dashboard answers requests to 127.0.0.1 from this machine only")


def create_app(library: ScenarioLibrary | None = None, cache: SegmentCache | None = None,
               worker: RunWorker | None = None) -> Dash:
    """The Dash app over ``library`` (default: the embedded scenarios) and ``cache``
    (default: in memory only)."""
    library = library or ScenarioLibrary()
    cache = cache if cache is not None else SegmentCache(None)
    app = Dash(__name__, title="factions — what if", update_title=None,
               assets_folder=str(Path(__file__).parent / "assets"), serve_locally=True,
               suppress_callback_exceptions=True, enable_mcp=False)
    app.layout = page(library)
    app.controller = Controller(library, cache, worker)
    register(app, app.controller)
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.server.before_request(_local_only)
    return app


def make_server(app: Dash, port: int = 0):
    """A threaded WSGI server for ``app`` on 127.0.0.1 (``port`` 0: a free port); its
    ``port`` attribute says which. Call ``serve_forever()`` and ``shutdown()``."""
    from werkzeug.serving import WSGIRequestHandler
    from werkzeug.serving import make_server as _make

    class Quiet(WSGIRequestHandler):
        def log_request(self, code="-", size="-"):  # no line per request (polls included)
            pass

    return _make(HOST, int(port), app.server, threaded=True, request_handler=Quiet)


def serve(file: str | Path | None = None, port: int = 8050, cache_dir: str | Path | None = None,
          announce=print) -> None:
    """Serve the dashboard on ``http://127.0.0.1:port/`` until interrupted.

    Raises
    ------
    ScenarioError
        ``file`` is not a valid scenario.
    """
    library = ScenarioLibrary(file)
    cache = SegmentCache(cache_dir if cache_dir is not None else default_cache_dir())
    server = make_server(create_app(library, cache), port)
    announce(f"factions dashboard on http://{HOST}:{server.port}/ (cache: {cache.directory}); "
             "Ctrl-C stops it")
    try:
        server.serve_forever()
    finally:
        server.server_close()
