"""user_dynamic_management seen from outside: a real browser-like HTTP session against a
server with two workers, so every request may land on another process."""

import re
import threading
import uuid

import pytest
from conftest import command_set

SWITCH_URL = "/my/switch_to_internal"
PARAMS = {
    "max": "user_dynamic_management.max_portal_user",
    "window": "user_dynamic_management.time_limit",
    "seats": "user_dynamic_management.max_seats",
}


def _allow(admin, user_id, idle_minutes=30):
    admin.call(
        "res.users",
        "write",
        [user_id],
        {
            "allow_portal_access_internal": True,
            "enable_idle_time": True,
            "idle_time": idle_minutes,
        },
    )


def _share(admin, user_id):
    return admin.call("res.users", "read", [user_id], ["share"])[0]["share"]


def _switches(admin, user_ids, **extra):
    domain = [("user_id", "in", list(user_ids))]
    domain += [(k, "=", v) for k, v in extra.items()]
    return admin.call(
        "portal.internal.switch",
        "search_read",
        domain,
        ["user_id", "state", "reason"],
    )


def _post_switch(client, password):
    token = client.csrf_token("/my")
    return client.http.post(
        client.url + SWITCH_URL,
        data={"csrf_token": token, "password": password},
        allow_redirects=False,
        timeout=60,
    )


@pytest.fixture
def quota(admin):
    """Set the quota (M, T) for one test, restore the previous values afterwards."""
    ICP = "ir.config_parameter"
    before = {k: admin.call(ICP, "get_param", key) for k, key in PARAMS.items()}

    def set_quota(max_switches, minutes, seats=0):
        admin.call(ICP, "set_param", PARAMS["max"], str(max_switches))
        admin.call(ICP, "set_param", PARAMS["window"], str(minutes))
        admin.call(ICP, "set_param", PARAMS["seats"], str(seats))

    yield set_quota
    for k, key in PARAMS.items():
        admin.call(ICP, "set_param", key, before[k] or False)


def test_switch_then_logout_across_workers(admin, client_factory, portal_user, quota):
    quota(0, 0)
    _allow(admin, portal_user["id"])
    portal = client_factory().login(portal_user["login"], portal_user["password"])
    home = portal.http.get(portal.url + "/my", timeout=60).text
    assert "Switch to Internal User" in home

    # GET never switches
    resp = portal.http.get(portal.url + SWITCH_URL, allow_redirects=False, timeout=60)
    assert resp.status_code != 303 or not resp.headers["Location"].endswith("/web")
    assert _share(admin, portal_user["id"]) is True

    # a POST without the CSRF token is refused
    resp = portal.http.post(
        portal.url + SWITCH_URL,
        data={"password": portal_user["password"]},
        allow_redirects=False,
        timeout=60,
    )
    assert resp.status_code == 400
    assert _share(admin, portal_user["id"]) is True

    resp = _post_switch(portal, portal_user["password"])
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/web")
    assert _share(admin, portal_user["id"]) is False
    # the backend answers on whichever worker takes the requests
    for _i in range(4):
        web = portal.http.get(portal.url + "/web", allow_redirects=False, timeout=60)
        assert web.status_code == 200, web.headers.get("Location")
    assert portal.call("res.partner", "search_count", []) >= 1

    portal.http.get(portal.url + "/web/session/logout", timeout=60)
    assert _share(admin, portal_user["id"]) is True
    (switch,) = _switches(admin, [portal_user["id"]])
    assert (switch["state"], switch["reason"]) == ("reverted", "logout")


def test_wrong_password_refused(admin, client_factory, portal_user, quota):
    quota(0, 0)
    _allow(admin, portal_user["id"])
    portal = client_factory().login(portal_user["login"], portal_user["password"])
    resp = _post_switch(portal, "not-the-password")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/my")
    page = portal.http.get(portal.url + "/my", timeout=60).text
    assert re.search(r"[Ww]rong password", page)
    assert _share(admin, portal_user["id"]) is True
    assert not _switches(admin, [portal_user["id"]])


def _make_portal_users(admin, count):
    group_portal = admin.call(
        "ir.model.data", "check_object_reference", "base", "group_portal"
    )[1]
    users = []
    for _i in range(count):
        login = f"bb-race-{uuid.uuid4().hex[:8]}"
        uid = admin.call(
            "res.users",
            "create",
            {
                "name": login,
                "login": login,
                "password": login,
                "groups_id": command_set([group_portal]),
            },
        )
        _allow(admin, uid)
        users.append({"id": uid, "login": login, "password": login})
    return users


