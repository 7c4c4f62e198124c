/** @odoo-module **/

/**
 * Clock arithmetic of the switch countdown: pure functions of the server's values and
 * the current time (all times are server-clock epoch milliseconds unless said
 * otherwise), unit-tested in static/tests/switch_clock_tests.js.
 */

// The warning comes in the last minute (the last half of a shorter idle time, so that
// it is not shown all the time)
export const WARNING_MS = 60000;
// Unsaved work is saved this long before the switch ends, while still internal
export const SAVE_LEAD_MS = 20000;
// Asking the server again after failures: this long first, doubled each time, capped
export const RETRY_BASE_MS = 5000;
export const RETRY_MAX_MS = 60000;
// An activity report that did not reach the server (offline) is sent again this soon
// (then less and less often)
export const HEARTBEAT_RETRY_MS = 3000;
// How long the save before the end may take (a dialog may wait for the user)
export const SAVE_TIMEOUT_MS = SAVE_LEAD_MS - 5000;
// The server's activity interval when it did not say (seconds)
const DEFAULT_ACTIVITY_INTERVAL = 60;
// A report is sent this long after the activity interval, and a throttled report is
// sent again no sooner than this (ms)
const REPORT_MARGIN_MS = 1000;
// The error code of a JSON-RPC answer "session expired" (odoo.http)
const SESSION_EXPIRED_CODE = 100;
const SESSION_EXPIRED_NAME = "odoo.http.SessionExpiredException";

/** Formats milliseconds as mm:ss (minutes are not capped at 59). */
export function formatCountdown(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const minutes = Math.floor(total / 60);
    const seconds = total % 60;
    return `${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}`;
}

/** Formats an epoch (ms, this browser's clock) as the local time of day, "11:40". */
export function formatClock(epochMs) {
    return luxon.DateTime.fromMillis(epochMs).toFormat("HH:mm");
}

/**
 * The absolute end as a local time of day ("11:40"), "" without one.
 *
 * @param {Number} endDeadline the absolute end (server clock, 0: none)
 * @param {Number} offset the server's clock minus this browser's
 * @returns {String}
 */
export function formatEnd(endDeadline, offset) {
    return endDeadline ? formatClock(endDeadline - offset) : "";
}

/**
 * Time left before the switch ends.
 *
 * @param {Object} p
 * @param {Number} p.now the server's time
 * @param {Boolean} p.idleEnabled whether idleness reverts the switch
 * @param {Number} p.deadline the server's idle deadline (0: none)
 * @param {Number} p.pendingDeadline the idle deadline that input not reported yet
 *     will give (0: no such input)
 * @param {Number} p.endDeadline the absolute end, maximum duration (0: none)
 * @returns {{idleLeft: Number|null, endLeft: Number|null, left: Number|null}} ms
 *     before the idle deadline, before the absolute end, and before the first of the
 *     two (the countdown); null where there is no such deadline
 */
export function timeLeft({
    now,
    idleEnabled,
    deadline,
    pendingDeadline = 0,
    endDeadline,
}) {
    const endLeft = endDeadline ? Math.max(0, endDeadline - now) : null;
    const idleLeft = idleEnabled
        ? Math.max(0, Math.max(deadline || 0, pendingDeadline || 0) - now)
        : null;
    const known = [idleLeft, endLeft].filter((value) => value !== null);
    return {idleLeft, endLeft, left: known.length ? Math.min(...known) : null};
}

/**
 * The idle deadline that input not reported yet will give (server clock): the whole
 * idle time from the input, 0 when the server's deadline already covers the input.
 *
 * @param {Object} p
 * @param {Number} p.lastInput the latest input (this browser's clock)
 * @param {Number} p.coveredInput the latest input the server's deadline covers
 * @param {Number} p.offset the server's clock minus this browser's
 * @param {Number} p.idleMs the idle time
 * @returns {Number}
 */
export function unreportedDeadline({lastInput, coveredInput, offset, idleMs}) {
    return lastInput > coveredInput ? lastInput + offset + idleMs : 0;
}

/**
 * The warning that applies now: "idle" ("Still there?" with "Stay internal": activity
 * would keep the user internal longer), "end" (the absolute end, which activity cannot
 * move, is the closer one: "save your work") or "" (none).
 *
 * @param {Object} p
 * @param {Number|null} p.idleLeft ms before the idle deadline (null: none)
 * @param {Number|null} p.endLeft ms before the absolute end (null: none)
 * @param {Number} p.idleMs the idle time
 * @param {Number} [p.warningMs]
 * @returns {""|"idle"|"end"}
 */
