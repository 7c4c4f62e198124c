"""Hostile catalogue: attacks against the real server (two workers), each refused with a
clear message, with every security-relevant row compared before and after.

Actors (created once): `attacker`, a portal user not allowed to switch and in no
Portal Access Group (the default group gives them stock Odoo's rights); `nobody`, a
portal user in a Portal Access Group granting nothing; `victim`, an allowed portal
user with Write on every My Account field; `insider`, an allowed portal user switched
to internal for the whole module; `employee`, a plain internal user. Attacks that
today's code does not refuse yet live in pending_hostile_catalogue.py (run it
explicitly), so this file stays green.
"""

import re

import pytest
from hostile import (
    AUDIT_LOG,
    FIELD_RIGHTS,
    NO_ACCESS,
    PRIVATE,
    SWITCHED_NO_USERS,
    assert_attack_changes_nothing,
    attack_registry,
    build_world,
    refused,
    refused_self_write,
)
from reliability import ICP, SWITCH_URL, revert_all, xmlid

CHANNELS = ("call_kw", "call_button", "jsonrpc", "xmlrpc")
SWITCHED_NO_IDENTITY = (
    r"While switched to an internal user, you cannot change the name or e-mail of "
    r"another user's contact\."
)
STOCK_VALUES = {
    "name": "Hostile Portal",
    "email": "hostile@example.com",
    "phone": "+33 1 00 00 00 00",
    "street": "1 rue de la Paix",
    "city": "Paris",
}

ATTACKS, attack = attack_registry()


@pytest.fixture(scope="module")
def world(live_server, test_db, client_factory_module):
    admin = client_factory_module().login("admin", "admin")
    cooldown = admin.call(ICP, "get_param", "base.login_cooldown_after")
    quota = admin.call(ICP, "get_param", "user_dynamic_management.max_portal_user")
    # failed logins are part of the catalogue: no lock-out of 127.0.0.1 meanwhile
    admin.call(ICP, "set_param", "base.login_cooldown_after", "0")
    world = build_world(admin, live_server, test_db)
    yield world
    revert_all(admin, [u["id"] for u in world["users"].values()])
    admin.call(ICP, "set_param", "base.login_cooldown_after", cooldown or False)
    admin.call(ICP, "set_param", "user_dynamic_management.max_portal_user", quota)
    admin.call(
        "portal.access.group",
        "unlink",
        [world["access_group"], world["nothing_group"]],
    )


@pytest.fixture(scope="module")
def client_factory_module(live_server, test_db):
    from conftest import OdooClient

    return lambda: OdooClient(live_server, test_db)


def _uid(w, name):
    return w["users"][name]["id"]


# ---------------------------------------------------------------------------
# The switch route
# ---------------------------------------------------------------------------


def _switch_post(w, actor, **data):
    web = w["actors"][actor].web
    return web.http.post(web.url + SWITCH_URL, data=data, allow_redirects=False)


def assert_csrf_refused(resp):
    """Odoo's 400 page (a website route shows the generic text, not the reason)."""
    assert resp.status_code == 400, resp.status_code
    assert "Oops! Something went wrong." in resp.text


def _my_message(w, actor):
    web = w["actors"][actor].web
    return re.sub(r"\s+", " ", web.http.get(web.url + "/my", timeout=60).text)


@attack("switch: POST without CSRF token")
def _(w):
    resp = _switch_post(w, "victim", password=w["users"]["victim"]["password"])
    assert_csrf_refused(resp)


@attack("switch: POST with a forged CSRF token")
def _(w):
    resp = _switch_post(
        w,
        "victim",
        csrf_token="0" * 40 + "o9999999999",
        password=w["users"]["victim"]["password"],
    )
    assert_csrf_refused(resp)


@attack("switch: POST with another session's CSRF token")
def _(w):
    token = w["actors"]["attacker"].web.csrf_token("/my")
    resp = _switch_post(
        w, "victim", csrf_token=token, password=w["users"]["victim"]["password"]
    )
    assert_csrf_refused(resp)


