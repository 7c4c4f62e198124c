/** @odoo-module **/

import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";

// What must survive a page load (or be seen by another tab) goes to localStorage
const MEMO_KEY = "user_dynamic_management.countdown_tour";
// WCAG AA for normal text
const MIN_CONTRAST = 4.5;

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

async function waitFor(check, what, timeout = 20000) {
    const until = Date.now() + timeout;
    for (;;) {
        const result = check();
        if (result) {
            return result;
        }
        if (Date.now() > until) {
            throw new Error(`Timeout: ${what}`);
        }
        await sleep(200);
    }
}

function systrayText() {
    return document
        .querySelector(".o_menu_systray .o_udm_countdown_toggler")
        .textContent.replace(/\s+/g, " ")
        .trim();
}

// Colours: WCAG 2 relative luminance and contrast ratio

function parseColor(css) {
    const parts = css.match(/[\d.]+/g).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
}

function over(top, bottom) {
    const mix = (channel) => top[channel] * top.a + bottom[channel] * (1 - top.a);
    return {r: mix("r"), g: mix("g"), b: mix("b"), a: 1};
}

/** The colour an element's text is drawn on: its backgrounds blended up to opaque. */
function backgroundOf(el) {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
        const color = parseColor(getComputedStyle(node).backgroundColor);
        if (color.a > 0) {
            layers.push(color);
            if (color.a === 1) {
                break;
            }
        }
    }
    return layers.reduceRight((bottom, top) => over(top, bottom), {
        r: 255,
        g: 255,
        b: 255,
        a: 1,
    });
}

