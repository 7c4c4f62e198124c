"""Hostile catalogue of internal access as people plan it: extensions of a running
switch, the two-factor step-up, switch windows and planned access, the fairness
limits. Against the real server (two workers; a second process for the races), each
attack refused with its message, every security-relevant row compared before and
after (switch records with their end, extensions and how the user confirmed who they
were, groups, policies, windows, planned access, Full User Requests, parameters).

Channels: the portal forms (POST with the CSRF token), the extend route, the web
client's JSON-RPC (the session), /jsonrpc and XML-RPC with the password and with an
API key the user minted before the attack.

Actors (created once; Settings: password and, once the world is built, two-factor
code required at the switch; the company in UTC):

- `attacker`: a portal user not allowed to switch;
- `extender`: switched with template Ext (60 min at most, 30 min of extension in
  all, 30 at a time), and already extended by the 30 minutes: nothing left;
- `victim`: switched with Ext, not extended yet (30 min left to extend);
- `noext`: switched with template Zero (no extension at all);
- `ended`: switched with Ext, then back to portal;
- `totp`, `chooser`: allowed with Ext, two-factor authentication enabled;
- `nototp`: allowed with Ext, without two-factor authentication;
- `wuser`: allowed with template Win, two-factor authentication; Win's windows are
  open now in UTC+12 and closed now in UTC (the company's timezone);
- `cooled`: allowed with template Cool (60 min cooldown), switched then back to
  portal at the start: cooling down.

After the catalogue: Odoo's rate limit on wrong codes at the switch; controls (the
same forms let people in when they may, so the refusals above are the controls'
doing); races over two processes of two workers each: the same user pressing in
eight browsers at once (switches per day, one Full User Request at a time, the
extension bound, /my reloaded after a revert) and twelve users for three seats of a
template. Every race: exactly the allowed number succeed, the others are told why,
no HTTP 500 and no ERROR line in either log.
"""

import html
import os
import re
import uuid
from datetime import datetime, time, timedelta, timezone

import pytest
from conftest import OdooClient, RpcError
from hostile import (
    ACCESS_DENIED,
    AUDIT_LOG,
    FIELD_RIGHTS,
    NO_ACCESS,
    PRIVATE,
    SWITCHED_NO_USERS,
    USERS_WRITE,
    Actor,
    assert_attack_changes_nothing,
    attack_registry,
    changed_tables,
    enable_totp,
    mint_api_key,
    refused,
    refused_self_write,
    snapshot,
    totp_code,
    totp_login,
)
from odoo_process import log_errors
from reliability import (
    ICP,
    PARAM_MAX,
    SWITCH_URL,
    csrf_tokens,
    login_all,
    make_portal_users,
    page_message,
    post_switch,
    revert_all,
    simultaneously,
    xmlid,
)

EXTEND_URL = "/user_dynamic_management/extend"
BACK_URL = "/user_dynamic_management/back_to_portal"
REQUEST_URL = "/my/switch_request"
PARAM_TOTP = "user_dynamic_management.require_totp"
PARAM_COOLDOWN = "base.login_cooldown_after"
PARAM_CONFIRM = "user_dynamic_management.confirm_password"
# the web client's JSON-RPC, then the external API with the password and with a key
CHANNELS = ("call_kw", "jsonrpc", "xmlrpc", "jsonrpc+key", "xmlrpc+key")
PASSWORD_CHANNELS = ("jsonrpc", "xmlrpc")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# the secret of somebody else's authenticator
OTHER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
USER_TZ = "Etc/GMT-12"  # UTC+12 (POSIX signs are inverted)
RACE_PRESSES = 8

PARAMS = {
    # wrong codes and passwords are part of the catalogue: no lock-out of 127.0.0.1
    # (but in the rate limit's own test)
    PARAM_COOLDOWN: "0",
    PARAM_MAX: "0",
    "user_dynamic_management.max_seats": "0",
    PARAM_CONFIRM: "True",
    # on once the world is built (its users switch first)
    PARAM_TOTP: "False",
    "user_dynamic_management.require_approval": "False",
    "user_dynamic_management.require_reason": "False",
    # the actors mint API keys for the "+key" channels
    "portal.allow_api_keys": "True",
}

NO_EXTENSION_LEFT = (
    "No extension left: your internal access was already extended by 30 min, the "
    "most allowed."
)
NOTHING_TO_EXTEND = "You have no internal access to extend."
NOT_EXTENDABLE = "Your internal access cannot be extended."
TYPE_CODE = "Please type the 6-digit code of your authenticator app."
WRONG_CODE = "Verification failed, please double-check the 6-digit code"
NEEDS_TOTP = (
    "Switching needs two-factor authentication: enable it on your Security page "
    "(My Account > Security), then switch."
)
WRONG_PASSWORD = "Wrong password: you were not switched."
TOO_MANY = "Too many login failures, please wait a bit before trying again."
COOLING = "Your last switch ended less than 60 min ago. You can switch again in"
PER_DAY = "You have switched 1 times today, the most allowed per day."
ONE_REQUEST = "You already have a request waiting or approved."
REQUEST_SENT = "Your request was sent. You can switch once it is approved."
SWITCH_WRITE = NO_ACCESS.format("modify", r"portal\.internal\.switch") + "|" + AUDIT_LOG

ATTACKS, attack = attack_registry()


# ---------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------


def _windows_open_in_utc_plus_12():
    """Weekly windows (hours of the company's day) that cover the next 3 hours read
    in UTC+12, and lie 11 to 16 hours ahead read in UTC: a user who could pick the
    timezone windows are read in would be let in now."""
    there = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=12)
    start = there.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    end = start + timedelta(hours=5)
    windows, day = [], start.date()
    while datetime.combine(day, time.min) < end:
        midnight = datetime.combine(day, time.min)
        low = max(start, midnight)
        high = min(end, midnight + timedelta(days=1))
        windows.append(
            {
                "weekday": str(day.weekday()),
                "hour_from": (low - midnight).total_seconds() / 3600,
                "hour_to": (high - midnight).total_seconds() / 3600,
            }
        )
        day += timedelta(days=1)
    return windows


