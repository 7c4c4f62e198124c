"""portal_field_access seen from outside: over HTTP, on a server with two workers."""

import re
import uuid

import pytest
from conftest import RpcError

VALID_SIRET = "55210055400013"
STOCK_VALUES = {
    "name": "Black-box Portal",
    "email": "bb@example.com",
    "phone": "+33 1 00 00 00 00",
    "street": "1 rue de la Paix",
    "city": "Paris",
}


def _partner_id(admin, user_id):
    (user,) = admin.call("res.users", "read", [user_id], ["partner_id"])
    return user["partner_id"][0]


@pytest.fixture
def street2_group(admin, portal_user):
    """A Portal Access Group: Write on street 2, Read on SIRET, for portal_user."""
    country_id = admin.call("ir.model.data", "check_object_reference", "base", "fr")[1]
    admin.call(
        "res.partner",
        "write",
        [_partner_id(admin, portal_user["id"])],
        dict(STOCK_VALUES, street2="Bat. A", siret=VALID_SIRET, country_id=country_id),
    )
    group_id = admin.call(
        "portal.access.group",
        "create",
        {
            "name": f"bb-{uuid.uuid4().hex[:8]}",
            "user_ids": [(4, portal_user["id"])],
        },
    )
    lines = admin.call(
        "portal.access.group.line",
        "search_read",
        [("group_id", "=", group_id)],
        ["field_name"],
    )
    by_field = {line["field_name"]: line["id"] for line in lines}
    admin.call(
        "portal.access.group.line", "write", [by_field["street2"]], {"perm_write": True}
    )
    admin.call(
        "portal.access.group.line", "write", [by_field["siret"]], {"perm_read": True}
    )
    yield group_id
    admin.call("portal.access.group", "unlink", [group_id])


def _account_form(client, admin):
    """The page, and the stock fields as the browser posts them back."""
    html = client.http.get(client.url + "/my/account", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    country_id = admin.call("ir.model.data", "check_object_reference", "base", "fr")
    data = dict(STOCK_VALUES, csrf_token=token, zipcode="", country_id=country_id[1])
    return html, data


def test_portal_user_edits_street2_and_is_refused_siret(
    admin, client_factory, portal_user, street2_group
):
    portal = client_factory().login(portal_user["login"], portal_user["password"])
    html, data = _account_form(portal, admin)
    assert 'name="street2"' in html
    assert 'name="siret"' not in html and VALID_SIRET in html
    assert 'name="login"' not in html and 'name="new_password"' not in html

    partner_id = _partner_id(admin, portal_user["id"])
    # a forged SIRET (read only) refuses the whole form
    resp = portal.http.post(
        portal.url + "/my/account",
        data=dict(data, street2="Forged", siret="54210765100011"),
        allow_redirects=False,
        timeout=60,
    )
    assert resp.status_code == 200 and "not allowed to change" in resp.text
    (partner,) = admin.call("res.partner", "read", [partner_id], ["street2", "siret"])
    assert (partner["street2"], partner["siret"]) == ("Bat. A", VALID_SIRET)

    # street 2 (writable) reaches the contact
    resp = portal.http.post(
        portal.url + "/my/account",
        data=dict(data, street2="Bat. B"),
        allow_redirects=False,
        timeout=60,
    )
    errors = re.findall(r"alert-danger.{0,300}", resp.text, re.DOTALL)
    assert resp.status_code == 303, errors
    (partner,) = admin.call("res.partner", "read", [partner_id], ["street2"])
    assert partner["street2"] == "Bat. B"


def test_portal_user_cannot_manage_groups(client_factory, portal_user, street2_group):
    portal = client_factory().login(portal_user["login"], portal_user["password"])
    with pytest.raises(RpcError, match="AccessError|not allowed"):
        portal.call("portal.access.group", "read", [street2_group], ["name"])
    with pytest.raises(RpcError, match="AccessError|not allowed"):
        portal.call(
            "portal.access.group", "write", [street2_group], {"all_portal_users": True}
        )
    with pytest.raises(RpcError):
        portal.call(
            "res.users",
            "write",
            [portal_user["id"]],
            {"portal_access_group_ids": [(4, street2_group)]},
        )


def test_portal_user_rpc_self_writes_follow_the_group(
    admin, client_factory, portal_user, street2_group
):
    """The group's rights hold over JSON-RPC too (not only on My Account)."""
    portal = client_factory().login(portal_user["login"], portal_user["password"])
    partner_id = _partner_id(admin, portal_user["id"])
    with pytest.raises(RpcError, match="not allowed to change"):
        portal.call("res.users", "write", [portal_user["id"]], {"name": "Hacked Name"})
    with pytest.raises(RpcError, match="not allowed to change"):
        portal.call("res.users", "write", [portal_user["id"]], {"lang": "fr_FR"})
    with pytest.raises(RpcError, match="not allowed to change"):
        portal.call(
            "res.users", "change_password", portal_user["password"], "bb-hacked-pwd"
        )
    (partner,) = admin.call("res.partner", "read", [partner_id], ["name"])
    assert partner["name"] == STOCK_VALUES["name"]
    # the password did not change
    client_factory().login(portal_user["login"], portal_user["password"])
