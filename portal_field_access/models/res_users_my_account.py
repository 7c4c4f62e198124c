# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""My Account's side of ``res.users``: the rights as the page applies them
and the rows it shows, one per managed field (the controller,
controllers/portal.py, renders and posts them)."""

from odoo import _, models

from ..managed_fields import MANAGED_FIELDS
from .res_users_audit import EMPTY

# Fields whose right can only be "read" once the partner has issued documents:
# stock Odoo locks them then (res.partner.can_edit_vat).
VAT_LOCKED_FIELDS = ("company_name", "vat", "country_id")
# Fields stock My Account requires when they are on the form.
REQUIRED_FIELDS = ("email", "phone", "street", "city", "country_id")


class ResUsers(models.Model):
    """The rows and rights of the My Account page."""

    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    def _pfa_account_access(self, can_edit_vat=None):
        """Rights as My Account applies them: stock Odoo's own lock on the
        company name, VAT and country (documents issued) still holds.
        ``can_edit_vat``: the contact's ``can_edit_vat()`` when the caller has
        it already (a search when sale or account is installed)."""
        self.ensure_one()
        access = self._portal_field_access()
        if not access:
            return access
        if can_edit_vat is None:
            can_edit_vat = self.partner_id.can_edit_vat()
        if not can_edit_vat:
            for key in VAT_LOCKED_FIELDS:
                if access.get(key) == "write":
                    access[key] = "read"
        return access

    def _pfa_account_rows(
        self, submitted=None, countries=None, states=None, access=None
    ):
        """Rows of My Account for this user, in the order of the table.

        Each row: key, label, right ('read'/'write'), name (POST key), widget,
        value (input value), display (read-only text), optional, options.
        ``submitted`` is the refused POST, whose values are shown again.
        ``countries``/``states`` are the records the stock controller already
        searched for its selects (searched here when not given). ``access``:
        the user's ``_pfa_account_access()`` when the caller has it already.
        Empty for a user nobody manages (internal users get the stock form).
        """
        self.ensure_one()
        if access is None:
            if not self._pfa_governed():
                return []
            access = self._pfa_account_access()
        labels = self._pfa_labels()
        rows = []
        for field in MANAGED_FIELDS:
            right = access.get(field.key)
            if not right or (field.write_only and right != "write"):
                continue
            # the choices first: reading all the countries' names at once also
            # reads the user's own country, which the display shows
            options = (
                self._pfa_options(field, countries, states) if right == "write" else []
            )
            current = self._pfa_current_value(field)
            value = current
            name = field.post_keys[0]
            if submitted and right == "write" and name in submitted:
                value = submitted[name]
            rows.append(
                {
                    "key": field.key,
                    "label": labels[field.key],
                    "right": right,
                    "name": name,
                    "widget": field.widget,
                    "value": "" if value is False or value is None else value,
                    "display": self._pfa_display(field, current),
                    "optional": field.key not in REQUIRED_FIELDS,
                    "options": options,
                }
            )
        if self._pfa_stock_name_field(access):
            rows = self._pfa_merge_name_rows(rows, submitted)
        return rows

    def _pfa_stock_name_field(self, access):
        """Whether My Account shows stock Odoo's one Name field instead of First
        Name and Last Name: for a user nobody put in a group of their own (the
        default group's rights) who may change both. Installing the addon then
        leaves their form as it was; partner_firstname splits the name."""
        self.ensure_one()
        both = access.get("firstname") == "write" and access.get("lastname") == "write"
        return both and self.env["portal.access.group"]._is_default_rights_user(self)

    def _pfa_merge_name_rows(self, rows, submitted=None):
        """Replace the first and last name rows by one Name row posting
        ``name`` (the key stock forms post, split by the controller)."""
        name = self.partner_id.name or ""
        if submitted and "name" in submitted:
            name = submitted["name"]
        name_row = {
            "key": "name",
            "label": _("Name"),
            "right": "write",
            "name": "name",
            "widget": "text",
            "value": name,
            "display": self.partner_id.name or EMPTY,
            "optional": False,
            "options": [],
        }
        merged = []
        for row in rows:
            if row["key"] == "firstname":
                merged.append(name_row)
            elif row["key"] != "lastname":
                merged.append(row)
        return merged

    def _pfa_options(self, field, countries=None, states=None):
        """Choices of a select row: ``[(value, label, country_id)]``.

        The country and state choices reuse the records the stock My Account
        controller has just searched, when given: the page then searches them
        once, as stock does."""
        if field.widget == "lang":
            return [
                (code, name, False)
                for code, name in self.env["res.lang"].get_installed()
            ]
        if field.widget == "country":
            if countries is None:
                countries = self.env["res.country"].sudo().search([])
            return [(country.id, country.name, False) for country in countries]
        if field.widget == "state":
            if states is None:
                states = self.env["res.country.state"].sudo().search([])
            return [(state.id, state.name, state.country_id.id) for state in states]
        return []
