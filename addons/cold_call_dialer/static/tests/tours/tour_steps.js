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

/** Open the Dialer and start calling the tour's saved search, "Tour prospects". */
export function startCallingSteps() {
    return [
        ...openDialerSteps(),
        {
            content: "Pick the saved search of the tour",
            trigger: ".o_cold_call_list:contains('Tour prospects')",
        },
        {
            content: "Start calling",
            trigger: ".o_cold_call_start_preview",
        },
    ];
}

/** A key pressed on the focused element, as the keyboard would (the hotkeys listen to keydown). */
export function pressKey(key, options = {}) {
    const target = document.activeElement || document.body;
    target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, ...options }));
}