function luminance({r, g, b}) {
    const linear = (value) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(first, second) {
    const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
}

/**
 * The countdown's text against what it is drawn on, and what it is drawn on against
 * the navbar: both at least 4.5:1. Logs the ratios (read in the test log).
 */
function assertReadable(label) {
    const toggler = document.querySelector(".o_menu_systray .o_udm_countdown_toggler");
    const navbar = backgroundOf(document.querySelector(".o_main_navbar"));
    const background = backgroundOf(toggler);
    const text = over(parseColor(getComputedStyle(toggler).color), background);
    const ratios = {
        text: contrast(text, background),
        background: contrast(background, navbar),
    };
    // Bootstrap's text-warning (used before) on the same navbar, for the record
    const probe = document.createElement("span");
    probe.className = "text-warning";
    document.querySelector(".o_main_navbar").appendChild(probe);
    const before = contrast(
        over(parseColor(getComputedStyle(probe).color), navbar),
        navbar
    );
    probe.remove();
    console.log(
        `Countdown contrast (${label}): text ${ratios.text.toFixed(2)}:1, ` +
            `background against the navbar ${ratios.background.toFixed(2)}:1; ` +
            `text-warning was ${before.toFixed(2)}:1`
    );
    if (ratios.text < MIN_CONTRAST) {
        throw new Error(
            `Countdown text contrast ${ratios.text.toFixed(2)}:1 (${label})`
        );
    }
    // Same colour (no chip) or a chip that stands out from the navbar
    if (ratios.background > 1 && ratios.background < MIN_CONTRAST) {
        throw new Error(
            `Countdown background contrast ${ratios.background.toFixed(2)}:1 (${label})`
        );
    }
}

/** Typed in a field without leaving it: the form has not received the value yet. */
function typeWithoutLeaving(input, text) {
    input.focus();
    input.value = text;
    input.dispatchEvent(new InputEvent("input", {bubbles: true}));
}

/** Records every "Session Expired" dialog shown in `win` (this tab or the sibling). */
function watchSessionDialogs(win, name) {
    new win.MutationObserver(() => {
        for (const title of win.document.querySelectorAll(".modal .modal-title")) {
            if (/session expired/i.test(title.textContent) && !title.dataset.udmSeen) {
                title.dataset.udmSeen = "1";
                memo({dialogs: [...(memo().dialogs || []), name]});
            }
        }
    }).observe(win.document.body, {childList: true, subtree: true});
}

function orm() {
    return odoo.__WOWL_DEBUG__.root.env.services.orm;
}

/**
 * A contact typed, not saved, when the maximum duration of the switch is close: it is
 * saved while the user is still internal. The systray says "mm:ss left · ends hh:mm",
 * the end warning is readable and offers no "Stay internal".
 */
registry.category("web_tour.tours").add("user_dynamic_management_countdown_save", {
    test: true,
    steps: () => [
        {
            content: "The systray: time left, then the end as a time of day",
            trigger: ".o_menu_systray .o_udm_countdown_toggler",
            run() {
                const text = systrayText();
                if (!/^\d{2}:\d{2} left · ends \d{2}:\d{2}$/.test(text)) {
                    throw new Error(`Systray reads "${text}"`);
                }
            },
        },
        {
            content:
                "The end is less than a minute away: its warning, no Stay internal",
            trigger:
                ".o_notification.o_udm_end_warning:contains(Your internal access ends at)",
            extra_trigger: ".o_menu_systray .o_udm_countdown_toggler.o_udm_warning",
            run() {
                for (const button of document.querySelectorAll(
                    ".o_notification button"
                )) {
                    if (button.textContent.includes("Stay internal")) {
                        throw new Error(
                            "Stay internal offered before the maximum duration"
                        );
                    }
                }
                assertReadable("warning");
            },
        },
        {
            content: "Create a contact",
            trigger: ".o_control_panel .o_list_button_add",
        },
        {
            content: "Type its name, without leaving the field",
            // The last name with OCA partner_firstname, the name without it
            trigger:
                ".o_form_view div[name=lastname] input, .o_form_view div[name=name] textarea",
            run() {
                typeWithoutLeaving(this.$anchor[0], "UDM Countdown Contact");
            },
        },
        {
            content: "The form has unsaved changes",
            trigger: ".o_form_view .o_form_status_indicator_buttons:not(.invisible)",
            isCheck: true,
        },
        {
            content: "20 s before the end, the contact is saved while still internal",
            trigger: ".o_form_view .o_form_status_indicator_buttons.invisible",
            timeout: 60000,
            async run() {
                const count = await orm().searchCount("res.partner", [
                    ["name", "=", "UDM Countdown Contact"],
                ]);
                if (count !== 1) {
                    throw new Error(`${count} contacts saved`);
                }
            },
        },
        {
            content: "At the end: back on the portal, told why",
            trigger: ".o_udm_message:contains(maximum duration)",
            timeout: 60000,
            isCheck: true,
        },
    ],
});

/**
 * A contact whose changes cannot be saved (no name) when the switch ends: Odoo says
 * which field is invalid, and after the revert the tab names the record and waits for
 * the user before going to the portal, without calling the server meanwhile.
 */
registry.category("web_tour.tours").add("user_dynamic_management_countdown_unsaved", {
    test: true,
    steps: () => [
        {
            content: "Create a contact",
            trigger: ".o_control_panel .o_list_button_add",
        },
        {
            content: "Type an e-mail, no name (required)",
            trigger: ".o_form_view div[name=email] input",
            run: "text udm.unsaved@example.com",
        },
        {
            content:
                "20 s before the end the save is tried: Odoo names the invalid field",
            trigger: ".o_notification:contains(Invalid fields)",
            timeout: 60000,
            isCheck: true,
        },
        {
            content: "After the revert: the record whose changes are lost is named",
            trigger:
                ".o_notification.o_udm_unsaved:contains(could not be saved before your internal access ended)",
            timeout: 60000,
            async run() {
                const text = this.$anchor[0].textContent;
                if (!text.includes("Your changes to “Customers / New”")) {
                    throw new Error(`Unsaved notification: ${text}`);
                }
                // The tab stays for the user to read: nothing polls the server
                memo({noticeAt: Date.now()});
                await sleep(8000);
                if (window.location.pathname !== "/web") {
                    throw new Error(`Left for ${window.location.pathname}`);
                }
            },
        },
        {
            content: "Go to portal",
            trigger: ".o_notification.o_udm_unsaved button:contains(Go to portal)",
        },
        {
            content: "On the portal, told why",
            trigger: ".o_udm_message:contains(maximum duration)",
            isCheck: true,
        },
    ],
});

/**
 * Tabs of this browser open on the backend, as the bus's multi-tab registry knows them:
 * the main tab, and the others (each listed with its last presence).
 */
function openTabs() {
    const keys = Object.keys(browser.localStorage);
    const prefix = keys.find((key) => key.endsWith(".lastPresenceByTab"));
    if (!prefix) {
        return 0;
    }
    const base = prefix.slice(0, -"lastPresenceByTab".length);
    const others = Object.keys(JSON.parse(browser.localStorage.getItem(prefix)));
    const main = browser.localStorage.getItem(`${base}main`) === "true";
    return others.length + (main ? 1 : 0);
}

/**
 * Logged out elsewhere while two tabs are open on the backend (the second one opened
 * by the test): on the next click this tab goes to the portal, which asks to log in,
 * instead of showing "Session Expired" dialogs; the other tab learns it at once and
 * follows (counted by the test on the server), and neither keeps polling.
 */
registry.category("web_tour.tours").add("user_dynamic_management_countdown_logout", {
    test: true,
    steps: () => [
        {
            content: "The systray: the idle time left, readable",
            trigger: ".o_menu_systray .o_udm_countdown_toggler:not(.o_udm_warning)",
            run() {
                const text = systrayText();
                if (!/^\d{2}:\d{2} left$/.test(text)) {
                    throw new Error(`Systray reads "${text}"`);
                }
                assertReadable("normal");
                browser.localStorage.removeItem(MEMO_KEY);
            },
        },
        {
            content: "Two tabs are open on the backend",
            trigger: ".o_menu_systray .o_udm_countdown",
            timeout: 30000,
            async run() {
                await waitFor(() => openTabs() >= 2, "the second tab");
            },
        },
        {
            content: "Log out elsewhere: the session of both tabs ends",
            trigger: ".o_menu_systray .o_udm_countdown",
            async run() {
                watchSessionDialogs(window, "tour tab");
                await fetch("/web/session/logout", {redirect: "manual"});
            },
        },
        {
            content: "Click: open the activities (the server answers: session expired)",
            trigger: ".o_menu_systray .dropdown-toggle:has(i.fa-clock-o)",
        },
        {
            content: "Sent to the portal once, which asks to log in; no dialog",
            trigger: ".oe_login_form",
            timeout: 20000,
            async run() {
                const search = decodeURIComponent(window.location.search);
                if (!search.includes("redirect=/my")) {
                    throw new Error(`Login page ${window.location.href}`);
                }
                // Time for a loop to show on the server, if there were one
                await sleep(5000);
                const dialogs = memo().dialogs || [];
                if (dialogs.length) {
                    throw new Error(`Session Expired dialogs shown: ${dialogs}`);
                }
            },
        },
    ],
});
