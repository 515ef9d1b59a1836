"""The server's guards (through Flask's test client) and the ``serve`` command."""

import json
from pathlib import Path

import pytest

from factions.cli import main
from factions.dashboard import create_app, make_server
from factions.dashboard.app import MAX_BODY_BYTES

from .conftest import SMALL


@pytest.fixture(scope="module")
def client(small_library):
    return create_app(small_library).server.test_client()


def test_the_page_is_served_to_this_machine_only(client):
    local = {"REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/", headers={"Host": "127.0.0.1:8050"}, environ_base=local
                      ).status_code == 200
    assert client.get("/", headers={"Host": "localhost:8050"}, environ_base=local
                      ).status_code == 200
    rebound = client.get("/", headers={"Host": "attacker.example:8050"}, environ_base=local)
    assert rebound.status_code == 403
    assert b"this dashboard answers requests to 127.0.0.1 from this machine only" in rebound.data
    remote = client.get("/", headers={"Host": "127.0.0.1:8050"},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert remote.status_code == 403


def test_oversized_request_bodies_are_refused(client):
    body = json.dumps({"output": "x", "inputs": [], "pad": "x" * MAX_BODY_BYTES})
    r = client.post("/_dash-update-component", data=body, content_type="application/json",
                    headers={"Host": "127.0.0.1:8050"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert r.status_code == 413


def test_assets_are_the_packages_own(small_library):
    app = create_app(small_library)
    import factions.dashboard

    assets = Path(app.config.assets_folder)
    assert assets == Path(factions.dashboard.__file__).parent / "assets"
    assert (assets / "style.css").is_file()


def test_the_server_binds_to_the_loopback_address(small_library):
    server = make_server(create_app(small_library), 0)
    try:
        assert server.host == "127.0.0.1" and server.port > 0
        assert server.socket.getsockname()[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_serve_has_no_host_option_and_refuses_a_bad_file(tmp_path, capsys):
    assert main(["serve", "--help"]) == 0
    usage = capsys.readouterr().out
    assert "--port" in usage and "--cache" in usage and "--host" not in usage
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "No such option: --host" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.read_text().replace("start: 2007-01", "start: 2007-13", 1))
    assert main(["serve", str(bad), "--cache", str(tmp_path / "cache")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {bad}:4:10 meta.start: must be a month YYYY-MM, got '2007-13'"]
    assert not (tmp_path / "cache").exists()


def test_factions_serve_answers_on_the_loopback_and_writes_nothing_in_place(tmp_path):
    import os
    import re
    import subprocess
    import sys
    import urllib.request

    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    env.pop("XDG_CACHE_HOME", None)
    proc = subprocess.Popen([sys.executable, "-m", "factions", "serve", str(SMALL), "--port", "0"],
                            cwd=work, env=env, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/ \(cache: (.+)\)", line)
        assert m, line
        assert m.group(2) == str(home / ".cache" / "factions" / "dashboard")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"http://127.0.0.1:{m.group(1)}/_dash-layout", timeout=30) as r:
            layout = r.read().decode()
        assert "small.yaml" in layout and '"id":"run"' in layout.replace(" ", "")
    finally:
        proc.terminate()
        proc.wait(30)
    assert list(work.iterdir()) == []
