"""access_right_template seen from outside: over HTTP, on a server with two workers."""

import pytest
from conftest import RpcError


def _template_ids(client):
    return client.call(
        "res.users",
        "search",
        [("is_access_right_template", "=", True)],
        context={"active_test": False},
    )


def test_login_page_served(client_factory):
    resp = client_factory().http.get(client_factory().url + "/web/login", timeout=30)
    assert resp.status_code == 200
    assert "oe_login_form" in resp.text


def test_default_template_listed_for_admin(admin):
    templates = admin.call(
        "res.users",
        "search_read",
        [("is_default_access_right_template", "=", True)],
        ["name", "active", "share"],
        context={"active_test": False},
    )
    assert [t["name"] for t in templates] == ["Template for Internal from Portal"]
    assert templates[0]["active"] is False
    assert templates[0]["share"] is False


def test_template_cannot_log_in(admin, client_factory):
    (template,) = admin.call(
        "res.users",
        "search_read",
        [("is_default_access_right_template", "=", True)],
        ["login"],
        context={"active_test": False},
    )
    # an administrator cannot give a template a password ...
    with pytest.raises(RpcError, match="cannot have a password"):
        admin.call("res.users", "write", [template["id"]], {"password": "pw-123456"})
    # ... nor activate it
    with pytest.raises(RpcError, match="stays archived"):
        admin.call("res.users", "write", [template["id"]], {"active": True})
    # and the template's login (as password too) does not open a session
    with pytest.raises(RpcError, match="AccessDenied|Access Denied"):
        client_factory().login(template["login"], template["login"])


def test_portal_user_cannot_see_templates(admin, client_factory, portal_user):
    template_ids = _template_ids(admin)
    assert template_ids
    portal = client_factory().login(portal_user["login"], portal_user["password"])
    with pytest.raises(RpcError, match="AccessError|not allowed|forbidden"):
        portal.call("res.users", "read", template_ids[:1], ["name"])
    with pytest.raises(RpcError):
        portal.call(
            "res.users", "write", [portal.uid], {"switch_template_id": template_ids[0]}
        )
    me = admin.call("res.users", "read", [portal_user["id"]], ["switch_template_id"])
    assert me[0]["switch_template_id"] is False
