"""The comparison of tools/upgrade_test.py: what counts as data lost by an upgrade."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "upgrade_test", ROOT / "tools" / "upgrade_test.py"
)
upgrade_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(upgrade_test)


def _dump(fields, params=None):
    return {"fields": fields, "params": params or {}, "versions": {}}


BEFORE = _dump(
    {
        "res.users.allow_switch": {"7": True, "8": False},
        "portal.access.group.name": {"1": "Customers"},
    },
    {"user_dynamic_management.quota_max": "3"},
)


def test_same_data_passes():
    assert upgrade_test.compare(BEFORE, BEFORE, {}) == []


def test_renamed_field_without_declaration_is_reported():
    after = _dump(
        {
            "res.users.allow_internal_switch": {"7": True, "8": False},
            "portal.access.group.name": {"1": "Customers"},
        },
        BEFORE["params"],
    )
    problems = upgrade_test.compare(BEFORE, after, {})
    assert len(problems) == 1 and "res.users.allow_switch is gone" in problems[0]
    declared = {
        "renamed_fields": {"res.users.allow_switch": "res.users.allow_internal_switch"}
    }
    assert upgrade_test.compare(BEFORE, after, declared) == []


def test_changed_value_and_lost_record_are_reported():
    after = _dump(
        {
            "res.users.allow_switch": {"7": False},
            "portal.access.group.name": {"1": "Customers"},
        },
        BEFORE["params"],
    )
    problems = upgrade_test.compare(BEFORE, after, {})
    assert sorted(problems) == [
        "res.users.allow_switch: record 7 was True, now False",
        "res.users.allow_switch: record 8 is gone",
    ]


def test_renamed_parameter():
    after = _dump(BEFORE["fields"], {"user_dynamic_management.max_switches": "3"})
    assert upgrade_test.compare(BEFORE, after, {})
    declared = {
        "renamed_params": {
            "user_dynamic_management.quota_max": "user_dynamic_management.max_switches"
        }
    }
    assert upgrade_test.compare(BEFORE, after, declared) == []


def test_grown_and_recomputed_fields():
    before = _dump({"g.line_ids": {"1": [1, 2]}, "line.sequence": {"1": 0}})
    after = _dump({"g.line_ids": {"1": [1, 2, 9]}, "line.sequence": {"1": 4}})
    assert len(upgrade_test.compare(before, after, {})) == 2
    declared = {
        "grown_fields": ["g.line_ids"],
        "recomputed_fields": {"line.sequence": ""},
    }
    assert upgrade_test.compare(before, after, declared) == []
    lost = _dump({"g.line_ids": {"1": [2, 9]}, "line.sequence": {"1": 4}})
    assert upgrade_test.compare(before, lost, declared) == [
        "g.line_ids: record 1 was [1, 2], now [2, 9]"
    ]
