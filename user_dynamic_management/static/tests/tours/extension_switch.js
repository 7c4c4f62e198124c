/** @odoo-module **/

import {check, waitUntil} from "./portal_card_common";
import {registry} from "@web/core/registry";

const SYSTRAY_END = ".o_main_navbar .o_menu_systray .o_udm_until";
// The end shown first, in minutes of the day
let firstEnd = null;

/** The end shown in the systray (" · ends 11:40"), in minutes of the day. */
function shownEnd() {
    const text = document.querySelector(SYSTRAY_END).textContent;
    const match = text.match(/(\d{1,2}):(\d{2})/);
    check(match, `No end time in "${text}"`);
    return Number(match[1]) * 60 + Number(match[2]);
}

function clock(minutes) {
    const day = ((minutes % 1440) + 1440) % 1440;
    const hours = String(Math.floor(day / 60)).padStart(2, "0");
    return `${hours}:${String(day % 60).padStart(2, "0")}`;
}

/** Waits until the systray shows the end `minutes` after the first one seen. */
function endMovedBy(minutes) {
    return waitUntil(
        () => shownEnd() === (firstEnd + minutes) % 1440,
        `showing the end at ${clock(firstEnd + minutes)} (shown: ${clock(shownEnd())})`
    );
}

/**
 * Internal access as people plan it: the switch ends in less than a minute, its
 * warning offers "Extend by 30 minutes"; once extended the systray shows the new end
 * at once, and the systray's menu extends it by 30 more minutes.
 */
registry.category("web_tour.tours").add("user_dynamic_management_extension", {
    test: true,
    url: "/web",
    steps: () => [
        {
            content: "The systray shows when internal access ends",
            trigger: SYSTRAY_END,
            run() {
                firstEnd = shownEnd();
            },
        },
        {
            content: "The warning of the end offers to extend",
            trigger:
                ".o_notification.o_udm_end_warning button:contains('Extend by 30 minutes')",
        },
        {
            content: "The new end shows at once, and the warning is gone",
            trigger: SYSTRAY_END,
            async run() {
                await endMovedBy(30);
                await waitUntil(
                    () => !document.querySelector(".o_udm_end_warning"),
                    "closing the warning of the end"
                );
                check(
                    document.querySelector(".o_notification.o_udm_extended"),
                    "No notification of the extension"
                );
            },
        },
        {
            content: "Open the systray's menu",
            trigger: ".o_menu_systray .o_udm_countdown_toggler",
        },
        {
            content: "Extend by 30 minutes more",
            trigger: ".o_udm_extend:contains('Extend by 30 minutes')",
        },
        {
            content: "The systray shows the new end",
            trigger: SYSTRAY_END,
            async run() {
                await endMovedBy(60);
            },
        },
        {
            content: "Used up: the menu no longer offers to extend, and says why",
            trigger: ".o_menu_systray .o_udm_countdown_toggler",
        },
        {
            content: "The menu says why",
            trigger: ".o_udm_details:contains('No extension left')",
            run() {
                check(
                    !document.querySelector(".o_udm_extend"),
                    "Extend is still offered"
                );
            },
        },
    ],
});
