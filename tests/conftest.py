"""Fixtures for the black-box tests: the database `make test` just built, and a live
Odoo server started on it with two workers (as in production), driven over HTTP."""

import os
import socket
import subprocess
import time
import uuid

import pytest
import requests
from odoo_process import OdooServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ("access_right_template", "user_dynamic_management", "portal_field_access")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def test_db():
    db = os.environ.get("SUITE_TEST_DB")
    if not db:
        pytest.fail("SUITE_TEST_DB is not set: run these tests with `make test`")
    return db


class LiveServer(str):
    """Base URL of the live server; `websocket_url` is /websocket on its evented port
    (with workers, Odoo serves websockets there only); `log_path`, its log."""

    def __new__(cls, url, gevent_port, log_path=None):
        server = super().__new__(cls, url)
        server.gevent_port = gevent_port
        server.websocket_url = f"ws://127.0.0.1:{gevent_port}/websocket"
        server.log_path = log_path
        return server


@pytest.fixture(scope="session")
def live_server(test_db, tmp_path_factory):
    """Base URL of an Odoo server with --workers=2 on the test database."""
    port, gevent_port = _free_port(), _free_port()
    log_path = tmp_path_factory.mktemp("odoo") / "server.log"
    cmd = [
        os.path.join(ROOT, "tools", "odoo.sh"),
        "-d", test_db, f"--db-filter=^{test_db}$",
        f"--http-port={port}", f"--gevent-port={gevent_port}",
        "--workers=2", "--max-cron-threads=1", "--log-level=warn",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            if requests.get(f"{url}/web/login", timeout=5).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"Odoo did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.5)
    yield LiveServer(url, gevent_port, log_path)
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def command_set(ids):
    """odoo.fields.Command.set(ids) as it travels over JSON-RPC."""
    return [(6, 0, list(ids))]


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name", "")
        self.message = data.get("message") or error.get("message", "")
        super().__init__(f"{self.name}: {self.message}")


class OdooClient:
    """A browser-like HTTP session: JSON-RPC calls and page requests."""

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.http = requests.Session()
        self.uid = None

    def jsonrpc(self, path, params=None):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params or {}, "id": 1}
        resp = self.http.post(self.url + path, json=payload, timeout=60)
        resp.raise_for_status()
        body = resp.json()
        if "error" in body:
            raise RpcError(body["error"])
        return body["result"]

    def login(self, login, password):
        result = self.jsonrpc(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        self.uid = result["uid"]
        return self

    def call(self, model, method, *args, **kwargs):
        return self.jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def csrf_token(self, path="/my"):
        """A CSRF token, read from a portal page as a browser would."""
        import re

        html = self.http.get(self.url + path, timeout=60).text
        match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
            r'csrf_token: "([^"]+)"', html
        )
        assert match, f"no CSRF token on {path}"
        return match.group(1)


@pytest.fixture(scope="module")
def second_server(test_db, live_server, tmp_path_factory):
    """Another odoo-bin process with two workers on the same database (races across
    processes: the tests of reliability and the hostile catalogues)."""
    server = OdooServer(
        test_db, tmp_path_factory.mktemp("odoo2") / "server.log", cron_threads=0
    ).start()
    yield server
    server.stop()


@pytest.fixture
def client_factory(live_server, test_db):
    def make():
        return OdooClient(live_server, test_db)

    return make


@pytest.fixture
def admin(client_factory):
    return client_factory().login("admin", "admin")


@pytest.fixture
def portal_user(admin):
    """A fresh portal user (login, password, id), removed afterwards."""
    login = f"bb-portal-{uuid.uuid4().hex[:8]}"
    group_portal = admin.call(
        "ir.model.data", "check_object_reference", "base", "group_portal"
    )[1]
    uid = admin.call(
        "res.users",
        "create",
        {
            "name": "Black-box Portal",
            "login": login,
            "password": login,
            "groups_id": command_set([group_portal]),
        },
    )
    yield {"login": login, "password": login, "id": uid}
    admin.call("res.users", "write", [uid], {"active": False})
