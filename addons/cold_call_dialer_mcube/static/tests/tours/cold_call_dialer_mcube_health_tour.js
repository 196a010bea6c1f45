/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("cold_call_dialer_mcube_health", {
    test: true,
    steps: () => [
        {
            content: "The dashboard shows whether MCUBE's calls arrive",
            trigger: ".o_cold_call_mcube_health_row:contains('Health Co')",
            isCheck: true,
        },
        {
            content: "and why it needs attention",
            trigger: ".o_cold_call_mcube_alert:contains('Call events failed in the last 24 hours: 1')",
            isCheck: true,
        },
    ],
});
