/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("cold_call_dialer_open", {
    test: true,
    url: "/web",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Dialer app",
            trigger: '.o_app[data-menu-xmlid="cold_call_dialer.cold_call_dialer_menu_root"]',
        },
        {
            content: "The Dialer shows the saved lists to choose from",
            trigger: ".o_cold_call_dialer h2:contains('Choose a list')",
            isCheck: true,
        },
    ],
});
