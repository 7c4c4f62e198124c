/** @odoo-module **/
// Copyright 2026 Portal Suite contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("portal_field_access_tour", {
    test: true,
    url: "/my/account",
    steps: () => [
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
            run: () => {},
        },
    ],
});
