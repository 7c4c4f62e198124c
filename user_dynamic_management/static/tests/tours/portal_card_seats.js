/** @odoo-module **/

import {check, checkRefusalKeptTheReason} from "./portal_card_common";
import {registry} from "@web/core/registry";

const REASON = "Stock count";

/**
 * A portal user on /my while the only seat is taken (tests/test_portal_card.py): the
 * card says so before the click; the refusal keeps the reason typed.
 */
registry.category("web_tour.tours").add("portal_card_seats", {
    test: true,
    url: "/my",
    steps: () => [
        {
            content:
                "Before any click, the card says the only seat is taken and until when",
            trigger:
                "#udm_switch_to_internal .o_udm_seats.alert-warning:contains(The only seat is taken)",
            run() {
                const text = this.$anchor[0].textContent.trim();
                check(
                    /^The only seat is taken; it should free up at about \d{2}:\d{2}\.$/.test(
                        text
                    ),
                    `Seats line: "${text}"`
                );
            },
        },
        {
            content: "The button stays offered: a seat can free up any time",
            trigger: "#udm_switch_to_internal #udm_switch_button:not([disabled])",
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
            content: "Refused in the singular; the reason is kept, the password is not",
            trigger:
                ".o_udm_message.alert-danger:contains(The only seat for internal users is taken. It is expected to free up in)",
            async run() {
                await checkRefusalKeptTheReason(REASON);
                check(
                    !document.body.textContent.includes("All 1 seats"),
                    "All 1 seats"
                );
            },
        },
    ],
});