@attack("switch: POST without password")
def _(w):
    token = w["actors"]["victim"].web.csrf_token("/my")
    resp = _switch_post(w, "victim", csrf_token=token)
    assert resp.headers["Location"].endswith("/my")
    assert "Wrong password: you were not switched." in _my_message(w, "victim")


@attack("switch: POST with a wrong password")
def _(w):
    token = w["actors"]["victim"].web.csrf_token("/my")
    resp = _switch_post(w, "victim", csrf_token=token, password="guess-123")
    assert resp.headers["Location"].endswith("/my")
    assert "Wrong password: you were not switched." in _my_message(w, "victim")


@attack("switch: POST with another user's password")
def _(w):
    token = w["actors"]["victim"].web.csrf_token("/my")
    _switch_post(
        w, "victim", csrf_token=token, password=w["users"]["employee"]["password"]
    )
    assert "Wrong password: you were not switched." in _my_message(w, "victim")


@attack("switch: GET instead of POST")
def _(w):
    web = w["actors"]["victim"].web
    resp = web.http.get(web.url + SWITCH_URL, allow_redirects=False, timeout=60)
    assert resp.status_code == 405, resp.status_code


@attack("switch: portal user not allowed to switch")
def _(w):
    token = w["actors"]["attacker"].web.csrf_token("/my")
    _switch_post(
        w, "attacker", csrf_token=token, password=w["users"]["attacker"]["password"]
    )
    assert "You are not allowed to switch to an internal user." in _my_message(
        w, "attacker"
    )


@attack("switch: not-allowed user names an allowed user's id and login")
def _(w):
    token = w["actors"]["attacker"].web.csrf_token("/my")
    _switch_post(
        w,
        "attacker",
        csrf_token=token,
        password=w["users"]["attacker"]["password"],
        user_id=_uid(w, "victim"),
        uid=_uid(w, "victim"),
        login=w["users"]["victim"]["login"],
    )
    assert "You are not allowed to switch to an internal user." in _my_message(
        w, "attacker"
    )


@attack("switch: internal user presses the button")
def _(w):
    token = w["actors"]["employee"].web.csrf_token("/my")
    _switch_post(
        w, "employee", csrf_token=token, password=w["users"]["employee"]["password"]
    )
    assert "You are already an internal user." in _my_message(w, "employee")


@attack("switch: anonymous visitor")
def _(w):
    from conftest import OdooClient

    anonymous = OdooClient(w["url"], w["db"])
    token = anonymous.csrf_token("/web/login")
    resp = anonymous.http.post(
        anonymous.url + SWITCH_URL,
        data={"csrf_token": token, "password": "x"},
        allow_redirects=False,
        timeout=60,
    )
    assert resp.status_code in (302, 303) and "/web/login" in resp.headers["Location"]


# ---------------------------------------------------------------------------
# Templates never log in
# ---------------------------------------------------------------------------


@attack("template: log in with its login as password")
def _(w):
    from conftest import OdooClient, RpcError

    login = w["template"]["login"]
    with pytest.raises(RpcError, match="Access Denied|AccessDenied"):
        OdooClient(w["url"], w["db"]).login(login, login)


@attack("template: log in with an empty password")
def _(w):
    from conftest import OdooClient, RpcError

    with pytest.raises(RpcError, match="Access Denied|AccessDenied"):
        OdooClient(w["url"], w["db"]).login(w["template"]["login"], "")


@attack("template: XML-RPC authenticate")
def _(w):
    import xmlrpc.client

    common = xmlrpc.client.ServerProxy(f"{w['url']}/xmlrpc/2/common")
    login = w["template"]["login"]
    assert common.authenticate(w["db"], login, login, {}) is False


@attack("template: admin gives it a password")
def _(w):
    admin = w["admin"]
    with pytest.raises(Exception, match="cannot have a password"):
        admin.call("res.users", "write", [w["template"]["id"]], {"password": "pw-x1"})


