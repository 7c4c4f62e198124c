/** @odoo-module **/

import {registry} from "@web/core/registry";

// An Access Rights administrator reverts a switched user from the user form.
registry.category("web_tour.tours").add("user_dynamic_management_cockpit", {
    test: true,
    steps: () => [
        {
            content: "The status line says since when and until when",
            trigger:
                ".o_field_widget[name=udm_switch_status]:contains(Internal since):contains(ends)",
            isCheck: true,
        },
        {
            content: "The smart button counts the user's switches",
            trigger: "button[name=action_udm_view_switches]:contains(Switches)",
            isCheck: true,
        },
        {
            content: "Revert now",
            trigger: "button[name=action_udm_confirm_revert]",
        },
        {
            content: "The confirmation names the user and what they lose",
            trigger:
                ".modal-body:contains(Switch UDM Cockpit Portal back to a portal user now):contains(unsaved work)",
            isCheck: true,
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button[name=action_confirm]:contains(Revert now)",
        },
        {
            content: "The notification names the user",
            trigger:
                ".o_notification:contains(UDM Cockpit Portal):contains(switched back to a portal user)",
            isCheck: true,
        },
        {
            content: "The status line is gone once reverted",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=udm_switch_status]))",
            isCheck: true,
        },
    ],
});
