"""Nothing outlives a switch, against the real server (two workers, evented port).

A hostile portal user switches with an ordinary template (Internal User + Contact
Creation, the demo's "Template A"), opens every foothold an employee can open, on
every channel (the web client's JSON-RPC, /jsonrpc and XML-RPC with a password, a raw
websocket), and is switched back by each way a switch ends. Afterwards they must
reach exactly what they reached before: the records they can read, model by model,
and no token they were handed may open anything.

The property test plays random sequences of those actions (seeded, so a failure is
replayed by its seed) and compares the portal user's reach before and after.
"""

import json
import random
import re
import uuid
from contextlib import closing

import pytest
import requests
import websocket
from conftest import OdooClient, RpcError
from hostile import Actor, Refused, changed_tables, snapshot
from odoo_process import connect
from reliability import ICP, PARAM_MAX, make_portal_users, post_switch, xmlid

IDENTITY_REFUSED = (
    "While switched to an internal user, you cannot change the name or e-mail of "
    "another user's contact."
)
USERS_REFUSED = (
    "While switched to an internal user, you cannot create users or change another "
    "user's account."
)
CHANNELS = ("call_kw", "jsonrpc", "xmlrpc")
# what a portal user reaches, model by model (searched as them over JSON-RPC)
REACH_MODELS = ("res.partner", "discuss.channel", "ir.attachment", "mail.message")


@pytest.fixture(scope="module")
def fworld(live_server, test_db):
    admin = OdooClient(live_server, test_db).login("admin", "admin")
    quota = admin.call(ICP, "get_param", PARAM_MAX)
    scope = admin.call(ICP, "get_param", "auth_signup.invitation_scope")
    admin.call(ICP, "set_param", PARAM_MAX, "0")
    # "Free sign up": a signup token creates an account bound to its contact
    admin.call(ICP, "set_param", "auth_signup.invitation_scope", "b2c")
    template_id = admin.call(
        "res.users",
        "create",
        {
            "name": f"Foothold Template A {uuid.uuid4().hex[:6]}",
            "login": f"foothold-template-{uuid.uuid4().hex[:6]}",
            "is_access_right_template": True,
            "groups_id": [
                (6, 0, [xmlid(admin, "base", "group_user")]),
                (4, xmlid(admin, "base", "group_partner_manager")),
            ],
        },
    )
    users = make_portal_users(admin, test_db, 2, "foothold", allow=True)
    victim, employee = users
    admin.call(
        "res.users",
        "write",
        [victim["id"]],
        {"email": f"victim-{uuid.uuid4().hex[:6]}@example.com"},
    )
    admin.call(
        "res.users",
        "write",
        [employee["id"]],
        {"groups_id": [(6, 0, [xmlid(admin, "base", "group_user")])]},
    )
    company = admin.call(
        "res.partner", "create", {"name": "Foothold Supplier", "is_company": True}
    )
    attachment = admin.call(
        "ir.attachment",
        "create",
        {
            "name": "internal.txt",
            "datas": "aW50ZXJuYWwgb25seQ==",  # "internal only"
            "res_model": "res.partner",
            "res_id": company,
        },
    )
    world = {
        "admin": admin,
        "url": str(live_server),
        "websocket_url": live_server.websocket_url,
        "db": test_db,
        "template": template_id,
        "victim": victim,
        "employee": employee,
        "company": company,
        "attachment": attachment,
        "employee_actor": Actor(live_server, test_db, employee),
    }
    yield world
    admin.call("res.users", "write", [u["id"] for u in users], {"active": False})
    admin.call(ICP, "set_param", PARAM_MAX, quota or "0")
    admin.call(ICP, "set_param", "auth_signup.invitation_scope", scope or "b2b")


@pytest.fixture
def fw(fworld):
    """The module's world with a fresh insider: a portal user allowed to switch with
    Template A, archived (and switched back if need be) afterwards."""
    admin = fworld["admin"]
    (insider,) = make_portal_users(admin, fworld["db"], 1, "insider", allow=True)
    admin.call(
        "res.users",
        "write",
        [insider["id"]],
        {
            "switch_template_id": fworld["template"],
            "enable_idle_time": True,
            "idle_time": 30,
        },
    )
    world = dict(fworld, insider=insider)
    yield world
    for switch in _open_switch(world):
        admin.call("portal.internal.switch", "action_revert_now", [switch])
    admin.call("res.users", "write", [insider["id"]], {"active": False})


def _switch(w):
    """The insider switches on /my as a person does; returns his actor."""
    actor = Actor(w["url"], w["db"], w["insider"])
    web = actor.web
    resp = post_switch(web, web.csrf_token("/my"), w["insider"]["password"])
    assert resp.headers["Location"].endswith("/web"), resp.headers["Location"]
    return actor


def _partner_id(w, user):
    (row,) = w["admin"].call("res.users", "read", [user["id"]], ["partner_id"])
    return row["partner_id"][0]


