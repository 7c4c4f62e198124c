/** @odoo-module **/

import {reactive} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";
import {session} from "@web/session";

const STORAGE_KEY = "user_dynamic_management.switch";
const BUS_REVERTED = "user_dynamic_management/reverted";
const CHECK_RETRY_MS = 5000;

/**
 * Client side of a portal user's switch to internal.
 *
 * - Activity is real input only: the bus "presence" service (click, keydown, synced across tabs through
 *   localStorage). Each input may send a heartbeat; heartbeats are throttled to one a minute across tabs
 *   (localStorage), and a trailing one carries the last input of the minute. Bus/polling never counts.
 * - The countdown shows the time left before the server's idle deadline (shared by every tab through
 *   localStorage), extended by the input not yet sent. The server clock decides: at zero the client only
 *   asks the server, which reverts or answers with the real deadline.
 * - After a revert (countdown, bus notification, another tab) the tab goes to /my.
 */
export const switchCountdownService = {
    dependencies: ["rpc", "presence", "bus_service"],
    start(env, {rpc, presence, bus_service}) {
        const info = session.user_dynamic_management;
        const state = reactive({
            active: Boolean(info && info.active),
            idleEnabled: Boolean(info && info.idle_enabled),
            deadline: (info && info.deadline) || 0, // server clock, epoch ms
            idleMs: ((info && info.idle_seconds) || 0) * 1000,
        });
        if (!state.active) {
            return {state, remaining: () => null, tick: () => null};
        }
        // server clock minus ours: for display only
        let offset = info.server_time - Date.now();
        const activityIntervalMs = (info.activity_interval || 60) * 1000;
        let trailingTimer = null;
        let leaving = false;
        let nextCheck = 0;
        const loadedAt = Date.now();
        // Last real input in any tab (the presence service may return the string it
        // read from localStorage); loading a backend page is navigation, hence activity
        // too, shared with the other tabs through our own key.
        const lastInput = () =>
            Math.max(
                Number(presence.getLastPresence()) || 0,
                readShared().pageLoad || 0
            );

        function readShared() {
            try {
                return JSON.parse(browser.localStorage.getItem(STORAGE_KEY)) || {};
            } catch {
                return {};
            }
        }
        function writeShared(values) {
            browser.localStorage.setItem(
                STORAGE_KEY,
                JSON.stringify({...readShared(), ...values})
            );
        }
        function goToPortal() {
            if (leaving) {
                return;
            }
            leaving = true;
            state.active = false;
            writeShared({reverted: Date.now()});
            browser.location.assign("/my");
        }
        function applyStatus(status) {
            if (!status || !status.active) {
                goToPortal();
                return;
            }
            offset = status.server_time - Date.now();
            state.idleEnabled = status.idle_enabled;
            state.idleMs = status.idle_seconds * 1000;
            if (status.deadline) {
                state.deadline = status.deadline;
                writeShared({deadline: status.deadline});
            }
        }
        async function sendHeartbeat() {
            trailingTimer = null;
            const shared = readShared();
            if ((shared.lastHeartbeat || 0) > lastInput()) {
                return; // another tab already reported this input
            }
            writeShared({lastHeartbeat: Date.now()});
            try {
                applyStatus(
                    await rpc("/user_dynamic_management/heartbeat", {}, {silent: true})
                );
            } catch {
                // offline or session gone: the next input or the countdown asks again
            }
        }
        function onActivity() {
            if (leaving || trailingTimer) {
                return;
            }
            const wait =
                (readShared().lastHeartbeat || 0) +
                activityIntervalMs +
                1000 -
                Date.now();
            if (wait <= 0) {
                sendHeartbeat();
            } else {
                trailingTimer = browser.setTimeout(sendHeartbeat, wait);
            }
        }
        function remaining() {
            if (!state.idleEnabled) {
                return null;
            }
            const serverNow = Date.now() + offset;
            const unsentInput = lastInput() + offset + state.idleMs;
            return Math.max(0, Math.max(state.deadline, unsentInput) - serverNow);
        }
        async function check() {
            try {
                applyStatus(
                    await rpc("/user_dynamic_management/status", {}, {silent: true})
                );
            } catch {
                // the server will revert anyway (request check or every-minute job)
            }
        }
        function tick() {
            const left = remaining();
            if (left === 0 && !leaving && Date.now() >= nextCheck) {
                nextCheck = Date.now() + CHECK_RETRY_MS;
                check();
            }
            return left;
        }

        browser.addEventListener("storage", ({key}) => {
            if (key !== STORAGE_KEY) {
                return;
            }
            const shared = readShared();
            if (shared.reverted && shared.reverted > loadedAt) {
                goToPortal();
            } else if (shared.deadline) {
                state.deadline = Math.max(state.deadline, shared.deadline);
            }
        });
        presence.bus.addEventListener("presence", onActivity);
        bus_service.subscribe(BUS_REVERTED, goToPortal);
        bus_service.start();
        writeShared({pageLoad: loadedAt});
        onActivity();
        return {state, remaining, tick};
    },
};

registry.category("services").add("user_dynamic_management", switchCountdownService);
