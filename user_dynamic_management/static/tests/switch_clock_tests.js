/** @odoo-module **/
/* global QUnit */

import {
    HEARTBEAT_RETRY_MS,
    SAVE_LEAD_MS,
    SAVE_TIMEOUT_MS,
    WARNING_MS,
    activityIntervalMs,
    coversInput,
    formatClock,
    formatCountdown,
    formatEnd,
    heartbeatWait,
    isCheckDue,
    isSaveDue,
    isSessionExpired,
    nextReportAt,
    predatesExtension,
    retryDelay,
    splitPattern,
    throttledRetryWait,
    timeLeft,
    unreportedDeadline,
    warningKind,
} from "@user_dynamic_management/switch_countdown/switch_clock";
import {RPCError} from "@web/core/network/rpc_service";

const MINUTE = 60000;
const NOW = Date.UTC(2026, 2, 2, 10, 40);

QUnit.module("switch_clock");

QUnit.test("formatCountdown: mm:ss, seconds rounded up, never negative", (assert) => {
    assert.strictEqual(formatCountdown(0), "00:00");
    assert.strictEqual(formatCountdown(-5000), "00:00");
    assert.strictEqual(formatCountdown(1), "00:01");
    assert.strictEqual(formatCountdown(59001), "01:00");
    assert.strictEqual(formatCountdown(4 * MINUTE + 15000), "04:15");
    // Minutes are not capped at 59
    assert.strictEqual(formatCountdown(125 * MINUTE), "125:00");
});

QUnit.test("formatClock: the local time of day", (assert) => {
    const at = luxon.DateTime.fromObject({hour: 11, minute: 40, second: 59});
    assert.strictEqual(formatClock(at.toMillis()), "11:40");
});

QUnit.test(
    "formatEnd: the absolute end on this browser's clock, or nothing",
    (assert) => {
        const at = luxon.DateTime.fromObject({hour: 11, minute: 40}).toMillis();
        // The server's clock is 2 minutes ahead of this browser's
        assert.strictEqual(formatEnd(at + 2 * MINUTE, 2 * MINUTE), "11:40");
        assert.strictEqual(formatEnd(0, 2 * MINUTE), "");
    }
);

QUnit.test("unreportedDeadline: the idle time from input not covered yet", (assert) => {
    const base = {lastInput: NOW, offset: 1000, idleMs: 5 * MINUTE};
    assert.strictEqual(
        unreportedDeadline({...base, coveredInput: NOW - 1}),
        NOW + 1000 + 5 * MINUTE,
        "on the server's clock"
    );
    assert.strictEqual(unreportedDeadline({...base, coveredInput: NOW}), 0);
    assert.strictEqual(unreportedDeadline({...base, coveredInput: NOW + 1}), 0);
});

QUnit.test("timeLeft: idle deadline, absolute end, and the first of both", (assert) => {
    const base = {now: NOW, idleEnabled: true, deadline: NOW + 4 * MINUTE};
    assert.deepEqual(timeLeft({...base, endDeadline: 0}), {
        idleLeft: 4 * MINUTE,
        endLeft: null,
        left: 4 * MINUTE,
    });
    assert.deepEqual(timeLeft({...base, endDeadline: NOW + MINUTE}), {
        idleLeft: 4 * MINUTE,
        endLeft: MINUTE,
        left: MINUTE,
    });
    // Input not reported yet moves the idle deadline on
    assert.strictEqual(
        timeLeft({...base, pendingDeadline: NOW + 5 * MINUTE, endDeadline: 0}).left,
        5 * MINUTE
    );
    // Without idle time only the absolute end counts, without either nothing
    assert.deepEqual(
        timeLeft({...base, idleEnabled: false, endDeadline: NOW + 30000}),
        {
            idleLeft: null,
            endLeft: 30000,
            left: 30000,
        }
    );
    assert.deepEqual(timeLeft({...base, idleEnabled: false, endDeadline: 0}), {
        idleLeft: null,
        endLeft: null,
        left: null,
    });
    // Past deadlines are 0, not negative
    assert.deepEqual(timeLeft({...base, now: NOW + 10 * MINUTE, endDeadline: NOW}), {
        idleLeft: 0,
        endLeft: 0,
        left: 0,
    });
});

QUnit.test("warningKind: Stay internal only where activity helps", (assert) => {
    const idleMs = 5 * MINUTE;
    assert.strictEqual(warningKind({idleLeft: 2 * MINUTE, endLeft: null, idleMs}), "");
    assert.strictEqual(warningKind({idleLeft: 50000, endLeft: null, idleMs}), "idle");
    // A short idle time: the warning comes in its last half only
    assert.strictEqual(
        warningKind({idleLeft: 40000, endLeft: null, idleMs: MINUTE}),
        ""
    );
    assert.strictEqual(
        warningKind({idleLeft: 30000, endLeft: null, idleMs: MINUTE}),
        "idle"
    );
    // The absolute end comes before the idle deadline: activity cannot help
    assert.strictEqual(warningKind({idleLeft: 50000, endLeft: 20000, idleMs}), "end");
    assert.strictEqual(warningKind({idleLeft: 20000, endLeft: 20000, idleMs}), "end");
    assert.strictEqual(warningKind({idleLeft: null, endLeft: 20000, idleMs}), "end");
    assert.strictEqual(
        warningKind({idleLeft: null, endLeft: WARNING_MS + 1000, idleMs}),
        ""
    );
    // The idle deadline comes first and activity would give more time
    assert.strictEqual(warningKind({idleLeft: 10000, endLeft: 50000, idleMs}), "idle");
    // Idle deadline first but not close yet, the end within its last minute
    assert.strictEqual(
        warningKind({idleLeft: 40000, endLeft: 50000, idleMs: MINUTE}),
        "end"
    );
});

