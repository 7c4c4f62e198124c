/** @odoo-module **/

import {Component, onMounted, onWillUnmount, useState} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {session} from "@web/session";

/** Formats milliseconds as mm:ss (minutes are not capped at 59). */
export function formatCountdown(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const minutes = Math.floor(total / 60);
    const seconds = total % 60;
    return `${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}`;
}

export class SwitchCountdown extends Component {
    static template = "user_dynamic_management.SwitchCountdown";
    static props = {};

    setup() {
        this.switchService = useService("user_dynamic_management");
        this.state = useState({remaining: this.switchService.remaining()});
        onMounted(() => {
            this.interval = browser.setInterval(() => this.tick(), 1000);
        });
        onWillUnmount(() => browser.clearInterval(this.interval));
    }

    tick() {
        this.state.remaining = this.switchService.tick();
    }

    get display() {
        return formatCountdown(this.state.remaining || 0);
    }
}

export const switchCountdownItem = {
    Component: SwitchCountdown,
    isDisplayed: () => {
        const info = session.user_dynamic_management;
        return Boolean(info && info.active && info.idle_enabled);
    },
};

registry
    .category("systray")
    .add("user_dynamic_management.SwitchCountdown", switchCountdownItem, {sequence: 1});