def _reach(w):
    """What the insider reaches as a portal user: readable ids per model, his groups,
    the records he follows."""
    actor = Actor(w["url"], w["db"], w["insider"])
    reach = {}
    for model in REACH_MODELS:
        try:
            reach[model] = sorted(actor.web.call(model, "search", []))
        except RpcError as error:  # a model the portal user may not read at all
            reach[model] = error.name
    with closing(connect(w["db"])) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT gid FROM res_groups_users_rel WHERE uid = %s ORDER BY gid",
            (w["insider"]["id"],),
        )
        reach["groups"] = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT res_model, res_id FROM mail_followers f JOIN res_users u"
            " ON u.partner_id = f.partner_id WHERE u.id = %s ORDER BY 1, 2",
            (w["insider"]["id"],),
        )
        reach["followed"] = cr.fetchall()
    return reach


# ---------------------------------------------------------------------------
# What a switched user does (each returns what it leaves to check afterwards)
# ---------------------------------------------------------------------------


def follow_internal_record(w, actor, channel):
    actor.rpc(
        channel,
        "res.partner",
        "message_subscribe",
        [w["company"]],
        partner_ids=[_partner_id(w, w["insider"])],
    )
    return {}


def open_chat(w, actor, channel):
    channel = "call_kw" if channel == "xmlrpc" else channel  # int keys in the answer
    info = actor.rpc(
        channel, "discuss.channel", "channel_get", [_partner_id(w, w["employee"])]
    )
    return {"chat": info["id"]}


def attachment_token(w, actor, channel):
    (token,) = actor.rpc(
        channel, "ir.attachment", "generate_access_token", [w["attachment"]]
    )
    url = f"{w['url']}/web/content/{w['attachment']}?access_token={token}"
    assert requests.get(url, timeout=30).content == b"internal only"
    return {"url": url}


def signup_token(w, actor, channel):
    channel = "call_kw" if channel == "xmlrpc" else channel  # int keys in the answer
    contact = w["admin"].call(
        "res.partner",
        "create",
        {"name": "Foothold Contact", "email": f"c-{uuid.uuid4().hex[:6]}@example.com"},
    )
    params = actor.rpc(channel, "res.partner", "signup_get_auth_param", [contact])
    return {"signup_token": params[str(contact)]["auth_signup_token"]}


def forged_own_write(w, actor, channel):
    actor.rpc(
        channel,
        "res.users",
        "write",
        [w["insider"]["id"]],
        {"notification_type": "inbox"},
        context={"udm_own_write": True},
    )
    return {}


ACTIONS = {
    "follow": follow_internal_record,
    "chat": open_chat,
    "attachment token": attachment_token,
    "signup token": signup_token,
    "forged own write": forged_own_write,
}


# ---------------------------------------------------------------------------
# How a switch ends
# ---------------------------------------------------------------------------


def _open_switch(w):
    return w["admin"].call(
        "portal.internal.switch",
        "search",
        [("user_id", "=", w["insider"]["id"]), ("state", "=", "active")],
    )


def revert_now(w, actor):
    w["admin"].call("portal.internal.switch", "action_revert_now", _open_switch(w))


def back_to_portal(w, actor):
    actor.web.jsonrpc("/user_dynamic_management/back_to_portal", {})


def idle_deadline(w, actor):
    """The idle time runs out; the next XML-RPC call of the user is served as portal."""
    with closing(connect(w["db"])) as conn, conn.cursor() as cr:
        cr.execute(
            "UPDATE portal_internal_switch SET deadline = now() at time zone 'utc'"
            " - interval '1 second' WHERE id = ANY(%s)",
            (_open_switch(w),),
        )
        conn.commit()
    actor.rpc("xmlrpc", "res.users", "read", [w["insider"]["id"]], ["name"])


def logout(w, actor):
    actor.web.http.get(actor.web.url + "/web/session/logout", timeout=60)


ENDINGS = {
    "revert now": revert_now,
    "back to portal now": back_to_portal,
    "idle deadline": idle_deadline,
    "logout": logout,
}


def _assert_nothing_left(w, before, left):
    assert not _open_switch(w), "the switch is still open"
    after = _reach(w)
    assert after == before, {
        key: (before[key], after[key]) for key in before if before[key] != after[key]
    }
    for item in left:
        if "url" in item:
            assert requests.get(item["url"], timeout=30).status_code == 404
        if "signup_token" in item:
            page = requests.get(
                f"{w['url']}/web/signup",
                params={"token": item["signup_token"]},
                timeout=30,
            ).text
            assert "Invalid signup token" in page or "is not valid" in page, page[-500:]


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_foothold_gone_after_the_switch(fw, action, ending):
    before = _reach(fw)
    actor = _switch(fw)
    left = []
    for channel in CHANNELS:
        left.append(ACTIONS[action](fw, actor, channel))
    ENDINGS[ending](fw, actor)
    _assert_nothing_left(fw, before, left)


