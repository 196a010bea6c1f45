/** @odoo-module **/

import { registry } from "@web/core/registry";
import { startCallingSteps } from "./tour_steps";

function pressEscape() {
    const target = document.activeElement || document.body;
    target.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
}

function saveWithFirstOutcome(contactName) {
    return [
        {
            content: `Pick an outcome for ${contactName}`,
            trigger: `.o_cold_call_contact_card:contains('${contactName}') ~ .o_cold_call_log_form .o_cold_call_outcome:first`,
        },
        {
            content: "Save & next",
            trigger: ".o_cold_call_save:not(:disabled)",
        },
    ];
}

registry.category("web_tour.tours").add("cold_call_dialer_auto_dial", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        {
            content: "Switch Auto-dial on",
            trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
            run() {
                document.querySelector(".o_cold_call_auto_dial input").click();
            },
        },
        ...saveWithFirstOutcome("Tour Alpha"),
        {
            content: "The next contact comes with a countdown before it is dialled",
            trigger: ".o_cold_call_contact_name:contains('Tour Bravo')",
            extra_trigger: ".o_cold_call_countdown:contains('Calling in')",
            isCheck: true,
        },
        {
            content: "When the countdown ends, the call is placed",
            trigger: ".o_cold_call_timer_running",
            extra_trigger: ".o_cold_call_contact_card:not(:has(.o_cold_call_countdown))",
            isCheck: true,
        },
        {
            content: "Hang up",
            trigger: ".o_cold_call_call.btn-danger",
        },
        ...saveWithFirstOutcome("Tour Bravo"),
        {
            content: "The countdown runs for the next contact",
            trigger: ".o_cold_call_contact_name:contains('Tour Delta')",
            extra_trigger: ".o_cold_call_countdown",
            run: pressEscape,
        },
        {
            content: "Esc cancelled it: no call, the rep stays on the contact",
            trigger:
                ".o_cold_call_contact_card:not(:has(.o_cold_call_countdown)) .o_cold_call_timer:not(.o_cold_call_timer_running)",
            extra_trigger: ".o_cold_call_contact_name:contains('Tour Delta')",
            isCheck: true,
        },
        {
            content: "Still nothing dialled a few seconds later",
            trigger: ".o_cold_call_contact_card",
            async run() {
                await new Promise((resolve) => setTimeout(resolve, 3500));
                if (document.querySelector(".o_cold_call_timer_running")) {
                    throw new Error("The cancelled call was placed anyway");
                }
            },
        },
    ],
});