QUnit.test("isSaveDue: within the lead before the end, not at or past it", (assert) => {
    assert.notOk(isSaveDue(null));
    assert.notOk(isSaveDue(SAVE_LEAD_MS + 1));
    assert.ok(isSaveDue(SAVE_LEAD_MS));
    assert.ok(isSaveDue(1000));
    assert.notOk(isSaveDue(0));
});

QUnit.test(
    "coversInput and nextReportAt: the server's deadline and throttle",
    (assert) => {
        const status = {
            active: true,
            deadline: NOW + 5 * MINUTE,
            idle_seconds: 300,
            activity_interval: 60,
        };
        // Input at NOW is covered by a deadline of NOW + idle time (offset 0)
        assert.ok(coversInput(status, NOW, 0));
        assert.notOk(coversInput(status, NOW + 2000, 0));
        // The server's clock is 1 s ahead of ours
        assert.ok(coversInput(status, NOW - 1000, 1000));
        // Capped by the absolute end: nothing more to get
        assert.ok(
            coversInput({...status, end_deadline: NOW + MINUTE}, NOW + MINUTE, 0)
        );
        assert.ok(coversInput({active: false}, NOW, 0));
        assert.strictEqual(nextReportAt(status, 0), NOW + MINUTE);
        assert.strictEqual(nextReportAt(status, 1000), NOW + MINUTE - 1000);
    }
);

QUnit.test("retryDelay: doubles, capped", (assert) => {
    assert.deepEqual(
        [1, 2, 3, 4, 5, 10].map((failures) => retryDelay(failures)),
        [5000, 10000, 20000, 40000, 60000, 60000]
    );
    assert.strictEqual(retryDelay(2, 3000, 10000), 6000);
    // An activity report is sent again sooner than a status check
    assert.deepEqual(
        [1, 2, 3, 4, 6, 7].map((failures) => retryDelay(failures, HEARTBEAT_RETRY_MS)),
        [3000, 6000, 12000, 24000, 60000, 60000]
    );
});

QUnit.test("isCheckDue: at zero, once the last question is old enough", (assert) => {
    assert.ok(isCheckDue(0, NOW, NOW));
    assert.ok(isCheckDue(0, NOW, 0));
    assert.notOk(isCheckDue(0, NOW, NOW + 1), "asked recently, or failed");
    assert.notOk(isCheckDue(1000, NOW, 0), "not at zero yet");
    assert.notOk(isCheckDue(null, NOW, 0), "no deadline at all");
});

QUnit.test(
    "activity reports: interval, wait across tabs, throttled retry",
    (assert) => {
        assert.strictEqual(activityIntervalMs({activity_interval: 20}), 20000);
        assert.strictEqual(activityIntervalMs({}), MINUTE, "a minute by default");
        assert.strictEqual(activityIntervalMs(undefined), MINUTE);
        // One report per interval across tabs, one second after it
        assert.strictEqual(heartbeatWait(NOW - 10000, 20000, NOW), 11000);
        assert.strictEqual(heartbeatWait(NOW - 30000, 20000, NOW), -9000);
        assert.ok(heartbeatWait(0, 20000, NOW) <= 0, "never reported: now");
        assert.ok(heartbeatWait(undefined, 20000, NOW) <= 0);
        // The server took the last report at NOW - 50 s: it takes the next at NOW + 10 s
        const status = {
            active: true,
            deadline: NOW - 50000 + 5 * MINUTE,
            idle_seconds: 300,
            activity_interval: 60,
        };
        assert.strictEqual(throttledRetryWait(status, 0, NOW), 10000);
        assert.strictEqual(
            throttledRetryWait(status, 0, NOW + 10000),
            1000,
            "at least 1 s"
        );
        assert.strictEqual(throttledRetryWait(status, 2000, NOW), 8000);
    }
);

QUnit.test(
    "predatesExtension: an older answer does not undo an extension",
    (assert) => {
        const extended = NOW + 30 * MINUTE;
        const before = {server_time: NOW - 1000, end_deadline: NOW};
        assert.ok(predatesExtension(before, NOW, extended));
        // Answered after the extension, or telling the same end: it stands
        assert.notOk(predatesExtension({...before, server_time: NOW}, NOW, extended));
        assert.notOk(
            predatesExtension({...before, end_deadline: extended}, NOW, extended)
        );
        assert.notOk(predatesExtension(before, 0, extended), "never extended");
    }
);

QUnit.test("the save before the end gives up before the end", (assert) => {
    assert.ok(SAVE_TIMEOUT_MS > 0 && SAVE_TIMEOUT_MS < SAVE_LEAD_MS);
});

QUnit.test("isSessionExpired: Odoo's session expired answer only", (assert) => {
    const expired = new RPCError();
    expired.code = 100;
    expired.exceptionName = "odoo.http.SessionExpiredException";
    assert.ok(isSessionExpired(expired));
    assert.ok(isSessionExpired({data: {name: "odoo.http.SessionExpiredException"}}));
    const denied = new RPCError();
    denied.code = 200;
    denied.exceptionName = "odoo.exceptions.AccessError";
    assert.notOk(isSessionExpired(denied));
    assert.notOk(isSessionExpired(new Error("Connection lost")));
    assert.notOk(isSessionExpired(null));
});

QUnit.test("splitPattern: the text around the value", (assert) => {
    assert.deepEqual(splitPattern("%s left"), ["", " left"]);
    assert.deepEqual(splitPattern("encore %s"), ["encore ", ""]);
    assert.deepEqual(splitPattern("left"), ["left", ""]);
});
