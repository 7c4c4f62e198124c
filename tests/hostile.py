"""The attackers' world of the hostile catalogue: users, logged-in clients, every RPC
channel, and a before/after snapshot of every row an attack could change."""

import re
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
               allow_administration_rights, action_id, notification_type
          FROM res_users ORDER BY id""",
    "user groups": "SELECT uid, gid FROM res_groups_users_rel ORDER BY uid, gid",
    "groups": "SELECT id, name::text FROM res_groups ORDER BY id",
    "implied groups": "SELECT gid, hid FROM res_groups_implied_rel ORDER BY gid, hid",
    "partners": """
        SELECT id, name, firstname, lastname, street2, siret, email, lang,
               partner_share, active
          FROM res_partner ORDER BY id""",
    "switches": """
        SELECT id, user_id, template_id, state, deadline, reason, idle_time
          FROM portal_internal_switch ORDER BY id""",
    "switch groups": """
        SELECT switch_id, group_id FROM portal_internal_switch_group_rel
         ORDER BY switch_id, group_id""",
    "quota": "SELECT id, counter FROM portal_internal_switch_quota ORDER BY id",
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


class Refused(Exception):
    """What a channel answered when it refused: the exception name and its message."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


class Actor:
    """A logged-in user and every way to reach the server as them."""

    def __init__(self, url, db, user):
        self.url, self.db, self.user = url, db, user
        self.web = OdooClient(url, db).login(user["login"], user["password"])
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
            credentials = [self.db, self.uid, self.user["password"]]
            if channel == "jsonrpc":
                return self.web.jsonrpc(
                    "/jsonrpc",
                    {
                        "service": "object",
                        "method": "execute_kw",
                        "args": [*credentials, model, method, list(args), kwargs],
                    },
                )
            if channel == "xmlrpc":
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
