/** @odoo-module **/

import {reactive} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {session} from "@web/session";

const STORAGE_KEY = "user_dynamic_management.switch";
const BUS_REVERTED = "user_dynamic_management/reverted";
const TICK_MS = 1000;
const CHECK_RETRY_MS = 5000;
// A heartbeat that did not reach the server (offline) is sent again this soon
const HEARTBEAT_RETRY_MS = 3000;
// The warning and its "Stay internal" come in the last minute (the last half of a
// shorter idle time, so that it is not shown all the time)
const WARNING_MS = 60000;

/** Formats milliseconds as mm:ss (minutes are not capped at 59). */
export function formatCountdown(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const minutes = Math.floor(total / 60);
    const seconds = total % 60;
    return `${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}`;
}

/** Formats a server epoch (ms) as the local time of day, "11:40". */
export function formatClock(epochMs) {
    return luxon.DateTime.fromMillis(epochMs).toFormat("HH:mm");
}

/**
 * Client side of a portal user's switch to internal. It owns the countdown's timer,
 * the activity reports and the server checks; the systray item only renders its state.
 *
 * - Activity is real input only (the bus "presence" service: click, keydown, shared
 *   across tabs through localStorage) and backend page loads. It is reported to the
 *   server at most once per `activity_interval` (a third of the idle time, at most a
 *   minute) across tabs, so that input is always reported before the deadline; a
 *   trailing report carries the last input of the interval. A report the server did not
 *   take into account is sent again.
 * - The countdown shows the time left before the idle deadline (the server's, shared by
 *   every tab, extended by input that is about to be reported), never past the absolute
 *   end of the switch. The server clock decides: at zero the client only asks the
 *   server, which reverts or answers with the real deadline.
 * - In the last minute a notification offers "Stay internal" (activity).
 * - After a revert (countdown, bus notification, another tab, "Back to portal now") the
 *   tab goes to /my. Every signal names its switch: a notification or a localStorage
 *   value left by an older switch (the bus replays notifications a tab missed) is
 *   ignored.
 */
