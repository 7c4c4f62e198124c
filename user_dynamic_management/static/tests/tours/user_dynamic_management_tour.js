/** @odoo-module **/

import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";
import {session} from "@web/session";

// Tour steps run on several pages: what must survive a page load goes to localStorage
const MEMO_KEY = "user_dynamic_management.tour";

function memo(values) {
    const current = JSON.parse(browser.localStorage.getItem(MEMO_KEY) || "{}");
    if (values) {
        browser.localStorage.setItem(MEMO_KEY, JSON.stringify({...current, ...values}));
    }
    return current;
}

function sleep(ms) {
    return new Promise((resolve) => browser.setTimeout(resolve, ms));
}

/** Seconds shown by the systray countdown, checked to look like mm:ss. */
function countdownSeconds() {
    const text = document
        .querySelector(".o_menu_systray .o_udm_countdown")
        .textContent.trim();
    const match = /^(\d{2,}):([0-5]\d)$/.exec(text);
    if (!match) {
        throw new Error(`Unexpected countdown "${text}"`);
    }
    return Number(match[1]) * 60 + Number(match[2]);
}

function switchService() {
    return odoo.__WOWL_DEBUG__.root.env.services.user_dynamic_management;
}

async function assertServerSaysSwitched() {
    const status = await odoo.__WOWL_DEBUG__.root.env.services.rpc(
        "/user_dynamic_management/status",
        {}
    );
    if (!status.active) {
        throw new Error("The server switched the user back to portal");
    }
    return status;
}

/** Seed steps 3 and 6, done by an administrator in the backend. */
registry.category("web_tour.tours").add("user_dynamic_management_admin", {
    test: true,
    steps: () => [
        {
            content: "Tick Allow Portal Access Internal on the portal user's form",
            trigger: ".o_form_view div[name=allow_portal_access_internal] input",
        },
        {
            content: "Tick Enable idle time",
            trigger: ".o_form_view div[name=enable_idle_time] input",
        },
        {
            content: "Set the Idle Time to 1 minute",
            trigger: ".o_form_view div[name=idle_time] input",
            run: "text 1",
        },
        {
            content: "Save the user",
            trigger: ".o_form_view .o_form_button_save",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_status_indicator_buttons.invisible",
            isCheck: true,
        },
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
        },
        {
            content: "Open Settings (General Settings)",
            trigger: ".o_app[data-menu-xmlid='base.menu_administration']",
        },
        {
            content: "Set Max Portal User Can Login",
            trigger: ".o_setting_container div[name=udm_max_portal_user] input",
            run: "text 5",
        },
        {
            content: "Set the Time limit",
            trigger: ".o_setting_container div[name=udm_time_limit] input",
            run: "text 2",
        },
        {
            content: "Save the settings",
            trigger: ".o_control_panel .o_form_button_save",
            run(helpers) {
                // Gone with the page reload that follows the save
                document.body.classList.add("o_udm_tour_saving");
                helpers.click();
            },
        },
        {
            content: "The saved settings are shown again after the reload",
            trigger:
                "body:not(.o_udm_tour_saving) .o_setting_container div[name=udm_time_limit] input",
            run() {
                const max = document.querySelector(
                    "div[name=udm_max_portal_user] input"
                );
                if (max.value !== "5" || this.$anchor[0].value !== "2") {
                    throw new Error(
                        `Settings not saved: ${max.value}, ${this.$anchor[0].value}`
                    );
                }
            },
        },
    ],
});

/**
 * Seed steps 4 and 5 as the portal user: the card on /my, the switch, the countdown,
 * the warning and "Stay internal", working past the first deadline, logout and its
 * message, a second switch that a replayed revert of the first one must not end, and
 * "Back to portal now".
 */
