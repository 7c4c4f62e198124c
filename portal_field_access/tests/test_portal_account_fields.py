# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..managed_fields import FIELD_KEYS, MANAGED_FIELDS
from .common import PASSWORD, PortalFieldAccessHttpCommon

REFUSED = "You are not allowed to change"
NEW_PASSWORD = "pfa_new_pwd_42"


@tagged("post_install", "-at_install")
class TestPortalAccountFieldTable(PortalFieldAccessHttpCommon, HttpCase):
    """Every field of the table (managed_fields.py) on My Account: with Read,
    it is shown and a change is refused; with Write, it is offered and a change
    is saved. Two tests per field are generated below."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_pfa_common()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls._write_portal_address(
            street2="Bat. A", siret="73282932000074", lang="en_US"
        )
        belgium = cls.env.ref("base.be").id
        california = cls.env.ref("base.state_us_5").id
        # field key: (what My Account posts to change it, the value then
        # stored as res.users._pfa_current_value reads it; the password is
        # checked by its credentials)
        cls.changes = {
            "firstname": ({"firstname": "Joanna"}, "Joanna"),
            "lastname": ({"lastname": "Martin"}, "Martin"),
            "email": ({"email": "joanna@example.com"}, "joanna@example.com"),
            "phone": ({"phone": "+33 6 00 00 00 00"}, "+33 6 00 00 00 00"),
            "company_name": ({"company_name": "Portal Inc."}, "Portal Inc."),
            "vat": ({"vat": "FR44732829320"}, "FR44732829320"),
            "street": ({"street": "2 rue de Rivoli"}, "2 rue de Rivoli"),
            "street2": ({"street2": "Bat. B"}, "Bat. B"),
            "city": ({"city": "Lyon"}, "Lyon"),
            "zip": ({"zipcode": "69001"}, "69001"),
            "country_id": ({"country_id": str(belgium)}, belgium),
            "state_id": ({"state_id": str(california)}, california),
            "lang": ({"lang": "fr_FR"}, "fr_FR"),
            "siret": ({"siret": "552 100 554 00013"}, "55210055400013"),
            "login": (
                {"login": "jane.renamed", "login_password": PASSWORD},
                "jane.renamed",
            ),
            "password": (
                {
                    "old_password": PASSWORD,
                    "new_password": NEW_PASSWORD,
                    "confirm_password": NEW_PASSWORD,
                },
                None,
            ),
        }

    def _values(self):
        """Every managed value of the portal user, as stored."""
        self.env.invalidate_all()
        return {
            field.key: self.portal._pfa_current_value(field) for field in MANAGED_FIELDS
        }

    def _page(self):
        response = self.url_open("/my/account", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_every_field_has_a_change(self):
        self.assertEqual(set(self.changes), set(FIELD_KEYS))

    def _check_read_only_refused(self, field):
        self._grant({field.key: "read"})
        self.authenticate("pfa_portal", PASSWORD)
        html = self._page()
        for name in field.post_keys:
            self.assertNotIn(f'name="{name}"', html)
        if not field.write_only:
            # shown, read only (the password never is)
            self.assertIn(f'id="pfa_{field.key}"', html)
        before = self._values()
        data, _stored = self.changes[field.key]
        with mute_logger("odoo.addons.portal_field_access.models.res_users"):
            response = self._account_post(data)
        self.assertEqual(response.status_code, 200, "refused: the form again")
        self.assertIn(REFUSED, response.text)
        self.assertEqual(self._values(), before, "nothing was saved")
        self._assert_password_is(PASSWORD)

    def _check_write_saved(self, field):
        self._grant({field.key: "write"})
        self.authenticate("pfa_portal", PASSWORD)
        self.assertIn(f'name="{field.post_keys[0]}"', self._page())
        expected = self._values()
        data, stored = self.changes[field.key]
        response = self._account_post(data)
        self.assertEqual(response.status_code, 303, response.text[-3000:])
        if field.write_only:
            self._assert_password_is(NEW_PASSWORD)
        else:
            expected[field.key] = stored
        self.assertEqual(self._values(), expected, "that field changed, no other")


def _field_test(check, field):
    """The test of ``field`` that runs the check method ``check``."""

    def test(self):
        getattr(self, check)(field)

    return test


# test_<key>_read_only_refused and test_<key>_write_saved for every field
for _field in MANAGED_FIELDS:
    for _check in ("_check_read_only_refused", "_check_write_saved"):
        _name = f"test_{_field.key}{_check.removeprefix('_check')}"
        setattr(TestPortalAccountFieldTable, _name, _field_test(_check, _field))
del _field, _check, _name
