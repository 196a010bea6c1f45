/** @odoo-module **/

import { Component } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { dashboardSections } from "@cold_call_dialer/dashboard/dashboard";

/** Missed MCUBE calls nobody has called back yet, the oldest first, on the Dialer dashboard. */
export class McubeCallbacks extends Component {
    static template = "cold_call_dialer_mcube.DashboardCallbacks";
    static props = { data: Object };

    setup() {
        this.action = useService("action");
    }

    get callbacks() {
        return this.props.data.mcube_callbacks;
    }

    get median() {
        const minutes = this.callbacks.median_minutes;
        if (minutes === false) {
            return "—";
        }
        if (minutes < 60) {
            return _t("%(minutes)s min", { minutes });
        }
        return _t("%(hours)s h %(minutes)s min", {
            hours: Math.floor(minutes / 60),
            minutes: minutes % 60,
        });
    }

    callTime(call) {
        const date = deserializeDateTime(call.call_date);
        return { label: formatDateTime(date), ago: date.toRelative() };
    }

    open(call) {
        const [model, id] = call.lead_id
            ? ["crm.lead", call.lead_id]
            : ["mcube.call.record", call.id];
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

dashboardSections.add("mcube_callbacks", { Component: McubeCallbacks });