@attack("template: admin activates it")
def _(w):
    with pytest.raises(Exception, match="stays archived"):
        w["admin"].call("res.users", "write", [w["template"]["id"]], {"active": True})


# ---------------------------------------------------------------------------
# Administration-equivalent templates (tried by the administrator himself)
# ---------------------------------------------------------------------------


def _template_refused(w, *groups):
    ids = [xmlid(w["admin"], *g.split(".")) for g in groups]
    with pytest.raises(Exception, match=r"[Aa]dministration") as error:
        w["admin"].call(
            "res.users",
            "create",
            {
                "name": "Hostile template",
                "login": "hostile-template",
                "is_access_right_template": True,
                "groups_id": [(6, 0, ids)],
            },
        )
    return error


@attack("admin template: Settings group")
def _(w):
    _template_refused(w, "base.group_user", "base.group_system")


@attack("admin template: Access Rights group")
def _(w):
    _template_refused(w, "base.group_user", "base.group_erp_manager")


@attack("admin template: existing template given Settings")
def _(w):
    group = xmlid(w["admin"], "base", "group_system")
    with pytest.raises(Exception, match=r"[Aa]dministration"):
        w["admin"].call(
            "res.users", "write", [w["template"]["id"]], {"groups_id": [(4, group)]}
        )


@attack("admin template: a custom group with write access on users")
def _(w):
    admin = w["admin"]
    model = admin.call("ir.model", "search", [("model", "=", "res.users")])[0]
    group = admin.call(
        "res.groups",
        "create",
        {
            "name": "Hostile user editors",
            "model_access": [
                (0, 0, {"name": "hostile", "model_id": model, "perm_read": True,
                        "perm_write": True})
            ],
        },
    )  # fmt: skip
    try:
        with pytest.raises(Exception, match=r"[Aa]dministration"):
            admin.call(
                "res.users",
                "create",
                {
                    "name": "Hostile template 2",
                    "login": "hostile-template-2",
                    "is_access_right_template": True,
                    "groups_id": [(6, 0, [xmlid(admin, "base", "group_user"), group])],
                },
            )
    finally:
        access = admin.call("ir.model.access", "search", [("group_id", "=", group)])
        admin.call("ir.model.access", "unlink", access)
        admin.call("res.groups", "unlink", [group])


@attack("admin template: employee creates a template")
def _(w):
    employee = w["actors"]["employee"]
    refused(
        employee,
        "call_kw",
        "res.users",
        "create",
        {"name": "Mine", "login": "mine-t", "is_access_right_template": True},
        pattern=r"not allowed to create|do not have enough rights",
    )


@attack("admin template: employee copies himself into a template")
def _(w):
    employee = w["actors"]["employee"]
    refused(
        employee,
        "call_button",
        "res.users",
        "action_create_access_right_template",
        [employee.uid],
        pattern=NO_ACCESS.format("create", r"res\.users"),
    )


# ---------------------------------------------------------------------------
# Private methods of the suite over every RPC channel
# ---------------------------------------------------------------------------

PRIVATE_CALLS = [
    ("res.users", "_udm_switch_to_internal", "victim"),
    ("res.users", "_udm_revert", "insider"),
    ("res.users", "_udm_check_switch_allowed", "victim"),
    ("res.users", "_udm_internal_groups", "victim"),
    ("res.users", "_access_right_template_effective", "victim"),
    ("portal.internal.switch", "_udm_register_activity", "insider"),
    ("portal.internal.switch", "_udm_revert", "insider"),
    ("portal.internal.switch", "_cron_revert_idle_switches", "insider"),
    ("portal.access.group", "_get_field_access", "victim"),
    ("res.users", "_portal_field_access", "attacker"),
]

