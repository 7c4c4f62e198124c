"""Load across processes: two Odoo processes (each --workers=2) serve one database, and
50 allowed portal users press "Switch to Internal User" at the same moment while only 5
switches are left in the quota window, or only 3 seats are free."""

import threading

import pytest
from conftest import OdooClient
from reliability import (
    ICP,
    PARAM_MAX,
    PARAM_WINDOW,
    QUOTA_MESSAGE,
    csrf_tokens,
    login_all,
    make_portal_users,
    open_switches,
    page_message,
    post_switch,
    revert_all,
    switch_count_in_window,
)

USERS = 50
FREE_SLOTS = 5
FREE_SEATS = 3
PARAM_SEATS = "user_dynamic_management.max_seats"
SEATS_MESSAGE = "seats for internal users are taken"
WINDOW_MINUTES = 600  # long: no earlier switch leaves the window during the test


@pytest.fixture
def quota_param(admin):
    before = {
        key: admin.call(ICP, "get_param", key)
        for key in (PARAM_MAX, PARAM_WINDOW, PARAM_SEATS)
    }
    yield
    for key, value in before.items():
        admin.call(ICP, "set_param", key, value or False)


def test_fifty_simultaneous_switches_over_two_processes(
    admin, live_server, second_server, test_db, quota_param
):
    def limit():
        # M = the switches already in the window + 5: exactly 5 may still switch
        admin.call(ICP, "set_param", PARAM_WINDOW, str(WINDOW_MINUTES))
        already = switch_count_in_window(admin, WINDOW_MINUTES)
        admin.call(ICP, "set_param", PARAM_MAX, str(already + FREE_SLOTS))

    _press_together(
        admin, live_server, second_server, test_db, "load", limit, FREE_SLOTS,
        QUOTA_MESSAGE,
    )  # fmt: skip


def test_fifty_simultaneous_switches_for_three_free_seats(
    admin, live_server, second_server, test_db, quota_param
):
    def limit():
        # no quota; K = the users internal now + 3: exactly 3 may still switch
        admin.call(ICP, "set_param", PARAM_MAX, "0")
        taken = admin.call(
            "portal.internal.switch", "search_count", [("state", "=", "active")]
        )
        admin.call(ICP, "set_param", PARAM_SEATS, str(taken + FREE_SEATS))

    _press_together(
        admin, live_server, second_server, test_db, "seat", limit, FREE_SEATS,
        SEATS_MESSAGE,
    )  # fmt: skip


def _press_together(admin, live_server, second_server, test_db, prefix, limit, free,
                    message):  # fmt: skip
    """USERS portal users press the button at the same moment, spread over the two
    processes, once `limit()` leaves `free` switches possible: exactly `free` switch,
    the others are told `message`, no error, one record per switched user."""
    users = make_portal_users(admin, test_db, USERS, prefix)
    try:
        clients = login_all([live_server, second_server.url], test_db, users)
        tokens = csrf_tokens(clients)
        limit()

        barrier = threading.Barrier(USERS)
        responses = [None] * USERS

        def press(i):
            barrier.wait()
            responses[i] = post_switch(clients[i], tokens[i], users[i]["password"])

        threads = [threading.Thread(target=press, args=(i,)) for i in range(USERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        statuses = sorted({r.status_code for r in responses})
        assert statuses == [303], f"no HTTP 500 or other error expected: {statuses}"
        targets = [r.headers["Location"] for r in responses]
        switched = [i for i, t in enumerate(targets) if t.endswith("/web")]
        refused = [i for i, t in enumerate(targets) if t.endswith("/my")]
        assert len(switched) == free, targets
        assert len(refused) == USERS - free, targets

        # each refused user is told why (the message is kept in their session)
        for i in refused:
            assert message in page_message(clients[i]), users[i]["login"]
        # the database agrees: `free` open switch records, one per switched user, and
        # exactly those users are internal
        user_ids = [u["id"] for u in users]
        records = open_switches(admin, user_ids)
        assert sorted(r["user_id"][0] for r in records) == sorted(
            users[i]["id"] for i in switched
        )
        all_records = admin.call(
            "portal.internal.switch", "search_count", [("user_id", "in", user_ids)]
        )
        assert all_records == free
        shares = {
            u["id"]: u["share"]
            for u in admin.call("res.users", "read", user_ids, ["share"])
        }
        assert [uid for uid, share in shares.items() if not share] == sorted(
            users[i]["id"] for i in switched
        )
        # the switched ones reach the backend on either process
        for i in switched:
            other = OdooClient(
                second_server.url if clients[i].url == live_server else live_server,
                test_db,
            )
            other.http = clients[i].http  # same browser session, other process
            assert other.call("res.partner", "search_count", []) >= 1
        assert not second_server.log_errors()
    finally:
        revert_all(admin, [u["id"] for u in users])
