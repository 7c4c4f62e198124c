/** @odoo-module **/

import {FormController} from "@web/views/form/form_controller";
import {patch} from "@web/core/utils/patch";
import {session} from "@web/session";
import {useBus, useService} from "@web/core/utils/hooks";

// Asked on the web client's bus by the switch service (see switch_service.js): the
// detail is an array each open form view of a switched user adds to
export const COMMIT_FORMS = "user_dynamic_management:commit-forms";
export const UNSAVED_FORMS = "user_dynamic_management:unsaved-forms";

/**
 * What to call a record whose changes were not saved: its name, or the breadcrumbs of
 * a new record without one ("Contacts / New").
 */
export function unsavedRecordName(record, breadcrumbs) {
    const {display_name: displayName, name} = record.data;
    if (displayName) {
        return displayName;
    }
    if (typeof name === "string" && name.trim()) {
        return name.trim();
    }
    return (breadcrumbs || [])
        .filter((crumb) => crumb && crumb.name)
        .map((crumb) => crumb.name)
        .join(" / ");
}

/**
 * While a portal user is switched, each form view answers the switch service before the
 * switch ends: it commits what is being typed (a field not left yet), so that Odoo's
 * clearUncommittedChanges() saves it too, and it names its record if changes remain.
 * Once the switch has ended, leaving the page no longer tries to save (as a portal user
 * it can only fail) nor asks the browser to keep the user on the page.
 */
patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        const info = session.user_dynamic_management;
        if (!info || !info.active) {
            return;
        }
        this.udmSwitch = useService("user_dynamic_management");
        // Typed in a field not left yet (the record does not know it yet)
        let typing = false;
        useBus(this.model.bus, "FIELD_IS_DIRTY", ({detail}) => (typing = detail));
        useBus(this.env.bus, COMMIT_FORMS, ({detail}) => {
            detail.push(this.model.root.isDirty());
        });
        useBus(this.env.bus, UNSAVED_FORMS, ({detail}) => {
            if (this.model.root.dirty || typing) {
                detail.push(
                    unsavedRecordName(this.model.root, this.env.config.breadcrumbs)
                );
            }
        });
    },

    async beforeUnload(ev) {
        if (this.udmSwitch && !this.udmSwitch.state.active) {
            return;
        }
        return super.beforeUnload(ev);
    },
});
