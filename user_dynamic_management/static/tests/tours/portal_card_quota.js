/** @odoo-module **/

import {check, checkRefusalKeptTheReason} from "./portal_card_common";
import {registry} from "@web/core/registry";

const REASON = "Month-end closing";
// Set at the refusal: when it came, and how long the server said to wait (ms)
let refusedAt = 0;
let quotaWait = 0;

/**
 * A portal user on /my: someone else takes the last switch of the quota between the
 * page load and the click (tests/test_portal_card.py). Refused, the user waits on the
 * page; the button comes back by itself when the quota frees, and the switch succeeds.
 */
registry.category("web_tour.tours").add("portal_card_quota", {
    test: true,
    url: "/my",
    steps: () => [
        {
            content: "The quota is not full: the button is offered",
            trigger: "#udm_switch_to_internal #udm_switch_button:not([disabled])",
            extra_trigger: "#udm_switch_to_internal p.o_udm_quota",
            isCheck: true,
        },
        {
            content: "Say why",
            trigger: "#udm_switch_form textarea[name=reason]",
            run: `text ${REASON}`,
        },
        {
            content: "Type the password",
            trigger: "#udm_password",
            run: "text udm_card_tour",
        },
        {
            content: "Switch to Internal User",
            trigger: "#udm_switch_button",
        },
        {
            content:
                "Refused (someone switched meanwhile): the reason is kept, the password field is empty and focused, the button waits",
            trigger:
                ".o_udm_message.alert-danger:contains(Too many users switched to internal recently)",
            extra_trigger:
                "#udm_switch_to_internal .o_udm_quota.alert-warning:contains(next switch possible at)",
            async run() {
                refusedAt = Date.now();
                await checkRefusalKeptTheReason(REASON);
                check(
                    document.querySelector("#udm_switch_button").disabled,
                    "The button is enabled while the quota is full"
                );
                const form = document.querySelector("#udm_switch_form");
                quotaWait =
                    Number(form.dataset.udmNextAt) - Number(form.dataset.udmServerNow);
                check(quotaWait > 3000, `The quota frees in ${quotaWait} ms only`);
            },
        },
        {
            content: "Wait on /my: the button comes back when the quota frees",
            trigger: "#udm_switch_to_internal #udm_switch_button:not([disabled])",
            extra_trigger:
                "#udm_switch_to_internal .o_udm_quota.alert-success:contains(You can switch now.)",
            timeout: 40000,
            run() {
                const waited = Date.now() - refusedAt;
                // 1 s: the page was rendered a little before it was shown
                check(
                    waited >= quotaWait - 1000,
                    `Enabled after ${waited} ms; the quota frees after ${quotaWait} ms`
                );
                check(
                    document.querySelector("#udm_switch_form textarea[name=reason]")
                        .value === REASON,
                    "The reason was lost while waiting"
                );
            },
        },
        {
            content: "Type the password again",
            trigger: "#udm_password",
            run: "text udm_card_tour",
        },
        {
            content: "Switch to Internal User, now accepted",
            trigger: "#udm_switch_button",
        },
        {
            content: "Switched: the backend shows the idle countdown",
            trigger: ".o_main_navbar .o_menu_systray .o_udm_countdown",
            isCheck: true,
        },
    ],
});
