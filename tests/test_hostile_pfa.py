"""portal_field_access against a hostile portal user, on a live server with two workers.

What such a client runs: the login page's "Reset password" (`/web/reset_password`),
My Account (`/my/account`), `/my/security`, `/web/login`, JSON-RPC
(`/web/dataset/call_kw`) and XML-RPC. Every refusal asserts the message the client
gets AND that no row of the database changed (users, contacts with their signup
tokens, queued e-mails).
"""

import html
import re
import uuid
import xmlrpc.client
from contextlib import closing

import pytest
import requests
from conftest import RpcError
from odoo_process import connect
from reliability import make_portal_users

PARTNER_VALUES = {
    "firstname": "Jane",
    "lastname": "Portal",
    "phone": "+33 1 23 45 67 89",
    "street": "1 rue de la Paix",
    "street2": "Bat. A",
    "city": "Paris",
    "zip": "75002",
}
RESET_REFUSED = "cannot be reset here"
TAKEN = "is already taken"
UNSAFE = "contains a line break, a control character or a text direction override"
NUL = "a NUL character is not allowed"
LONG = "x" * 5000


# ----------------------------------------------------------------------
# the attacker's world
# ----------------------------------------------------------------------
def _xmlid(admin, module, name):
    return admin.call("ir.model.data", "check_object_reference", module, name)[1]


@pytest.fixture
def make_user(admin, test_db):
    """``make_user(rights)``: a fresh portal user with a contact filled in; with
    ``rights`` ({field: 'read'|'write'}) in a Portal Access Group of their own,
    without (None) in no group (the default group: stock rights)."""
    made_users, made_groups = [], []

    def make(rights=None):
        (user,) = make_portal_users(admin, test_db, 1, "pfa-hostile", allow=False)
        user["email"] = f"{user['login']}@example.com"
        user["country_id"] = _xmlid(admin, "base", "fr")
        (partner,) = admin.call("res.users", "read", [user["id"]], ["partner_id"])
        user["partner_id"] = partner["partner_id"][0]
        admin.call(
            "res.partner",
            "write",
            [user["partner_id"]],
            dict(
                PARTNER_VALUES,
                email=user["email"],
                country_id=user["country_id"],
            ),
        )
        made_users.append(user["id"])
        if rights is not None:
            group_id = admin.call(
                "portal.access.group",
                "create",
                {
                    "name": f"hostile-{uuid.uuid4().hex[:8]}",
                    "user_ids": [(4, user["id"])],
                },
            )
            made_groups.append(group_id)
            lines = admin.call(
                "portal.access.group.line",
                "search_read",
                [("group_id", "=", group_id)],
                ["field_name"],
            )
            for line in lines:
                right = rights.get(line["field_name"])
                if right:
                    perm = "perm_write" if right == "write" else "perm_read"
                    admin.call(
                        "portal.access.group.line", "write", [line["id"]], {perm: True}
                    )
        return user

    yield make
    if made_groups:
        admin.call("portal.access.group", "unlink", made_groups)
    admin.call("res.users", "write", made_users, {"active": False})


def rows(db, user):
    """Every row an attack on ``user`` could change, read in the database: the
    user and the administrator (whose login a look-alike targets), their
    contacts with the signup (password reset) token, the e-mails queued to the
    user's address."""
    with closing(connect(db)) as conn, conn.cursor() as cr:
        cr.execute(
            """SELECT id, login, password, active FROM res_users
                WHERE id = %s OR login = 'admin' ORDER BY id""",
            (user["id"],),
        )
        users = cr.fetchall()
        cr.execute(
            """SELECT id, name, firstname, lastname, email, phone, street2, siret,
                      city, lang, signup_token, signup_type, signup_expiration
                 FROM res_partner WHERE id = %s""",
            (user["partner_id"],),
        )
        partners = cr.fetchall()
        cr.execute(
            "SELECT id FROM mail_mail WHERE email_to ILIKE %s ORDER BY id",
            (f"%{user['email']}%",),
        )
        return {"users": users, "partners": partners, "mails": cr.fetchall()}


