# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What one My Account request works out, worked out once: the rights, stock's
VAT lock, the form's keys, the cleaned values, the verified password. Kept on
the request (``MyAccountState``), read through ``MyAccountRequestMixin``."""

import dataclasses
from functools import partial

from odoo.http import request

from ..models.res_users_password import PasswordChangeAuthorised

# Attribute of the request holding My Account's state (MyAccountState).
REQUEST_STATE = "portal_field_access_state"
# MyAccountState.access before the rights are computed.
UNKNOWN = object()


@dataclasses.dataclass
class MyAccountState:
    """What one request of My Account worked out for one user, reused by every
    core hook of that request: core asks for the form's keys once per posted
    key, then validates, then writes."""

    # rights (PortalFieldAccessCustomerPortal._pfa_access)
    access: object = UNKNOWN
    # stock's lock of the company name, VAT and country (partner.can_edit_vat)
    can_edit_vat: bool | None = None
    # the form's keys (_get_mandatory_fields, _get_optional_fields)
    mandatory_keys: list | None = None
    optional_keys: list | None = None
    # field key: value as details_form_validate cleaned it, written as it is
    cleaned: dict = dataclasses.field(default_factory=dict, repr=False)
    # the current password once verified (asked for the login and the password)
    verified_password: str | None = dataclasses.field(default=None, repr=False)
    # the password change details_form_validate authorised
    password_change: PasswordChangeAuthorised | None = dataclasses.field(
        default=None, repr=False
    )


class MyAccountRequestMixin:
    """The once-per-request state of My Account for the current user, and what
    is computed once from it (rights, stock's VAT lock, cleaned values). Mixed
    into the My Account controller (controllers/portal.py)."""

    def _pfa_state(self):
        """This request's ``MyAccountState`` of the current user, created on
        first use. Kept on the request, per user id: never shared between
        requests; dropped on a rollback (a request retried after a concurrency
        error starts afresh)."""
        states = getattr(request, REQUEST_STATE, None)
        if states is None:
            states = {}
            setattr(request, REQUEST_STATE, states)
            request.env.cr.postrollback.add(partial(delattr, request, REQUEST_STATE))
        state = states.get(request.env.uid)
        if state is None:
            state = states[request.env.uid] = MyAccountState()
        return state

    def _pfa_access(self):
        """Rights of the current user on My Account; None for a user no group
        manages (internal users), ``{}`` for a portal user without rights.
        Computed once per request: do not change the dictionary."""
        state = self._pfa_state()
        if state.access is UNKNOWN:
            user = request.env.user
            state.access = (
                user._pfa_account_access(can_edit_vat=self._pfa_can_edit_vat())
                if user._pfa_governed()
                else None
            )
        return state.access

    def _pfa_can_edit_vat(self):
        """Stock's ``partner.can_edit_vat()`` for the current user (a search
        when sale or account is installed), once per request."""
        state = self._pfa_state()
        if state.can_edit_vat is None:
            state.can_edit_vat = request.env.user.partner_id.can_edit_vat()
        return state.can_edit_vat

    def _pfa_clean_once(self, field, value):
        """``value`` of ``field`` cleaned (``res.users._pfa_clean``), once per
        request: what details_form_validate cleaned is what is written."""
        cleaned = self._pfa_state().cleaned
        if field.key not in cleaned:
            cleaned[field.key] = request.env.user._pfa_clean(field, value)
        return cleaned[field.key]