def _template(admin, label, **policy):
    """An access right template giving Internal User, with the policy `policy`."""
    suffix = uuid.uuid4().hex[:6]
    template_id = admin.call(
        "res.users",
        "create",
        {
            "name": f"Timebox {label} {suffix}",
            "login": f"timebox-{label.lower()}-{suffix}",
            "is_access_right_template": True,
            "groups_id": [(6, 0, [xmlid(admin, "base", "group_user")])],
            **policy,
        },
    )
    (template,) = admin.call(
        "res.users",
        "read",
        [template_id],
        ["name"],
        context={"active_test": False},
    )
    return template


def _company_partner(admin):
    (user,) = admin.call("res.users", "read", [admin.uid], ["company_id"])
    (company,) = admin.call(
        "res.company", "read", [user["company_id"][0]], ["partner_id"]
    )
    return company["partner_id"][0]


def _set_company_tz(admin, tz):
    admin.call("res.partner", "write", [_company_partner(admin)], {"tz": tz})


def _switch_now(actor, **data):
    """`actor` switches on /my as a person does; asserts it worked."""
    web = actor.web
    resp = post_switch(web, web.csrf_token("/my"), actor.user["password"], **data)
    assert resp.headers["Location"].endswith("/web"), _my_message(actor)


def _my_message(actor):
    """The /my page of `actor`, as text (the refusal of their last form is on it)."""
    return html.unescape(page_message(actor.web))


def _build(admin, url, db, world):
    """The catalogue's world (see the module's docstring); its users are in
    world["users"] as soon as they exist, for the teardown."""
    ext = _template(
        admin,
        "Ext",
        udm_max_duration=60,
        udm_max_extension=30,
        udm_extension_step=30,
    )
    zero = _template(admin, "Zero", udm_max_duration=60, udm_max_extension=0)
    win = _template(
        admin,
        "Win",
        udm_max_duration=60,
        udm_window_ids=[(0, 0, w) for w in _windows_open_in_utc_plus_12()],
    )
    cool = _template(admin, "Cool", udm_max_duration=60, udm_cooldown=60)
    (attacker,) = make_portal_users(admin, db, 1, "timebox-attacker", allow=False)
    names = ("extender", "victim", "noext", "ended", "totp", "nototp", "chooser")
    names += ("wuser", "cooled")
    users = world["users"]
    users["attacker"] = attacker
    users.update(
        zip(
            names,
            make_portal_users(admin, db, len(names), "timebox", idle_minutes=0),
            strict=True,
        )
    )
    templates = {"noext": zero, "wuser": win, "cooled": cool}
    for name in names:
        template = templates.get(name, ext)
        admin.call(
            "res.users",
            "write",
            [users[name]["id"]],
            {"switch_template_id": template["id"]},
        )
    with_totp = ("totp", "chooser", "wuser", "cooled")
    enable_totp(db, [users[name]["id"] for name in with_totp], SECRET)
    actors = {}
    for name, user in users.items():
        web = (
            totp_login(OdooClient(url, db), user, SECRET) if name in with_totp else None
        )
        actors[name] = Actor(url, db, user, web=web)
        user["api_key"] = mint_api_key(actors[name].web, user["password"])
    for name in ("extender", "victim", "noext", "ended", "cooled"):
        _switch_now(actors[name])
    for name in ("ended", "cooled"):
        actors[name].web.jsonrpc(BACK_URL)
    extended = actors["extender"].web.jsonrpc(EXTEND_URL)
    assert (extended["extended"], extended["minutes"]) == (True, 30), extended
    admin.call(ICP, "set_param", PARAM_TOTP, "True")
    switches = admin.call(
        "portal.internal.switch",
        "search_read",
        [
            ("user_id", "in", [u["id"] for u in users.values()]),
            ("state", "=", "active"),
        ],
        ["user_id"],
    )
    world.update(
        admin=admin,
        url=url,
        db=db,
        templates={"ext": ext, "zero": zero, "win": win, "cool": cool},
        actors=actors,
        switch={s["user_id"][0]: s["id"] for s in switches},
        with_totp=set(with_totp),
    )
    return world


@pytest.fixture(scope="module")
def tw(live_server, test_db):
    admin = OdooClient(live_server, test_db).login("admin", "admin")
    saved = {key: admin.call(ICP, "get_param", key) for key in PARAMS}
    (partner,) = admin.call("res.partner", "read", [_company_partner(admin)], ["tz"])
    world = {"users": {}}
    try:
        for key, value in PARAMS.items():
            admin.call(ICP, "set_param", key, value)
        _set_company_tz(admin, "UTC")
        world = _build(admin, live_server, test_db, world)
        yield world
    finally:
        _set_company_tz(admin, partner["tz"])
        for key, value in saved.items():
            admin.call(ICP, "set_param", key, value or False)
        revert_all(admin, [u["id"] for u in world["users"].values()])


def _actor(w, name):
    return w["actors"][name]


def _uid(w, name):
    return w["users"][name]["id"]


def _refused_as(w, name, channel, model, method, *args, pattern, **kwargs):
    """`name` calls model.method over `channel`: refused with `pattern`, or with
    Access Denied where Odoo takes no password (a user with two-factor
    authentication, over /jsonrpc or XML-RPC with the password)."""
    if name in w["with_totp"] and channel in PASSWORD_CHANNELS:
        pattern = ACCESS_DENIED
    return refused(
        _actor(w, name), channel, model, method, *args, pattern=pattern, **kwargs
    )


