/** @odoo-module **/

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("user_dynamic_management_switch", {
    test: true,
    url: "/my",
    steps: () => [
        {
            content: "Type the password to confirm the switch",
            trigger: "#udm_switch_form input[name=password]",
            run: "text udm_tour",
        },
        {
            content: "Switch to Internal User",
            trigger: "#udm_switch_button",
        },
        {
            content: "The backend shows the idle countdown as mm:ss in the systray",
            trigger: ".o_main_navbar .o_menu_systray .o_udm_countdown",
            run() {
                const text = this.$anchor.text().trim();
                const match = /^(\d{2,}):([0-5]\d)$/.exec(text);
                if (!match || Number(match[1]) > 5) {
                    throw new Error(`Unexpected countdown "${text}"`);
                }
            },
        },
    ],
});
