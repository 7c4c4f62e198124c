"""Helpers shared by the reliability tests (users in bulk, quota, switch requests)."""

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

from conftest import OdooClient, command_set
from odoo_process import connect

SWITCH_URL = "/my/switch_to_internal"
ICP = "ir.config_parameter"
PARAM_MAX = "user_dynamic_management.max_portal_user"
PARAM_WINDOW = "user_dynamic_management.time_limit"
QUOTA_MESSAGE = "Too many users switched to internal recently"


def xmlid(admin, module, name):
    return admin.call("ir.model.data", "check_object_reference", module, name)[1]


def make_portal_users(admin, db, count, prefix, allow=True, idle_minutes=30):
    """`count` portal users created in one call, each with the password "pw-<login>".

    The password hashes are written in SQL, computed here with 1,000 PBKDF2 rounds
    instead of Odoo's 600,000: checking it at login and at the switch then costs
    microseconds, so the requests of a load test meet in the code under test instead
    of queueing behind password hashing. Odoo verifies any pbkdf2_sha512 hash with its
    own rounds and does not rehash it.
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


def login_all(urls, db, users, threads=8):
    """One logged-in client per user, spread round-robin over the servers `urls`."""

    def login(i):
        client = OdooClient(urls[i % len(urls)], db)
        return client.login(users[i]["login"], users[i]["password"])

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


def revert_all(admin, user_ids):
    """Switch these users back (an administrator's "Revert now"), then archive them."""
    for switch in open_switches(admin, user_ids):
        admin.call("portal.internal.switch", "action_revert_now", [switch["id"]])
    admin.call("res.users", "write", list(user_ids), {"active": False})


def page_message(client, path="/my"):
    html = client.http.get(client.url + path, timeout=60).text
    return re.sub(r"\s+", " ", html)
