/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openDialerSteps, pressKey } from "./tour_steps";

/** Change a contact "elsewhere in Odoo", as another screen or user would. */
async function writeContact(contactId, values) {
    const response = await fetch("/web/dataset/call_kw/res.partner/write", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
            jsonrpc: "2.0",
            method: "call",
            params: {
                model: "res.partner",
                method: "write",
                args: [[contactId], values],
                kwargs: {},
            },
        }),
    });
    const result = await response.json();
    if (result.error) {
        throw new Error(result.error.data.message);
    }
}

function pressControlEnter() {
    const note = document.querySelector("textarea.o_cold_call_note_input");
    note.focus();
    note.dispatchEvent(
        new KeyboardEvent("keydown", { key: "Enter", code: "Enter", ctrlKey: true, bubbles: true }),
    );
}

registry.category("web_tour.tours").add("cold_call_dialer_calling", {
    test: true,
    url: "/web",
    steps: () => [
        ...openDialerSteps(),
        {
            content: "The counts come after the lists: two contacts to call (the third has no phone)",
            trigger: ".o_cold_call_list:contains('Tour prospects') .o_cold_call_list_count:contains('2')",
            isCheck: true,
        },
        {
            content: "Pick the saved search of the tour",
            trigger: ".o_cold_call_list:contains('Tour prospects')",
        },
        {
            content: "The preview shows who is in the list",
            trigger: ".o_cold_call_preview_table td:contains('Tour Alpha')",
            extra_trigger: ".o_cold_call_preview_skipped:contains('1')",
            isCheck: true,
        },
        {
            content: "Start calling",
            trigger: ".o_cold_call_start_preview",
        },
        {
            content: "The first contact of the list is on screen",
            trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
            extra_trigger: ".o_cold_call_page_info:contains('Page 1 of 1')",
            isCheck: true,
        },
        {
            content: "Call the contact",
            trigger: ".o_cold_call_call:not(:disabled)",
        },
        {
            content: "The call timer runs",
            trigger: ".o_cold_call_timer_running",
            isCheck: true,
        },
        {
            content: "Once the call is placed, the keyboard is on the outcomes, not on Call",
            trigger: ".o_cold_call_timer_running",
            run() {
                const outcomes = document.querySelector(".o_cold_call_outcomes");
                if (document.activeElement !== outcomes) {
                    throw new Error(
                        `The keyboard is on ${document.activeElement.outerHTML.slice(0, 80)}`,
                    );
                }
            },
        },
        {
            content: "Outcomes have number keys: 1 picks the first one",
            trigger: ".o_cold_call_outcome:first:not(.active)",
            run() {
                pressKey("1", { code: "Digit1" });
            },
        },
        {
            content: "The first outcome is picked, without a follow-up",
            trigger: ".o_cold_call_outcome.active:contains('No Answer - No Voicemail')",
            extra_trigger: ".o_cold_call_follow_up_toggle:not(:checked)",
            isCheck: true,
        },
        {
            content: "Pick the outcome",
            trigger: ".o_cold_call_outcome:contains('Callback Requested')",
        },
        {
            content: "The follow-up switches itself on for a callback",
            trigger: ".o_cold_call_follow_up_toggle:checked",
            extra_trigger: ".o_cold_call_follow_up_fields",
            isCheck: true,
        },
        {
            content: "Write the note",
            trigger: "textarea.o_cold_call_note_input",
            run(actions) {
                actions.text("Spoke to <b>Asha</b>\nCall back on Monday");
            },
        },
        {
            content: "Save and go to the next contact with Ctrl+Enter",
            trigger: ".o_cold_call_save:not(:disabled)",
            run: pressControlEnter,
        },
        {
            content: "The next contact is on screen",
            trigger: ".o_cold_call_contact_name:contains('Tour Bravo')",
            isCheck: true,
        },
        {
            content: "The called contact is marked done with its outcome",
            trigger:
                ".o_cold_call_page_contact[data-state='done']:contains('Tour Alpha'):contains('Callback Requested')",
            extra_trigger: ".o_cold_call_tally_calls:contains('1')",
            isCheck: true,
        },
        {
            content: "Someone changes the status of the contact on screen elsewhere in Odoo",
            trigger: ".o_cold_call_contact_card:contains('Tour Bravo')",
            async run() {
                const card = document.querySelector(".o_cold_call_contact_card");
                await writeContact(parseInt(card.dataset.contactId), {
                    x_cold_call_status: "meeting",
                });
            },
        },
        {
            content: "Refresh the page",
            trigger: ".o_cold_call_refresh:not(:disabled)",
        },
        {
            content: "The change shows up, marked as made in Odoo",
            trigger: ".o_cold_call_contact_card .o_cold_call_updated",
            extra_trigger: ".o_cold_call_current_status:contains('Meeting Booked')",
            isCheck: true,
        },
        {
            content: "The form is empty again for the next call",
            trigger: "textarea.o_cold_call_note_input:propValue('')",
            extra_trigger:
                ".o_cold_call_outcome.active:not(:visible), .o_cold_call_outcomes:not(:has(.active))",
            isCheck: true,
        },
    ],
});