@pytest.mark.parametrize("seed", range(6))
def test_random_sequences_leave_nothing(fw, seed):
    """Property: whatever a switched user does, in any order and on any channel, and
    however the switch ends, their reach afterwards equals their reach before."""
    rng = random.Random(seed)
    before = _reach(fw)
    actor = _switch(fw)
    left = []
    for _step in range(rng.randint(2, 6)):
        action = ACTIONS[rng.choice(sorted(ACTIONS))]
        left.append(action(fw, actor, rng.choice(CHANNELS)))
    ENDINGS[rng.choice(sorted(ENDINGS))](fw, actor)
    _assert_nothing_left(fw, before, left)


# ---------------------------------------------------------------------------
# Refused whatever the template: another account's identity
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_takeover_of_another_users_contact(fw, test_db, channel):
    actor = _switch(fw)
    victim_partner = _partner_id(fw, fw["victim"])
    try:
        before = snapshot(test_db)
        for values in ({"email": "attacker@example.com"}, {"name": "Attacker"}):
            with pytest.raises(Refused) as refusal:
                actor.rpc(channel, "res.partner", "write", [victim_partner], values)
            assert IDENTITY_REFUSED in refusal.value.message
        for values in ({"login": "attacker@example.com"}, {"password": "taken-over"}):
            with pytest.raises(Refused) as refusal:
                actor.rpc(channel, "res.users", "write", [fw["victim"]["id"]], values)
            assert re.search(
                rf"{re.escape(USERS_REFUSED)}|not allowed to modify",
                refusal.value.message,
            )
        with pytest.raises(Refused) as refusal:
            actor.rpc(
                channel,
                "res.users",
                "create",
                {"name": "Sock puppet", "login": f"sock-{uuid.uuid4().hex[:6]}"},
            )
        assert re.search(
            rf"{re.escape(USERS_REFUSED)}|not allowed to create", refusal.value.message
        )
        assert not changed_tables(before, snapshot(test_db))
    finally:
        revert_now(fw, actor)


# ---------------------------------------------------------------------------
# A raw websocket subscribed while switched
# ---------------------------------------------------------------------------


def _ws_connect(w, actor):
    sid = actor.web.http.cookies.get("session_id")
    origin = w["websocket_url"].replace("ws://", "http://").rsplit("/", 1)[0]
    ws = websocket.create_connection(
        w["websocket_url"], cookie=f"session_id={sid}", origin=origin, timeout=30
    )
    ws.send(
        json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
    )
    return ws


def _receive_until(ws, text):
    """Frames until one contains `text`; returns the close code if the socket closes
    first (None when the text arrived)."""
    while True:
        opcode, payload = ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return int.from_bytes(payload[:2], "big")
        if opcode == websocket.ABNF.OPCODE_TEXT and text in payload.decode():
            return None


@pytest.mark.parametrize("ending", ["revert now", "back to portal now"])
def test_socket_subscribed_while_switched_is_closed(fw, ending):
    actor = _switch(fw)
    chat = open_chat(fw, actor, "call_kw")["chat"]
    ws = _ws_connect(fw, actor)
    try:
        employee = fw["employee_actor"]
        marker = f"while switched {uuid.uuid4().hex[:6]}"
        employee.web.call(
            "discuss.channel",
            "message_post",
            [chat],
            body=marker,
            message_type="comment",
        )
        assert _receive_until(ws, marker) is None, "the chat did not reach the socket"
        ENDINGS[ending](fw, actor)
        secret = f"after the revert {uuid.uuid4().hex[:6]}"
        employee.web.call(
            "discuss.channel",
            "message_post",
            [chat],
            body=secret,
            message_type="comment",
        )
        # the socket closes ("session expired") instead of delivering the message
        assert _receive_until(ws, secret) == 4001
    finally:
        ws.close()


# ---------------------------------------------------------------------------
# Portal Access Groups still govern a switched user's own identity
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
def test_switched_user_stays_governed_by_portal_access_groups(fw, test_db, channel):
    admin = fw["admin"]
    group = admin.call(
        "portal.access.group",
        "create",
        {
            "name": f"Read only {uuid.uuid4().hex[:6]}",
            "user_ids": [(4, fw["insider"]["id"])],
        },
    )
    lines = admin.call("portal.access.group.line", "search", [("group_id", "=", group)])
    admin.call("portal.access.group.line", "write", lines, {"perm_write": False})
    actor = _switch(fw)
    partner = _partner_id(fw, fw["insider"])
    try:
        before = snapshot(test_db)
        for model, record, values in (
            ("res.partner", partner, {"email": "new-self@example.com"}),
            (
                "res.users",
                fw["insider"]["id"],
                {"login": f"new-{uuid.uuid4().hex[:6]}"},
            ),
        ):
            with pytest.raises(Refused) as refusal:
                actor.rpc(channel, model, "write", [record], values)
            assert "You are not allowed to change" in refusal.value.message, refusal
        assert not changed_tables(before, snapshot(test_db))
    finally:
        revert_now(fw, actor)
        admin.call("portal.access.group", "unlink", [group])
