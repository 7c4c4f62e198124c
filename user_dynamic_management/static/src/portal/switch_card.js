/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";

// While waiting, the clock is read again at least this often: a timer is late after
// the computer slept, the clock is not
const CHECK_MS = 1000;

/**
 * When the quota frees, on our clock: `nextAt` and `serverNow` are the server's (from
 * the page), so that a clock of ours that is wrong does not matter.
 *
 * @param {Number} nextAt server clock, epoch ms
 * @param {Number} serverNow server clock when the page was made, epoch ms
 * @param {Number} loadedAt our clock when the page was loaded, epoch ms
 * @returns {Number} our clock, epoch ms
 */
export function quotaFreeAt(nextAt, serverNow, loadedAt) {
    return loadedAt + Math.max(0, nextAt - serverNow);
}

/**
 * The "Switch to Internal User" card on /my (views/portal_templates.xml).
 *
 * - After a refused switch, the reason typed is written back in the form (the server
 *   keeps it for one display; never the password).
 * - While the switch quota is full, or outside the template's switch windows, the
 *   button is disabled; it is enabled again when the quota frees and the next window
 *   opens, and the card then says so.
 */
publicWidget.registry.UdmSwitchCard = publicWidget.Widget.extend({
    selector: "#udm_switch_to_internal",

    start() {
        const form = this.el.querySelector("#udm_switch_form");
        if (form) {
            this._keepReason(form);
            const {udmNextAt, udmServerNow} = form.dataset;
            if (udmNextAt && udmServerNow) {
                this.freeAt = quotaFreeAt(
                    Number(udmNextAt),
                    Number(udmServerNow),
                    Date.now()
                );
                this.freeText = form.dataset.udmFreeText;
                this._waitForQuota();
            }
        }
        return this._super(...arguments);
    },

    destroy() {
        clearTimeout(this.timer);
        this._super(...arguments);
    },

    _keepReason(form) {
        const reason = form.dataset.udmReason;
        const field = form.querySelector("textarea[name=reason]");
        if (reason && field && !field.value) {
            field.value = reason;
        }
    },

    _waitForQuota() {
        const left = this.freeAt - Date.now();
        if (left > 0) {
            this.timer = setTimeout(
                () => this._waitForQuota(),
                Math.min(left, CHECK_MS)
            );
            return;
        }
        const button = this.el.querySelector("#udm_switch_button");
        if (button) {
            button.disabled = false;
        }
        // The lines saying why the user waits (the quota, the switch window): the
        // first now says the user can switch, the others go
        const waits = [...this.el.querySelectorAll(".o_udm_wait")];
        if (waits.length && this.freeText) {
            waits[0].textContent = this.freeText;
            waits[0].classList.replace("alert-warning", "alert-success");
            waits.slice(1).forEach((line) => line.remove());
        }
    },
});

export default publicWidget.registry.UdmSwitchCard;
