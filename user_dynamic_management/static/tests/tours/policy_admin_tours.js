/** @odoo-module **/
// Copyright 2026 Portal Suite contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

// The settings of "Internal access as people plan it", set as an administrator sets
// them: through the menus, clicking and typing in the real forms, then saving. What
// the database holds afterwards, and what the portal user meets, is checked in
// tests/test_policy_tours.py.

/**
 * Apps menu > Settings: the General Settings.
 *
 * @returns {Object[]} tour steps
 */
function openSettingsSteps() {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
        },
        {
            content: "Open Settings",
            trigger: ".o_app[data-menu-xmlid='base.menu_administration']",
        },
    ];
}

/**
 * Settings > Users & Companies > a menu, from anywhere in the backend.
 *
 * @param {String} menuXmlid the menu's XML id
 * @param {String} label what the menu is called
 * @returns {Object[]} tour steps
 */
function openUsersMenuSteps(menuXmlid, label) {
    return [
        ...openSettingsSteps(),
        {
            content: "Open Users & Companies",
            trigger:
                ".o_main_navbar .o_menu_sections .dropdown-toggle:contains(Users & Companies)",
        },
        {
            content: `Open ${label}`,
            trigger: `.o_main_navbar .dropdown-item[data-menu-xmlid='${menuXmlid}']`,
        },
    ];
}

/**
 * Type a value into the input of a form field.
 *
 * @param {String} name the field
 * @param {String} value what to type
 * @param {String} label the field's label
 * @returns {Object} a tour step
 */
function typeStep(name, value, label) {
    return {
        content: `Type ${value} in ${label}`,
        trigger: `.o_form_view .o_field_widget[name=${name}] input`,
        run: `text ${value}`,
    };
}

/**
 * Save the form, then wait until it is saved (no longer dirty).
 *
 * @param {String} savedTrigger what the saved form must show
 * @returns {Object[]} tour steps
 */
function saveFormSteps(savedTrigger) {
    return [
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
        },
        {
            content: "Saved",
            trigger: `.o_form_view .o_form_saved ${savedTrigger}`,
            isCheck: true,
        },
    ];
}

/**
 * Throw unless the input of a field shows the expected text.
 *
 * @param {String} name the field
 * @param {String} expected the text its input must show
 */
function checkShown(name, expected) {
    const input = document.querySelector(`.o_field_widget[name=${name}] input`);
    if (!input || input.value !== expected) {
        throw new Error(`${name} shows "${input && input.value}", not "${expected}"`);
    }
}

/** Settings: tick "Require two-factor authentication to switch" and save. */
registry.category("web_tour.tours").add("udm_policy_require_totp", {
    test: true,
    steps: () => [
        ...openSettingsSteps(),
        {
            content: "Tick Require two-factor authentication to switch",
            trigger:
                ".o_setting_container div[name=udm_require_totp] input:not(:checked)",
        },
        {
            content: "Ticked",
            trigger: ".o_setting_container div[name=udm_require_totp] input:checked",
            isCheck: true,
        },
        {
            content: "Save the settings",
            trigger: ".o_control_panel .o_form_button_save",
            run(helpers) {
                // Gone with the page reload that follows the save
                document.body.classList.add("o_udm_tour_saving");
                helpers.click();
            },
        },
        {
            content: "Still ticked once the settings are loaded again",
            trigger:
                "body:not(.o_udm_tour_saving) .o_setting_container div[name=udm_require_totp] input:checked",
            isCheck: true,
        },
    ],
});

/**
 * Open the template named "UDM Template" from its menu.
 *
 * @returns {Object[]} tour steps
 */
function openTemplateSteps() {
    return [
        ...openUsersMenuSteps(
            "access_right_template.menu_access_right_templates",
            "Access Right Templates"
        ),
        {
            content: "Open the template",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(UDM Template)",
        },
        {
            content: "Its switch policy is shown",
            trigger: ".o_form_view .o_field_widget[name=udm_max_duration] input",
            isCheck: true,
        },
    ];
}

/** Template form: maximum duration 60 min, extension 30 min in all, 15 at a time. */
registry.category("web_tour.tours").add("udm_policy_template_duration", {
    test: true,
    steps: () => [
        ...openTemplateSteps(),
        typeStep("udm_max_duration", "60", "Maximum Duration"),
        typeStep("udm_max_extension", "30", "Maximum Extension"),
        // Shown once a maximum extension is set
        typeStep("udm_extension_step", "15", "Extend By"),
        ...saveFormSteps(".o_field_widget[name=udm_extension_step] input"),
        {
            content: "The form shows what was typed",
            trigger: ".o_form_view .o_form_saved",
            run() {
                checkShown("udm_max_duration", "60");
                checkShown("udm_max_extension", "30");
                checkShown("udm_extension_step", "15");
            },
        },
    ],
});