def _self_write_refused_as(w, name, channel, values):
    """`name` writes `values` (one field) on their own user over `channel`:
    refused as `refused_self_write` says, or with Access Denied as `_refused_as`
    says."""
    if name in w["with_totp"] and channel in PASSWORD_CHANNELS:
        return _refused_as(
            w, name, channel, "res.users", "write", [_uid(w, name)], values,
            pattern=ACCESS_DENIED,
        )  # fmt: skip
    return refused_self_write(_actor(w, name), channel, values)


def _code_not_valid_now(secret):
    """A 6-digit code that no step of `secret` accepted now matches."""
    valid = {totp_code(secret, offset) for offset in (-1, 0, 1)}
    return next(
        code for code in (f"{n:06d}" for n in range(123456, 999999, 7919))
        if code not in valid
    )  # fmt: skip


def _switch_refused(w, name, message, password=None, **data):
    """`name` posts the switch form (CSRF token, password) with `data`: back on /my,
    told `message`, not switched."""
    actor = _actor(w, name)
    web = actor.web
    resp = post_switch(
        web,
        web.csrf_token("/my"),
        actor.user["password"] if password is None else password,
        **data,
    )
    assert resp.status_code == 303, resp.status_code
    assert resp.headers["Location"].endswith("/my"), resp.headers["Location"]
    page = _my_message(actor)
    assert message in page, re.findall(r"alert-danger.{0,300}", page)


def _extend_refused(actor, message, **params):
    """`actor` presses "Extend" (the extend route, `params` forged in the body):
    refused with `message`."""
    result = actor.web.jsonrpc(EXTEND_URL, params)
    assert result["extended"] is False, result
    assert result["message"].startswith(message), result["message"]
    return result


# ---------------------------------------------------------------------------
# Extensions: the extend route
# ---------------------------------------------------------------------------


@attack("extend: past the total maximum")
def _(w):
    result = _extend_refused(_actor(w, "extender"), NO_EXTENSION_LEFT)
    # and says when the access ends
    assert re.search(r"It ends at .+ \(.+ left\)\.$", result["message"]), result


FORGED_MINUTES = {
    "negative": -30,
    "zero": 0,
    "huge": 10**12,
    "non-integer": "thirty",
    "fraction": 2.5,
    "list": [30, 30],
}

for _label, _value in FORGED_MINUTES.items():

    def _forged(w, value=_value):
        _extend_refused(
            _actor(w, "extender"),
            NO_EXTENSION_LEFT,
            minutes=value,
            step=value,
            extended_minutes=-(10**6),
            max_extension=10**6,
        )

    attack(f"extend: past the maximum with forged {_label} minutes")(_forged)


# who forges another user's switch in the extend route: (label, actor, refusal,
# whether the body also forges the victim's uid in a context)
FORGED_VICTIM = (
    ("a portal user", "attacker", NOTHING_TO_EXTEND, False),
    ("a switched user with none left", "extender", NO_EXTENSION_LEFT, True),
)
for _label, _who, _message, _context in FORGED_VICTIM:

    def _forged_victim(w, _who=_who, _message=_message, _context=_context):
        victim = _uid(w, "victim")
        forged = {"switch_id": w["switch"][victim], "uid": victim, "user_id": victim}
        if _context:
            forged["context"] = {"uid": victim}
        _extend_refused(_actor(w, _who), _message, **forged)

    attack(f"extend: another user's switch, by {_label}")(_forged_victim)


@attack("extend: an ended switch")
def _(w):
    _extend_refused(_actor(w, "ended"), NOTHING_TO_EXTEND)


@attack("extend: a template that allows no extension")
def _(w):
    _extend_refused(_actor(w, "noext"), NOT_EXTENDABLE, minutes=30)


@attack("extend: a template that allows no extension, the victim's switch named")
def _(w):
    victim = _uid(w, "victim")
    _extend_refused(_actor(w, "noext"), NOT_EXTENDABLE, switch_id=w["switch"][victim])


@attack("extend: GET instead of POST")
def _(w):
    web = _actor(w, "victim").web
    resp = web.http.get(web.url + EXTEND_URL, allow_redirects=False, timeout=60)
    assert resp.status_code == 405, resp.status_code


@attack("extend: anonymous visitor")
def _(w):
    with pytest.raises(RpcError, match="Session expired"):
        OdooClient(w["url"], w["db"]).jsonrpc(EXTEND_URL, {"minutes": 30})


# ---------------------------------------------------------------------------
# Extensions over RPC: the model's method, the switch's fields, the policy
# ---------------------------------------------------------------------------

SWITCH_FIELDS = {
    "end_deadline": "2099-01-01 00:00:00",
    "extended_minutes": 0,
    "max_duration": 100000,
    "auth_method": "password_totp",
}