for _model, _method, _actor in PRIVATE_CALLS:
    for _channel in ("call_kw", "xmlrpc") if _actor != "insider" else ("call_kw",):

        def _private(w, model=_model, method=_method, actor=_actor, ch=_channel):
            who = w["actors"][actor]
            refused(
                who,
                ch,
                model,
                method,
                [who.uid],
                pattern=PRIVATE.format(re.escape(method)),
            )

        attack(f"private {_model}.{_method} as {_actor} over {_channel}")(_private)


@attack("private method through call_button")
def _(w):
    who = w["actors"]["victim"]
    refused(
        who,
        "call_button",
        "res.users",
        "_udm_switch_to_internal",
        [who.uid],
        pattern=PRIVATE.format("_udm_switch_to_internal"),
    )


@attack("private method through /jsonrpc")
def _(w):
    who = w["actors"]["victim"]
    refused(
        who,
        "jsonrpc",
        "res.users",
        "_udm_switch_to_internal",
        [who.uid],
        pattern=PRIVATE.format("_udm_switch_to_internal"),
    )


# ---------------------------------------------------------------------------
# The suite's models: records of the switch, quota, Portal Access Groups
# ---------------------------------------------------------------------------


def _insider_switch_id(w):
    return w["admin"].call(
        "portal.internal.switch",
        "search",
        [("user_id", "=", _uid(w, "insider")), ("state", "=", "active")],
    )


@attack("switch records: insider reverts himself through the admin button")
def _(w):
    refused(
        w["actors"]["insider"],
        "call_button",
        "portal.internal.switch",
        "action_revert_now",
        _insider_switch_id(w),
        pattern=r"not allowed to access|Only Access Rights administrators",
    )


@attack("switch records: employee reverts someone else")
def _(w):
    refused(
        w["actors"]["employee"],
        "call_button",
        "portal.internal.switch",
        "action_revert_now",
        _insider_switch_id(w),
        pattern=r"not allowed to access|Only Access Rights administrators",
    )


@attack("switch records: insider moves his own deadline")
def _(w):
    refused(
        w["actors"]["insider"],
        "call_kw",
        "portal.internal.switch",
        "write",
        _insider_switch_id(w),
        {"deadline": "2099-01-01 00:00:00"},
        pattern=NO_ACCESS.format("modify", r"portal\.internal\.switch")
        + "|"
        + AUDIT_LOG,
    )


@attack("switch records: portal user reads them")
def _(w):
    refused(
        w["actors"]["attacker"],
        "call_kw",
        "portal.internal.switch",
        "search_read",
        [],
        ["user_id", "group_ids"],
        pattern=NO_ACCESS.format("access", r"portal\.internal\.switch"),
    )


@attack("switch records: portal user forges a closed switch")
def _(w):
    refused(
        w["actors"]["attacker"],
        "call_kw",
        "portal.internal.switch",
        "create",
        {"user_id": _uid(w, "attacker"), "start_date": "2020-01-01 00:00:00"},
        pattern=NO_ACCESS.format("create", r"portal\.internal\.switch")
        + "|"
        + AUDIT_LOG,
    )


@attack("switch records: insider deletes his switch")
def _(w):
    refused(
        w["actors"]["insider"],
        "call_kw",
        "portal.internal.switch",
        "unlink",
        _insider_switch_id(w),
        pattern=NO_ACCESS.format("delete", r"portal\.internal\.switch")
        + "|"
        + AUDIT_LOG,
    )


# The confirmation dialog of "Revert now" / "Revert and log out": only Access Rights
# administrators may open (create) one; nobody else reaches its "Confirm".
for _channel in ("call_kw", "jsonrpc", "xmlrpc"):
    for _actor in ("attacker", "insider", "employee"):

        def _revert_dialog(w, actor=_actor, ch=_channel):
            refused(
                w["actors"][actor],
                ch,
                "portal.internal.switch.revert",
                "create",
                {"switch_id": _insider_switch_id(w)[0], "log_out": True},
                pattern=NO_ACCESS.format("create", r"portal\.internal\.switch\.revert"),
            )

        attack(f"revert dialog: {_actor} opens one over {_channel}")(_revert_dialog)


