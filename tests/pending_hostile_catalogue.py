"""Attacks of the hostile catalogue that today's code does not refuse (or refuses with a
misleading message). Not collected by `make test` (the file name does not start with
test_); run it explicitly:

    SUITE_TEST_DB=<db> .venv/bin/python -m pytest tests/pending_hostile_catalogue.py

Each test states what a correct refusal looks like; when the addon is fixed the test
passes and moves to test_hostile_catalogue.py.
"""

import json
import re

import pytest
from hostile import Refused, changed_tables, snapshot
from test_hostile_catalogue import (  # noqa: F401 (fixtures)
    FIELD_RIGHTS,
    USERS_WRITE,
    _account_post,
    client_factory_module,
    refused,
    world,
)

PENDING = {}


def pending(name):
    def register(func):
        PENDING[name] = func
        return func

    return register


@pending("self write is_access_right_template: a clear rights message")
def _is_template(w):
    # today: "You cannot deactivate the user you're currently logged in as." because
    # access_right_template's write() turns the flag into active=False before Odoo
    # checks the field's groups
    who = w["actors"]["attacker"]
    refused(
        who,
        "call_kw",
        "res.users",
        "write",
        [who.uid],
        {"is_access_right_template": True},
        pattern=USERS_WRITE + "|" + FIELD_RIGHTS.format("is_access_right_template"),
    )


@pending("API key minted while switched (a credential that outlives the revert)")
def _api_key(w):
    insider = w["actors"]["insider"]
    try:
        description = insider.rpc(
            "call_kw", "res.users.apikeys.description", "create", {"name": "hostile"}
        )
        action = insider.rpc(
            "call_button", "res.users.apikeys.description", "make_key", [description]
        )
        if action and action.get("res_model") == "res.users.identitycheck":
            # Odoo asks for the password again first (check_identity): give it
            check = action["res_id"]
            insider.rpc(
                "call_kw",
                "res.users.identitycheck",
                "write",
                [check],
                {"password": insider.user["password"]},
            )
            action = insider.rpc(
                "call_button", "res.users.identitycheck", "run_check", [check]
            )
    except Refused as error:
        assert re.search(r"switched|API key", error.message), error
        return
    raise AssertionError(
        "an API key was minted while switched: " + json.dumps(action)[:300]
    )


# in definition order: the password attacks, which log the attacker out when they
# succeed, come last
@pytest.mark.parametrize("name", list(PENDING))
def test_pending_attack_refused(world, test_db, name):  # noqa: F811
    before = snapshot(test_db)
    PENDING[name](world)
    after = snapshot(test_db)
    assert not changed_tables(before, after), "rows changed by a refused attack"
