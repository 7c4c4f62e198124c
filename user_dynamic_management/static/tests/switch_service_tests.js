/** @odoo-module **/
/* global QUnit */

import {
    COMMIT_FORMS,
    UNSAVED_FORMS,
} from "@user_dynamic_management/switch_countdown/form_controller_patch";
import {
    STORAGE_KEY,
    switchCountdownService,
    switchSessionExpiredHandler,
} from "@user_dynamic_management/switch_countdown/switch_service";
import {EventBus} from "@odoo/owl";
import {RPCError} from "@web/core/network/rpc_service";
import {UncaughtPromiseError} from "@web/core/errors/error_service";
import {browser} from "@web/core/browser/browser";
import {patchWithCleanup} from "@web/../tests/helpers/utils";
import {session} from "@web/session";

const NOW = Date.UTC(2026, 2, 2, 10, 40);
const STATUS = "/user_dynamic_management/status";
const HEARTBEAT = "/user_dynamic_management/heartbeat";
const EXTEND = "/user_dynamic_management/extend";

function sessionExpired() {
    const error = new RPCError("Odoo Session Expired");
    error.code = 100;
    error.exceptionName = "odoo.http.SessionExpiredException";
    error.data = {name: "odoo.http.SessionExpiredException"};
    return error;
}

/** The server's answer for the open switch 7, its idle deadline renewed now. */
function activeStatus(values = {}) {
    return {
        active: true,
        switch_id: 7,
        idle_enabled: true,
        idle_seconds: 60,
        deadline: Date.now() + 60000,
        end_deadline: false,
        server_time: Date.now(),
        activity_interval: 20,
        ...values,
    };
}

/** Let the service's promises (RPCs, saves) settle. */
function settle() {
    return new Promise((resolve) => setTimeout(resolve));
}

/**
 * Starts the service for a switched user with fake dependencies, a fake clock and fake
 * timers. `rpc(route)` answers the service's calls.
 */
function start(assert, {info = {}, rpc = () => ({})} = {}) {
    const clock = {now: NOW};
    const timers = new Map();
    let nextTimer = 1;
    const fake = {
        rpcs: [],
        assigned: [],
        notifications: [],
        env: {bus: new EventBus()},
        presence: {bus: new EventBus(), getLastPresence: () => clock.now},
        // The bus notifications the service listens to, by type
        subscriptions: {},
        busService: Object.assign(new EventBus(), {
            subscribe: (type, callback) => {
                fake.subscriptions[type] = callback;
            },
            start: () => null,
        }),
        /** Runs the timers due within `ms`, in order, and lets promises settle. */
        async advance(ms) {
            // What was started before (an RPC answered) happens now, not later
            await settle();
            const until = clock.now + ms;
            for (;;) {
                const due = [...timers.entries()]
                    .filter(([, timer]) => timer.at <= until)
                    .sort(([, a], [, b]) => a.at - b.at)[0];
                if (!due) {
                    break;
                }
                const [id, timer] = due;
                clock.now = Math.max(clock.now, timer.at);
                if (timer.every) {
                    timer.at += timer.every;
                } else {
                    timers.delete(id);
                }
                timer.fn();
                await settle();
            }
            clock.now = until;
            await settle();
        },
        get timerCount() {
            return timers.size;
        },
    };
    patchWithCleanup(Date, {now: () => clock.now});
    patchWithCleanup(browser, {
        setTimeout(fn, delay = 0) {
            timers.set(nextTimer, {fn, at: clock.now + delay});
            return nextTimer++;
        },
        clearTimeout: (id) => timers.delete(id),
        setInterval(fn, delay) {
            timers.set(nextTimer, {fn, at: clock.now + delay, every: delay});
            return nextTimer++;
        },
        clearInterval: (id) => timers.delete(id),
        location: {assign: (url) => fake.assigned.push(url)},
    });
    patchWithCleanup(session, {
        user_dynamic_management: {
            active: true,
            switch_id: 7,
            template_name: "Sales",
            idle_enabled: true,
            idle_seconds: 300,
            deadline: NOW + 300000,
            end_deadline: false,
            server_time: NOW,
            activity_interval: 60,
            ...info,
        },
    });
    const notification = {
        add(message, options = {}) {
            const shown = {message, ...options, open: true};
            fake.notifications.push(shown);
            return () => {
                shown.open = false;
            };
        },
    };
    fake.service = switchCountdownService.start(fake.env, {
        rpc: async (route) => {
            fake.rpcs.push(route);
            return rpc(route);
        },
        presence: fake.presence,
        bus_service: fake.busService,
        notification,
    });
    fake.env.services = {user_dynamic_management: fake.service};
    assert.ok(fake.timerCount > 0, "the countdown ticks");
    return fake;
}

QUnit.module("switch_service");