@attack("quota: insider resets the quota row")
def _(w):
    refused(
        w["actors"]["insider"],
        "call_kw",
        "portal.internal.switch.quota",
        "write",
        [1],
        {"counter": 0},
        pattern=NO_ACCESS.format("modify", r"portal\.internal\.switch\.quota"),
    )


@attack("quota: insider raises M")
def _(w):
    refused(
        w["actors"]["insider"],
        "call_kw",
        ICP,
        "set_param",
        "user_dynamic_management.max_portal_user",
        "1000",
        pattern=NO_ACCESS.format(r"(access|modify)", r"ir\.config_parameter"),
    )


@attack("quota: employee switches the window off")
def _(w):
    refused(
        w["actors"]["employee"],
        "jsonrpc",
        ICP,
        "set_param",
        "user_dynamic_management.time_limit",
        "0",
        pattern=NO_ACCESS.format(r"(access|modify)", r"ir\.config_parameter"),
    )


@attack("access groups: portal user creates a group for all portal users")
def _(w):
    refused(
        w["actors"]["attacker"],
        "call_kw",
        "portal.access.group",
        "create",
        {"name": "mine", "all_portal_users": True},
        pattern=NO_ACCESS.format("create", r"portal\.access\.group"),
    )


@attack("access groups: portal user grants himself Write on a line")
def _(w):
    lines = w["admin"].call(
        "portal.access.group.line", "search", [("group_id", "=", w["access_group"])]
    )
    refused(
        w["actors"]["attacker"],
        "xmlrpc",
        "portal.access.group.line",
        "write",
        lines[:1],
        {"perm_write": True},
        pattern=NO_ACCESS.format("modify", r"portal\.access\.group\.line"),
    )


@attack("access groups: insider joins a group")
def _(w):
    refused(
        w["actors"]["insider"],
        "call_kw",
        "portal.access.group",
        "write",
        [w["access_group"]],
        {"user_ids": [(4, _uid(w, "insider"))]},
        pattern=NO_ACCESS.format("modify", r"portal\.access\.group"),
    )


@attack("access groups: employee deletes a group")
def _(w):
    refused(
        w["actors"]["employee"],
        "call_kw",
        "portal.access.group",
        "unlink",
        [w["access_group"]],
        pattern=NO_ACCESS.format("delete", r"portal\.access\.group"),
    )


# ---------------------------------------------------------------------------
# Managed res.users fields written on oneself, on every channel
# ---------------------------------------------------------------------------

SELF_WRITES = {
    "allow_portal_access_internal": True,
    "enable_idle_time": False,
    "idle_time": 100000,
    "allow_administration_rights": True,
}

for _field, _value in SELF_WRITES.items():
    for _channel in CHANNELS:
        for _actor in ("attacker", "insider"):
            if _actor == "insider" and _channel not in ("call_kw", "jsonrpc"):
                continue

            def _self_write(w, field=_field, value=_value, actor=_actor, ch=_channel):
                refused_self_write(w["actors"][actor], ch, {field: value})

            attack(f"self write {_field} as {_actor} over {_channel}")(_self_write)


@attack("self write: portal user picks a template")
def _(w):
    refused_self_write(
        w["actors"]["victim"], "call_kw", {"switch_template_id": w["template"]["id"]}
    )


@attack("self write: portal user makes themselves a template")
def _(w):
    refused_self_write(
        w["actors"]["attacker"], "call_kw", {"is_access_right_template": True}
    )


@attack("self write: portal user joins a Portal Access Group")
def _(w):
    who = w["actors"]["attacker"]
    refused(
        who,
        "call_kw",
        "res.users",
        "write",
        [who.uid],
        {"portal_access_group_ids": [(4, w["access_group"])]},
        pattern=NO_ACCESS.format("modify", r"res\.users"),
    )