for _channel in CHANNELS:

    def _extend_method(w, ch=_channel):
        # the victim's uid: whoever calls, the method extends nobody over RPC
        refused(
            _actor(w, "extender"),
            ch,
            "portal.internal.switch",
            "_udm_extend",
            _uid(w, "victim"),
            pattern=PRIVATE.format("_udm_extend"),
        )

    attack(f"extend: the model's method as the switched user over {_channel}")(
        _extend_method
    )

    def _offer_method(w, ch=_channel):
        own = w["switch"][_uid(w, "extender")]
        refused(
            _actor(w, "extender"),
            ch,
            "portal.internal.switch",
            "_udm_extension_offer",
            [own],
            "2099-01-01 00:00:00",
            pattern=PRIVATE.format("_udm_extension_offer"),
        )

    attack(f"extend: the offer method with a forged clock over {_channel}")(
        _offer_method
    )

    def _portal_extend(w, ch=_channel):
        refused(
            _actor(w, "attacker"),
            ch,
            "portal.internal.switch",
            "_udm_extend",
            _uid(w, "victim"),
            pattern=PRIVATE.format("_udm_extend"),
        )

    attack(f"extend: a portal user calls the model's method over {_channel}")(
        _portal_extend
    )

    for _field, _value in SWITCH_FIELDS.items():

        def _write_switch(w, ch=_channel, field=_field, value=_value):
            refused(
                _actor(w, "extender"),
                ch,
                "portal.internal.switch",
                "write",
                [w["switch"][_uid(w, "extender")]],
                {field: value},
                pattern=SWITCH_WRITE,
            )

        attack(f"extend: the switched user writes {_field} over {_channel}")(
            _write_switch
        )

    for _field in ("udm_max_extension", "udm_extension_step"):

        def _own_policy(w, ch=_channel, field=_field):
            refused_self_write(_actor(w, "extender"), ch, {field: 100000})

        attack(f"extend: the switched user raises their own {_field} over {_channel}")(
            _own_policy
        )

    def _template_policy(w, ch=_channel):
        refused(
            _actor(w, "extender"),
            ch,
            "res.users",
            "write",
            [w["templates"]["ext"]["id"]],
            {"udm_max_extension": 100000},
            pattern=USERS_WRITE
            + "|"
            + SWITCHED_NO_USERS
            + "|"
            + FIELD_RIGHTS.format("udm_max_extension"),
        )

    attack(f"extend: the switched user raises the template's bound over {_channel}")(
        _template_policy
    )


# ---------------------------------------------------------------------------
# The duration chosen at the switch, and in a Full User Request (portal forms)
# ---------------------------------------------------------------------------

AT_LEAST_ONE = "The duration must be at least 1 minute."
AT_MOST = "Internal access lasts 60 min at most: choose a shorter duration."
WHOLE = "The duration must be a whole number of minutes."
DURATIONS = {
    "negative": ("-5", AT_LEAST_ONE),
    "zero (no end) under a maximum": ("0", AT_LEAST_ONE),
    "over the maximum": ("61", AT_MOST),
    "huge": ("9" * 40, AT_MOST),
    "fraction": ("2.5", WHOLE),
    "text": ("abc", WHOLE),
    "exponent": ("1e3", WHOLE),
}

for _label, (_duration, _message) in DURATIONS.items():

    def _duration_attack(w, duration=_duration, message=_message):
        _switch_refused(
            w, "chooser", message, duration=duration, totp_code=totp_code(SECRET)
        )

    attack(f"duration at the switch: {_label}")(_duration_attack)

REQUEST_DURATIONS = {
    "negative": ("-5", "The wanted duration cannot be negative."),
    "over the maximum": (
        "61",
        "You can ask for at most 60 minutes of internal access.",
    ),
    "huge": (
        "9" * 40,
        "The wanted duration is too long (0 asks for as long as allowed).",
    ),
    "text": ("abc", "The wanted duration must be a number."),
}

for _label, (_duration, _message) in REQUEST_DURATIONS.items():

    def _request_attack(w, duration=_duration, message=_message):
        actor = _actor(w, "chooser")
        web = actor.web
        resp = web.http.post(
            web.url + REQUEST_URL,
            data={"csrf_token": web.csrf_token("/my"), "duration": duration},
            allow_redirects=False,
            timeout=60,
        )
        assert resp.headers["Location"].endswith("/my"), resp.status_code
        assert message in _my_message(actor)

    attack(f"duration in a Full User Request: {_label}")(_request_attack)


# ---------------------------------------------------------------------------
# Two-factor step-up: the portal form
# ---------------------------------------------------------------------------

CODE_ATTACKS = {
    "password only, no code step": (TYPE_CODE, {}),
    "empty code": (TYPE_CODE, {"totp_code": ""}),
    "blank code": (TYPE_CODE, {"totp_code": "   "}),
    "letters": (TYPE_CODE, {"totp_code": "abcdef"}),
    "overlong code": (TYPE_CODE, {"totp_code": "1" * 11}),
    "code under the login form's field name": (TYPE_CODE, {"totp_token": "now"}),
    "forged auth_method, no code": (
        TYPE_CODE,
        {"auth_method": "password_totp", "udm_ask_totp": "0"},
    ),
    "wrong code": (WRONG_CODE, {"totp_code": "wrong"}),
    "old code (90 s ago)": (WRONG_CODE, {"totp_code": "old"}),
    "code of 90 s ahead": (WRONG_CODE, {"totp_code": "ahead"}),
    "another authenticator's code": (WRONG_CODE, {"totp_code": "other"}),
    # a form field sent twice: only the first value counts, one try per request
    "a wrong code, then the right one in the same request": (
        WRONG_CODE,
        {"totp_code": ["wrong", "now"]},
    ),
}


def _code(kind):
    return {
        "now": lambda: totp_code(SECRET),
        "wrong": lambda: _code_not_valid_now(SECRET),
        "old": lambda: totp_code(SECRET, -3),
        "ahead": lambda: totp_code(SECRET, 3),
        "other": lambda: totp_code(OTHER_SECRET),
    }.get(kind, lambda: kind)()


for _label, (_message, _data) in CODE_ATTACKS.items():

    def _code_attack(w, message=_message, data=_data):
        values = {
            key: [_code(v) for v in value] if isinstance(value, list) else _code(value)
            for key, value in data.items()
        }
        _switch_refused(w, "totp", message, **values)

    attack(f"two-factor: {_label}")(_code_attack)


@attack("two-factor: right code, wrong password")
def _(w):
    _switch_refused(
        w, "totp", WRONG_PASSWORD, password="guess-123", totp_code=totp_code(SECRET)
    )


@attack("two-factor: right code without the CSRF token")
def _(w):
    actor = _actor(w, "totp")
    resp = actor.web.http.post(
        actor.web.url + SWITCH_URL,
        data={"password": actor.user["password"], "totp_code": totp_code(SECRET)},
        allow_redirects=False,
        timeout=60,
    )
    assert resp.status_code == 400, resp.status_code


