"""Helpers shared by the reliability tests (users in bulk, quota, switch requests,
the race of many users pressing "Switch to Internal User" at once)."""

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass

from conftest import command_set
from odoo_process import connect

SWITCH_URL = "/my/switch_to_internal"
ICP = "ir.config_parameter"
PARAM_MAX = "user_dynamic_management.max_portal_user"
PARAM_WINDOW = "user_dynamic_management.time_limit"
PARAM_SEATS = "user_dynamic_management.max_seats"
QUOTA_MESSAGE = "Too many users switched to internal recently"
SEATS_MESSAGE = "seats for internal users are taken"
QUOTA_WINDOW_MINUTES = 600  # long: no earlier switch leaves the window during a race


def xmlid(admin, module, name):
    return admin.call("ir.model.data", "check_object_reference", module, name)[1]


def make_portal_users(admin, db, count, prefix, allow=True, idle_minutes=30):
    """`count` portal users created in one call, each with the password "pw-<login>".

    The password hashes are written in SQL, computed here with 1,000 PBKDF2 rounds
    instead of Odoo's 600,000: creating many users costs no server time. Odoo checks
    such a hash at the first login and replaces it with one of its own rounds there
    (passlib takes Odoo's `rounds` as the minimum wanted too), so a login and every
    later password check (the switch's confirmation) cost Odoo's full rounds, as in
    production.
    """
    from passlib.context import CryptContext

    group_portal = xmlid(admin, "base", "group_portal")
    logins = [f"{prefix}-{uuid.uuid4().hex[:8]}" for _i in range(count)]
    ids = admin.call(
        "res.users",
        "create",
        [
            {"name": login, "login": login, "groups_id": command_set([group_portal])}
            for login in logins
        ],
    )
    context = CryptContext(schemes=["pbkdf2_sha512"], pbkdf2_sha512__rounds=1000)
    with closing(connect(db)) as conn, conn.cursor() as cr:
        for uid, login in zip(ids, logins, strict=True):
            cr.execute(
                "UPDATE res_users SET password = %s WHERE id = %s",
                (context.hash("pw-" + login), uid),
            )
    if allow:
        admin.call(
            "res.users",
            "write",
            ids,
            {
                "allow_portal_access_internal": True,
                "enable_idle_time": bool(idle_minutes),
                "idle_time": idle_minutes or 30,
            },
        )
    return [
        {"id": uid, "login": login, "password": "pw-" + login}
        for uid, login in zip(ids, logins, strict=True)
    ]


def login_all(users, make_client, threads=8):
    """One logged-in client per user; `make_client(i)` builds the i-th user's (the
    caller picks its server)."""

    def login(i):
        return make_client(i).login(users[i]["login"], users[i]["password"])

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(login, range(len(users))))


def csrf_tokens(clients, threads=8):
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda c: c.csrf_token("/my"), clients))


def post_switch(client, token, password, **data):
    """POST the switch form (`data`: its other fields, e.g. totp_code, duration)."""
    return client.http.post(
        client.url + SWITCH_URL,
        data={"csrf_token": token, "password": password, **data},
        allow_redirects=False,
        timeout=180,
    )


