# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import Counter
from unittest.mock import patch

from passlib.context import CryptContext

from odoo.tests import HttpCase, tagged

from ..controllers.portal import PortalFieldAccessCustomerPortal
from .common import PASSWORD, PortalFieldAccessHttpCommon

_logger = logging.getLogger(__name__)

# The hooks of core's My Account the suite's controller overrides.
CONTROLLER_HOOKS = (
    "_prepare_portal_layout_values",
    "_get_mandatory_fields",
    "_get_optional_fields",
    "details_form_validate",
    "on_account_update",
)
# How many queries a My Account save may cost above stock Odoo's.
EXTRA_QUERIES = 5


def _stock_hook(name):
    """The hook ``name`` as if the suite's controller were not there."""

    def hook(self, *args, **kwargs):
        parent = super(PortalFieldAccessCustomerPortal, self)
        return getattr(parent, name)(*args, **kwargs)

    return hook


@tagged("post_install", "-at_install")
class TestPortalAccountSave(PortalFieldAccessHttpCommon, HttpCase):
    """What a My Account save costs: queries close to stock Odoo's, the rights
    computed once per request, each value checked once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_pfa_common()
        cls._write_portal_address()

    def _save(self, data):
        """POST My Account (``data`` over the current address); return the
        number of queries the request cost."""
        self.env.flush_all()
        before = self.cr.sql_log_count
        response = self._account_post(data)
        queries = self.cr.sql_log_count - before
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        self.env.invalidate_all()
        return queries

    def _stock_form_save(self, city):
        """Save the stock form (the default group's) with a new city."""
        queries = self._save({"name": self.portal.partner_id.name, "city": city})
        self.assertEqual(self.portal.partner_id.city, city)
        return queries

    def _count_calls(self, calls, model, *names):
        """Count the calls of the methods ``names`` of ``model`` in ``calls``
        (a Counter) from now on."""
        model_class = type(self.env[model])
        for name in names:
            method = getattr(model_class, name)

            def counted(records, *args, _name=name, _method=method, **kwargs):
                calls[_name] += 1
                return _method(records, *args, **kwargs)

            self.patch(model_class, name, counted)

    def test_save_queries_close_to_stock(self):
        """Stock is measured in the same run on the same database: the suite's
        controller hooks are routed around (each calls portal's). Both sides
        are measured warm (a first save fills the caches)."""
        self.authenticate("pfa_portal", PASSWORD)
        self._stock_form_save("Lyon")
        suite = self._stock_form_save("Paris")
        with patch.multiple(
            PortalFieldAccessCustomerPortal,
            **{name: _stock_hook(name) for name in CONTROLLER_HOOKS},
        ):
            self._stock_form_save("Lyon")
            stock = self._stock_form_save("Paris")
        _logger.info("My Account save: %s queries, stock Odoo %s", suite, stock)
        self.assertLessEqual(
            suite,
            stock + EXTRA_QUERIES,
            f"a My Account save costs {suite} queries, stock Odoo {stock}",
        )

    def test_rights_computed_once_per_request(self):
        """Core asks for the form's keys once per posted key: the rights (and
        stock's lock of the VAT, a search when sale or account is installed)
        are computed once per request, and again in the next request."""
        self.authenticate("pfa_portal", PASSWORD)
        calls = Counter()
        self._count_calls(calls, "res.users", "_pfa_account_access")
        self._count_calls(calls, "res.partner", "can_edit_vat")
        self._stock_form_save("Lyon")
        suite = dict(calls)
        calls.clear()
        with patch.multiple(
            PortalFieldAccessCustomerPortal,
            **{name: _stock_hook(name) for name in CONTROLLER_HOOKS},
        ):
            self._stock_form_save("Paris")
        stock = dict(calls)
        self.assertEqual(suite["_pfa_account_access"], 1)
        # the suite asks stock's lock once more than stock itself
        self.assertEqual(suite["can_edit_vat"], stock["can_edit_vat"] + 1)
        calls.clear()
        self._stock_form_save("Lyon")
        self.assertEqual(calls["_pfa_account_access"], 1, "again in the next request")

    def test_each_value_checked_once(self):
        """Every changed value is cleaned once; the changes are authorised
        once: the rights, and the current password (asked for the login and
        for the password: the same one is verified once)."""
        self._grant(
            {
                "firstname": "write",
                "lastname": "write",
                "city": "write",
                "siret": "write",
                "login": "write",
                "password": "write",
            }
        )
        self.authenticate("pfa_portal", PASSWORD)
        calls = Counter()
        self._count_calls(calls, "res.users", "_pfa_clean", "_pfa_check_changes")
        verify = CryptContext.verify_and_update

        def verify_counted(context, *args, **kwargs):
            calls["password verified"] += 1
            return verify(context, *args, **kwargs)

        self.patch(CryptContext, "verify_and_update", verify_counted)
        self._save(
            {
                "firstname": "Janet",
                "lastname": "Portalis",
                "city": "Lyon",
                "siret": "552 100 554 00013",
                "login": "jane.portalis",
                "login_password": PASSWORD,
                "old_password": PASSWORD,
                "new_password": "pfa_new_pwd_42",
                "confirm_password": "pfa_new_pwd_42",
            }
        )
        self.assertEqual(
            (self.portal.login, self.portal.partner_id.siret),
            ("jane.portalis", "55210055400013"),
        )
        self._assert_password_is("pfa_new_pwd_42")
        # the test's own check of the new password above is one more
        self.assertEqual(
            dict(calls),
            {"_pfa_clean": 6, "_pfa_check_changes": 1, "password verified": 2},
        )

    def _contact_messages(self):
        """The messages on the portal user's contact."""
        return self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.portal.partner_id.id)]
        )

    def test_one_message_per_save(self):
        """The audit note of a save that changes the address is the text of
        mail's tracking message of that change: one message, not two."""
        self.authenticate("pfa_portal", PASSWORD)
        before = self._contact_messages()
        self._stock_form_save("Lyon")
        new = self._contact_messages() - before
        self.assertEqual(len(new), 1, new.mapped("body"))
        self.assertIn("Profile changed by the portal user", new.body)
        self.assertIn("City: Paris \N{RIGHTWARDS ARROW} Lyon", new.body)
        self.assertIn("Lyon", new.tracking_value_ids.sudo().mapped("new_value_char")[0])

    def test_note_without_tracked_change_logged_alone(self):
        """A change of a field mail does not track (SIRET) is logged as a note
        of its own."""
        self._grant({"siret": "write"})
        self.authenticate("pfa_portal", PASSWORD)
        before = self._contact_messages()
        self._save({"siret": "552 100 554 00013"})
        new = self._contact_messages() - before
        self.assertEqual(len(new), 1, new.mapped("body"))
        self.assertIn(
            "SIRET: \N{EM DASH} \N{RIGHTWARDS ARROW} 55210055400013", new.body
        )
        self.assertFalse(new.tracking_value_ids)
