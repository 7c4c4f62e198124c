/** @odoo-module **/

import {COMMIT_FORMS, UNSAVED_FORMS} from "./form_controller_patch";
import {
    HEARTBEAT_RETRY_MS,
    SAVE_TIMEOUT_MS,
    activityIntervalMs,
    coversInput,
    formatEnd,
    heartbeatWait,
    isCheckDue,
    isSaveDue,
    isSessionExpired,
    predatesExtension,
    retryDelay,
    throttledRetryWait,
    timeLeft,
    unreportedDeadline,
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

export const STORAGE_KEY = "user_dynamic_management.switch";
const BUS_REVERTED = "user_dynamic_management/reverted";
const BUS_EXTENSION_DECIDED = "user_dynamic_management/extension_decided";
const TICK_MS = 1000;
// The bus worker's websocket was closed because the session is no longer valid
const WEBSOCKET_SESSION_EXPIRED = 4001;

/**
 * The countdown's state the systray renders, from the session's info (the server's
 * status of the switch when the page loaded; undefined when not switched).
 *
 * @param {Object|undefined} info
 * @returns {Object} times are server-clock epoch ms
 */
function initialState(info) {
    const known = info || {};
    return {
        active: Boolean(known.active),
        switchId: known.switch_id || false,
        templateName: known.template_name || "",
        idleEnabled: Boolean(known.idle_enabled),
        deadline: known.deadline || 0,
        endDeadline: known.end_deadline || 0,
        idleMs: (known.idle_seconds || 0) * 1000,
        // Minutes "Extend" adds now (0: not offered), and why none when the policy has
        // extensions ("")
        extensionMinutes: known.extension_minutes || 0,
        // Whether "Extend" asks the approvers (an extension request) for them
        extensionApproval: Boolean(known.extension_approval),
        extensionNote: known.extension_note || "",
        // Ms before the switch ends, null without any deadline
        remaining: null,
        // Ms before the absolute end, null without one
        endRemaining: null,
        warning: false,
    };
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
export class SwitchCountdownService {
    // Server clock minus ours: for display only
    offset = 0;
    activityIntervalMs = 0;
    tickTimer = null;
    // The next activity report (trailing, retry); null when none is planned
    trailingTimer = null;
    // The switch ended: no more server calls, the tab goes (or waits to go) to /my
    leaving = false;
    // Every timer and listener ended
    stopped = false;
    // The tab is going to /my
    navigating = false;
    // The earliest time of the next status check at zero (this browser's clock)
    nextCheck = 0;
    checking = false;
    checkFailures = 0;
    extending = false;
    // The server's time of the last extension's answer
    extendedAt = 0;
    heartbeatFailures = 0;
    // Closes the warning shown ("idle" or "end", "" when none)
    closeWarning = null;
    shownWarning = "";
    // The save before the end was started for the current approach of the end
    saveStarted = false;
    // Closes the sticky list of changes that could not be saved
    closeUnsaved = null;
    // Remove the listeners added by setup()
    listeners = [];
    loadedAt = Date.now();
    // Loading a backend page is navigation, hence activity: reported by setup()
    lastInput = this.loadedAt;
    // The latest input the server's deadline is known to cover
    coveredInput = 0;

    /**
     * @param {Object} env
     * @param {Object} services rpc, presence, bus_service, notification
     */
    constructor(env, {rpc, presence, bus_service: busService, notification}) {
        this.env = env;
        this.rpc = rpc;
        this.presence = presence;
        this.busService = busService;
        this.notification = notification;
        this.info = session.user_dynamic_management;
        this.state = reactive(initialState(this.info));
        // Whether this page was opened while switched (it owns the session's fate)
        this.switchedPage = this.state.active;
        this.offset = this.info ? this.info.server_time - Date.now() : 0;
        this.activityIntervalMs = activityIntervalMs(this.info);
    }

    /** Starts the countdown on the page of a switched user: listeners, timer, report. */
    setup() {
        if (!this.state.active) {
            return;
        }
        this.listen(browser, "storage", (ev) => this.onStorage(ev));
        this.listen(this.presence.bus, "presence", () => this.onActivity());
        this.listen(this.busService, "reconnecting", (ev) => this.onReconnecting(ev));
        this.busService.subscribe(BUS_REVERTED, (payload) => this.onReverted(payload));
        this.busService.subscribe(BUS_EXTENSION_DECIDED, (payload) =>
            this.onExtensionDecided(payload)
        );
        this.busService.start();
        this.tickTimer = browser.setInterval(() => this.update(), TICK_MS);
        if (coversInput(this.info, this.loadedAt, this.offset)) {
            // The page just opened by the switch (or a report): nothing to report
            this.coveredInput = this.loadedAt;
        } else {
            this.scheduleHeartbeat();
        }
        this.update();
    }

    /**
     * Adds an event listener that stop() removes.
     *
     * @param {EventTarget} target
     * @param {String} type
     * @param {Function} listener
     */
    listen(target, type, listener) {
        target.addEventListener(type, listener);
        this.listeners.push(() => target.removeEventListener(type, listener));
    }

    // Shared state of the tabs (localStorage)

    /**
     * What the tabs of this switch shared: the last report (`lastHeartbeat`, the
     * `reportedInput`), the server's `deadline` and `endDeadline`, `reverted`.
     *
     * @returns {Object} {} when unreadable or left by another switch
     */
    readShared() {
        let shared = {};
        try {
            shared = JSON.parse(browser.localStorage.getItem(STORAGE_KEY)) || {};
        } catch {
            return {};
        }
        // Values left by an older switch mean nothing for this one
        return shared.switchId === this.state.switchId ? shared : {};
    }

    /**
     * Shares values with the other tabs of this switch (an older switch's go).
     *
     * @param {Object} values
     */
    writeShared(values) {
        browser.localStorage.setItem(
            STORAGE_KEY,
            JSON.stringify({
                ...this.readShared(),
                ...values,
                switchId: this.state.switchId,
            })
        );
    }

    /** Another tab shared something: a revert, an extension or a report. */
    onStorage({key}) {
        if (key !== STORAGE_KEY) {
            return;
        }
        const shared = this.readShared();
        if (shared.reverted) {
            this.goToPortal();
        } else if (shared.endDeadline && shared.endDeadline > this.state.endDeadline) {
            // Another tab extended the switch: the server tells what is left
            this.state.endDeadline = shared.endDeadline;
            this.check();
        } else if (shared.deadline && shared.deadline > this.state.deadline) {
            // Another tab reported: the input of every tab is shared
            this.state.deadline = shared.deadline;
            const status = {
                active: true,
                deadline: this.state.deadline,
                idle_seconds: this.state.idleMs / 1000,
            };
            if (coversInput(status, this.lastInput, this.offset)) {
                this.coveredInput = this.lastInput;
            }
        }
    }

    // The end: teardown and leaving to /my

    /** Every timer and listener of the countdown ends: no more server calls. */
    stop() {
        if (this.stopped) {
            return;
        }
        this.stopped = true;
        browser.clearInterval(this.tickTimer);
        browser.clearTimeout(this.trailingTimer);
        this.tickTimer = this.trailingTimer = null;
        for (const removeListener of this.listeners.splice(0)) {
            removeListener();
        }
    }

    /** The switch ended (or the session): stop everything and go to /my, once. */
    goToPortal() {
        if (this.leaving) {
            return;
        }
        this.leaving = true;
        this.stop();
        this.state.active = false;
        this.state.warning = false;
        this.hideWarning();
        this.writeShared({reverted: true});
        const unsaved = this.unsavedRecords();
        if (unsaved.length) {
            this.showUnsaved(unsaved);
            return;
        }
        this.leave();
    }

    /** The tab goes to /my, once (the list of unsaved changes closes). */
    leave() {
        if (this.navigating) {
            return;
        }
        this.navigating = true;
        if (this.closeUnsaved) {
            const close = this.closeUnsaved;
            this.closeUnsaved = null;
            close();
        }
        browser.location.assign("/my");
    }

    /**
     * Names of the records of the open forms whose changes are not saved.
     *
     * @returns {String[]}
     */
    unsavedRecords() {
        const names = [];
        this.env.bus.trigger(UNSAVED_FORMS, names);
        return names;
    }

    /**
     * Says which changes were lost; the tab leaves when the user has read it.
     *
     * @param {String[]} names the records whose changes were not saved
     */
    showUnsaved(names) {
        const message = names
            .map((name) =>
                _t(
                    "Your changes to “%s” could not be saved before your internal access ended.",
                    name
                )
            )
            .join(" ");
        this.closeUnsaved = this.notification.add(message, {
            title: _t("Not saved"),
            type: "danger",
            sticky: true,
            className: "o_udm_unsaved",
            buttons: [
                {name: _t("Go to portal"), primary: true, onClick: () => this.leave()},
            ],
            onClose: () => {
                this.closeUnsaved = null;
            },
        });
    }

    /**
     * The session is no longer valid (an RPC said so).
     *
     * @returns {Boolean} whether this was handled (the page of a switched user), so
     *     that Odoo shows no dialog
     */
    onSessionExpired() {
        if (!this.switchedPage) {
            return false;
        }
        if (!this.leaving) {
            this.goToPortal();
        } else if (!this.closeUnsaved) {
            // Read (or closed) the list of unsaved changes, and went on clicking
            this.leave();
        }
        return true;
    }

    /**
     * The bus said a switch was reverted: this tab leaves if it is this switch.
     *
     * @param {Object} payload the notification's, with the switch's `switch_id`
     */
    onReverted(payload) {
        // A notification of an older switch, replayed to this newer page: not ours
        if (!payload || payload.switch_id !== this.state.switchId) {
            return;
        }
        this.goToPortal();
    }

    /** The bus worker's socket closed: if the session ended, the server says so. */
    onReconnecting({detail}) {
        // The session ended (logged out in another tab): the server says so
        if (detail && detail.closeCode === WEBSOCKET_SESSION_EXPIRED) {
            this.check();
        }
    }

    // The clock: time left, warnings, save before the end

    /**
     * Ms before the idle deadline, the absolute end and the first of the two.
     *
     * @returns {Object} `idleLeft`, `endLeft` and `left`, as switch_clock.timeLeft
     */
    computeRemaining() {
        // Input the server's deadline does not cover yet is reported within the
        // activity interval, well before the deadline, and the report then grants the
        // whole idle time from a later moment than the input
        const pending = unreportedDeadline({
            lastInput: this.lastInput,
            coveredInput: this.coveredInput,
            offset: this.offset,
            idleMs: this.state.idleMs,
        });
        return timeLeft({
            now: Date.now() + this.offset,
            idleEnabled: this.state.idleEnabled,
            deadline: this.state.deadline,
            pendingDeadline: pending,
            endDeadline: this.state.endDeadline,
        });
    }

    /**
     * The absolute end of the switch as a local time of day.
     *
     * @returns {String} "" without one
     */
    endDisplay() {
        return formatEnd(this.state.endDeadline, this.offset);
    }

    /** Each second: the time left, its warning, the save before the end, the check. */
    update() {
        if (this.leaving) {
            return;
        }
        const {idleLeft, endLeft, left} = this.computeRemaining();
        this.state.remaining = left;
        this.state.endRemaining = endLeft;
        const kind = warningKind({idleLeft, endLeft, idleMs: this.state.idleMs});
        this.state.warning = Boolean(kind);
        if (kind) {
            this.showWarning(kind);
        } else {
            this.hideWarning();
        }
        this.saveIfDue(left);
        if (isCheckDue(left, Date.now(), this.nextCheck)) {
            this.nextCheck = Date.now() + retryDelay(1);
            this.check();
        }
    }

    /**
     * Saves the open forms once as the end comes close.
     *
     * @param {Number|null} left ms before the switch ends
     */
    saveIfDue(left) {
        if (isSaveDue(left)) {
            if (!this.saveStarted) {
                this.saveStarted = true;
                this.saveBeforeEnd();
            }
        } else if (left !== 0) {
            // Activity moved the end away: save again when it comes closer
            this.saveStarted = false;
        }
    }

    /**
     * Shows a warning, unless it is already shown.
     *
     * @param {"idle"|"end"} kind
     */
    showWarning(kind) {
        if (kind === this.shownWarning) {
            return;
        }
        this.hideWarning();
        this.shownWarning = kind;
        this.closeWarning =
            kind === "end" ? this.showEndWarning() : this.showIdleWarning();
    }

    /**
     * "Your internal access ends at 11:40", with "Extend by N minutes" when allowed.
     *
     * @returns {Function} closes the notification
     */
    showEndWarning() {
        const minutes = this.state.extensionMinutes;
        return this.notification.add(
            _t("Your internal access ends at %s. Save your work.", this.endDisplay()),
            {
                title: _t("Internal access ends soon"),
                type: "warning",
                sticky: true,
                className: "o_udm_end_warning",
                buttons: minutes
                    ? [
                          {
                              name: this.extendLabel(),
                              primary: true,
                              onClick: () => this.extend(),
                          },
                      ]
                    : undefined,
            }
        );
    }

    /**
     * The label of "Extend": "Ask to extend by N minutes" when the approvers decide.
     *
     * @returns {String}
     */
    extendLabel() {
        const minutes = this.state.extensionMinutes;
        return this.state.extensionApproval
            ? _t("Ask to extend by %s minutes", minutes)
            : _t("Extend by %s minutes", minutes);
    }

    /**
     * "Still there?" with "Stay internal" (activity keeps the user internal).
     *
     * @returns {Function} closes the notification
     */
    showIdleWarning() {
        return this.notification.add(
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
                        onClick: () => this.stayInternal(),
                    },
                ],
            }
        );
    }

    /** Closes the warning shown, if any. */
    hideWarning() {
        if (this.closeWarning) {
            this.closeWarning();
            this.closeWarning = null;
        }
        this.shownWarning = "";
    }

    /**
     * Saves the open forms while still internal: what is being typed first, then
     * Odoo's own save of uncommitted changes (which shows what is invalid).
     *
     * @param {Object} [options]
     * @param {Number} [options.timeoutMs] gives up after this long (0: never)
     * @returns {Promise<Boolean>} whether everything was saved
     */
    async saveBeforeEnd({timeoutMs = SAVE_TIMEOUT_MS} = {}) {
        const typed = [];
        this.env.bus.trigger(COMMIT_FORMS, typed);
        let timer = null;
        const timeout = new Promise((resolve) => {
            if (timeoutMs) {
                timer = browser.setTimeout(() => resolve(false), timeoutMs);
            }
        });
        const save = (async () => {
            await Promise.all(typed);
            return clearUncommittedChanges(this.env);
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

    // The server: status checks, activity reports

    /**
     * Takes the server's status of the switch into account (or leaves if ended).
     *
     * @param {Object} status the answer of /status, /heartbeat or /extend
     */
    applyStatus(status) {
        if (!status || !status.active || status.switch_id !== this.state.switchId) {
            this.goToPortal();
            return;
        }
        if (predatesExtension(status, this.extendedAt, this.state.endDeadline)) {
            // Answered before an extension whose answer came first (a heartbeat sent
            // with the click): the extension's end stands
            return;
        }
        this.offset = status.server_time - Date.now();
        this.state.idleEnabled = status.idle_enabled;
        this.state.idleMs = status.idle_seconds * 1000;
        this.state.endDeadline = status.end_deadline || 0;
        this.state.extensionMinutes = status.extension_minutes || 0;
        this.state.extensionApproval = Boolean(status.extension_approval);
        this.state.extensionNote = status.extension_note || "";
        this.activityIntervalMs = activityIntervalMs(status);
        if (status.deadline) {
            this.state.deadline = status.deadline;
            this.writeShared({deadline: status.deadline});
        }
        this.update();
    }

    /** Asks the server for the switch's status (at zero, after another tab's news). */
    async check() {
        if (this.leaving || this.checking) {
            return;
        }
        this.checking = true;
        try {
            const status = await this.rpc(
                "/user_dynamic_management/status",
                {},
                {silent: true}
            );
            this.checkFailures = 0;
            this.applyStatus(status);
        } catch (error) {
            if (isSessionExpired(error)) {
                this.goToPortal();
                return;
            }
            // Offline: the server reverts anyway (request check or revert job)
            this.checkFailures++;
            this.nextCheck = Date.now() + retryDelay(this.checkFailures);
        } finally {
            this.checking = false;
        }
    }

    /** Input in this tab or another (the presence service): reported in due time. */
    onActivity() {
        this.lastInput = Math.max(
            this.lastInput,
            Number(this.presence.getLastPresence()) || 0
        );
        this.scheduleHeartbeat();
    }

    /** Plans the next activity report: one per activity interval across tabs. */
    scheduleHeartbeat() {
        if (this.leaving || this.trailingTimer) {
            return;
        }
        const wait = heartbeatWait(
            this.readShared().lastHeartbeat,
            this.activityIntervalMs,
            Date.now()
        );
        if (wait <= 0) {
            this.sendHeartbeat();
        } else {
            this.trailingTimer = browser.setTimeout(() => this.sendHeartbeat(), wait);
        }
    }

    /**
     * "Stay internal": reports activity now.
     *
     * @returns {Promise} the report
     */
    stayInternal() {
        this.hideWarning();
        this.lastInput = Date.now();
        if (this.trailingTimer) {
            browser.clearTimeout(this.trailingTimer);
            this.trailingTimer = null;
        }
        return this.sendHeartbeat({force: true});
    }

    /**
     * Reports the latest input to the server, unless another tab did.
     *
     * @param {Object} [options]
     * @param {Boolean} [options.force] reports even what another tab reported
     */
    async sendHeartbeat({force = false} = {}) {
        this.trailingTimer = null;
        if (this.leaving) {
            return;
        }
        const inputAt = this.lastInput;
        if (!force && (this.readShared().reportedInput || 0) >= inputAt) {
            // Another tab already reported this input
            return;
        }
        this.writeShared({lastHeartbeat: Date.now(), reportedInput: inputAt});
        let status = null;
        try {
            status = await this.rpc(
                "/user_dynamic_management/heartbeat",
                {},
                {silent: true}
            );
        } catch (error) {
            this.onHeartbeatFailed(error);
            return;
        }
        this.heartbeatFailures = 0;
        this.applyStatus(status);
        if (!this.leaving) {
            this.onHeartbeatAnswered(status, inputAt);
        }
    }

    /**
     * A report failed: leaves if the session ended, else tries again later.
     *
     * @param {Error} error
     */
    onHeartbeatFailed(error) {
        if (isSessionExpired(error)) {
            this.goToPortal();
            return;
        }
        // Offline: try again, less and less often; the countdown asks at zero
        this.writeShared({reportedInput: 0});
        this.heartbeatFailures++;
        if (!this.leaving) {
            this.trailingTimer = browser.setTimeout(
                () => this.sendHeartbeat(),
                retryDelay(this.heartbeatFailures, HEARTBEAT_RETRY_MS)
            );
        }
    }

    /**
     * The server answered a report: sent again later if it did not cover the input.
     *
     * @param {Object} status the server's answer
     * @param {Number} inputAt the reported input (this browser's clock)
     */
    onHeartbeatAnswered(status, inputAt) {
        if (coversInput(status, inputAt, this.offset)) {
            this.coveredInput = Math.max(this.coveredInput, inputAt);
            return;
        }
        // Throttled by the server (another tab reported just before, clock skew):
        // report again as soon as the server takes it, well before the deadline
        this.writeShared({reportedInput: 0});
        this.trailingTimer = browser.setTimeout(
            () => this.sendHeartbeat(),
            throttledRetryWait(status, this.offset, Date.now())
        );
    }

    // The user's actions: extend, back to portal

    /**
     * "Extend by N minutes": the server extends the switch (or says why not) and
     * answers with its status, so the new end shows at once.
     */
    async extend() {
        if (this.leaving || this.extending) {
            return;
        }
        this.extending = true;
        let result = null;
        try {
            result = await this.rpc("/user_dynamic_management/extend", {});
        } catch (error) {
            if (isSessionExpired(error)) {
                this.goToPortal();
                return;
            }
            this.notification.add(
                _t("The server could not be reached: your access was not extended."),
                {type: "danger", className: "o_udm_extend_failed"}
            );
            return;
        } finally {
            this.extending = false;
        }
        // The warning is shown again (or not) for the new end
        this.hideWarning();
        this.applyStatus(result.status);
        if (!this.leaving) {
            this.onExtendAnswered(result);
        }
    }

    /**
     * Says whether the switch was extended (and shares its new end) or why not.
     *
     * @param {Object} result the answer of /extend
     */
    onExtendAnswered(result) {
        if (result.extended) {
            this.extendedAt = result.status.server_time;
            this.writeShared({endDeadline: this.state.endDeadline});
            this.notification.add(
                _t("Your internal access now ends at %s.", this.endDisplay()),
                {type: "success", className: "o_udm_extended"}
            );
        } else if (result.requested) {
            this.notification.add(result.message, {
                title: _t("Extension asked"),
                type: "info",
                className: "o_udm_extend_requested",
            });
        } else {
            this.notification.add(result.message, {
                title: _t("Not extended"),
                type: "warning",
                className: "o_udm_extend_refused",
            });
        }
    }

    /**
     * An approver decided on this switch's extension request (bus): the decision
     * is shown, and the server tells the new end.
     *
     * @param {Object} payload {switch_id, granted, message}
     */
    onExtensionDecided({switch_id, granted, message}) {
        if (switch_id !== this.state.switchId || this.leaving) {
            // Replayed by the bus for an older switch
            return;
        }
        this.notification.add(message, {
            type: granted ? "success" : "warning",
            className: granted ? "o_udm_extended" : "o_udm_extend_refused",
        });
        this.hideWarning();
        this.check();
    }

    /** "Back to portal now": saves the open forms, then the server reverts. */
    async backToPortal() {
        if (this.leaving) {
            return;
        }
        // As when leaving a form: unsaved changes are saved, invalid ones keep the
        // user here with Odoo's explanation
        if (!(await this.saveBeforeEnd({timeoutMs: 0}))) {
            return;
        }
        this.leaving = true;
        this.stop();
        this.hideWarning();
        const result = await this.rpc("/user_dynamic_management/back_to_portal", {});
        this.state.active = false;
        this.writeShared({reverted: true});
        browser.location.assign((result && result.redirect) || "/my");
    }
}

export const switchCountdownService = {
    dependencies: ["rpc", "presence", "bus_service", "notification"],
    start(env, services) {
        const countdown = new SwitchCountdownService(env, services);
        countdown.setup();
        return countdown;
    },
};

/**
 * An RPC answered "session expired" on the page of a switched user (logged out in
 * another tab, or the switch ended): the page goes to the portal once instead of
 * showing Odoo's "Session Expired" dialog for each request.
 *
 * @param {Object} env
 * @param {Error} error
 * @param {Error} originalError
 * @returns {Boolean} whether the error was handled
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
