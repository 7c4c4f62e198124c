"""The attackers' world of the hostile catalogues: users, logged-in clients (two-factor
logins included), every RPC channel (with a password or an API key), the wording of
Odoo's refusals, and a before/after snapshot of every row an attack could change."""

import re
import time
import xmlrpc.client
from contextlib import closing

from conftest import OdooClient, RpcError, command_set
from odoo_process import connect
from reliability import ICP, PARAM_MAX, make_portal_users, post_switch, xmlid

# every row the suite's security is about; timestamps and activity stamps excluded
SNAPSHOT_QUERIES = {
    "users": """
        SELECT id, login, password, active, share, switch_template_id,
               allow_portal_access_internal, enable_idle_time, idle_time,
               is_access_right_template, is_default_access_right_template,
               allow_administration_rights, action_id, notification_type,
               udm_allowed_until, udm_approval, udm_max_duration, udm_daily_limit,
               udm_cooldown, udm_template_seats, udm_extension_step,
               udm_max_extension, totp_secret
          FROM res_users ORDER BY id""",
    "user groups": "SELECT uid, gid FROM res_groups_users_rel ORDER BY uid, gid",
    "groups": "SELECT id, name::text FROM res_groups ORDER BY id",
    "implied groups": "SELECT gid, hid FROM res_groups_implied_rel ORDER BY gid, hid",
    "partners": """
        SELECT id, name, firstname, lastname, street2, siret, email, lang,
               partner_share, active
          FROM res_partner ORDER BY id""",
    "switches": """
        SELECT id, user_id, template_id, state, deadline, reason, idle_time,
               end_deadline, max_duration, extended_minutes, auth_method
          FROM portal_internal_switch ORDER BY id""",
    "switch groups": """
        SELECT switch_id, group_id FROM portal_internal_switch_group_rel
         ORDER BY switch_id, group_id""",
    "quota": "SELECT id, counter FROM portal_internal_switch_quota ORDER BY id",
    "switch windows": """
        SELECT id, template_id, weekday, hour_from, hour_to
          FROM portal_internal_switch_window ORDER BY id""",
    "planned access": """
        SELECT id, user_id, date_start, date_end
          FROM portal_internal_switch_grant ORDER BY id""",
    "full user requests": """
        SELECT id, user_id, state, duration, switch_id
          FROM portal_internal_switch_request ORDER BY id""",
    "access groups": """
        SELECT id, name::text, active, all_portal_users
          FROM portal_access_group ORDER BY id""",
    "access lines": """
        SELECT id, group_id, field_name, perm_read, perm_write
          FROM portal_access_group_line ORDER BY id""",
    "access group users": """
        SELECT user_id, group_id FROM portal_access_group_res_users_rel
         ORDER BY user_id, group_id""",
    "parameters": "SELECT key, value FROM ir_config_parameter ORDER BY key",
    "api keys": "SELECT id, user_id, name, scope FROM res_users_apikeys ORDER BY id",
    "model access": """
        SELECT id, model_id, group_id, perm_read, perm_write, perm_create, perm_unlink
          FROM ir_model_access ORDER BY id""",
}


def snapshot(db):
    with closing(connect(db)) as conn, conn.cursor() as cr:
        state = {}
        for name, query in SNAPSHOT_QUERIES.items():
            cr.execute(query)
            state[name] = cr.fetchall()
        return state


def changed_tables(before, after):
    """{table: (rows only before, rows only after)} of what differs."""
    diff = {}
    for name in before:
        gone = sorted(set(before[name]) - set(after[name]), key=repr)
        new = sorted(set(after[name]) - set(before[name]), key=repr)
        if gone or new:
            diff[name] = (gone[:5], new[:5])
    return diff


def assert_attack_changes_nothing(attack, world, db):
    """Run the catalogue's ``attack`` (it asserts its refusal itself) on
    ``world`` and assert that no row of ``db`` changed."""
    before = snapshot(db)
    attack(world)
    after = snapshot(db)
    assert not changed_tables(before, after), "rows changed by a refused attack"


