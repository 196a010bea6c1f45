/** @odoo-module **/

import { Component } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { dashboardSections } from "@cold_call_dialer/dashboard/dashboard";

/** Whether MCUBE's calls reach each of the manager's companies: the last event, the backlog,
 * failures and click-to-call errors of the last 24 hours, and the alerts that hold. */
export class McubeHealth extends Component {
    static template = "cold_call_dialer_mcube.DashboardHealth";
    static props = { data: Object };

    get companies() {
        return this.props.data.mcube_health || [];
    }

    lastEvent(health) {
        if (!health.last_event_at) {
            return { text: _t("never"), title: "" };
        }
        const when = deserializeDateTime(health.last_event_at);
        return { text: when.toRelative(), title: formatDateTime(when) };
    }
}

dashboardSections.add("mcube_health", { Component: McubeHealth });
