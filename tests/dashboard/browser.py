"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by Playwright.

The browser is never downloaded (no ``playwright install``): the tests use the system's
Chromium (``$FACTIONS_CHROMIUM``, else ``chromium`` on the path), which ``.ci/run``
installs. Without it the tests fail and say so; they are never skipped.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

#: where screenshots are kept (git-ignored); ``$FACTIONS_TEST_ARTIFACTS`` overrides it
ARTIFACTS = Path(os.environ.get("FACTIONS_TEST_ARTIFACTS")
                 or Path(__file__).parents[1] / "artifacts")


def chromium_path() -> str:
    found = os.environ.get("FACTIONS_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    if not found or not Path(found).exists():
        pytest.fail("the browser tests need Debian's chromium (apt-get install chromium; "
                    ".ci/run installs it) or FACTIONS_CHROMIUM=/path/to/chromium",
                    pytrace=False)
    return found


@contextmanager
def chromium():
    """A headless Chromium browser (Playwright)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need the playwright package (pip install -e '.[test]')",
                    pytrace=False)
    path = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def running(app):
    """Serve a Dash ``app`` on a free port of 127.0.0.1 in a thread; yields its URL."""
    from factions.dashboard import make_server

    server = make_server(app, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under :data:`ARTIFACTS` and print where."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path