@attack("self write: insider adds Settings to his groups")
def _(w):
    who = w["actors"]["insider"]
    refused(
        who,
        "call_kw",
        "res.users",
        "write",
        [who.uid],
        {"groups_id": [(4, xmlid(w["admin"], "base", "group_system"))]},
        pattern=NO_ACCESS.format("modify", r"res\.users")
        + "|"
        + FIELD_RIGHTS.format("groups_id"),
    )


@attack("self write: insider ticks Settings through the reified field")
def _(w):
    who = w["actors"]["insider"]
    system = xmlid(w["admin"], "base", "group_system")
    refused(
        who,
        "call_kw",
        "res.users",
        "write",
        [who.uid],
        {f"in_group_{system}": True},
        pattern=NO_ACCESS.format("modify", r"res\.users")
        + "|"
        + FIELD_RIGHTS.format("groups_id")
        + "|"
        + FIELD_RIGHTS.format(f"in_group_{system}"),
    )


@attack("other user: insider demotes the employee")
def _(w):
    who = w["actors"]["insider"]
    refused(
        who,
        "call_kw",
        "res.users",
        "write",
        [_uid(w, "employee")],
        {"groups_id": [(6, 0, [xmlid(w["admin"], "base", "group_portal")])]},
        pattern=NO_ACCESS.format("modify", r"res\.users")
        + "|"
        + FIELD_RIGHTS.format("groups_id")
        + "|"
        + SWITCHED_NO_USERS,
    )


@attack("other user: victim reads the attacker's switch flag")
def _(w):
    refused(
        w["actors"]["victim"],
        "call_kw",
        "res.users",
        "read",
        [_uid(w, "attacker")],
        ["allow_portal_access_internal"],
        pattern=FIELD_RIGHTS.format("allow_portal_access_internal")
        + "|"
        + NO_ACCESS.format("access", r"res\.users"),
    )


@attack("other user: insider allows the attacker to switch")
def _(w):
    refused(
        w["actors"]["insider"],
        "call_kw",
        "res.users",
        "write",
        [_uid(w, "attacker")],
        {"allow_portal_access_internal": True},
        pattern=NO_ACCESS.format("modify", r"res\.users")
        + "|"
        + FIELD_RIGHTS.format("allow_portal_access_internal")
        + "|"
        + SWITCHED_NO_USERS,
    )


@attack("other user: insider creates a user")
def _(w):
    refused(
        w["actors"]["insider"],
        "call_kw",
        "res.users",
        "create",
        {"name": "New", "login": "hostile-new"},
        pattern=NO_ACCESS.format("create", r"res\.users") + "|" + SWITCHED_NO_USERS,
    )


for _channel in CHANNELS:
    for _field, _value in (("email", "insider@example.com"), ("name", "Insider")):

        def _retarget(w, field=_field, value=_value, ch=_channel):
            victim = w["admin"].call(
                "res.users", "read", [_uid(w, "victim")], ["partner_id"]
            )[0]["partner_id"][0]
            refused(
                w["actors"]["insider"],
                ch,
                "res.partner",
                "write",
                [victim],
                {field: value},
                pattern=NO_ACCESS.format("modify", r"res\.partner")
                + "|"
                + SWITCHED_NO_IDENTITY,
            )

        attack(
            f"other user: insider sets the victim's contact {_field} over {_channel}"
        )(_retarget)

    def _password(w, ch=_channel):
        refused(
            w["actors"]["insider"],
            ch,
            "res.users",
            "write",
            [_uid(w, "victim")],
            {"password": "taken-over-123"},
            pattern=NO_ACCESS.format("modify", r"res\.users") + "|" + SWITCHED_NO_USERS,
        )

    attack(f"other user: insider sets the victim's password over {_channel}")(_password)


# ---------------------------------------------------------------------------
# Profile fields through the ORM (portal users write none of them there)
# ---------------------------------------------------------------------------