QUnit.test(
    "status answered session expired: everything stops, /my once",
    async (assert) => {
        const fake = start(assert, {
            // No idle time: no activity report, only the check at the end
            info: {idle_enabled: false, deadline: false, end_deadline: NOW + 1000},
            rpc: () => Promise.reject(sessionExpired()),
        });
        await fake.advance(2000);
        assert.deepEqual(fake.rpcs, [STATUS]);
        assert.deepEqual(fake.assigned, ["/my"]);
        assert.strictEqual(fake.timerCount, 0, "no timer left");
        assert.ok(fake.service.stopped);
        // Input, minutes later: nothing more is sent
        fake.presence.bus.trigger("presence");
        await fake.advance(10 * 60000);
        assert.deepEqual(fake.rpcs, [STATUS]);
        assert.deepEqual(fake.assigned, ["/my"]);
        const shared = JSON.parse(
            browser.localStorage.getItem("user_dynamic_management.switch")
        );
        assert.deepEqual(shared, {reverted: true, switchId: 7}, "other tabs are told");
    }
);

QUnit.test("heartbeat answered session expired: no retry loop", async (assert) => {
    const fake = start(assert, {rpc: () => Promise.reject(sessionExpired())});
    await fake.advance(61000);
    fake.presence.bus.trigger("presence");
    await fake.advance(120000);
    assert.deepEqual(fake.rpcs, [HEARTBEAT]);
    assert.deepEqual(fake.assigned, ["/my"]);
    assert.strictEqual(fake.timerCount, 0);
});

QUnit.test(
    "offline: the heartbeat is sent again less and less often",
    async (assert) => {
        const fake = start(assert, {
            rpc: () => Promise.reject(new Error("Connection lost")),
        });
        await fake.advance(61000);
        fake.presence.bus.trigger("presence");
        await fake.advance(30000);
        // 0 s, then 3, 6 and 12 s later (21 s), the next one at 45 s
        assert.deepEqual(fake.rpcs, [HEARTBEAT, HEARTBEAT, HEARTBEAT, HEARTBEAT]);
        assert.deepEqual(fake.assigned, []);
    }
);

QUnit.test("a sibling tab's signal: /my without asking the server", async (assert) => {
    const fake = start(assert);
    const key = "user_dynamic_management.switch";
    browser.localStorage.setItem(key, JSON.stringify({switchId: 7, reverted: true}));
    window.dispatchEvent(new StorageEvent("storage", {key}));
    await fake.advance(5000);
    assert.deepEqual(fake.rpcs, []);
    assert.deepEqual(fake.assigned, ["/my"]);
    assert.strictEqual(fake.timerCount, 0);
    // The signal of an older switch is ignored
    const other = start(assert, {info: {switch_id: 8}});
    browser.localStorage.setItem(key, JSON.stringify({switchId: 7, reverted: true}));
    window.dispatchEvent(new StorageEvent("storage", {key}));
    await other.advance(1000);
    assert.deepEqual(other.assigned, []);
});

QUnit.test("the bus socket closed as session expired: one check", async (assert) => {
    const fake = start(assert, {rpc: () => Promise.reject(sessionExpired())});
    fake.busService.trigger("reconnecting", {closeCode: 4001});
    fake.busService.trigger("reconnecting", {closeCode: 4001});
    await fake.advance(1000);
    assert.deepEqual(fake.rpcs, [STATUS]);
    assert.deepEqual(fake.assigned, ["/my"]);
    // Another close code (server restarted): nothing to ask
    const other = start(assert);
    other.busService.trigger("reconnecting", {closeCode: 1006});
    await other.advance(1000);
    assert.deepEqual(other.rpcs, []);
});

QUnit.test("the error handler: no Session Expired dialog, /my once", async (assert) => {
    const fake = start(assert);
    let prevented = 0;
    function uncaught() {
        const error = new UncaughtPromiseError();
        error.unhandledRejectionEvent = {preventDefault: () => prevented++};
        return error;
    }
    assert.ok(switchSessionExpiredHandler(fake.env, uncaught(), sessionExpired()));
    assert.ok(switchSessionExpiredHandler(fake.env, uncaught(), sessionExpired()));
    assert.strictEqual(prevented, 2);
    assert.deepEqual(fake.assigned, ["/my"]);
    const denied = new RPCError("Access denied");
    denied.code = 200;
    assert.notOk(switchSessionExpiredHandler(fake.env, uncaught(), denied));
    // Not the page of a switched user: Odoo's own dialog
    const env = {
        services: {user_dynamic_management: {onSessionExpired: () => false}},
    };
    assert.notOk(switchSessionExpiredHandler(env, uncaught(), sessionExpired()));
});