def test_last_quota_slot_taken_once_by_simultaneous_requests(
    admin, client_factory, quota
):
    """M switches per T minutes hold with two workers: of several portal users who
    press the button at the same moment for the last slot, exactly one switches."""
    already = admin.call("portal.internal.switch", "search_count", [])
    quota(already + 1, 600)  # a long window: nothing leaves it during the test
    users = _make_portal_users(admin, 3)
    clients = [client_factory().login(u["login"], u["password"]) for u in users]
    tokens = [c.csrf_token("/my") for c in clients]
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def press(i):
        barrier.wait()
        results[i] = clients[i].http.post(
            clients[i].url + SWITCH_URL,
            data={"csrf_token": tokens[i], "password": users[i]["password"]},
            allow_redirects=False,
            timeout=120,
        )

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    targets = [r.headers.get("Location", "") for r in results]
    assert sum(t.endswith("/web") for t in targets) == 1, targets
    assert sum(t.endswith("/my") for t in targets) == len(clients) - 1, targets
    switched = [u for u in users if not _share(admin, u["id"])]
    assert len(switched) == 1
    assert len(_switches(admin, [u["id"] for u in users])) == 1
    # the refused ones are told when the next switch becomes possible
    refused = next(
        c for c, t in zip(clients, targets, strict=True) if t.endswith("/my")
    )
    page = refused.http.get(refused.url + "/my", timeout=60).text
    assert "You can switch in" in page


def _press_together(clients, users):
    """Every client presses "Switch to Internal User" at the same moment."""
    tokens = [c.csrf_token("/my") for c in clients]
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def press(i):
        barrier.wait()
        results[i] = clients[i].http.post(
            clients[i].url + SWITCH_URL,
            data={"csrf_token": tokens[i], "password": users[i]["password"]},
            allow_redirects=False,
            timeout=120,
        )

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r.headers.get("Location", "") for r in results]


def test_last_seat_taken_once_by_simultaneous_requests(admin, client_factory, quota):
    """K portal users internal at once hold with two workers: of several users who
    press the button together for the last seat, exactly one switches."""
    in_use = admin.call(
        "portal.internal.switch", "search_count", [("state", "=", "active")]
    )
    quota(0, 0, seats=in_use + 1)
    users = _make_portal_users(admin, 3)
    clients = [client_factory().login(u["login"], u["password"]) for u in users]
    targets = _press_together(clients, users)
    assert sum(t.endswith("/web") for t in targets) == 1, targets
    assert len(_switches(admin, [u["id"] for u in users], state="active")) == 1
    refused = next(
        c for c, t in zip(clients, targets, strict=True) if t.endswith("/my")
    )
    page = refused.http.get(refused.url + "/my", timeout=60).text
    # one seat ("The only seat ... is taken") or several ("All K seats ... are taken")
    assert (
        "seats for internal users are taken" in page
        or "The only seat for internal users is taken" in page
    ), page[-2000:]
    for user in users:
        admin.call("res.users", "write", [user["id"]], {"active": False})


def test_revert_and_log_out_ends_every_session(
    admin, client_factory, portal_user, quota
):
    """ "Revert and log out" on the user form: the user's sessions end in every
    worker, and the user is a portal user again."""
    quota(0, 0)
    _allow(admin, portal_user["id"])
    portal = client_factory().login(portal_user["login"], portal_user["password"])
    resp = _post_switch(portal, portal_user["password"])
    assert resp.headers["Location"].endswith("/web")
    for _i in range(4):  # warm both workers' session token caches
        web = portal.http.get(portal.url + "/web", allow_redirects=False, timeout=60)
        assert web.status_code == 200
    admin.call("res.users", "action_udm_revert_logout", [portal_user["id"]])
    assert _share(admin, portal_user["id"]) is True
    for _i in range(4):
        web = portal.http.get(portal.url + "/web", allow_redirects=False, timeout=60)
        assert web.status_code in (302, 303)
        assert "/web/login" in web.headers["Location"]


def test_api_key_minted_while_switched_dies_with_the_switch(
    admin, client_factory, portal_user, quota, live_server, test_db
):
    """An attacker switches, mints an API key through the backend's own wizard
    (identity check included), then logs out: the key no longer opens XML-RPC."""
    import xmlrpc.client

    quota(0, 0)
    _allow(admin, portal_user["id"])
    portal = client_factory().login(portal_user["login"], portal_user["password"])
    resp = _post_switch(portal, portal_user["password"])
    assert resp.headers["Location"].endswith("/web")
    wizard = portal.call("res.users.apikeys.description", "create", {"name": "bb"})
    check = portal.call("res.users.apikeys.description", "make_key", [wizard])
    assert check["res_model"] == "res.users.identitycheck"
    portal.call(
        "res.users.identitycheck",
        "write",
        [check["res_id"]],
        {"password": portal_user["password"]},
    )
    shown = portal.call("res.users.identitycheck", "run_check", [check["res_id"]])
    key = shown["context"]["default_key"]
    rpc = xmlrpc.client.ServerProxy(f"{live_server}/xmlrpc/2/object")

    def read_share():
        return rpc.execute_kw(
            test_db, portal_user["id"], key, "res.users", "read",
            [[portal_user["id"]], ["share"]],
        )[0]["share"]  # fmt: skip

    assert read_share() is False  # the key works while switched
    portal.http.get(portal.url + "/web/session/logout", timeout=60)
    assert _share(admin, portal_user["id"]) is True
    with pytest.raises(xmlrpc.client.Fault) as caught:
        read_share()
    assert "Access Denied" in caught.value.faultString
    (switch,) = admin.call(
        "portal.internal.switch",
        "search_read",
        [("user_id", "=", portal_user["id"])],
        ["removed_credentials"],
    )
    assert "bb" in switch["removed_credentials"]