@attack("two-factor: the password accepted, the login's code step skipped")
def _(w):
    user = w["users"]["totp"]
    web = OdooClient(w["url"], w["db"])
    resp = web.http.post(
        web.url + "/web/login",
        data={
            "login": user["login"],
            "password": user["password"],
            "csrf_token": web.csrf_token("/web/login"),
        },
        allow_redirects=False,
        timeout=60,
    )
    assert "/web/login/totp" in resp.headers["Location"]
    # half logged in: the switch route and JSON-RPC treat the session as anonymous
    resp = post_switch(web, web.csrf_token("/web/login/totp"), user["password"])
    assert resp.status_code == 303 and "/web/login" in resp.headers["Location"]
    with pytest.raises(RpcError, match="Session expired"):
        web.call("res.users", "_udm_switch_to_internal", [user["id"]])


@attack("two-factor: a user without it, password and a code")
def _(w):
    _switch_refused(w, "nototp", NEEDS_TOTP, totp_code=totp_code(SECRET))


@attack("two-factor: a user without it, password only")
def _(w):
    _switch_refused(w, "nototp", NEEDS_TOTP)


# ---------------------------------------------------------------------------
# Two-factor step-up: the switching methods over every RPC channel
# ---------------------------------------------------------------------------

PRIVATE_SWITCHING = (
    ("res.users", "_udm_switch_to_internal", {"auth_method": "password_totp"}),
    ("res.users", "_udm_clean_second_factor", {}),
    ("res.users", "_totp_try_setting", {}),
    ("portal.internal.switch", "_udm_open", {"auth_method": "totp"}),
)

for _channel in CHANNELS:
    for _name in ("totp", "nototp"):
        for _model, _method, _kwargs in PRIVATE_SWITCHING:

            def _private(w, ch=_channel, name=_name, model=_model, method=_method,
                         kwargs=_kwargs):  # fmt: skip
                _refused_as(
                    w,
                    name,
                    ch,
                    model,
                    method,
                    [_uid(w, name)],
                    pattern=PRIVATE.format(re.escape(method)),
                    **kwargs,
                )

            attack(f"two-factor: {_name} calls {_model}.{_method} over {_channel}")(
                _private
            )

        def _forged_switch(w, ch=_channel, name=_name):
            _refused_as(
                w,
                name,
                ch,
                "portal.internal.switch",
                "create",
                {"user_id": _uid(w, name), "auth_method": "password_totp"},
                pattern=NO_ACCESS.format("create", r"portal\.internal\.switch")
                + "|"
                + AUDIT_LOG,
            )

        attack(f"two-factor: {_name} forges a switch record over {_channel}")(
            _forged_switch
        )

        def _own_secret(w, ch=_channel, name=_name):
            # without the step-up: a secret of their choosing, or none
            _self_write_refused_as(
                w,
                name,
                ch,
                {"totp_secret": OTHER_SECRET if name == "nototp" else False},
            )

        attack(f"two-factor: {_name} writes their own secret over {_channel}")(
            _own_secret
        )


# ---------------------------------------------------------------------------
# Windows: judged in the company's timezone; windows and planned access are the
# administrators'
# ---------------------------------------------------------------------------


def _window_refused(w):
    name = w["templates"]["win"]["name"]
    _switch_refused(
        w,
        "wuser",
        f"Internal access with {name} is open at set times only. The next window "
        "opens at",
        totp_code=totp_code(SECRET),
    )


for _channel in CHANNELS:

    def _own_tz(w, ch=_channel):
        who = _actor(w, "wuser")
        if ch in PASSWORD_CHANNELS:
            # no password over RPC with two-factor authentication: not even that
            _refused_as(w, "wuser", ch, "res.users", "write", [who.uid],
                        {"tz": USER_TZ}, pattern=ACCESS_DENIED)  # fmt: skip
            w["admin"].call("res.users", "write", [who.uid], {"tz": USER_TZ})
        else:
            # allowed: a user chooses their own timezone...
            assert who.rpc(ch, "res.users", "write", [who.uid], {"tz": USER_TZ})
        (me,) = w["admin"].call("res.users", "read", [who.uid], ["tz"])
        assert me["tz"] == USER_TZ
        # ...never the one windows are read in
        _window_refused(w)

    attack(f"windows: the user moves into a window by their timezone over {_channel}")(
        _own_tz
    )


@attack("windows: the user writes the timezone on their contact instead")
def _(w):
    (me,) = w["admin"].call("res.users", "read", [_uid(w, "wuser")], ["partner_id"])
    # a portal user writes their contact through their user only
    _refused_as(
        w,
        "wuser",
        "call_kw",
        "res.partner",
        "write",
        [me["partner_id"][0]],
        {"tz": USER_TZ},
        pattern=NO_ACCESS.format("modify", r"res\.partner"),
    )
    _window_refused(w)


@attack("windows: the browser's timezone cookie")
def _(w):
    web = _actor(w, "wuser").web
    web.http.cookies.set("tz", USER_TZ)
    try:
        _window_refused(w)
    finally:
        del web.http.cookies["tz"]