@attack("partner fields: SIRET through RPC")
def _(w):
    who = w["actors"]["attacker"]
    partner = w["admin"].call("res.users", "read", [who.uid], ["partner_id"])[0]
    refused(
        who,
        "call_kw",
        "res.partner",
        "write",
        [partner["partner_id"][0]],
        {"siret": "55210055400013"},
        pattern=r"You are not allowed to change: SIRET\. Nothing was saved\.",
    )


@attack("partner fields: first name through XML-RPC")
def _(w):
    who = w["actors"]["attacker"]
    partner = w["admin"].call("res.users", "read", [who.uid], ["partner_id"])[0]
    refused(
        who,
        "xmlrpc",
        "res.partner",
        "write",
        [partner["partner_id"][0]],
        {"firstname": "Forged"},
        pattern=NO_ACCESS.format("modify", r"res\.partner"),
    )


@attack("partner fields: last name through call_button")
def _(w):
    who = w["actors"]["attacker"]
    partner = w["admin"].call("res.users", "read", [who.uid], ["partner_id"])[0]
    refused(
        who,
        "call_button",
        "res.partner",
        "write",
        [partner["partner_id"][0]],
        {"lastname": "Forged"},
        pattern=NO_ACCESS.format("modify", r"res\.partner"),
    )


@attack("user fields: login through RPC")
def _(w):
    who = w["actors"]["attacker"]
    refused(
        who,
        "call_kw",
        "res.users",
        "write",
        [who.uid],
        {"login": "admin2"},
        pattern=r"You are not allowed to change: Login\. Nothing was saved\.",
    )


# ---------------------------------------------------------------------------
# My Account: every managed field without the right (attacker has no group)
# ---------------------------------------------------------------------------


