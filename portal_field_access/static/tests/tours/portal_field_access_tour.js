/** @odoo-module **/
// Copyright 2026 Portal Suite contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/**
 * Tick a box of the line of ``label`` in the Field Access list, and check it
 * is ticked (one click on the cell edits the line and toggles the box).
 */
function tick(label, column) {
    const row = `.o_field_widget[name=line_ids] .o_data_row:has(td[name=field_name]:contains('${label}'))`;
    return [
        {
            content: `Tick ${column} on ${label}`,
            trigger: `${row} td[name=${column}]`,
        },
        {
            content: `${column} is ticked on ${label}`,
            trigger: `${row} td[name=${column}] input:checked`,
            isCheck: true,
        },
    ];
}

// Seed 001 step 2: an administrator creates a Portal Access Group from its form.
tours.add("portal_field_access_group_form", {
    test: true,
    url: "/web#action=portal_field_access.portal_access_group_action",
    steps: () => [
        {
            content: "New group",
            trigger: ".o_list_button_add",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] input",
            run: "text Customers seed 001",
        },
        ...tick("Login", "perm_read"),
        ...tick("First Name", "perm_write"),
        ...tick("Last Name", "perm_read"),
        ...tick("Street 2", "perm_write"),
        ...tick("Language", "perm_write"),
        {
            content: "Open the users tab",
            trigger: ".o_notebook .nav-link:contains('Portal Users')",
        },
        {
            content: "Add a portal user",
            trigger: ".o_field_widget[name=user_ids] .o_field_x2many_list_row_add a",
        },
        {
            content: "Choose the portal user",
            trigger: ".o_dialog .o_data_row td[name=login]:contains('pfa_portal')",
            in_modal: false,
        },
        {
            content: "The user is listed",
            trigger:
                ".o_field_widget[name=user_ids] .o_data_row td:contains('pfa_portal')",
            isCheck: true,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
        },
        {
            content: "Saved",
            trigger: ".o_form_status_indicator_buttons.invisible",
            extra_trigger: ".o_breadcrumb:contains('Customers seed 001')",
            isCheck: true,
        },
    ],
});

// A fresh install: a portal user nobody configured edits My Account as before.
tours.add("portal_field_access_default_rights", {
    test: true,
    url: "/my/account",
    steps: () => [
        {
            content: "One Name field, as in stock Odoo",
            trigger: "input[name='name']",
            extra_trigger: "body:not(:has(input[name='firstname']))",
            run: "text Janet Portalis",
        },
        {
            content: "Phone",
            trigger: "input[name='phone']",
            run: "text +33 6 11 22 33 44",
        },
        {
            content: "City",
            trigger: "input[name='city']",
            run: "text Lyon",
        },
        {
            content: "Save",
            trigger: ".o_portal_details button[type='submit']",
        },
        {
            content: "Back on the portal home",
            trigger: ".o_portal_my_home",
            run: () => {
                window.location.href = "/my/account";
            },
        },
        {
            content: "My Account shows the new city",
            trigger: "input[name='city'][value='Lyon']",
            isCheck: true,
        },
    ],
});

// Seed 001 walk, portal side: Read fields are shown, Write fields edited.
tours.add("portal_field_access_tour", {
    test: true,
    url: "/my/account",
    steps: () => [
        {
            content: "Login: Read, shown but not editable",
            trigger:
                "input#pfa_login.form-control-plaintext[readonly][value='pfa_portal']",
            extra_trigger: "body:not(:has(input[name='login']))",
            isCheck: true,
        },
        {
            content: "Last name: Read",
            trigger: "input#pfa_lastname[readonly][value='Portal']",
            extra_trigger: "body:not(:has(input[name='email']))",
            isCheck: true,
        },
        {
            content: "First name: Write",
            trigger: "input[name='firstname']",
            run: "text Janet",
        },
        {
            content: "Street 2 is editable",
            trigger: "input[name='street2']",
            run: "text Building B, 2nd floor",
        },
        {
            content: "Choose French",
            trigger: "select[name='lang']",
            run: "text fr_FR",
        },
        {
            content: "Save",
            trigger: ".o_portal_details button[type='submit']",
        },
        {
            content: "The next page is in French",
            extra_trigger: ".js_language_selector button:contains('Français')",
            trigger: ".o_portal_my_home:contains('Connexion')",
            run: () => {
                window.location.href = "/my/account";
            },
        },
        {
            content: "My Account, in French, shows the new street 2",
            extra_trigger: ".js_language_selector button:contains('Français')",
            trigger: "input[name='street2'][value='Building B, 2nd floor']",
            isCheck: true,
        },
    ],
});