QUnit.test(
    "the forms are saved before the end, what failed is named after",
    async (assert) => {
        const steps = [];
        let status = {};
        const fake = start(assert, {
            info: {end_deadline: NOW + 60000},
            rpc: () => status,
        });
        // A form with a record being typed that cannot be saved (invalid)
        fake.env.bus.addEventListener(COMMIT_FORMS, ({detail}) => {
            steps.push("commit");
            detail.push(Promise.resolve(true));
        });
        fake.env.bus.addEventListener("CLEAR-UNCOMMITTED-CHANGES", ({detail}) => {
            detail.push(async () => {
                steps.push("save");
                return false;
            });
        });
        fake.env.bus.addEventListener(UNSAVED_FORMS, ({detail}) => detail.push("Jane"));
        await fake.advance(39000);
        assert.deepEqual(steps, [], "not yet");
        await fake.advance(2000);
        assert.deepEqual(steps, ["commit", "save"], "20 s before the end");
        await fake.advance(15000);
        assert.deepEqual(steps, ["commit", "save"], "once");
        // The end: the server reverted
        status = {active: false};
        await fake.advance(6000);
        assert.deepEqual(fake.rpcs, [STATUS]);
        const unsaved = fake.notifications.find((n) => n.className === "o_udm_unsaved");
        assert.strictEqual(
            String(unsaved.message),
            "Your changes to “Jane” could not be saved before your internal access ended."
        );
        assert.strictEqual(unsaved.type, "danger");
        assert.ok(unsaved.sticky);
        assert.deepEqual(fake.assigned, [], "the tab waits for the user");
        unsaved.buttons[0].onClick();
        assert.deepEqual(fake.assigned, ["/my"]);
        assert.strictEqual(fake.timerCount, 0);
    }
);

QUnit.test(
    "idle: saved before the deadline unless there is activity",
    async (assert) => {
        const saves = [];
        const fake = start(assert, {
            info: {idle_seconds: 60, deadline: NOW + 60000, activity_interval: 20},
            rpc: () => activeStatus(),
        });
        fake.env.bus.addEventListener("CLEAR-UNCOMMITTED-CHANGES", ({detail}) => {
            detail.push(async () => saves.push(Date.now()));
        });
        await fake.advance(35000);
        // Input: the deadline moves on (reported later), nothing to save yet
        fake.presence.bus.trigger("presence");
        await fake.advance(10000);
        assert.deepEqual(saves, []);
        await fake.advance(30000);
        assert.deepEqual(saves, [NOW + 75000], "20 s before the new deadline");
    }
);

QUnit.test("the end comes first: its warning, never Stay internal", async (assert) => {
    const fake = start(assert, {
        info: {idle_seconds: 60, deadline: NOW + 60000, end_deadline: NOW + 50000},
    });
    await fake.advance(35000);
    const open = fake.notifications.filter((n) => n.open);
    assert.strictEqual(open.length, 1);
    assert.strictEqual(String(open[0].title), "Internal access ends soon");
    assert.notOk(open[0].buttons, "no Stay internal");
    assert.ok(fake.service.state.warning);
});

QUnit.test(
    "idle first: Stay internal, then the end warning once the end is closer",
    async (assert) => {
        const fake = start(assert, {
            info: {idle_seconds: 60, deadline: NOW + 60000, end_deadline: NOW + 80000},
            rpc: () => activeStatus({end_deadline: NOW + 80000}),
        });
        await fake.advance(31000);
        let open = fake.notifications.filter((n) => n.open);
        assert.deepEqual(
            open.map((n) => String(n.title)),
            ["Still there?"]
        );
        await open[0].buttons[0].onClick();
        await fake.advance(1000);
        open = fake.notifications.filter((n) => n.open);
        assert.deepEqual(
            open.map((n) => String(n.title)),
            ["Internal access ends soon"],
            "activity cannot keep the user past the end"
        );
    }
);

QUnit.test(
    "the values an older switch left in localStorage are ignored",
    async (assert) => {
        // Switch 7 reported a moment ago, was extended, then ended; switch 8 starts
        const stale = {
            switchId: 7,
            lastHeartbeat: NOW,
            reportedInput: NOW + 60000,
            deadline: NOW + 20 * 60000,
            endDeadline: NOW + 30 * 60000,
        };
        browser.localStorage.setItem(STORAGE_KEY, JSON.stringify(stale));
        const fake = start(assert, {info: {switch_id: 8}, rpc: () => activeStatus()});
        assert.deepEqual(fake.service.readShared(), {});
        window.dispatchEvent(new StorageEvent("storage", {key: STORAGE_KEY}));
        assert.strictEqual(
            fake.service.state.deadline,
            NOW + 300000,
            "not its deadline"
        );
        assert.strictEqual(fake.service.state.endDeadline, 0, "nor its end");
        // Input is reported at once: the older switch's report does not count
        fake.presence.bus.trigger("presence");
        assert.deepEqual(fake.rpcs, [HEARTBEAT]);
        assert.deepEqual(
            JSON.parse(browser.localStorage.getItem(STORAGE_KEY)),
            {lastHeartbeat: NOW, reportedInput: NOW, switchId: 8},
            "what this switch shares replaces it"
        );
    }
);