export function warningKind({idleLeft, endLeft, idleMs, warningMs = WARNING_MS}) {
    const endFirst = endLeft !== null && (idleLeft === null || endLeft <= idleLeft);
    if (endFirst) {
        return endLeft <= warningMs ? "end" : "";
    }
    if (idleLeft !== null && idleLeft <= Math.min(warningMs, idleMs / 2)) {
        return "idle";
    }
    return endLeft !== null && endLeft <= warningMs ? "end" : "";
}

/** Whether unsaved work must be saved now: the switch ends within `leadMs`. */
export function isSaveDue(left, leadMs = SAVE_LEAD_MS) {
    return left !== null && left > 0 && left <= leadMs;
}

/**
 * Whether the countdown, at zero, asks the server now (not while a recent question
 * waits for its answer or its retry).
 *
 * @param {Number|null} left ms before the switch ends
 * @param {Number} now
 * @param {Number} nextCheck the earliest time of the next question
 * @returns {Boolean}
 */
export function isCheckDue(left, now, nextCheck) {
    return left === 0 && now >= nextCheck;
}

/**
 * Whether the server's deadline covers input made at `inputAt` (this browser's clock).
 *
 * @param {Object} status the server's answer (/status, /heartbeat, session info)
 * @param {Number} inputAt
 * @param {Number} offset the server's clock minus this browser's
 */
export function coversInput(status, inputAt, offset) {
    if (!status || !status.active || !status.deadline) {
        return true;
    }
    if (status.end_deadline && status.deadline >= status.end_deadline) {
        return true; // Capped by the absolute end: nothing more to get
    }
    // 1 s: the server stores whole seconds
    return status.deadline >= inputAt + offset + status.idle_seconds * 1000 - 1000;
}

/**
 * Ms between two activity reports of the web client, as the server says.
 *
 * @param {Object|undefined} status the server's answer (or the session's info)
 * @returns {Number}
 */
export function activityIntervalMs(status) {
    return ((status && status.activity_interval) || DEFAULT_ACTIVITY_INTERVAL) * 1000;
}

/**
 * When the server takes the next activity report into account (this browser's clock):
 * the deadline is the last report plus the idle time, and a report is accepted once the
 * activity interval has passed since the last one.
 */
export function nextReportAt(status, offset) {
    const lastReport = status.deadline - status.idle_seconds * 1000 - offset;
    return lastReport + activityIntervalMs(status);
}

/**
 * Wait before reporting input (ms, may be negative: now): the tabs share one report
 * per activity interval, counted from the last one any of them sent.
 *
 * @param {Number} lastHeartbeat when a tab last reported (this browser's clock, 0:
 *     never)
 * @param {Number} intervalMs the activity interval
 * @param {Number} now
 * @returns {Number}
 */
export function heartbeatWait(lastHeartbeat, intervalMs, now) {
    return (lastHeartbeat || 0) + intervalMs + REPORT_MARGIN_MS - now;
}

/**
 * Wait before reporting again input the server did not take into account (throttled
 * after another tab's report, clock skew): until the server takes it.
 *
 * @param {Object} status the server's answer to the report
 * @param {Number} offset the server's clock minus this browser's
 * @param {Number} now
 * @returns {Number}
 */
export function throttledRetryWait(status, offset, now) {
    return Math.max(REPORT_MARGIN_MS, nextReportAt(status, offset) - now);
}

/**
 * Whether a status was answered before an extension whose answer came first (a
 * report sent with the click): it tells an end the extension already moved away.
 *
 * @param {Object} status the server's answer
 * @param {Number} extendedAt the server's time of the last extension's answer
 * @param {Number} endDeadline the absolute end known now
 * @returns {Boolean}
 */
export function predatesExtension(status, extendedAt, endDeadline) {
    return status.server_time < extendedAt && status.end_deadline < endDeadline;
}

/** Wait before asking the server again after `failures` failed attempts in a row. */
export function retryDelay(failures, baseMs = RETRY_BASE_MS, maxMs = RETRY_MAX_MS) {
    return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/** Whether an RPC error means the session is no longer valid (logged out, expired). */
export function isSessionExpired(error) {
    if (!error) {
        return false;
    }
    return (
        error.code === SESSION_EXPIRED_CODE ||
        error.exceptionName === SESSION_EXPIRED_NAME ||
        (error.data && error.data.name === SESSION_EXPIRED_NAME) ||
        false
    );
}

/**
 * The text before and after the "%s" of a translated pattern ("%s left" → ["",
 * " left"]): the value goes in its own element, wherever each language puts it.
 */
export function splitPattern(pattern) {
    const index = pattern.indexOf("%s");
    if (index < 0) {
        return [pattern, ""];
    }
    return [pattern.slice(0, index), pattern.slice(index + 2)];
}
