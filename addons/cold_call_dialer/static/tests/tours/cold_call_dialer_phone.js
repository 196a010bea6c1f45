/** @odoo-module **/

import { registry } from "@web/core/registry";

/** Save & next is on screen, whole: the rep reaches it with the thumb, without scrolling. */
function checkSaveWithinReach() {
    const { top, bottom } = document.querySelector(".o_cold_call_save").getBoundingClientRect();
    if (top < 0 || bottom > window.innerHeight) {
        const screen = `${window.innerWidth} x ${window.innerHeight} px`;
        throw new Error(`Save & next is off screen: ${top}-${bottom} px on ${screen}`);
    }
}

registry.category("web_tour.tours").add("cold_call_dialer_phone", {
    test: true,
    url: "/web#action=cold_call_dialer.cold_call_dialer_action",
    steps: () => [
        {
            content: "Pick the saved search of the tour",
            trigger: ".o_cold_call_list:contains('Tour prospects')",
        },
        {
            content: "Start calling",
            trigger: ".o_cold_call_start_preview",
        },
        {
            content: "The first contact is on screen, and Save & next within reach",
            trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
            run: checkSaveWithinReach,
        },
        {
            content: "Pick the last outcome, at the bottom of the list",
            trigger: ".o_cold_call_outcome[data-value='do_not_call']",
        },
        {
            content: "Save & next is still within reach",
            trigger: ".o_cold_call_outcome.active[data-value='do_not_call']",
            run() {
                checkSaveWithinReach();
                document.querySelector(".o_cold_call_save").click();
            },
        },
        {
            content: "The next contact is on screen",
            trigger: ".o_cold_call_contact_name:contains('Tour Bravo')",
            isCheck: true,
        },
    ],
});