def simultaneously(calls):
    """Run the callables `calls` at the same moment, one thread each (released by a
    barrier once all are ready); return their results in order. An exception of a
    call is returned in its place, for the caller to assert on."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i):
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as error:  # returned to the test, which asserts on it
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def switch_count_in_window(admin, minutes):
    """Switches started within the last `minutes` (what the quota counts)."""
    return admin.call(
        "portal.internal.switch",
        "search_count",
        [("start_date", ">", _ago(minutes))],
    )


def _ago(minutes):
    from datetime import datetime, timedelta, timezone

    value = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=minutes)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def open_switches(admin, user_ids):
    return admin.call(
        "portal.internal.switch",
        "search_read",
        [("user_id", "in", list(user_ids)), ("state", "=", "active")],
        ["user_id"],
    )


def revert_switches(admin, user_ids):
    """Switch these users back (an administrator's "Revert now"); their sessions
    stay."""
    for switch in open_switches(admin, user_ids):
        admin.call("portal.internal.switch", "action_revert_now", [switch["id"]])


def revert_all(admin, user_ids):
    """Switch these users back, then archive them."""
    revert_switches(admin, user_ids)
    admin.call("res.users", "write", list(user_ids), {"active": False})


def page_message(client, path="/my"):
    html = client.http.get(client.url + path, timeout=60).text
    return re.sub(r"\s+", " ", html)


# ---------------------------------------------------------------------------------
# The race: many users press "Switch to Internal User" while few switches are left
# ---------------------------------------------------------------------------------


@contextmanager
def limits_restored(admin):
    """The quota and seat parameters put back as they were when the block ends."""
    keys = (PARAM_MAX, PARAM_WINDOW, PARAM_SEATS)
    before = {key: admin.call(ICP, "get_param", key) for key in keys}
    try:
        yield
    finally:
        for key, value in before.items():
            admin.call(ICP, "set_param", key, value or False)


def leave_quota(admin, free):
    """M = the switches already in the quota window + `free`: exactly `free` more
    may start."""
    admin.call(ICP, "set_param", PARAM_WINDOW, str(QUOTA_WINDOW_MINUTES))
    already = switch_count_in_window(admin, QUOTA_WINDOW_MINUTES)
    admin.call(ICP, "set_param", PARAM_MAX, str(already + free))


def leave_seats(admin, free):
    """No quota; K = the users internal now + `free`: exactly `free` more may switch."""
    admin.call(ICP, "set_param", PARAM_MAX, "0")
    taken = admin.call(
        "portal.internal.switch", "search_count", [("state", "=", "active")]
    )
    admin.call(ICP, "set_param", PARAM_SEATS, str(taken + free))


@dataclass
class Race:
    """What a race left: its users, their clients, the answers to their presses (in
    the users' order) and the indexes of the users who switched."""

    users: list
    clients: list
    responses: list
    switched: list


@contextmanager
def race_users(admin, db, prefix, count, make_client):
    """`count` new allowed portal users and their clients, `make_client(i)` logged in
    as the i-th: yields (users, clients); the users are switched back and archived
    when the block ends."""
    users = make_portal_users(admin, db, count, prefix)
    try:
        yield users, login_all(users, make_client)
    finally:
        revert_all(admin, [u["id"] for u in users])


def switch_race(admin, users, clients, limit, free, message):
    """The users press the button at the same moment once `limit()` leaves `free`
    switches possible; the outcome is checked (see check_race). Returns the Race."""
    tokens = csrf_tokens(clients)
    limit()
    last = admin.call(
        "portal.internal.switch", "search_read", [], ["id"], order="id desc", limit=1
    )
    responses = press_together(clients, tokens, users)
    race = Race(users, clients, responses, [])
    race.switched = check_race(admin, race, free, message, last[0]["id"] if last else 0)
    return race


def press_together(clients, tokens, users):
    """Every client posts the switch at the same moment (one thread each, released by
    a barrier); the responses, in the clients' order."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def press(i):
        barrier.wait()
        responses[i] = post_switch(clients[i], tokens[i], users[i]["password"])

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def check_race(admin, race, free, message, last_id):
    """Exactly `free` users switched, the others were refused with `message` (shown
    on their /my), no error; the database agrees: one open switch record per switched
    user, no other record after switch #`last_id`, exactly those users internal.
    Returns the switched users' indexes."""
    statuses = sorted({r.status_code for r in race.responses})
    assert statuses == [303], f"no HTTP 500 or other error expected: {statuses}"
    targets = [r.headers["Location"] for r in race.responses]
    switched = [i for i, t in enumerate(targets) if t.endswith("/web")]
    refused = [i for i, t in enumerate(targets) if t.endswith("/my")]
    assert len(switched) == free, targets
    assert len(refused) == len(race.users) - free, targets

    # each refused user is told why (the message is kept in their session)
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda i: page_message(race.clients[i]), refused))
    for i, page in zip(refused, pages, strict=True):
        assert message in page, race.users[i]["login"]
    user_ids = [u["id"] for u in race.users]
    switched_ids = sorted(race.users[i]["id"] for i in switched)
    records = open_switches(admin, user_ids)
    assert sorted(r["user_id"][0] for r in records) == switched_ids
    new_records = admin.call(
        "portal.internal.switch",
        "search_count",
        [("user_id", "in", user_ids), ("id", ">", last_id)],
    )
    assert new_records == free
    shares = admin.call("res.users", "read", user_ids, ["share"])
    assert sorted(u["id"] for u in shares if not u["share"]) == switched_ids
    return switched