def _grant_values(uid):
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return {
        "user_id": uid,
        "date_start": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "date_end": (now + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S"),
    }


def _a_window(w):
    return w["admin"].call(
        "portal.internal.switch.window",
        "search",
        [("template_id", "=", w["templates"]["win"]["id"])],
        limit=1,
    )


WINDOW_WRITES = {
    "creates a window": lambda w: (
        "create",
        [{"template_id": w["templates"]["win"]["id"], "weekday": "0",
          "hour_from": 0, "hour_to": 24}],
        NO_ACCESS.format("create", r"portal\.internal\.switch\.window"),
    ),
    "widens a window": lambda w: (
        "write",
        [_a_window(w), {"hour_from": 0, "hour_to": 24}],
        NO_ACCESS.format("modify", r"portal\.internal\.switch\.window"),
    ),
    "deletes a window": lambda w: (
        "unlink",
        [_a_window(w)],
        NO_ACCESS.format("delete", r"portal\.internal\.switch\.window"),
    ),
}  # fmt: skip

for _channel in CHANNELS:
    for _name in ("wuser", "attacker", "extender"):

        def _own_grant(w, ch=_channel, name=_name):
            _refused_as(
                w,
                name,
                ch,
                "portal.internal.switch.grant",
                "create",
                _grant_values(_uid(w, name)),
                pattern=NO_ACCESS.format("create", r"portal\.internal\.switch\.grant"),
            )

        attack(f"planned access: {_name} grants themselves access over {_channel}")(
            _own_grant
        )

    for _name in ("attacker", "extender"):
        for _label, _spec in WINDOW_WRITES.items():

            def _window_write(w, ch=_channel, name=_name, spec=_spec):
                method, args, pattern = spec(w)
                refused(
                    _actor(w, name),
                    ch,
                    "portal.internal.switch.window",
                    method,
                    *args,
                    pattern=pattern,
                )

            attack(f"windows: {_name} {_label} over {_channel}")(_window_write)


for _channel in ("call_kw", "jsonrpc+key"):
    for _name in ("wuser", "extender"):

        def _grant_field(w, ch=_channel, name=_name):
            _self_write_refused_as(
                w, name, ch, {"udm_grant_ids": [(0, 0, _grant_values(_uid(w, name)))]}
            )

        attack(f"planned access: {_name} adds one on their user over {_channel}")(
            _grant_field
        )

        def _template_windows(w, ch=_channel, name=_name):
            _refused_as(
                w,
                name,
                ch,
                "res.users",
                "write",
                [w["templates"]["win"]["id"]],
                {"udm_window_ids": [(5, 0, 0)]},
                pattern=USERS_WRITE
                + "|"
                + SWITCHED_NO_USERS
                + "|"
                + FIELD_RIGHTS.format("udm_window_ids"),
            )

        attack(f"windows: {_name} empties the template's windows over {_channel}")(
            _template_windows
        )


# ---------------------------------------------------------------------------
# Fairness: the cooldown, and the policy and history it is computed from
# ---------------------------------------------------------------------------


@attack("fairness: switch again during the cooldown")
def _(w):
    _switch_refused(w, "cooled", COOLING, totp_code=totp_code(SECRET))


for _channel in CHANNELS:
    for _field in ("udm_cooldown", "udm_daily_limit", "udm_template_seats"):

        def _own_fairness(w, ch=_channel, field=_field):
            _self_write_refused_as(w, "cooled", ch, {field: 0})

        attack(f"fairness: the user clears their own {_field} over {_channel}")(
            _own_fairness
        )

    def _erase_history(w, ch=_channel):
        mine = w["admin"].call(
            "portal.internal.switch", "search", [("user_id", "=", _uid(w, "cooled"))]
        )
        _refused_as(
            w,
            "cooled",
            ch,
            "portal.internal.switch",
            "unlink",
            mine,
            pattern=NO_ACCESS.format("delete", r"portal\.internal\.switch")
            + "|"
            + AUDIT_LOG,
        )

    attack(f"fairness: the user deletes their switches over {_channel}")(_erase_history)


# ---------------------------------------------------------------------------


def test_catalogue_is_large_enough():
    assert len(ATTACKS) >= 200, len(ATTACKS)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_refused(tw, test_db, name):
    assert_attack_changes_nothing(ATTACKS[name], tw, test_db)


@pytest.mark.parametrize("confirm_password", ["True", "False"])
def test_wrong_codes_rate_limited(tw, test_db, confirm_password):
    """Odoo's login rate limit holds for the codes typed at the switch, with or
    without "Confirm switch with password": after a few wrong codes, even the right
    one is refused until the cooldown ends, and nothing changes meanwhile."""
    admin, actor = tw["admin"], _actor(tw, "totp")
    web = actor.web
    admin.call(ICP, "set_param", PARAM_CONFIRM, confirm_password)
    admin.call(ICP, "set_param", PARAM_COOLDOWN, "3")
    try:
        before = snapshot(test_db)
        # every worker counts failures of its own (Odoo): wrong codes until eight
        # answers in a row (whichever worker served them) are the cooldown's
        answers = []
        while len(answers) < 40 and answers[-8:] != [True] * 8:
            post_switch(
                web,
                web.csrf_token("/my"),
                actor.user["password"],
                totp_code=_code_not_valid_now(SECRET),
            )
            page = _my_message(actor)
            assert TOO_MANY in page or WRONG_CODE in page, page[-2000:]
            answers.append(TOO_MANY in page)
        assert answers[-8:] == [True] * 8, f"never rate-limited: {answers}"
        _switch_refused(tw, "totp", TOO_MANY, totp_code=totp_code(SECRET))
        assert not changed_tables(before, snapshot(test_db))
    finally:
        admin.call(ICP, "set_param", PARAM_COOLDOWN, "0")
        admin.call(ICP, "set_param", PARAM_CONFIRM, "True")
        # a successful login clears the failures of 127.0.0.1 in the worker that
        # serves it: enough of them for both workers, before a later test module
        # puts Odoo's default cooldown back
        for _i in range(12):
            OdooClient(tw["url"], tw["db"]).login("admin", "admin")


# ---------------------------------------------------------------------------
# Controls: the same forms do let people in when they may
# ---------------------------------------------------------------------------


def _fresh(tw, template, totp=True):
    """A new portal user allowed to switch with `template`, logged in (two-factor
    login when `totp`); their actor."""
    admin, db = tw["admin"], tw["db"]
    (user,) = make_portal_users(admin, db, 1, "timebox-fresh", idle_minutes=0)
    admin.call(
        "res.users", "write", [user["id"]], {"switch_template_id": template["id"]}
    )
    tw["users"][f"fresh-{user['id']}"] = user  # switched back and archived at the end
    if not totp:
        return Actor(tw["url"], db, user)
    enable_totp(db, [user["id"]], SECRET)
    return Actor(
        tw["url"], db, user, web=totp_login(OdooClient(tw["url"], db), user, SECRET)
    )


def test_control_the_code_switches_and_is_recorded(tw):
    """The right code and password switch; a forged auth_method is ignored: the
    switch records how the user really confirmed who they were."""
    actor = _fresh(tw, tw["templates"]["ext"])
    _switch_now(actor, totp_code=totp_code(SECRET), auth_method="session")
    (switch,) = tw["admin"].call(
        "portal.internal.switch",
        "search_read",
        [("user_id", "=", actor.uid)],
        ["auth_method", "state"],
    )
    assert (switch["auth_method"], switch["state"]) == ("password_totp", "active")


def test_control_windows_open_in_the_companys_timezone(tw):
    """The windows of the catalogue are open now for a company in UTC+12: the
    refusals above come from the company's timezone, not from the windows."""
    actor = _fresh(tw, tw["templates"]["win"])
    _set_company_tz(tw["admin"], USER_TZ)
    try:
        _switch_now(actor, totp_code=totp_code(SECRET))
    finally:
        _set_company_tz(tw["admin"], "UTC")


def test_control_forged_minutes_extend_by_the_policys_step(tw, test_db):
    """The extend route takes nothing from the request: forged minutes extend by
    the template's step, once (its bound), and change nothing else."""
    admin = tw["admin"]
    admin.call(ICP, "set_param", PARAM_TOTP, "False")
    try:
        actor = _fresh(tw, tw["templates"]["ext"], totp=False)
        _switch_now(actor)
    finally:
        admin.call(ICP, "set_param", PARAM_TOTP, "True")
    before = snapshot(test_db)
    result = actor.web.jsonrpc(EXTEND_URL, {"minutes": 10**6})
    assert (result["extended"], result["minutes"]) == (True, 30), result
    diff = changed_tables(before, snapshot(test_db))
    assert list(diff) == ["switches"], diff
    (gone,), (new,) = diff["switches"]
    # id, user, template, state, idle deadline, reason, idle time unchanged; the end
    # 30 min later, the maximum 60 + 30, 30 min extended; auth_method unchanged
    assert gone[:7] == new[:7] and gone[10] == new[10], (gone, new)
    assert (new[7] - gone[7], new[8], new[9]) == (timedelta(minutes=30), 90, 30)
    _extend_refused(actor, NO_EXTENSION_LEFT, minutes=10**6)


# ---------------------------------------------------------------------------
# Races across two processes (two workers each)
# ---------------------------------------------------------------------------


@pytest.fixture
def race(tw, live_server, second_server):
    """Both processes, the switch with nothing to confirm (a race is about the
    limits: the step-up has its catalogue above), and `errors()`: the ERROR lines the
    test added to either log."""
    admin = tw["admin"]
    admin.call(ICP, "set_param", PARAM_TOTP, "False")
    admin.call(ICP, "set_param", PARAM_CONFIRM, "False")
    marks = {
        path: os.path.getsize(path)
        for path in (live_server.log_path, second_server.log_path)
    }
    yield {
        "urls": [live_server, second_server.url],
        "errors": lambda: [
            line for path, mark in marks.items() for line in log_errors(path, mark)
        ],
    }
    admin.call(ICP, "set_param", PARAM_CONFIRM, "True")
    admin.call(ICP, "set_param", PARAM_TOTP, "True")


def _race_users(tw, count, template, prefix):
    users = make_portal_users(tw["admin"], tw["db"], count, prefix, idle_minutes=0)
    tw["admin"].call(
        "res.users",
        "write",
        [u["id"] for u in users],
        {"switch_template_id": template["id"]},
    )
    for user in users:
        tw["users"][f"{prefix}-{user['id']}"] = user
    return users


def _round_robin(urls, db):
    """A client for the i-th login, on the servers `urls` in turn."""
    return lambda i: OdooClient(urls[i % len(urls)], db)


def _browsers(tw, race, user):
    """RACE_PRESSES sessions of `user`, over both processes. Logged in one after the
    other: Odoo rehashes a password at its first login, and concurrent rehashes of
    one user are Odoo's own serialization errors, not the suite's."""
    return login_all(
        [user] * RACE_PRESSES, _round_robin(race["urls"], tw["db"]), threads=1
    )


def _press_switch(clients, users):
    """Every client presses "Switch" (as its user) at the same moment; the
    responses. The forms are loaded one after the other."""
    tokens = csrf_tokens(clients, threads=1)
    return simultaneously(
        [
            lambda c=c, t=t, u=u: post_switch(c, t, u["password"])
            for c, t, u in zip(clients, tokens, users, strict=True)
        ]
    )


def _targets(responses):
    assert not [r for r in responses if isinstance(r, Exception)], responses
    statuses = sorted({r.status_code for r in responses})
    assert statuses == [303], f"no HTTP 500 or other error expected: {statuses}"
    return [r.headers["Location"] for r in responses]


def _switch_records(admin, user_ids, **domain):
    extra = [(key, "=", value) for key, value in domain.items()]
    return admin.call(
        "portal.internal.switch",
        "search_read",
        [("user_id", "in", list(user_ids)), *extra],
        ["user_id", "state", "template_id", "extended_minutes", "max_duration"],
    )


def _session_message(client):
    return html.unescape(page_message(client))


def test_race_same_user_one_switch_per_day(tw, test_db, race):
    """Switches per day = 1: the same user presses in eight browsers at once over
    two processes: one switch, every press lands on it (a double submit is no
    error). Back to portal, eight presses again: all refused with the message,
    nothing changed."""
    template = _template(tw["admin"], "Day", udm_max_duration=60, udm_daily_limit=1)
    (user,) = _race_users(tw, 1, template, "timebox-day")
    clients = _browsers(tw, race, user)
    targets = _targets(_press_switch(clients, [user] * RACE_PRESSES))
    assert all(t.endswith("/web") for t in targets), targets
    assert len(_switch_records(tw["admin"], [user["id"]])) == 1
    clients[0].jsonrpc(BACK_URL)
    before = snapshot(test_db)
    targets = _targets(_press_switch(clients, [user] * RACE_PRESSES))
    assert all(t.endswith("/my") for t in targets), targets
    for client in clients:
        assert PER_DAY in _session_message(client)
    assert not changed_tables(before, snapshot(test_db))
    records = _switch_records(tw["admin"], [user["id"]])
    assert [r["state"] for r in records] == ["reverted"]
    assert not race["errors"]()


def test_race_same_user_one_request_at_a_time(tw, test_db, race):
    """One Full User Request waiting at a time: the same user sends the form from
    eight browsers at once over two processes: one request, seven told why."""
    admin = tw["admin"]
    (user,) = _race_users(tw, 1, tw["templates"]["ext"], "timebox-request")
    admin.call("res.users", "write", [user["id"]], {"udm_approval": "required"})
    clients = _browsers(tw, race, user)
    tokens = csrf_tokens(clients, threads=1)
    before = snapshot(test_db)
    responses = simultaneously(
        [
            lambda c=c, t=t: c.http.post(
                c.url + REQUEST_URL,
                data={"csrf_token": t, "reason": "race"},
                allow_redirects=False,
                timeout=180,
            )
            for c, t in zip(clients, tokens, strict=True)
        ]
    )
    assert all(t.endswith("/my") for t in _targets(responses))
    diff = changed_tables(before, snapshot(test_db))
    assert list(diff) == ["full user requests"], diff
    gone, new = diff["full user requests"]
    assert not gone
    assert [(r[1], r[2]) for r in new] == [(user["id"], "pending")], new
    messages = [_session_message(c) for c in clients]
    assert sum(REQUEST_SENT in m for m in messages) == 1
    assert sum(ONE_REQUEST in m for m in messages) == RACE_PRESSES - 1
    assert not race["errors"]()


def test_race_template_seats(tw, test_db, race):
    """Seats per template = 3 (no limit of Settings besides): twelve users of the
    template press at once over two processes: exactly three switch, nine are told
    the seats are taken, and their groups do not change."""
    admin = tw["admin"]
    template = _template(admin, "Seats", udm_max_duration=60, udm_template_seats=3)
    users = _race_users(tw, 12, template, "timebox-seat")
    clients = login_all(users, _round_robin(race["urls"], tw["db"]))
    user_ids = [u["id"] for u in users]
    before = {
        row["id"]: sorted(row["groups_id"])
        for row in admin.call("res.users", "read", user_ids, ["groups_id"])
    }
    targets = _targets(_press_switch(clients, users))
    switched = [
        u["id"] for u, t in zip(users, targets, strict=True) if t.endswith("/web")
    ]
    losers = [i for i, t in enumerate(targets) if t.endswith("/my")]
    assert len(switched) == 3 and len(losers) == 9, targets
    records = _switch_records(admin, user_ids, state="active")
    assert sorted(r["user_id"][0] for r in records) == sorted(switched)
    assert {r["template_id"][0] for r in records} == {template["id"]}
    message = f"All 3 seats of {template['name']} are taken."
    for i in losers:
        assert message in _session_message(clients[i]), users[i]["login"]
    loser_ids = [users[i]["id"] for i in losers]
    for row in admin.call("res.users", "read", loser_ids, ["groups_id", "share"]):
        assert row["share"] and sorted(row["groups_id"]) == before[row["id"]]
    assert not _switch_records(admin, loser_ids)
    assert not race["errors"]()


def test_race_extension_bound(tw, race):
    """30 minutes of extension in all, 30 at a time: the switched user presses
    "Extend" in eight browsers at once over two processes: one extension, seven
    told none is left, and the switch is extended by 30 minutes only."""
    (user,) = _race_users(tw, 1, tw["templates"]["ext"], "timebox-extend")
    clients = _browsers(tw, race, user)
    _targets(_press_switch(clients[:1], [user]))
    results = simultaneously([lambda c=c: c.jsonrpc(EXTEND_URL) for c in clients])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert [r["minutes"] for r in results if r["extended"]] == [30], results
    for result in results:
        if not result["extended"]:
            assert result["message"].startswith(NO_EXTENSION_LEFT), result
    (record,) = _switch_records(tw["admin"], [user["id"]])
    assert (record["state"], record["extended_minutes"], record["max_duration"]) == (
        "active",
        30,
        90,
    )
    assert not race["errors"]()


def test_race_reloads_of_my_after_a_revert(tw, race):
    """The same user has /my open in eight browsers, over two processes, and they
    reload it together right after a revert: every page is served, the revert's
    notice is shown once, and no ERROR reaches the logs."""
    (user,) = _race_users(tw, 1, tw["templates"]["ext"], "timebox-notice")
    clients = _browsers(tw, race, user)
    for _round in range(3):
        _targets(_press_switch(clients[:1], [user]))
        clients[0].jsonrpc(BACK_URL)
        pages = simultaneously(
            [lambda c=c: c.http.get(c.url + "/my", timeout=180) for c in clients]
        )
        assert [p.status_code for p in pages] == [200] * RACE_PRESSES
        notice = "You switched back to a portal user."
        assert sum(notice in p.text for p in pages) == 1
    assert not race["errors"]()