def _csrf(session, url):
    html = session.get(url, timeout=60).text
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _text(page):
    """The page's text, entities decoded (messages hold apostrophes)."""
    return html.unescape(page)


def _json_refusal(client, model, method, *args):
    with pytest.raises(RpcError) as error:
        client.call(model, method, *args)
    return error.value.message


def _xml_refusal(url, db, user, model, method, *args):
    proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.execute_kw(db, user["id"], user["password"], model, method, list(args))
    return fault.value.faultString


def _account_post(client, user, extra):
    """My Account's form as the browser posts it, plus ``extra``."""
    data = {
        "csrf_token": _csrf(client.http, client.url + "/my/account"),
        "email": user["email"],
        "phone": PARTNER_VALUES["phone"],
        "street": PARTNER_VALUES["street"],
        "city": PARTNER_VALUES["city"],
        "zipcode": PARTNER_VALUES["zip"],
        "country_id": str(user["country_id"]),
    }
    data.update(extra)
    return client.http.post(
        client.url + "/my/account", data=data, allow_redirects=False, timeout=60
    )


def _login(client_factory, user):
    return client_factory().login(user["login"], user["password"])


def assert_form_refused(db, client, user, extra, *messages):
    before = rows(db, user)
    resp = _account_post(client, user, extra)
    assert resp.status_code == 200, f"refused: the form again, got {resp.status_code}"
    page = _text(resp.text)
    for message in messages:
        assert message in page, re.findall(r"alert-danger.{0,400}", page, re.DOTALL)
    assert rows(db, user) == before


# ----------------------------------------------------------------------
# 1. the login page's "Reset password" follows the Password right
# ----------------------------------------------------------------------
def _reset_post(live_server, login):
    session = requests.Session()
    token = _csrf(session, live_server + "/web/reset_password")
    return session.post(
        live_server + "/web/reset_password",
        data={"login": login, "csrf_token": token},
        timeout=60,
    )


def test_reset_password_refused_without_password_right(
    live_server, test_db, client_factory, admin, make_user
):
    user = make_user({"street2": "write", "email": "write"})
    for login in (user["login"], user["email"]):
        before = rows(test_db, user)
        resp = _reset_post(live_server, login)
        assert resp.status_code == 200
        assert RESET_REFUSED in _text(resp.text)
        assert "No e-mail was sent." in _text(resp.text)
        assert rows(test_db, user) == before, "no signup token, no e-mail"
    # the same method over RPC, by the user on themselves
    client = _login(client_factory, user)
    before = rows(test_db, user)
    args = ("res.users", "reset_password", [], user["login"])
    assert RESET_REFUSED in _json_refusal(client, *args)
    assert RESET_REFUSED in _xml_refusal(live_server, test_db, user, *args)
    assert rows(test_db, user) == before


def test_reset_password_default_group_keeps_stock(live_server, test_db, make_user):
    """The control: the default group grants the password, the reset goes on
    (a token is set; the e-mail goes to a mail server the test has not)."""
    user = make_user()
    resp = _reset_post(live_server, user["login"])
    assert resp.status_code == 200
    assert RESET_REFUSED not in _text(resp.text)
    (partner,) = rows(test_db, user)["partners"]
    assert partner[-2] == "reset" and partner[-3]