registry.category("web_tour.tours").add("user_dynamic_management_switch", {
    test: true,
    url: "/my",
    steps: () => [
        {
            content: "The card tells the idle time, the template and the quota",
            trigger: "#udm_switch_to_internal .o_udm_portal",
            run() {
                const text = this.$anchor[0].textContent.replace(/\s+/g, " ");
                for (const expected of [
                    "(template UDM Template).",
                    "when you log out or after 1 min without activity.",
                    "At most 5 users may switch every 2 minutes.",
                ]) {
                    if (!text.includes(expected)) {
                        throw new Error(`"${expected}" not in the card: ${text}`);
                    }
                }
            },
        },
        {
            content: "Switch to Internal User",
            trigger: "#udm_switch_button",
        },
        {
            content: "The backend shows the idle countdown as mm:ss in the systray",
            trigger: ".o_main_navbar .o_menu_systray .o_udm_countdown",
            run() {
                const seconds = countdownSeconds();
                if (seconds > 60 || seconds < 45) {
                    throw new Error(
                        `Countdown of ${seconds} s for an idle time of 1 minute`
                    );
                }
                browser.localStorage.removeItem(MEMO_KEY);
                memo({
                    firstSwitch: session.user_dynamic_management.switch_id,
                    firstDeadline: Date.now() + seconds * 1000,
                });
            },
        },
        {
            content:
                "Idle for 30 s: the countdown turns to the warning colour, Stay internal is offered",
            trigger:
                ".o_notification:has(.o_notification_buttons button:contains(Stay internal))",
            extra_trigger: ".o_menu_systray .o_udm_countdown_toggler.o_udm_warning",
            timeout: 45000,
            isCheck: true,
        },
        {
            content: "Stay internal",
            trigger:
                ".o_notification .o_notification_buttons button:contains(Stay internal)",
        },
        {
            content:
                "The countdown starts again from the idle time, the warning is gone",
            trigger: ".o_menu_systray .o_udm_countdown_toggler:not(.o_udm_warning)",
            extra_trigger: "body:not(:has(.o_notification:contains(Stay internal)))",
            run() {
                if (countdownSeconds() < 50) {
                    throw new Error(`Stay internal did not restart the countdown`);
                }
            },
        },
        {
            content: "Wait until after the first deadline",
            trigger: ".o_menu_systray .o_udm_countdown",
            timeout: 50000,
            async run() {
                await sleep(Math.max(0, memo().firstDeadline + 3000 - Date.now()));
                await assertServerSaysSwitched();
            },
        },
        {
            content: "Click around: open the apps menu",
            trigger: ".o_navbar_apps_menu button",
        },
        {
            content: "Open Discuss",
            trigger: ".o_app[data-menu-xmlid='mail.menu_root_discuss']",
        },
        {
            content: "Still internal past the first deadline, with time left",
            trigger: ".o-mail-Discuss",
            extra_trigger: ".o_menu_systray .o_udm_countdown",
            async run() {
                await assertServerSaysSwitched();
                if (countdownSeconds() < 20) {
                    throw new Error("The countdown did not move on with the activity");
                }
            },
        },
        {
            content: "Open the user menu",
            trigger: ".o_user_menu .dropdown-toggle",
        },
        {
            content: "Log out",
            trigger: ".dropdown-item[data-menu=logout]",
        },
        {
            content: "The login page says why the user is a portal user again",
            trigger: ".o_udm_message:contains(when you logged out)",
            isCheck: true,
        },
        {
            content: "Log in again: login",
            trigger: ".oe_login_form input[name=login]",
            run: "text udm_tour",
        },
        {
            content: "Log in again: password",
            trigger: ".oe_login_form input[name=password]",
            run: "text udm_tour",
        },
        {
            content: "Log in",
            trigger: ".oe_login_form button[type=submit]",
        },
        {
            content: "The portal user can switch again",
            trigger: "#udm_switch_to_internal #udm_switch_button",
        },
        {
            content:
                "A revert signal of the first switch (replayed by the bus, left in another tab's storage) is ignored",
            trigger: ".o_main_navbar .o_menu_systray .o_udm_countdown",
            timeout: 15000,
            async run() {
                const first = memo().firstSwitch;
                const current = session.user_dynamic_management.switch_id;
                if (!first || !current || first === current) {
                    throw new Error(`Switch ids ${first} and ${current}`);
                }
                switchService().onReverted({switch_id: first, reason: "logout"});
                const key = "user_dynamic_management.switch";
                browser.localStorage.setItem(
                    key,
                    JSON.stringify({switchId: first, reverted: true})
                );
                window.dispatchEvent(new StorageEvent("storage", {key}));
                await sleep(2000);
                if (window.location.pathname !== "/web") {
                    throw new Error(`Left the backend for ${window.location.pathname}`);
                }
                await assertServerSaysSwitched();
            },
        },
        {
            content: "Open the countdown's menu",
            trigger: ".o_menu_systray .o_udm_countdown_item .dropdown-toggle",
        },
        {
            content: "Back to portal now",
            trigger: ".o_udm_back_to_portal",
        },
        {
            content: "Back on /my as a portal user, told why",
            trigger: ".o_udm_message:contains(You switched back to a portal user)",
            extra_trigger: "#udm_switch_to_internal #udm_switch_button",
            isCheck: true,
        },
    ],
});
