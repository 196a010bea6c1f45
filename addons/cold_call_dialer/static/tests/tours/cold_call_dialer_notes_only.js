/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openDialerSteps } from "./tour_steps";

registry.category("web_tour.tours").add("cold_call_dialer_notes_only", {
    test: true,
    url: "/web",
    steps: () => [
        ...openDialerSteps(),
        {
            content: "The Dialer says it works in notes-only mode",
            trigger: ".o_cold_call_notes_only:contains('Notes-only mode')",
            isCheck: true,
        },
        {
            content: "Pick the saved search of the tour",
            trigger: ".o_cold_call_list:contains('Tour prospects')",
        },
        {
            content: "Start calling",
            trigger: ".o_cold_call_start_preview:not(:disabled)",
        },
        {
            content: "No outcome is offered",
            trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
            extra_trigger: ".o_cold_call_log_form:not(:has(.o_cold_call_outcomes))",
            isCheck: true,
        },
        {
            content: "Saving without a note is refused, and says why",
            trigger: ".o_cold_call_save",
        },
        {
            content: "The error is shown",
            trigger: ".o_cold_call_save_error:contains('Type a note')",
            isCheck: true,
        },
        {
            content: "Write the note",
            trigger: "textarea.o_cold_call_note_input",
            run: "text Receptionist says the buyer is back next week",
        },
        {
            content: "Save and go to the next contact",
            trigger: ".o_cold_call_save:not(:disabled)",
        },
        {
            content: "The next contact is on screen",
            trigger: ".o_cold_call_contact_name:contains('Tour Bravo')",
            extra_trigger: ".o_cold_call_page_contact[data-state='done']:contains('Tour Alpha')",
            isCheck: true,
        },
    ],
});