# ----------------------------------------------------------------------
# 2. an e-mail-shaped login does not rewrite a read-only e-mail
# ----------------------------------------------------------------------
def test_email_login_keeps_read_only_email(test_db, client_factory, admin, make_user):
    user = make_user({"login": "write", "email": "read"})
    client = _login(client_factory, user)
    new_login = f"new-{user['login']}@example.com"
    resp = _account_post(
        client, user, {"login": new_login, "login_password": user["password"]}
    )
    assert resp.status_code == 303, re.findall(r"alert-danger.{0,400}", resp.text)
    state = rows(test_db, user)
    assert state["users"][-1][1] == new_login
    assert state["partners"][0][4] == user["email"], "the e-mail did not follow"
    # asking for both at once over RPC: the e-mail needs its own right
    user["login"] = new_login
    before = rows(test_db, user)
    message = _json_refusal(
        client,
        "res.users",
        "write",
        [user["id"]],
        {"login": "x-" + new_login, "email": "x-" + new_login},
    )
    assert "You are not allowed to change: Email" in message
    assert rows(test_db, user) == before


# ----------------------------------------------------------------------
# 3. look-alike logins
# ----------------------------------------------------------------------
FULL_WIDTH_ADMIN = "\uff41\uff44\uff4d\uff49\uff4e"


def test_look_alike_logins_are_taken(
    live_server, test_db, client_factory, admin, make_user
):
    user = make_user({"login": "write"})
    client = _login(client_factory, user)
    for look_alike in ("admin\u200b", FULL_WIDTH_ADMIN, "\ufeffadmin", "ad\u2060min"):
        assert_form_refused(
            test_db,
            client,
            user,
            {"login": look_alike, "login_password": user["password"]},
            "The login admin is already taken",
        )
    for look_alike in (FULL_WIDTH_ADMIN, "admin\u200b"):
        before = rows(test_db, user)
        args = ("res.users", "write", [user["id"]], {"login": look_alike})
        assert TAKEN in _json_refusal(client, *args)
        assert TAKEN in _xml_refusal(live_server, test_db, user, *args)
        assert rows(test_db, user) == before


def test_free_look_alike_login_is_stored_normalized(
    live_server, test_db, client_factory, admin, make_user
):
    user = make_user({"login": "write"})
    client = _login(client_factory, user)
    plain = f"jane-{uuid.uuid4().hex[:8]}"
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in plain)
    resp = _account_post(
        client,
        user,
        {"login": full_width + "\u200b", "login_password": user["password"]},
    )
    assert resp.status_code == 303, re.findall(r"alert-danger.{0,400}", resp.text)
    assert rows(test_db, user)["users"][-1][1] == plain
    # the plain form logs in on the login page
    session = requests.Session()
    resp = session.post(
        live_server + "/web/login",
        data={
            "login": plain,
            "password": user["password"],
            "csrf_token": _csrf(session, live_server + "/web/login"),
        },
        allow_redirects=False,
        timeout=60,
    )
    assert resp.status_code == 303


# ----------------------------------------------------------------------
# 4. line breaks, direction overrides and NUL bytes
# ----------------------------------------------------------------------
UNSAFE_VALUES = (
    ("firstname", "First Name", "Jane\r\nBcc: victim@example.com"),
    ("lastname", "Last Name", "Por\ntal"),
    ("street2", "Street 2", "Bat.\u202eA"),
    ("street2", "Street 2", "Bat.\u2068A"),
    ("siret", "SIRET", "7328293200\u202d0074"),
    ("login", "Login", "jane\u2067evil"),
)


def test_unsafe_characters_refused_everywhere(
    live_server, test_db, client_factory, admin, make_user
):
    rights = {key: "write" for key, _label, _value in UNSAFE_VALUES}
    user = make_user(rights)
    client = _login(client_factory, user)
    for key, label, value in UNSAFE_VALUES:
        message = f"{label} {UNSAFE}"
        assert_form_refused(
            test_db, client, user, {key: value, "login_password": user["password"]},
            message,
        )  # fmt: skip
        before = rows(test_db, user)
        args = ("res.users", "write", [user["id"]], {key: value})
        assert message in _json_refusal(client, *args)
        assert message in _xml_refusal(live_server, test_db, user, *args)
        assert rows(test_db, user) == before
    # NUL bytes over JSON-RPC (XML cannot carry one): a message, not PostgreSQL's
    before = rows(test_db, user)
    message = _json_refusal(
        client, "res.users", "write", [user["id"]], {"street2": "Bat.\x00A"}
    )
    assert f"Street 2 {UNSAFE}" in message
    assert rows(test_db, user) == before


