"""Load across processes: two Odoo processes (each --workers=2) serve one database, and
50 allowed portal users press "Switch to Internal User" at the same moment while only 5
switches are left in the quota window, or only 3 seats are free."""

import pytest
from conftest import OdooClient
from reliability import (
    QUOTA_MESSAGE,
    SEATS_MESSAGE,
    leave_quota,
    leave_seats,
    limits_restored,
    race_users,
    switch_race,
)

USERS = 50
FREE_SLOTS = 5
FREE_SEATS = 3


@pytest.fixture
def quota_param(admin):
    with limits_restored(admin):
        yield


def test_fifty_simultaneous_switches_over_two_processes(
    admin, live_server, second_server, test_db, quota_param
):
    _press_together(
        admin, live_server, second_server, test_db, "load",
        lambda: leave_quota(admin, FREE_SLOTS), FREE_SLOTS, QUOTA_MESSAGE,
    )  # fmt: skip


def test_fifty_simultaneous_switches_for_three_free_seats(
    admin, live_server, second_server, test_db, quota_param
):
    _press_together(
        admin, live_server, second_server, test_db, "seat",
        lambda: leave_seats(admin, FREE_SEATS), FREE_SEATS, SEATS_MESSAGE,
    )  # fmt: skip


def _press_together(admin, live_server, second_server, test_db, prefix, limit, free,
                    message):  # fmt: skip
    """USERS portal users press the button at the same moment, spread over the two
    processes, once `limit()` leaves `free` switches possible: exactly `free` switch,
    the others are told `message`, no error, one record per switched user (checked by
    reliability.switch_race); the switched ones reach the backend on either process."""
    urls = [live_server, second_server.url]
    with race_users(
        admin, test_db, prefix, USERS,
        lambda i: OdooClient(urls[i % len(urls)], test_db),
    ) as (users, clients):  # fmt: skip
        race = switch_race(admin, users, clients, limit, free, message)
        for i in race.switched:
            client = race.clients[i]
            other = OdooClient(
                second_server.url if client.url == live_server else live_server,
                test_db,
            )
            other.http = client.http  # same browser session, other process
            assert other.call("res.partner", "search_count", []) >= 1
        assert not second_server.log_errors()
