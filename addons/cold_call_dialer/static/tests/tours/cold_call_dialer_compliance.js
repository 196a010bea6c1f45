/** @odoo-module **/

import { registry } from "@web/core/registry";
import { pressKey, startCallingSteps } from "./tour_steps";

const BRAVO_ROW = ".o_cold_call_page_contact:contains('Tour Bravo')";

registry.category("web_tour.tours").add("cold_call_dialer_compliance", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        {
            content: "The opted-out contact stays in the list, with why it may not be called",
            trigger: `${BRAVO_ROW} .o_cold_call_refusal:contains('Opted out of calls since')`,
            extra_trigger: `${BRAVO_ROW} .o_cold_call_state_badge:contains('not allowed')`,
            isCheck: true,
        },
        {
            content: "The contact on screen may be called: the card warns the register was not checked",
            trigger: ".o_cold_call_compliance_warning:contains('register was not checked')",
            extra_trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
            isCheck: true,
        },
        {
            content: "Switch Auto-dial on",
            trigger: ".o_cold_call_auto_dial input",
        },
        {
            content: "Pick an outcome for Tour Alpha",
            trigger: ".o_cold_call_log_form .o_cold_call_outcome:first",
        },
        {
            content: "Save & next",
            trigger: ".o_cold_call_save:not(:disabled)",
        },
        {
            content: "Auto-dial passes over the opted-out contact: Tour Delta's countdown runs; Esc stops it",
            trigger: ".o_cold_call_contact_name:contains('Tour Delta')",
            extra_trigger: ".o_cold_call_countdown",
            run: () => pressKey("Escape"),
        },
        {
            content: "Open the opted-out contact on purpose",
            trigger: `${BRAVO_ROW}:not(:disabled)`,
            extra_trigger: ".o_cold_call_contact_card:not(:has(.o_cold_call_countdown))",
        },
        {
            content: "Its card says why, and Call is disabled",
            trigger: ".o_cold_call_compliance_refused:contains('Opted out of calls since')",
            extra_trigger: ".o_cold_call_contact_name:contains('Tour Bravo')",
            isCheck: true,
        },
        {
            content: "Neither the Call button nor the phone number dials it",
            trigger: ".o_cold_call_call:disabled",
            extra_trigger: ".o_cold_call_phones:not(:has(a[href]))",
            isCheck: true,
        },
    ],
});