def test_nul_byte_in_my_account_gives_the_form_again(
    test_db, client_factory, admin, make_user
):
    for rights in (None, {"street2": "write", "city": "write"}):
        user = make_user(rights)
        client = _login(client_factory, user)
        for extra, label in (
            ({"city": "Pa\x00ris"}, "City"),
            ({"country_id": "\x00"}, "Country"),
            ({"street2": "\x00"}, "Street 2"),
            ({"zipcode": "75\x00002"}, "Zip / Postal Code"),
        ):
            assert_form_refused(test_db, client, user, extra, f"{label}: {NUL}")


def test_nul_byte_on_the_login_page_and_its_reset(live_server, test_db, make_user):
    """No login holds a NUL byte: an answer, not PostgreSQL's error (a 500)."""
    user = make_user()
    before = rows(test_db, user)
    session = requests.Session()
    resp = session.post(
        live_server + "/web/login",
        data={
            "login": user["login"] + "\x00",
            "password": user["password"],
            "csrf_token": _csrf(session, live_server + "/web/login"),
        },
        allow_redirects=False,
        timeout=60,
    )
    assert resp.status_code == 200 and "Wrong login/password" in resp.text
    resp = _reset_post(live_server, user["email"] + "\x00")
    assert resp.status_code == 200
    assert "No account found for this login" in resp.text
    assert rows(test_db, user) == before


def test_unsafe_name_on_the_stock_form(test_db, client_factory, admin, make_user):
    """The default group's form posts one Name field."""
    user = make_user()
    client = _login(client_factory, user)
    for name in ("Jane\r\nPortal", "Jane \u202eLatroP"):
        assert_form_refused(test_db, client, user, {"name": name}, f"Name {UNSAFE}")


# ----------------------------------------------------------------------
# 5. a 5,000-character password is an answer, not a server error
# ----------------------------------------------------------------------
def test_long_passwords(live_server, test_db, client_factory, admin, make_user):
    user = make_user({"password": "write", "login": "write"})
    client = _login(client_factory, user)
    pwd = user["password"]
    for extra, message in (
        (
            {"old_password": LONG, "new_password": "n3w!", "confirm_password": "n3w!"},
            "current password you provided is incorrect",
        ),
        (
            {"old_password": pwd, "new_password": LONG, "confirm_password": LONG},
            "Password is too long",
        ),
        (
            {"login": "x-" + user["login"], "login_password": LONG},
            "current password you provided is incorrect",
        ),
    ):
        assert_form_refused(test_db, client, user, extra, message)
    for old, new, message in (
        (LONG, "n3w-pwd!", "The old password you provided is incorrect"),
        (pwd, LONG, "Password is too long"),
    ):
        before = rows(test_db, user)
        data = {
            "csrf_token": _csrf(client.http, client.url + "/my/security"),
            "old": old,
            "new1": new,
            "new2": new,
        }
        resp = client.http.post(client.url + "/my/security", data=data, timeout=60)
        assert resp.status_code == 200
        assert message in _text(resp.text)
        assert rows(test_db, user) == before
    # the login page and RPC
    before = rows(test_db, user)
    session = requests.Session()
    resp = session.post(
        live_server + "/web/login",
        data={
            "login": user["login"],
            "password": LONG,
            "csrf_token": _csrf(session, live_server + "/web/login"),
        },
        allow_redirects=False,
        timeout=60,
    )
    assert resp.status_code == 200 and "Wrong login/password" in resp.text
    assert "too long" in _json_refusal(
        client, "res.users", "change_password", pwd, LONG
    )
    assert "Access Denied" in _json_refusal(
        client, "res.users", "change_password", LONG, "n3w-pwd!"
    )
    assert rows(test_db, user) == before