def _account_post(w, actor, stock=True, **values):
    web = w["actors"][actor].web
    html = web.http.get(web.url + "/my/account", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {"csrf_token": token}
    if stock:
        country = xmlid(w["admin"], "base", "fr")
        data.update(STOCK_VALUES, zipcode="", country_id=country)
    data.update(values)
    resp = web.http.post(
        web.url + "/my/account", data=data, allow_redirects=False, timeout=60
    )
    return resp.status_code, re.sub(r"\s+", " ", resp.text)


FORBIDDEN_FIELDS = {
    "Login": {"login": "hostile-forged"},
    "Password": {
        "old_password": "x",
        "new_password": "pw-forged-1",
        "confirm_password": "pw-forged-1",
    },
    "First Name": {"firstname": "Forged"},
    "Last Name": {"lastname": "Forged"},
    "Language": {"lang": "fr_FR"},
    "Email": {"email": "forged@example.com"},
    "Street": {"street": "Forged street"},
    "Street 2": {"street2": "Forged"},
    "SIRET": {"siret": "55210055400013"},
}

for _label, _values in FORBIDDEN_FIELDS.items():

    def _forbidden(w, label=_label, values=_values):
        status, page = _account_post(w, "nobody", stock=False, **values)
        assert status == 200
        assert f"You are not allowed to change: {label}. Nothing was saved." in page

    attack(f"my account without the right: {_label}")(_forbidden)


@attack("First name without the right, through the stock Name field of My Account")
def _name_field(w):
    status, page = _account_post(w, "nobody", stock=False, name="Forged Name")
    assert status == 200 and "not allowed to change: First Name" in page


@attack("Password without the right, through RPC change_password")
def _password_rpc(w):
    who = w["actors"]["nobody"]
    refused(
        who,
        "call_kw",
        "res.users",
        "change_password",
        who.user["password"],
        "pw-forged-12345",
        pattern=r"not allowed to change: Password",
    )


@attack("Password without the right, through portal's /my/security page")
def _password_security_page(w):
    web = w["actors"]["nobody"].web
    html = web.http.get(web.url + "/my/security", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    resp = web.http.post(
        web.url + "/my/security",
        data={
            "csrf_token": token,
            "op": "password",
            "old": w["users"]["nobody"]["password"],
            "new1": "pw-forged-12345",
            "new2": "pw-forged-12345",
        },
        timeout=60,
    )
    assert "not allowed to change: Password" in resp.text


# ---------------------------------------------------------------------------
# My Account with Write on everything: collisions, oversized and HTML values
# ---------------------------------------------------------------------------


def _victim_refused(w, message, **values):
    status, page = _account_post(w, "victim", **values)
    assert status == 200 and message in page, re.findall(r"alert-danger.{0,300}", page)


@attack("login collision: another user's login")
def _(w):
    login = w["users"]["attacker"]["login"]
    _victim_refused(w, f"The login {login} is already taken", login=login)


@attack("login collision: another user's login in capitals")
def _(w):
    login = w["users"]["attacker"]["login"].upper()
    _victim_refused(w, f"The login {login} is already taken", login=login)


@attack("login collision: a template's login (archived user)")
def _(w):
    login = w["template"]["login"]
    _victim_refused(w, f"The login {login} is already taken", login=login)


@attack("login collision: admin with spaces around")
def _(w):
    _victim_refused(w, "The login admin is already taken", login="  admin ")


@attack("login: empty")
def _(w):
    _victim_refused(w, "The login cannot be empty.", login="   ")


@attack("oversized: login")
def _(w):
    _victim_refused(w, "Login is too long (254 characters at most).", login="a" * 300)


@attack("oversized: first name")
def _(w):
    _victim_refused(
        w, "First Name is too long (128 characters at most).", firstname="F" * 100000
    )


@attack("oversized: street 2")
def _(w):
    _victim_refused(
        w, "Street 2 is too long (128 characters at most).", street2="S" * 5000
    )


@attack("oversized: password")
def _(w):
    big = "p" * 5000
    _victim_refused(
        w,
        "Password is too long (512 characters at most).",
        old_password=w["users"]["victim"]["password"],
        new_password=big,
        confirm_password=big,
    )


@attack("HTML: SIRET")
def _(w):
    _victim_refused(
        w,
        "The SIRET number &lt;script&gt;alert(1)&lt;/script&gt; is not valid.",
        siret="<script>alert(1)</script>",
    )


@attack("HTML: language")
def _(w):
    _victim_refused(
        w, "The language &lt;b&gt;x&lt;/b&gt; is not available.", lang="<b>x</b>"
    )


@attack("oversized: language")
def _(w):
    _victim_refused(
        w,
        "Language is too long (16 characters at most).",
        lang="<img src=x onerror=alert(1)>",
    )


@attack("Language without the right, through RPC (res.users is self-writeable)")
def _(w):
    who = w["actors"]["attacker"]
    refused(
        who,
        "call_kw",
        "res.users",
        "write",
        [who.uid],
        {"lang": False},
        pattern=r"You are not allowed to change: Language\. Nothing was saved\.",
    )


@attack("password: wrong current password")
def _(w):
    _victim_refused(
        w,
        "The current password you provided is incorrect",
        old_password="not-it",
        new_password="pw-new-12345",
        confirm_password="pw-new-12345",
    )


@attack("password: confirmation differs")
def _(w):
    _victim_refused(
        w,
        "The new password and its confirmation must be identical.",
        old_password=w["users"]["victim"]["password"],
        new_password="pw-new-12345",
        confirm_password="pw-new-54321",
    )


@attack("names: first and last name both emptied")
def _(w):
    _victim_refused(
        w, "Please enter a first name or a last name.", firstname=" ", lastname=""
    )


@attack("oversized and forbidden together: nothing saved")
def _(w):
    status, page = _account_post(
        w, "attacker", street2="S" * 5000, siret="<b>1</b>", login="admin"
    )
    assert status == 200
    assert "You are not allowed to change: " in page and "Nothing was saved." in page


# ---------------------------------------------------------------------------


def test_catalogue_is_large_enough():
    assert len(ATTACKS) >= 60, len(ATTACKS)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_refused(world, test_db, name):
    assert_attack_changes_nothing(ATTACKS[name], world, test_db)
