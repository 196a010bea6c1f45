/** @odoo-module **/

import { Component } from "@odoo/owl";
import { dashboardSections } from "@cold_call_dialer/dashboard/dashboard";

/** Inbound calls and the leads made from them per rep, by what assigned them, and the routed
 * calls nobody answered, on the Dialer dashboard. */
export class McubeRouting extends Component {
    static template = "cold_call_dialer_mcube.DashboardRouting";
    static props = { data: Object };

    get routing() {
        return this.props.data.mcube_routing;
    }
}

dashboardSections.add("mcube_routing", { Component: McubeRouting });
