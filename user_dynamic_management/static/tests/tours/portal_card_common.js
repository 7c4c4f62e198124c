/** @odoo-module **/

import {browser} from "@web/core/browser/browser";

/**
 * Throws `message` unless `condition`.
 *
 * @param {Boolean} condition
 * @param {String} message
 */
export function check(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

/**
 * Resolves once `predicate()` holds; throws after `timeout` ms.
 *
 * @param {Function} predicate
 * @param {String} what what is awaited, for the error
 * @param {Number} timeout ms
 */
export async function waitUntil(predicate, what, timeout = 5000) {
    const end = Date.now() + timeout;
    while (!predicate()) {
        check(Date.now() < end, `Still not ${what} after ${timeout} ms`);
        await new Promise((resolve) => browser.setTimeout(resolve, 100));
    }
}

/**
 * A refused switch as the person sees it: the reason typed is back in its field, the
 * password field is empty and has the focus.
 *
 * @param {String} reason the reason typed before the refusal
 */
export async function checkRefusalKeptTheReason(reason) {
    const field = document.querySelector("#udm_switch_form textarea[name=reason]");
    check(field, "No reason field in the card");
    await waitUntil(() => field.value === reason, `the reason "${reason}" typed back`);
    const password = document.querySelector("#udm_password");
    check(password.value === "", "The password was kept");
    check(
        document.activeElement === password,
        `The focus is on ${document.activeElement && document.activeElement.outerHTML}`
    );
}
