/** @odoo-module **/

import {check} from "./portal_card_common";
import {registry} from "@web/core/registry";

const MINUTE_MS = 60 * 1000;

/**
 * Internal access as people plan it: on /my the card previews the template's apps and
 * offers durations up to the policy's maximum (1 h here, the default); the portal
 * user picks 30 min and switches; the backend says the access ends 30 minutes later.
 */
registry.category("web_tour.tours").add("user_dynamic_management_timebox", {
    test: true,
    url: "/my",
    steps: () => [
        {
            content: "The card lists the apps the template opens",
            trigger: "#udm_switch_to_internal .o_udm_apps",
            run() {
                const text = this.$anchor[0].textContent.replace(/\s+/g, " ");
                check(
                    text.includes("With template UDM Timebox Template you will use:") &&
                        text.includes("UDM Timebox App"),
                    `Unexpected preview: ${text}`
                );
                check(
                    !text.includes("UDM Timebox Hidden App"),
                    `An app of another group is previewed: ${text}`
                );
            },
        },
        {
            content: "The durations go up to the maximum, which is the default",
            trigger: "#udm_switch_form select[name=duration]",
            run() {
                const select = this.$anchor[0];
                const options = [...select.options].map(
                    (option) => `${option.value}=${option.textContent.trim()}`
                );
                check(
                    options.join(",") === "15=15 min,30=30 min,60=1 h",
                    `Unexpected durations: ${options}`
                );
                check(select.value === "60", `Default duration ${select.value}`);
            },
        },
        {
            content: "Pick 30 min",
            trigger: "#udm_switch_form select[name=duration]",
            run: "text 30",
        },
        {
            content: "Switch to Internal User",
            trigger: "#udm_switch_button",
        },
        {
            content: "The backend tells when internal access ends",
            trigger: ".o_main_navbar .o_menu_systray .o_udm_until",
            async run() {
                const status = await odoo.__WOWL_DEBUG__.root.env.services.rpc(
                    "/user_dynamic_management/status",
                    {}
                );
                check(status.active, "The server says the user is not switched");
                check(
                    status.max_seconds === 30 * 60,
                    `Maximum duration ${status.max_seconds} s`
                );
                const left = status.end_deadline - status.server_time;
                check(
                    left > 29 * MINUTE_MS && left <= 30 * MINUTE_MS,
                    `Internal access ends in ${left} ms, not 30 minutes`
                );
                const text = this.$anchor[0].textContent.trim();
                check(/\d{1,2}:\d{2}/.test(text), `No end time in "${text}"`);
            },
        },
    ],
});