# how Odoo and the suite word their refusals (regular expressions)
PRIVATE = r"Private methods \(such as {}\) cannot be called remotely"
NO_ACCESS = r"You are not allowed to {} '[^']+' \({}\) records"
# Odoo words a field-rights refusal in two ways: plainly, or with the details (field,
# groups) for users with Technical Features (a switched user may have them)
FIELD_RIGHTS = (
    r"(You do not have enough rights to access the fields? \"?{0}"
    r"|security restrictions[\s\S]*Fields:[\s\S]*- {0} )"
)
USERS_WRITE = NO_ACCESS.format("modify", r"res\.users")
AUDIT_LOG = r"Portal switches are an audit log: they cannot be changed or deleted\."
# a switched user never administers other accounts, whatever their template
SWITCHED_NO_USERS = (
    r"While switched to an internal user, you cannot create users or change "
    r"another user's account\."
)
# Odoo refuses a password over RPC to a user with two-factor authentication
ACCESS_DENIED = r"^Access Denied$"


class Refused(Exception):
    """What a channel answered when it refused: the exception name and its message."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


class Actor:
    """A logged-in user and every way to reach the server as them. `web`: a client
    already logged in (a two-factor login, see totp_login); `user["api_key"]`, when
    set, is what the "+key" channels authenticate with."""

    def __init__(self, url, db, user, web=None):
        self.url, self.db, self.user = url, db, user
        self.web = web or OdooClient(url, db).login(user["login"], user["password"])
        self.uid = self.web.uid

    def rpc(self, channel, model, method, *args, **kwargs):
        """Call model.method over `channel`; return the result or raise Refused."""
        try:
            if channel == "call_kw":
                return self.web.call(model, method, *args, **kwargs)
            if channel == "call_button":
                return self.web.jsonrpc(
                    "/web/dataset/call_button",
                    {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                )
            base, _sep, key = channel.partition("+")
            secret = self.user["api_key"] if key else self.user["password"]
            credentials = [self.db, self.uid, secret]
            if base == "jsonrpc":
                return self.web.jsonrpc(
                    "/jsonrpc",
                    {
                        "service": "object",
                        "method": "execute_kw",
                        "args": [*credentials, model, method, list(args), kwargs],
                    },
                )
            if base == "xmlrpc":
                proxy = xmlrpc.client.ServerProxy(
                    f"{self.url}/xmlrpc/2/object", allow_none=True
                )
                return proxy.execute_kw(*credentials, model, method, list(args), kwargs)
        except RpcError as error:
            raise Refused(error.name, error.message) from error
        except xmlrpc.client.Fault as fault:
            # "Traceback ...\nodoo.exceptions.AccessError: message"
            match = re.search(r"\n([\w.]+(?:Error|Denied|Exception)): (.*)\Z",
                              fault.faultString.strip(), re.DOTALL)  # fmt: skip
            name, message = match.groups() if match else ("Fault", fault.faultString)
            raise Refused(name, message) from fault
        raise ValueError(channel)


def refused(actor, channel, model, method, *args, pattern, **kwargs):
    """Assert the call is refused with a message matching `pattern`."""
    try:
        result = actor.rpc(channel, model, method, *args, **kwargs)
    except Refused as error:
        assert re.search(pattern, error.message), error
        return error
    raise AssertionError(f"not refused, answered {result!r}")


def refused_self_write(actor, channel, values, uid=None):
    """`actor` writes `values` (one field) on their own user (`uid`, default theirs)
    over `channel`: refused by the access rights on users or by the field's
    groups."""
    (field,) = values
    return refused(
        actor,
        channel,
        "res.users",
        "write",
        [uid or actor.uid],
        values,
        pattern=USERS_WRITE + "|" + FIELD_RIGHTS.format(field),
    )


def attack_registry():
    """A catalogue of attacks: {name: function(world)}, and the decorator
    `@attack(name)` that registers one (each name once)."""
    attacks = {}

    def attack(name):
        def register(func):
            assert name not in attacks, name
            attacks[name] = func
            return func

        return register

    return attacks, attack


def mint_api_key(web, password, name="hostile"):
    """An API key of `web`'s user, minted through Odoo's own wizard, identity check
    (the password) included. A portal user needs Settings' "portal.allow_api_keys"."""
    wizard = web.call("res.users.apikeys.description", "create", {"name": name})
    check = web.call("res.users.apikeys.description", "make_key", [wizard])
    if check.get("res_model") == "res.users.identitycheck":
        web.call(
            "res.users.identitycheck",
            "write",
            [check["res_id"]],
            {"password": password},
        )
        check = web.call("res.users.identitycheck", "run_check", [check["res_id"]])
    return check["context"]["default_key"]


