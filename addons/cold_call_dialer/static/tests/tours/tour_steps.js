/** @odoo-module **/

import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** The steps every Dialer tour starts with: open the Dialer from the apps menu. */
export function openDialerSteps() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Dialer app",
            trigger: '.o_app[data-menu-xmlid="cold_call_dialer.cold_call_dialer_menu_root"]',
        },
    ];
}
