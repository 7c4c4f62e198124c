/** @odoo-module **/

import {Component, useState} from "@odoo/owl";
import {formatCountdown, splitPattern} from "./switch_clock";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {session} from "@web/session";

export {formatCountdown} from "./switch_clock";

/**
 * Systray item of a switched user: the time left ("04:15 left · ends 11:40": the
 * countdown, then the absolute end as a time of day), "Extend by N minutes" when the
 * policy allows it, and "Back to portal now". It only renders the state of the
 * "user_dynamic_management" service, which owns the timer and the server calls.
 */
export class SwitchCountdown extends Component {
    static template = "user_dynamic_management.SwitchCountdown";
    static components = {Dropdown, DropdownItem};
    static props = {};

    setup() {
        this.switchService = useService("user_dynamic_management");
        this.state = useState(this.switchService.state);
    }

    get display() {
        return this.state.remaining === null
            ? ""
            : formatCountdown(this.state.remaining);
    }

    /** The text around the countdown ("%s left": ["", " left"]). */
    get leftText() {
        return splitPattern(_t("%s left"));
    }

    /**
     * After the time left: " · ends 11:40" (the absolute end). The space is for the
     * text as read; on screen the flex layout drops it and the margin replaces it.
     */
    get endText() {
        return ` · ${_t("ends %s", this.switchService.endDisplay())}`;
    }

    /** Lines of the dropdown: whole sentences, for every language's word order. */
    get details() {
        const lines = [];
        if (this.state.idleEnabled) {
            lines.push(
                _t(
                    "Switched back to portal after %s min without activity.",
                    this.state.idleMs / 60000
                )
            );
        }
        if (this.state.endDeadline) {
            lines.push(
                _t(
                    "Internal access until %s at the latest.",
                    this.switchService.endDisplay()
                )
            );
        }
        if (this.state.extensionNote) {
            lines.push(this.state.extensionNote);
        }
        if (this.state.templateName) {
            lines.push(_t("Template: %s", this.state.templateName));
        }
        return lines;
    }

    get extendText() {
        return this.switchService.extendLabel();
    }

    onExtend() {
        this.switchService.extend();
    }

    onBackToPortal() {
        this.switchService.backToPortal();
    }
}

export const switchCountdownItem = {
    Component: SwitchCountdown,
    isDisplayed: () => {
        const info = session.user_dynamic_management;
        return Boolean(info && info.active);
    },
};

registry
    .category("systray")
    .add("user_dynamic_management.SwitchCountdown", switchCountdownItem, {sequence: 1});
