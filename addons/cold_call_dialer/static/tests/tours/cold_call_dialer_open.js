/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openDialerSteps } from "./tour_steps";

registry.category("web_tour.tours").add("cold_call_dialer_open", {
    test: true,
    url: "/web",
    steps: () => [
        ...openDialerSteps(),
        {
            content: "The Dialer shows the saved lists to choose from",
            trigger: ".o_cold_call_dialer h2:contains('Choose a list')",
            isCheck: true,
        },
    ],
});
