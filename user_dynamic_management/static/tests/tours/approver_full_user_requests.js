/** @odoo-module **/

import {registry} from "@web/core/registry";

// An administrator names a team lead approver in Settings, without developer mode.
registry.category("web_tour.tours").add("approver_name_in_settings", {
    test: true,
    steps: () => [
        {
            content: "Empty, the approvers are the Access Rights administrators",
            trigger:
                "div[name=udm_approver_group_id] input[placeholder='Access Rights administrators']",
            isCheck: true,
        },
        {
            content: "Name the team lead",
            trigger: "div[name=udm_approver_user_ids] input",
            run: "text udm_appr_lead",
        },
        {
            content: "Pick them",
            trigger: ".o-autocomplete--dropdown-item a:contains(udm_appr_lead)",
        },
        {
            content: "Named",
            trigger: "div[name=udm_approver_user_ids] .o_tag:contains(udm_appr_lead)",
            isCheck: true,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
        },
        {
            content: "Saved",
            trigger: ".o_form_view:not(:has(.o_dirty_warning))",
            extra_trigger:
                "div[name=udm_approver_user_ids] .o_tag:contains(udm_appr_lead)",
            isCheck: true,
        },
    ],
});

// The team lead, an approver who is not an administrator, finds the request and
// refuses it, saying why.
registry.category("web_tour.tours").add("approver_refuse_with_reason", {
    test: true,
    steps: () => [
        {
            content: "The activity counter shows the request, due today",
            trigger: ".o-mail-ActivityMenu-counter:contains(1)",
            isCheck: true,
        },
        {
            content: "The Inbox counter shows it too",
            trigger: ".o-mail-MessagingMenu-counter",
            isCheck: true,
        },
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
        },
        {
            content: "Their own app: Full User Requests",
            trigger:
                ".o_app[data-menu-xmlid='user_dynamic_management.menu_full_user_requests_root']",
        },
        {
            content: "Open the waiting request",
            trigger: ".o_data_row .o_data_cell:contains(Month-end closing)",
        },
        {
            content: "Refuse",
            trigger: ".o_form_view button[name=action_open_refuse_wizard]",
        },
        {
            content: "Say why",
            trigger: ".o_field_widget[name=refusal_reason] textarea",
            in_modal: true,
            run: "text Not during the audit, ask again next week",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button[name=action_refuse]",
        },
        {
            content: "Refused",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains(Refused)",
            extra_trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
        {
            content: "The reason is kept",
            trigger:
                ".o_field_widget[name=refusal_reason]:contains(Not during the audit)",
            isCheck: true,
        },
        {
            content: "No more buttons to decide",
            trigger:
                ".o_form_view:not(:has(button[name=action_approve])):not(:has(button[name=action_open_refuse_wizard]))",
            isCheck: true,
        },
    ],
});