def totp_code(secret, offset=0):
    """The code an authenticator app shows for the base32 `secret` now, or `offset`
    30-second steps away (RFC 6238: SHA-1, 6 digits, as auth_totp checks it)."""
    from passlib.totp import TOTP

    totp = TOTP(key=secret, format="base32")
    return totp.generate(time.time() + offset * totp.period).token


def enable_totp(db, user_ids, secret):
    """Two-factor authentication for these users with `secret`, as if each had
    scanned it in their authenticator app (written in SQL: nobody may write it over
    RPC). Their existing sessions end, as in Odoo."""
    with closing(connect(db)) as conn, conn.cursor() as cr:
        cr.execute(
            "UPDATE res_users SET totp_secret = %s WHERE id = ANY(%s)",
            (secret, list(user_ids)),
        )


def totp_login(client, user, secret):
    """Log `user` in as a person does with two-factor authentication: the login form,
    then the code form. Returns the client, its uid set."""
    resp = client.http.post(
        client.url + "/web/login",
        data={
            "login": user["login"],
            "password": user["password"],
            "csrf_token": client.csrf_token("/web/login"),
            "redirect": "/my",
        },
        allow_redirects=False,
        timeout=60,
    )
    assert "/web/login/totp" in resp.headers.get("Location", ""), resp.status_code
    resp = client.http.post(
        client.url + "/web/login/totp",
        data={
            "totp_token": totp_code(secret),
            "csrf_token": client.csrf_token("/web/login/totp"),
        },
        allow_redirects=False,
        timeout=60,
    )
    assert resp.headers.get("Location", "").endswith("/my"), resp.headers
    client.uid = user["id"]
    return client


def build_world(admin, url, db):
    """Users and clients of the catalogue (created once per module)."""
    attacker, victim, insider, employee, nobody = make_portal_users(
        admin, db, 5, "hostile", allow=False
    )
    group_user = xmlid(admin, "base", "group_user")
    admin.call(
        "res.users",
        "write",
        [employee["id"]],
        {"groups_id": command_set([group_user])},
    )
    admin.call(
        "res.users",
        "write",
        [victim["id"], insider["id"]],
        {"allow_portal_access_internal": True, "enable_idle_time": True},
    )
    # victim: Write on every field of My Account
    group_id = admin.call(
        "portal.access.group",
        "create",
        {"name": "Hostile: all fields", "user_ids": [(4, victim["id"])]},
    )
    lines = admin.call(
        "portal.access.group.line", "search", [("group_id", "=", group_id)]
    )
    admin.call("portal.access.group.line", "write", lines, {"perm_write": True})
    # nobody: in a Portal Access Group that grants nothing (`attacker` is in no group,
    # so the default group gives them stock Odoo's rights)
    nothing_id = admin.call(
        "portal.access.group",
        "create",
        {"name": "Hostile: no rights", "user_ids": [(4, nobody["id"])]},
    )
    lines = admin.call(
        "portal.access.group.line", "search", [("group_id", "=", nothing_id)]
    )
    admin.call(
        "portal.access.group.line",
        "write",
        lines,
        {"perm_read": False, "perm_write": False},
    )
    (template,) = admin.call(
        "res.users",
        "search_read",
        [("is_default_access_right_template", "=", True)],
        ["login"],
        context={"active_test": False},
    )
    admin.call(ICP, "set_param", PARAM_MAX, "0")
    world = {
        "admin": admin,
        "url": url,
        "db": db,
        "template": template,
        "access_group": group_id,
        "nothing_group": nothing_id,
        "users": {
            "attacker": attacker,
            "victim": victim,
            "insider": insider,
            "employee": employee,
            "nobody": nobody,
        },
        "actors": {},
    }
    for name in ("attacker", "victim", "insider", "employee", "nobody"):
        world["actors"][name] = Actor(url, db, world["users"][name])
    insider_web = world["actors"]["insider"].web
    resp = post_switch(insider_web, insider_web.csrf_token("/my"), insider["password"])
    assert resp.headers["Location"].endswith("/web"), "the insider must be switched"
    return world
