/** @odoo-module **/

import {registry} from "@web/core/registry";

// A portal user files a Full User Request on /my.
registry.category("web_tour.tours").add("user_dynamic_management_request", {
    test: true,
    url: "/my",
    steps: () => [
        {
            content: "Say why",
            trigger: "#udm_request_form textarea[name=reason]",
            run: "text Month-end closing",
        },
        {
            content: "Ask for 20 minutes",
            trigger: "#udm_request_form input[name=duration]",
            run: "text 20",
        },
        {
            content: "Send the request",
            trigger: "#udm_request_button",
        },
        {
            content: "The request waits for approval",
            trigger: "#udm_request_state:contains(Waiting for approval)",
            isCheck: true,
        },
    ],
});

// An approver approves it from the backend.
registry.category("web_tour.tours").add("user_dynamic_management_request_approve", {
    test: true,
    steps: () => [
        {
            content: "The reason is shown",
            trigger: ".o_field_widget[name=reason_text]:contains(Month-end closing)",
            isCheck: true,
        },
        {
            content: "Approve",
            trigger: "button[name=action_approve]",
        },
        {
            content: "Approved",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains(Approved)",
            isCheck: true,
        },
    ],
});
