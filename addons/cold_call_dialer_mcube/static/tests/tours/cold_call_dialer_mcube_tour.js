/** @odoo-module **/

import { registry } from "@web/core/registry";
import { startCallingSteps } from "@cold_call_dialer/../tests/tours/tour_steps";

registry.category("web_tour.tours").add("cold_call_dialer_mcube_click_to_call", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        {
            content: "Call the contact: MCUBE rings the rep's phone first",
            trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
            run() {
                document.querySelector(".o_cold_call_call").click();
            },
        },
        {
            content: "The call rings, as MCUBE reports it",
            trigger: ".o_cold_call_mcube_call[data-state='ringing']",
            isCheck: true,
        },
        {
            content: "At hangup, MCUBE's talk time replaces the browser timer",
            trigger:
                ".o_cold_call_mcube_call[data-state='ended'] .o_cold_call_mcube_duration:contains('0m 42s')",
            extra_trigger: ".o_cold_call_mcube_recording",
            isCheck: true,
        },
        {
            content: "The outcome MCUBE's status suggests is picked, for the rep to confirm",
            trigger: ".o_cold_call_outcome.active:contains('Connected - Not Interested')",
            extra_trigger: ".o_cold_call_mcube_suggested:contains('Connected - Not Interested')",
            isCheck: true,
        },
        {
            content: "Save & next",
            trigger: ".o_cold_call_save:not(:disabled)",
        },
        {
            content: "The call is logged",
            trigger: ".o_cold_call_page_contact[data-state='done']:contains('Tour Alpha')",
            isCheck: true,
        },
    ],
});