QUnit.test(
    "offline at zero: the status is asked less and less often",
    async (assert) => {
        const asked = [];
        const fake = start(assert, {
            info: {idle_enabled: false, deadline: false, end_deadline: NOW + 1000},
            rpc: () => {
                asked.push(Date.now() - NOW);
                return Promise.reject(new Error("Connection lost"));
            },
        });
        await fake.advance(200000);
        // Every second at zero, but 5 s after the first failure, then 10, 20, 40, 60
        assert.deepEqual(asked, [1000, 6000, 16000, 36000, 76000, 136000, 196000]);
        assert.deepEqual(fake.assigned, [], "the server reverts, not the tab");
    }
);

QUnit.test("an answer sent before an extension does not undo it", async (assert) => {
    const extended = NOW + 30 * 60000;
    const fake = start(assert, {
        info: {idle_enabled: false, deadline: false, end_deadline: NOW + 50000},
        rpc: (route) =>
            route === EXTEND
                ? {
                      extended: true,
                      minutes: 30,
                      status: activeStatus({end_deadline: extended}),
                  }
                : activeStatus({end_deadline: NOW + 50000}),
    });
    await fake.service.extend();
    assert.strictEqual(fake.service.state.endDeadline, extended);
    assert.strictEqual(fake.service.readShared().endDeadline, extended, "other tabs");
    const told = fake.notifications.find((n) => n.className === "o_udm_extended");
    assert.ok(told, "the user is told the new end");
    // The test's localStorage sends this tab its own writes as a sibling's: the end
    // shared above would come back through onStorage, whatever applyStatus does
    browser.localStorage.removeItem(STORAGE_KEY);
    // A report sent with the click, answered just before the extension
    fake.service.applyStatus(
        activeStatus({end_deadline: NOW + 50000, server_time: NOW - 10})
    );
    assert.strictEqual(fake.service.state.endDeadline, extended);
    // A later answer is the server's word
    fake.service.applyStatus(
        activeStatus({end_deadline: extended + 60000, server_time: NOW + 10})
    );
    assert.strictEqual(fake.service.state.endDeadline, extended + 60000);
});

QUnit.test(
    "an extension the approvers decide: asked, then the new end shows",
    async (assert) => {
        const extended = NOW + 30 * 60000;
        let end = NOW + 50000;
        const fake = start(assert, {
            info: {
                idle_enabled: false,
                deadline: false,
                end_deadline: end,
                extension_minutes: 30,
                extension_approval: true,
            },
            rpc: (route) =>
                route === EXTEND
                    ? {
                          extended: false,
                          requested: true,
                          minutes: 30,
                          message: "The approvers were asked.",
                          status: activeStatus({
                              end_deadline: end,
                              extension_minutes: 0,
                              extension_note: "Extension of 30 min asked.",
                          }),
                      }
                    : activeStatus({end_deadline: end}),
        });
        assert.strictEqual(fake.service.extendLabel(), "Ask to extend by 30 minutes");
        await fake.service.extend();
        const asked = fake.notifications.find(
            (n) => n.className === "o_udm_extend_requested"
        );
        assert.strictEqual(asked.message, "The approvers were asked.");
        assert.strictEqual(fake.service.state.endDeadline, NOW + 50000, "not yet");
        assert.strictEqual(fake.service.state.extensionMinutes, 0, "asked once");
        assert.strictEqual(
            fake.service.state.extensionNote,
            "Extension of 30 min asked."
        );
        // An older switch's decision, replayed by the bus: ignored
        fake.rpcs.length = 0;
        fake.subscriptions["user_dynamic_management/extension_decided"]({
            switch_id: 6,
            granted: true,
            message: "old",
        });
        await fake.advance(0);
        assert.deepEqual(fake.rpcs, []);
        // An approver extends it: the user is told, the server gives the new end
        end = extended;
        fake.subscriptions["user_dynamic_management/extension_decided"]({
            switch_id: 7,
            granted: true,
            message: "An approver extended your internal access by 30 minutes.",
        });
        await fake.advance(0);
        assert.deepEqual(fake.rpcs, [STATUS]);
        assert.strictEqual(fake.service.state.endDeadline, extended);
        const told = fake.notifications.filter((n) => n.className === "o_udm_extended");
        assert.deepEqual(
            told.map((n) => n.message),
            ["An approver extended your internal access by 30 minutes."]
        );
    }
);
