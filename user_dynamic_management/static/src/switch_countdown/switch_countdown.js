/** @odoo-module **/

import {Component, useState} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {session} from "@web/session";

export {formatCountdown} from "./switch_service";

/**
 * Systray item of a switched user: the idle countdown (and the absolute end), and
 * "Back to portal now". It only renders the state of the "user_dynamic_management"
 * service, which owns the timer and the server calls.
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
        return this.switchService.display();
    }

    get endDisplay() {
        return this.switchService.endDisplay();
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