export const switchCountdownService = {
    dependencies: ["rpc", "presence", "bus_service", "notification"],
    start(env, {rpc, presence, bus_service, notification}) {
        const info = session.user_dynamic_management;
        const state = reactive({
            active: Boolean(info && info.active),
            switchId: (info && info.switch_id) || false,
            templateName: (info && info.template_name) || "",
            idleEnabled: Boolean(info && info.idle_enabled),
            deadline: (info && info.deadline) || 0, // Server clock, epoch ms
            endDate: (info && info.end_date) || 0, // Server clock, epoch ms
            idleMs: ((info && info.idle_seconds) || 0) * 1000,
            remaining: null, // Ms before the idle revert, null without idle time
            endRemaining: null, // Ms before the absolute end, null without one
            warning: false,
        });
        // Server clock minus ours: for display only
        let offset = info ? info.server_time - Date.now() : 0;
        let activityIntervalMs = ((info && info.activity_interval) || 60) * 1000;
        let trailingTimer = null;
        let leaving = false;
        let nextCheck = 0;
        let closeWarning = null;
        const loadedAt = Date.now();
        // Loading a backend page is navigation, hence activity: reported below
        let lastInput = loadedAt;
        // The latest input the server's deadline is known to cover
        let coveredInput = 0;

        function readShared() {
            let shared = {};
            try {
                shared = JSON.parse(browser.localStorage.getItem(STORAGE_KEY)) || {};
            } catch {
                return {};
            }
            // Values left by an older switch mean nothing for this one
            return shared.switchId === state.switchId ? shared : {};
        }
        function writeShared(values) {
            browser.localStorage.setItem(
                STORAGE_KEY,
                JSON.stringify({...readShared(), ...values, switchId: state.switchId})
            );
        }
        function hideWarning() {
            if (closeWarning) {
                closeWarning();
                closeWarning = null;
            }
        }
        function goToPortal() {
            if (leaving) {
                return;
            }
            leaving = true;
            state.active = false;
            hideWarning();
            writeShared({reverted: true});
            browser.location.assign("/my");
        }
        function onReverted(payload) {
            // A notification of an older switch, replayed to this newer page: not ours
            if (!payload || payload.switch_id !== state.switchId) {
                return;
            }
            goToPortal();
        }
        /** Whether the server's deadline covers input made at `inputAt` (our clock). */
        function covers(status, inputAt) {
            if (!status || !status.active || !status.deadline) {
                return true;
            }
            if (status.end_date && status.deadline >= status.end_date) {
                return true; // Capped by the absolute end: nothing more to get
            }
            // 1 s: the server stores whole seconds
            return (
                status.deadline >= inputAt + offset + status.idle_seconds * 1000 - 1000
            );
        }
        /** When the server takes the next report into account (our clock, ms). */
        function nextAcceptedAt(status) {
            // The deadline is the last report plus the idle time; the server accepts a
            // report one second before the activity interval has passed since then
            const lastReport = status.deadline - status.idle_seconds * 1000 - offset;
            return lastReport + (status.activity_interval || 60) * 1000;
        }
        function computeRemaining() {
            const serverNow = Date.now() + offset;
            const endLeft = state.endDate
                ? Math.max(0, state.endDate - serverNow)
                : null;
            if (!state.idleEnabled) {
                return [null, endLeft];
            }
            // Input the server's deadline does not cover yet is reported within the
            // activity interval, well before the deadline, and the report then grants
            // the whole idle time from a later moment than the input
            const pending =
                lastInput > coveredInput ? lastInput + offset + state.idleMs : 0;
            let left = Math.max(0, Math.max(state.deadline, pending) - serverNow);
            if (endLeft !== null) {
                left = Math.min(left, endLeft);
            }
            return [left, endLeft];
        }
        /** The absolute end of the switch as a local time of day, "" without one. */
        function endDisplay() {
            return state.endDate ? formatClock(state.endDate - offset) : "";
        }
        function warningThreshold() {
            return Math.min(WARNING_MS, state.idleMs / 2);
        }
        function applyStatus(status) {
            if (!status || !status.active || status.switch_id !== state.switchId) {
                goToPortal();
                return;
            }
            offset = status.server_time - Date.now();
            state.idleEnabled = status.idle_enabled;
            state.idleMs = status.idle_seconds * 1000;
            state.endDate = status.end_date || 0;
            activityIntervalMs = (status.activity_interval || 60) * 1000;
            if (status.deadline) {
                state.deadline = status.deadline;
                writeShared({deadline: status.deadline});
            }
            // Mutual recursion: at zero update() asks the server (check()), whose answer
            // comes back here; one of the two is necessarily used before its definition
            // eslint-disable-next-line no-use-before-define
            update();
        }
        async function check() {
            try {
                applyStatus(
                    await rpc("/user_dynamic_management/status", {}, {silent: true})
                );
            } catch {
                // The server will revert anyway (request check or every-minute job)
            }
        }
        async function sendHeartbeat({force = false} = {}) {
            trailingTimer = null;
            const inputAt = lastInput;
            if (!force && (readShared().reportedInput || 0) >= inputAt) {
                return; // Another tab already reported this input
            }
            writeShared({lastHeartbeat: Date.now(), reportedInput: inputAt});
            let status = null;
            try {
                status = await rpc(
                    "/user_dynamic_management/heartbeat",
                    {},
                    {silent: true}
                );
            } catch {
                // Offline or session gone: try again soon, the countdown asks at zero
                writeShared({reportedInput: 0});
                trailingTimer = browser.setTimeout(sendHeartbeat, HEARTBEAT_RETRY_MS);
                return;
            }
            applyStatus(status);
            if (leaving) {
                return;
            }
            if (covers(status, inputAt)) {
                coveredInput = Math.max(coveredInput, inputAt);
            } else {
                // Throttled by the server (another tab reported just before, clock
                // skew): report again as soon as the server takes it, well before the
                // deadline
                writeShared({reportedInput: 0});
                trailingTimer = browser.setTimeout(
                    sendHeartbeat,
                    Math.max(1000, nextAcceptedAt(status) - Date.now())
                );
            }
        }
        function scheduleHeartbeat() {
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
        function onActivity() {
            lastInput = Math.max(lastInput, Number(presence.getLastPresence()) || 0);
            scheduleHeartbeat();
        }
        function stayInternal() {
            hideWarning();
            lastInput = Date.now();
            if (trailingTimer) {
                browser.clearTimeout(trailingTimer);
                trailingTimer = null;
            }
            return sendHeartbeat({force: true});
        }
        async function backToPortal() {
            leaving = true;
            hideWarning();
            const result = await rpc("/user_dynamic_management/back_to_portal", {});
            state.active = false;
            writeShared({reverted: true});
            browser.location.assign((result && result.redirect) || "/my");
        }
        function showWarning() {
            if (closeWarning) {
                return;
            }
            const endBinding =
                state.endRemaining !== null &&
                (state.remaining === null || state.endRemaining <= state.remaining);
            if (endBinding) {
                closeWarning = notification.add(
                    _t(
                        "Your internal access ends at %s. Save your work.",
                        endDisplay()
                    ),
                    {
                        title: _t("Internal access ends soon"),
                        type: "warning",
                        sticky: true,
                    }
                );
                return;
            }
            closeWarning = notification.add(
                _t("You will be switched back to a portal user soon if you stay idle."),
                {
                    title: _t("Still there?"),
                    type: "warning",
                    sticky: true,
                    className: "o_udm_warning",
                    buttons: [
                        {
                            name: _t("Stay internal"),
                            primary: true,
                            onClick: () => stayInternal(),
                        },
                    ],
                }
            );
        }
        function update() {
            const [left, endLeft] = computeRemaining();
            state.remaining = left;
            state.endRemaining = endLeft;
            const warnIdle = left !== null && left <= warningThreshold();
            const warnEnd = endLeft !== null && endLeft <= WARNING_MS;
            state.warning = !leaving && (warnIdle || warnEnd);
            if (state.warning) {
                showWarning();
            } else {
                hideWarning();
            }
            const zero = left === 0 || endLeft === 0;
            if (zero && !leaving && Date.now() >= nextCheck) {
                nextCheck = Date.now() + CHECK_RETRY_MS;
                check();
            }
        }
        const service = {
            state,
            display: () =>
                state.remaining === null ? "" : formatCountdown(state.remaining),
            endDisplay: () => endDisplay(),
            stayInternal: () => stayInternal(),
            backToPortal: () => backToPortal(),
            onReverted: (payload) => onReverted(payload),
        };
        if (!state.active) {
            return service;
        }

        browser.addEventListener("storage", ({key}) => {
            if (key !== STORAGE_KEY) {
                return;
            }
            const shared = readShared();
            if (shared.reverted) {
                goToPortal();
            } else if (shared.deadline && shared.deadline > state.deadline) {
                // Another tab reported: the input of every tab is shared
                state.deadline = shared.deadline;
                const status = {active: true, deadline: state.deadline};
                status.idle_seconds = state.idleMs / 1000;
                if (covers(status, lastInput)) {
                    coveredInput = lastInput;
                }
            }
        });
        presence.bus.addEventListener("presence", onActivity);
        bus_service.subscribe(BUS_REVERTED, onReverted);
        bus_service.start();
        browser.setInterval(update, TICK_MS);
        if (covers(info, loadedAt)) {
            // The page just opened by the switch (or a report): nothing to report
            coveredInput = loadedAt;
        } else {
            scheduleHeartbeat();
        }
        update();
        return service;
    },
};

registry.category("services").add("user_dynamic_management", switchCountdownService);
