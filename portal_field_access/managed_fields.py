# Copyright 2026 Portal Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The fields a Portal Access Group manages, described once.

This table drives everything: the lines of a group (one per entry), the My
Account form (one row per entry, rendered by one looped sub-template), the
controller's validation and the ORM guard on ``res.users``/``res.partner``.
Adding a field is adding one entry here (plus its ``_pfa_clean_<key>`` method
on ``res.users``, models/res_users_values.py, when it needs more than trimming).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ManagedField:
    """One field a portal user may be allowed to read or change on themselves."""

    # right key, stored in portal.access.group.line.field_name; it is also the
    # name of the ORM field on ``model`` (except the password, which is no field
    # one can read)
    key: str
    # English label (the selection label, translated through the model)
    label: str
    # the record the value lives on: "res.users" or "res.partner" (a user's
    # partner fields are also written through res.users by _inherits)
    model: str
    # keys of the My Account form POST; the first one carries the value
    post_keys: tuple
    # longest accepted value (None: not free text)
    max_length: int | None
    # how My Account shows it: text, email, tel, lang, country, state, login,
    # password
    widget: str
    # granted by the default group "Portal users (standard rights)": what stock
    # Odoo lets a portal user change in the browser
    standard: bool = False
    # never shown, only written
    write_only: bool = False


MANAGED_FIELDS = (
    ManagedField("firstname", "First Name", "res.partner", ("firstname",), 128,
                 "text", standard=True),
    ManagedField("lastname", "Last Name", "res.partner", ("lastname",), 128,
                 "text", standard=True),
    ManagedField("email", "Email", "res.partner", ("email",), 254, "email",
                 standard=True),
    ManagedField("phone", "Phone", "res.partner", ("phone",), 64, "tel",
                 standard=True),
    ManagedField("company_name", "Company Name", "res.partner", ("company_name",),
                 128, "text", standard=True),
    ManagedField("vat", "VAT Number", "res.partner", ("vat",), 32, "text",
                 standard=True),
    ManagedField("street", "Street", "res.partner", ("street",), 128, "text",
                 standard=True),
    ManagedField("street2", "Street 2", "res.partner", ("street2",), 128, "text"),
    ManagedField("city", "City", "res.partner", ("city",), 128, "text",
                 standard=True),
    ManagedField("zip", "Zip / Postal Code", "res.partner", ("zipcode",), 24,
                 "text", standard=True),
    ManagedField("country_id", "Country", "res.partner", ("country_id",), None,
                 "country", standard=True),
    ManagedField("state_id", "State / Province", "res.partner", ("state_id",),
                 None, "state", standard=True),
    ManagedField("lang", "Language", "res.partner", ("lang",), 16, "lang"),
    ManagedField("siret", "SIRET", "res.partner", ("siret",), 32, "text"),
    ManagedField("login", "Login", "res.users", ("login", "login_password"), 254,
                 "login"),
    ManagedField("password", "Password", "res.users",
                 ("old_password", "new_password", "confirm_password"), 512,
                 "password", standard=True, write_only=True),
)  # fmt: skip

MANAGED_FIELDS_BY_KEY = {field.key: field for field in MANAGED_FIELDS}

# Fields whose value is never shown: they can only be written.
WRITE_ONLY_FIELDS = tuple(field.key for field in MANAGED_FIELDS if field.write_only)

# Keys of the fields, in the order of the lines and of My Account.
FIELD_KEYS = tuple(field.key for field in MANAGED_FIELDS)
