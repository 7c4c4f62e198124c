"""Deadlines against real time and real processes (no frozen clock).

- Restart: users switch, Odoo stops, their idle deadline passes, Odoo starts again: the
  user whose browser is still open gets no answer with internal rights, the one whose
  browser is closed is reverted by the server alone, and the records say why.
- Closed browser: a switched user who sends nothing at all is reverted within the bound
  the suite promises after their deadline (the revert job is triggered at each
  deadline).

Both scenarios share the one minute of idle time they need (the shortest idle time).
The restart runs on a copy of the test database: no other Odoo process may serve it
while it is "stopped".
"""

import time
from datetime import datetime

import pytest
from conftest import OdooClient, RpcError
from odoo_process import OdooServer, clone_database, drop_database
from reliability import (
    ICP,
    PARAM_MAX,
    make_portal_users,
    post_switch,
)

# Seconds between an idle deadline and the revert of a user who sends nothing, after a
# restart: the every-minute job runs at most SLEEP_INTERVAL (60 s) + a per-process
# jitter (< 10 s) after the server starts.
REVERT_BOUND = 75
# The same on a running server: the revert job is triggered at each deadline (a few
# seconds promised; the slack is for a loaded CI machine).
TRIGGERED_REVERT_BOUND = 20
IDLE_MINUTES = 1


def _dt(value):
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")


def _switch(admin, user_id):
    (record,) = admin.call(
        "portal.internal.switch",
        "search_read",
        [("user_id", "=", user_id)],
        ["state", "reason", "deadline", "end_date", "last_activity", "start_date"],
    )
    return record


def _share(admin, user_id):
    return admin.call("res.users", "read", [user_id], ["share"])[0]["share"]


def _switch_now(url, db, user):
    client = OdooClient(url, db).login(user["login"], user["password"])
    resp = post_switch(client, client.csrf_token("/my"), user["password"])
    assert resp.headers.get("Location", "").endswith("/web"), resp.headers
    return client


def _wait_reverted(admin, user_id, until):
    while time.time() < until:
        if _share(admin, user_id):
            return True
        time.sleep(1)
    return _share(admin, user_id)


@pytest.fixture(scope="module")
def restart_db(test_db):
    name = f"{test_db}_restart"
    clone_database(test_db, name)
    yield name
    drop_database(name)


def test_restart_and_closed_browser(admin, live_server, test_db, restart_db, tmp_path):
    # the closed browser, on the main server which keeps running
    quota_before = admin.call(ICP, "get_param", PARAM_MAX)
    admin.call(ICP, "set_param", PARAM_MAX, "0")
    (closed,) = make_portal_users(
        admin, test_db, 1, "closed", idle_minutes=IDLE_MINUTES
    )
    # the restart, on its own database and process
    server = OdooServer(restart_db, tmp_path / "server.log").start()
    try:
        radmin = OdooClient(server.url, restart_db).login("admin", "admin")
        radmin.call(ICP, "set_param", PARAM_MAX, "0")
        open_tab, gone = make_portal_users(
            radmin, restart_db, 2, "restart", idle_minutes=IDLE_MINUTES
        )
        browser = _switch_now(server.url, restart_db, open_tab)
        _switch_now(server.url, restart_db, gone)
        _switch_now(live_server, test_db, closed)
        assert browser.call("res.partner", "search_count", []) >= 1  # internal now
        deadline = max(
            _dt(_switch(radmin, u["id"])["deadline"]) for u in (open_tab, gone)
        )
        server.stop()

        # Odoo is down while the deadline passes
        db_now = _db_now(restart_db)
        time.sleep(max(0, (deadline - db_now).total_seconds()) + 2)
        server.start()
        started = time.time()

        # the open tab's next backend call is refused, not answered with internal data
        with pytest.raises(RpcError) as refused:
            browser.call("res.partner", "search_read", [], ["name"], limit=5)
        assert "SessionExpired" in refused.value.name, refused.value
        # and reloading the page lands on the portal, as a portal user
        page = browser.http.get(browser.url + "/web", timeout=60)
        assert page.url.rstrip("/").endswith("/my"), page.url
        radmin = OdooClient(server.url, restart_db).login("admin", "admin")
        record = _switch(radmin, open_tab["id"])
        assert (record["state"], record["reason"]) == ("reverted", "idle")
        assert _dt(record["end_date"]) >= _dt(record["deadline"])
        assert _dt(record["last_activity"]) <= _dt(record["deadline"])
        assert _share(radmin, open_tab["id"]) is True

        # the closed browser on the restarted server: reverted by the server alone
        assert _wait_reverted(radmin, gone["id"], started + REVERT_BOUND)
        record = _switch(radmin, gone["id"])
        assert (record["state"], record["reason"]) == ("reverted", "idle")
        assert not server.log_errors()
    finally:
        server.stop()

    # the closed browser on the server that kept running: reverted within the bound
    record = _switch(admin, closed["id"])
    due = _dt(record["deadline"])
    limit = time.time() + max(0, (due - _db_now(test_db)).total_seconds())
    assert _wait_reverted(admin, closed["id"], limit + TRIGGERED_REVERT_BOUND)
    record = _switch(admin, closed["id"])
    assert (record["state"], record["reason"]) == ("reverted", "idle")
    late = (_dt(record["end_date"]) - due).total_seconds()
    assert 0 <= late <= TRIGGERED_REVERT_BOUND, late
    admin.call("res.users", "write", [closed["id"]], {"active": False})
    admin.call(ICP, "set_param", PARAM_MAX, quota_before or False)


def _db_now(db):
    """The database server's UTC time (the deadlines are written in it)."""
    from contextlib import closing

    from odoo_process import connect

    with closing(connect(db)) as conn, conn.cursor() as cr:
        cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        return cr.fetchone()[0].replace(microsecond=0)