/** Template form: 2 switches a day, 20 min of cooldown, 1 seat. */
registry.category("web_tour.tours").add("udm_policy_template_fairness", {
    test: true,
    steps: () => [
        ...openTemplateSteps(),
        typeStep("udm_daily_limit", "2", "Switches per Day"),
        typeStep("udm_cooldown", "20", "Cooldown"),
        typeStep("udm_template_seats", "1", "Seats"),
        ...saveFormSteps(".o_field_widget[name=udm_template_seats] input"),
        {
            content: "The form shows what was typed",
            trigger: ".o_form_view .o_form_saved",
            run() {
                checkShown("udm_daily_limit", "2");
                checkShown("udm_cooldown", "20");
                checkShown("udm_template_seats", "1");
            },
        },
    ],
});

const WINDOWS = "div[name=udm_window_ids]";

/**
 * Add a line to the template's Switch Windows: a day, 08:30 to 17:30.
 *
 * @param {String} day the weekday, as the selection shows it
 * @returns {Object[]} tour steps
 */
function windowLineSteps(day) {
    const row = `${WINDOWS} .o_data_row.o_selected_row`;
    return [
        {
            content: `Add a line for ${day}`,
            trigger: `${WINDOWS} .o_field_x2many_list_row_add a`,
        },
        {
            content: `Choose ${day}`,
            trigger: `${row} .o_field_widget[name=weekday] select`,
            run: `text ${day}`,
        },
        {
            content: "From 08:30",
            trigger: `${row} .o_field_widget[name=hour_from] input`,
            run: "text 08:30",
        },
        {
            content: "To 17:30",
            trigger: `${row} .o_field_widget[name=hour_to] input`,
            run: "text 17:30",
        },
    ];
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

/** Template form: switch windows Monday to Friday, 08:30-17:30. */
registry.category("web_tour.tours").add("udm_policy_template_windows", {
    test: true,
    steps: () => [
        ...openTemplateSteps(),
        ...WEEKDAYS.flatMap(windowLineSteps),
        ...saveFormSteps(`${WINDOWS} .o_data_row:contains(Friday)`),
        {
            content: "The five windows are listed, 08:30 to 17:30",
            trigger: `.o_form_view .o_form_saved ${WINDOWS} .o_data_row`,
            run() {
                const rows = [...document.querySelectorAll(`${WINDOWS} .o_data_row`)];
                const shown = rows.map((row) =>
                    [...row.querySelectorAll(".o_data_cell")]
                        .map((cell) => cell.textContent.trim())
                        .join(" ")
                );
                const expected = WEEKDAYS.map((day) => `${day} 08:30 17:30`);
                if (JSON.stringify(shown) !== JSON.stringify(expected)) {
                    throw new Error(`Windows shown: ${JSON.stringify(shown)}`);
                }
            },
        },
    ],
});

/** User form: planned internal access on Saturday 7 March 2026, 08:00 to 18:00. */
registry.category("web_tour.tours").add("udm_policy_planned_access", {
    test: true,
    steps: () => {
        const grants = "div[name=udm_grant_ids]";
        const row = `${grants} .o_data_row.o_selected_row`;
        return [
            ...openUsersMenuSteps("base.menu_action_res_users", "Users"),
            {
                content: "Portal users are filtered out: remove the filter",
                trigger: ".o_searchview_facet .o_facet_remove",
            },
            {
                content: "Search the volunteer",
                trigger: ".o_searchview_input",
                run: "text Vera Volunteer",
            },
            {
                content: "Search by name",
                trigger: ".o_searchview_autocomplete .o_menu_item:first",
            },
            {
                content: "Open the volunteer",
                trigger:
                    ".o_list_view .o_data_row .o_data_cell:contains(Vera Volunteer)",
            },
            {
                content: "Add a line to Planned Internal Access",
                trigger: `${grants} .o_field_x2many_list_row_add a`,
            },
            {
                content: "From Saturday 08:00",
                trigger: `${row} .o_field_widget[name=date_start] input`,
                run: "text 03/07/2026 08:00:00",
            },
            {
                content: "To Saturday 18:00",
                trigger: `${row} .o_field_widget[name=date_end] input`,
                run: "text 03/07/2026 18:00:00",
            },
            {
                content: "Say what for",
                trigger: `${row} .o_field_widget[name=note] input`,
                run: "text Saturday's event",
            },
            ...saveFormSteps(`${grants} .o_data_row:contains(Saturday)`),
            {
                content: "The period is listed as typed",
                trigger: `.o_form_view .o_form_saved ${grants} .o_data_row`,
                run() {
                    const text = this.$anchor[0].textContent;
                    for (const expected of [
                        "03/07/2026 08:00:00",
                        "03/07/2026 18:00:00",
                        "Saturday's event",
                    ]) {
                        if (!text.includes(expected)) {
                            throw new Error(`"${expected}" not in the line: ${text}`);
                        }
                    }
                },
            },
        ];
    },
});
