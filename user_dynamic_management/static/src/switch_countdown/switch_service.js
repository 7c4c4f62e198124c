/** @odoo-module **/

import {COMMIT_FORMS, UNSAVED_FORMS} from "./form_controller_patch";
import {
    SAVE_LEAD_MS,
    coversInput,
    formatClock,
    isSaveDue,
    isSessionExpired,
    nextReportAt,
    retryDelay,
    timeLeft,
    warningKind,
} from "./switch_clock";
import {UncaughtPromiseError} from "@web/core/errors/error_service";
import {_t} from "@web/core/l10n/translation";
import {browser} from "@web/core/browser/browser";
import {clearUncommittedChanges} from "@web/webclient/actions/action_service";
import {reactive} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {session} from "@web/session";

export {formatClock, formatCountdown} from "./switch_clock";

const STORAGE_KEY = "user_dynamic_management.switch";
const BUS_REVERTED = "user_dynamic_management/reverted";
const TICK_MS = 1000;
// A heartbeat that did not reach the server (offline) is sent again this soon (then
// less and less often)
const HEARTBEAT_RETRY_MS = 3000;
// The bus worker's websocket was closed because the session is no longer valid
const WEBSOCKET_SESSION_EXPIRED = 4001;
// How long the save before the end may take (a dialog may wait for the user)
const SAVE_TIMEOUT_MS = SAVE_LEAD_MS - 5000;

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
 * - The countdown shows the time left before the switch ends (the idle deadline, the
 *   server's, shared by every tab and extended by input that is about to be reported;
 *   or the absolute end if it comes first). The server clock decides: at zero the
 *   client only asks the server, which reverts or answers with the real deadline.
 * - In the last minute a notification offers "Stay internal" (activity), unless the
 *   absolute end comes first: then it says when access ends and, when the policy
 *   allows it, offers "Extend by N minutes" (also in the systray's menu). The server
 *   checks the extension and answers with the new status: the new end shows at once,
 *   and the other tabs ask the server for it.
 * - Shortly before the end (SAVE_LEAD_MS), while still internal, the open forms save
 *   their changes (Odoo's clearUncommittedChanges). A record that could not be saved
 *   is named after the revert, and the tab waits for the user before leaving it.
 * - After a revert (countdown, bus notification, another tab, "Back to portal now") or
 *   once the session is no longer valid (logged out in another tab: an RPC answered
 *   "session expired", the bus worker's socket closed for that reason) every timer and
 *   listener stops and the tab goes to /my, once; the other tabs learn it through
 *   localStorage. Every signal names its switch: a notification or a localStorage value
 *   left by an older switch (the bus replays notifications a tab missed) is ignored.
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
            endDeadline: (info && info.end_deadline) || 0, // Server clock, epoch ms
            idleMs: ((info && info.idle_seconds) || 0) * 1000,
            // Minutes "Extend" adds now (0: not offered), and why none when the
            // policy has extensions ("")
            extensionMinutes: (info && info.extension_minutes) || 0,
            extensionNote: (info && info.extension_note) || "",
            remaining: null, // Ms before the switch ends, null without any deadline
            endRemaining: null, // Ms before the absolute end, null without one
            warning: false,
        });
        // Whether this page was opened while switched (it owns the session's fate)
        const switchedPage = state.active;
        // Server clock minus ours: for display only
        let offset = info ? info.server_time - Date.now() : 0;
        let activityIntervalMs = ((info && info.activity_interval) || 60) * 1000;
        let tickTimer = null;
        let trailingTimer = null;
        let leaving = false;
        let stopped = false;
        let nextCheck = 0;
        let checking = false;
        let checkFailures = 0;
        let extending = false;
        // The server's time of the last extension's answer
        let extendedAt = 0;
        let heartbeatFailures = 0;
        let closeWarning = null;
        let shownWarning = "";
        // The save before the end was started for the current approach of the end
        let saveStarted = false;
        let closeUnsaved = null;
        let navigating = false;
        // Removes the listeners added at start
        const listeners = [];
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
            shownWarning = "";
        }
        /** Every timer and listener of the countdown ends: no more server calls. */
        function stop() {
            if (stopped) {
                return;
            }
            stopped = true;
            browser.clearInterval(tickTimer);
            browser.clearTimeout(trailingTimer);
            tickTimer = trailingTimer = null;
            for (const removeListener of listeners.splice(0)) {
                removeListener();
            }
        }
        /** Names of the records of the open forms whose changes are not saved. */
        function unsavedRecords() {
            const names = [];
            env.bus.trigger(UNSAVED_FORMS, names);
            return names;
        }
        function leave() {
            if (navigating) {
                return;
            }
            navigating = true;
            if (closeUnsaved) {
                const close = closeUnsaved;
                closeUnsaved = null;
                close();
            }
            browser.location.assign("/my");
        }
        /** Says which changes were lost; the tab leaves when the user has read it. */
        function showUnsaved(names) {
            const message = names
                .map((name) =>
                    _t(
                        "Your changes to “%s” could not be saved before your internal access ended.",
                        name
                    )
                )
                .join(" ");
            closeUnsaved = notification.add(message, {
                title: _t("Not saved"),
                type: "danger",
                sticky: true,
                className: "o_udm_unsaved",
                buttons: [
                    {name: _t("Go to portal"), primary: true, onClick: () => leave()},
                ],
                onClose: () => {
                    closeUnsaved = null;
                },
            });
        }
        /** The switch ended (or the session): stop everything and go to /my, once. */
        function goToPortal() {
            if (leaving) {
                return;
            }
            leaving = true;
            stop();
            state.active = false;
            state.warning = false;
            hideWarning();
            writeShared({reverted: true});
            const unsaved = unsavedRecords();
            if (unsaved.length) {
                showUnsaved(unsaved);
                return;
            }
            leave();
        }
        /**
         * The session is no longer valid (an RPC said so). Returns whether this was
         * handled (the page of a switched user), so that Odoo shows no dialog.
         */
        function onSessionExpired() {
            if (!switchedPage) {
                return false;
            }
            if (!leaving) {
                goToPortal();
            } else if (!closeUnsaved) {
                // Read (or closed) the list of unsaved changes, and went on clicking
                leave();
            }
            return true;
        }
        function onReverted(payload) {
            // A notification of an older switch, replayed to this newer page: not ours
            if (!payload || payload.switch_id !== state.switchId) {
                return;
            }
            goToPortal();
        }
        function computeRemaining() {
            const pending =
                lastInput > coveredInput ? lastInput + offset + state.idleMs : 0;
            // Input the server's deadline does not cover yet is reported within the
            // activity interval, well before the deadline, and the report then grants
            // the whole idle time from a later moment than the input
            return timeLeft({
                now: Date.now() + offset,
                idleEnabled: state.idleEnabled,
                deadline: state.deadline,
                pendingDeadline: pending,
                endDeadline: state.endDeadline,
            });
        }
        /** The absolute end of the switch as a local time of day, "" without one. */
        function endDisplay() {
            return state.endDeadline ? formatClock(state.endDeadline - offset) : "";
        }
        function applyStatus(status) {
            if (!status || !status.active || status.switch_id !== state.switchId) {
                goToPortal();
                return;
            }
            if (
                status.server_time < extendedAt &&
                status.end_deadline < state.endDeadline
            ) {
                // Answered before an extension whose answer came first (a heartbeat
                // sent with the click): the extension's end stands
                return;
            }
            offset = status.server_time - Date.now();
            state.idleEnabled = status.idle_enabled;
            state.idleMs = status.idle_seconds * 1000;
            state.endDeadline = status.end_deadline || 0;
            state.extensionMinutes = status.extension_minutes || 0;
            state.extensionNote = status.extension_note || "";
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
            if (leaving || checking) {
                return;
            }
            checking = true;
            try {
                const status = await rpc(
                    "/user_dynamic_management/status",
                    {},
                    {silent: true}
                );
                checkFailures = 0;
                applyStatus(status);
            } catch (error) {
                if (isSessionExpired(error)) {
                    goToPortal();
                    return;
                }
                // Offline: the server reverts anyway (request check or revert job)
                checkFailures++;
                nextCheck = Date.now() + retryDelay(checkFailures);
            } finally {
                checking = false;
            }
        }
        async function sendHeartbeat({force = false} = {}) {
            trailingTimer = null;
            if (leaving) {
                return;
            }
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
            } catch (error) {
                if (isSessionExpired(error)) {
                    goToPortal();
                    return;
                }
                // Offline: try again, less and less often; the countdown asks at zero
                writeShared({reportedInput: 0});
                heartbeatFailures++;
                if (!leaving) {
                    trailingTimer = browser.setTimeout(
                        sendHeartbeat,
                        retryDelay(heartbeatFailures, HEARTBEAT_RETRY_MS)
                    );
                }
                return;
            }
            heartbeatFailures = 0;
            applyStatus(status);
            if (leaving) {
                return;
            }
            if (coversInput(status, inputAt, offset)) {
                coveredInput = Math.max(coveredInput, inputAt);
            } else {
                // Throttled by the server (another tab reported just before, clock
                // skew): report again as soon as the server takes it, well before the
                // deadline
                writeShared({reportedInput: 0});
                trailingTimer = browser.setTimeout(
                    sendHeartbeat,
                    Math.max(1000, nextReportAt(status, offset) - Date.now())
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
        /**
         * Saves the open forms while still internal: what is being typed first, then
         * Odoo's own save of uncommitted changes (which shows what is invalid).
         */
        async function saveBeforeEnd({timeoutMs = SAVE_TIMEOUT_MS} = {}) {
            const typed = [];
            env.bus.trigger(COMMIT_FORMS, typed);
            let timer = null;
            const timeout = new Promise((resolve) => {
                if (timeoutMs) {
                    timer = browser.setTimeout(() => resolve(false), timeoutMs);
                }
            });
            const save = (async () => {
                await Promise.all(typed);
                return clearUncommittedChanges(env);
            })();
            try {
                return await Promise.race([save, timeout]);
            } catch {
                // Odoo showed why (a dialog, a notification); named after the revert
                return false;
            } finally {
                browser.clearTimeout(timer);
            }
        }
        async function backToPortal() {
            if (leaving) {
                return;
            }
            // As when leaving a form: unsaved changes are saved, invalid ones keep the
            // user here with Odoo's explanation
            if (!(await saveBeforeEnd({timeoutMs: 0}))) {
                return;
            }
            leaving = true;
            stop();
            hideWarning();
            const result = await rpc("/user_dynamic_management/back_to_portal", {});
            state.active = false;
            writeShared({reverted: true});
            browser.location.assign((result && result.redirect) || "/my");
        }
        /**
         * "Extend by N minutes": the server extends the switch (or says why not) and
         * answers with its status, so the new end shows at once.
         */
        async function extend() {
            if (leaving || extending) {
                return;
            }
            extending = true;
            let result = null;
            try {
                result = await rpc("/user_dynamic_management/extend", {});
            } catch (error) {
                if (isSessionExpired(error)) {
                    goToPortal();
                    return;
                }
                notification.add(
                    _t(
                        "The server could not be reached: your access was not extended."
                    ),
                    {type: "danger", className: "o_udm_extend_failed"}
                );
                return;
            } finally {
                extending = false;
            }
            // The warning is shown again (or not) for the new end
            hideWarning();
            applyStatus(result.status);
            if (leaving) {
                return;
            }
            if (result.extended) {
                extendedAt = result.status.server_time;
                writeShared({endDeadline: state.endDeadline});
                notification.add(
                    _t("Your internal access now ends at %s.", endDisplay()),
                    {type: "success", className: "o_udm_extended"}
                );
            } else {
                notification.add(result.message, {
                    title: _t("Not extended"),
                    type: "warning",
                    className: "o_udm_extend_refused",
                });
            }
        }
        function showWarning(kind) {
            if (kind === shownWarning) {
                return;
            }
            hideWarning();
            shownWarning = kind;
            if (kind === "end") {
                closeWarning = notification.add(
                    _t(
                        "Your internal access ends at %s. Save your work.",
                        endDisplay()
                    ),
                    {
                        title: _t("Internal access ends soon"),
                        type: "warning",
                        sticky: true,
                        className: "o_udm_end_warning",
                        buttons: state.extensionMinutes
                            ? [
                                  {
                                      name: _t(
                                          "Extend by %s minutes",
                                          state.extensionMinutes
                                      ),
                                      primary: true,
                                      onClick: () => extend(),
                                  },
                              ]
                            : undefined,
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
            if (leaving) {
                return;
            }
            const {idleLeft, endLeft, left} = computeRemaining();
            state.remaining = left;
            state.endRemaining = endLeft;
            const kind = warningKind({idleLeft, endLeft, idleMs: state.idleMs});
            state.warning = Boolean(kind);
            if (kind) {
                showWarning(kind);
            } else {
                hideWarning();
            }
            if (isSaveDue(left)) {
                if (!saveStarted) {
                    saveStarted = true;
                    saveBeforeEnd();
                }
            } else if (left !== 0) {
                // Activity moved the end away: save again when it comes closer
                saveStarted = false;
            }
            if (left === 0 && Date.now() >= nextCheck) {
                nextCheck = Date.now() + retryDelay(1);
                check();
            }
        }
        function onStorage({key}) {
            if (key !== STORAGE_KEY) {
                return;
            }
            const shared = readShared();
            if (shared.reverted) {
                goToPortal();
            } else if (shared.endDeadline && shared.endDeadline > state.endDeadline) {
                // Another tab extended the switch: the server tells what is left
                state.endDeadline = shared.endDeadline;
                check();
            } else if (shared.deadline && shared.deadline > state.deadline) {
                // Another tab reported: the input of every tab is shared
                state.deadline = shared.deadline;
                const status = {active: true, deadline: state.deadline};
                status.idle_seconds = state.idleMs / 1000;
                if (coversInput(status, lastInput, offset)) {
                    coveredInput = lastInput;
                }
            }
        }
        function onReconnecting({detail}) {
            // The session ended (logged out in another tab): the server says so
            if (detail && detail.closeCode === WEBSOCKET_SESSION_EXPIRED) {
                check();
            }
        }
        const service = {
            state,
            endDisplay: () => endDisplay(),
            stayInternal: () => stayInternal(),
            backToPortal: () => backToPortal(),
            extend: () => extend(),
            onReverted: (payload) => onReverted(payload),
            onSessionExpired: () => onSessionExpired(),
            get stopped() {
                return stopped;
            },
        };
        if (!state.active) {
            return service;
        }

        for (const [target, type, listener] of [
            [browser, "storage", onStorage],
            [presence.bus, "presence", onActivity],
            [bus_service, "reconnecting", onReconnecting],
        ]) {
            target.addEventListener(type, listener);
            listeners.push(() => target.removeEventListener(type, listener));
        }
        bus_service.subscribe(BUS_REVERTED, onReverted);
        bus_service.start();
        tickTimer = browser.setInterval(update, TICK_MS);
        if (coversInput(info, loadedAt, offset)) {
            // The page just opened by the switch (or a report): nothing to report
            coveredInput = loadedAt;
        } else {
            scheduleHeartbeat();
        }
        update();
        return service;
    },
};

/**
 * An RPC answered "session expired" on the page of a switched user (logged out in
 * another tab, or the switch ended): the page goes to the portal once instead of
 * showing Odoo's "Session Expired" dialog for each request.
 */
export function switchSessionExpiredHandler(env, error, originalError) {
    if (!(error instanceof UncaughtPromiseError) || !isSessionExpired(originalError)) {
        return false;
    }
    const service = env.services.user_dynamic_management;
    if (!service || !service.onSessionExpired()) {
        return false;
    }
    error.unhandledRejectionEvent.preventDefault();
    return true;
}

registry.category("services").add("user_dynamic_management", switchCountdownService);
registry
    .category("error_handlers")
    .add("user_dynamic_management.session_expired", switchSessionExpiredHandler, {
        sequence: 90,
    });
