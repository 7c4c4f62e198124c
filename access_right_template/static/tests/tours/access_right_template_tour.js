/** @odoo-module **/
// Copyright 2026 Portal Suite contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

// The vendor's documentation, steps 1-2, as an administrator does them in the browser:
// create an internal user, set its groups, archive it, then choose it as the
// "Template for Switch to Internal" of a portal user. Started on Settings > Users in
// developer mode (Extra Rights such as Multi Currencies are only shown there).
registry.category("web_tour.tours").add("access_right_template_seed_steps", {
    test: true,
    steps: () => [
        {
            content: "Create a user",
            trigger: ".o_list_button_add",
        },
        {
            content: "Type its name (last name when partner_firstname splits it)",
            trigger:
                ".o_field_widget[name=name] input, .o_field_widget[name=lastname] input",
            run: "text Seed Sales Desk",
        },
        {
            content: "Type its login",
            trigger: ".o_field_widget[name=login] input",
            run: "text art_seed_template",
        },
        {
            content: "Tick a group",
            trigger: "label.o_form_label:contains('Multi Currencies')",
        },
        {
            content: "The group is ticked",
            trigger: "label.o_form_label:contains('Multi Currencies')",
            run() {
                const input = document.getElementById(this.$anchor.attr("for"));
                if (!input || !input.checked) {
                    throw new Error("Multi Currencies is not ticked");
                }
            },
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
            isCheck: true,
        },
        {
            content: "Open the Action menu",
            trigger: ".o_cp_action_menus .dropdown-toggle",
        },
        {
            content: "Archive",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Archive')",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
        },
        {
            content: "The user is archived",
            trigger: ".ribbon:contains('Archived')",
            isCheck: true,
        },
        {
            content: "Back to the users",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Users')",
        },
        {
            content: "Portal users are filtered out: remove the filter",
            trigger: ".o_searchview_facet .o_facet_remove",
        },
        {
            content: "Search the portal user",
            trigger: ".o_searchview_input",
            run: "text Portal Seed Customer",
        },
        {
            content: "Search by name",
            trigger: ".o_searchview_autocomplete .o_menu_item:first",
        },
        {
            content: "Open the portal user",
            trigger: ".o_data_row .o_data_cell:contains('Portal Seed Customer')",
        },
        {
            content: "Open Template for Switch to Internal",
            trigger: ".o_field_widget[name=switch_template_id] input",
        },
        {
            content: "Type part of the template's name",
            trigger: ".o_field_widget[name=switch_template_id] input",
            run: "text Seed Sal",
        },
        {
            content: "The archived user is offered: pick it",
            trigger:
                ".o_field_widget[name=switch_template_id] .o-autocomplete--dropdown-item:contains('Seed Sales Desk')",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
            isCheck: true,
        },
        {
            content: "The template stuck",
            trigger: ".o_field_widget[name=switch_template_id] input",
            run() {
                const value = this.$anchor.val();
                if (value !== "Seed Sales Desk") {
                    throw new Error(`Template for Switch to Internal shows "${value}"`);
                }
            },
        },
    ],
});

// "Create Access Right Template" on an internal user (started on its form) lands on
// the full template form.
registry.category("web_tour.tours").add("access_right_template_create_from_user", {
    test: true,
    steps: () => [
        {
            content: "An ordinary internal user's form has no empty template section",
            trigger: ".o_form_view .o_form_sheet",
            run() {
                const titles = [
                    ...document.querySelectorAll(".o_horizontal_separator"),
                ];
                const empty = titles.filter((title) =>
                    /Access Right Template|Switch to Internal/i.test(title.textContent)
                );
                if (empty.length) {
                    throw new Error(`Empty section shown: ${empty[0].textContent}`);
                }
            },
        },
        {
            content: "Create Access Right Template",
            trigger: "button[name=action_create_access_right_template]",
        },
        {
            content: "The Template badge shows",
            trigger: ".ribbon:contains('Template')",
            isCheck: true,
        },
        {
            content: "The template flags show",
            trigger:
                ".o_field_widget[name=is_default_access_right_template] input:not(:checked)",
            isCheck: true,
        },
        {
            content: "The granted groups show",
            trigger:
                ".o_field_widget[name=access_right_template_group_ids] .o_tag:contains('Internal User')",
            isCheck: true,
        },
        {
            content: "The groups of the Access Rights tab show",
            trigger:
                ".o_notebook .tab-pane.active .o_field_widget[name^=sel_groups_], .o_notebook .tab-pane.active .o_field_widget[name^=in_group_]",
            isCheck: true,
        },
        {
            content: "No invitation, no login, no Archived ribbon",
            trigger: ".o_form_view .o_form_sheet",
            run() {
                const unwanted = {
                    "button[name=action_reset_password]":
                        "a password/invitation button",
                    ".o_field_widget[name=login]": "the login",
                    "label[for^=login]": "the login label",
                    ".o_field_widget[name=state]": "the login state",
                    "button[name=action_create_access_right_template]":
                        "Create Access Right Template",
                };
                for (const [selector, what] of Object.entries(unwanted)) {
                    if (document.querySelector(selector)) {
                        throw new Error(`The template form shows ${what}`);
                    }
                }
                const ribbons = [...document.querySelectorAll(".ribbon")];
                if (ribbons.some((ribbon) => ribbon.textContent.includes("Archived"))) {
                    throw new Error("The template form shows the Archived ribbon");
                }
            },
        },
    ],
});

// Settings > Users & Companies > Access Right Templates > New: the full template form.
registry.category("web_tour.tours").add("access_right_template_new_from_menu", {
    test: true,
    steps: () => [
        {
            content: "New template",
            trigger: ".o_list_button_add",
        },
        {
            content: "The new template is shown as a template, with its flags",
            trigger: ".ribbon:contains('Template')",
            extra_trigger: ".o_field_widget[name=allow_administration_rights]",
            run() {
                if (document.querySelector(".o_form_sheet .alert-info")) {
                    throw new Error("The new template shows the contact banner");
                }
                if (document.querySelector(".o_field_widget[name=login]")) {
                    throw new Error("The new template shows the login");
                }
            },
        },
        {
            content: "Type its name (last name when partner_firstname splits it)",
            trigger:
                ".o_field_widget[name=name] input, .o_field_widget[name=lastname] input",
            run: "text Warehouse Helpers",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
        },
        {
            content:
                "Saved, still shown as a template, with no login nor contact banner",
            trigger: ".o_form_saved",
            extra_trigger: ".ribbon:contains('Template')",
            run() {
                if (document.querySelector(".o_field_widget[name=login]")) {
                    throw new Error("The template form shows the login");
                }
                if (document.querySelector(".o_form_sheet .alert-info")) {
                    throw new Error("The template form shows the contact banner");
                }
            },
        },
    ],
});
