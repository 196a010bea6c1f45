/** @odoo-module **/

import { registry } from "@web/core/registry";
import { formatDateTime } from "@web/core/l10n/dates";
import { openDialerSteps, startCallingSteps } from "./tour_steps";

const { DateTime } = luxon;

function pickOutcome(contactName, outcome) {
    return {
        content: `${contactName}: ${outcome}`,
        trigger: `.o_cold_call_outcome:contains('${outcome}')`,
        extra_trigger: `.o_cold_call_contact_name:contains('${contactName}')`,
    };
}

registry.category("web_tour.tours").add("cold_call_dialer_next_steps", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        pickOutcome("Tour Alpha", "Connected - Interested"),
        {
            content: "An interested contact leads to an opportunity",
            trigger: ".o_cold_call_opportunity_hint",
            isCheck: true,
        },
        {
            content: "Send a thank-you e-mail",
            trigger: "select.o_cold_call_mail_template",
            run: "text Thanks for your time",
        },
        {
            content: "The e-mail is shown as the contact will get it before anything is sent",
            trigger: ".o_cold_call_mail_preview .o_cold_call_mail_subject:contains('Tour Alpha')",
            extra_trigger: ".o_cold_call_mail_preview:contains('alpha@example.com')",
            isCheck: true,
        },
        {
            content: "Save & next",
            trigger: ".o_cold_call_save:not(:disabled)",
        },
        pickOutcome("Tour Bravo", "Meeting Booked"),
        {
            content: "Pick the meeting's date: in three days at 15:00",
            trigger: ".o_cold_call_meeting input",
            run(actions) {
                const start = DateTime.local()
                    .plus({ days: 3 })
                    .set({ hour: 15, minute: 0, second: 0 });
                actions.text(formatDateTime(start));
                this.$anchor[0].dispatchEvent(
                    new KeyboardEvent("keydown", { key: "Enter", bubbles: true }),
                );
            },
        },
        {
            content: "Save & next",
            trigger: ".o_cold_call_save:not(:disabled)",
            extra_trigger: ".o_cold_call_meeting_minutes",
        },
        pickOutcome("Tour Delta", "Connected - Interested"),
        {
            content: "Save & next",
            trigger: ".o_cold_call_save:not(:disabled)",
        },
        {
            content: "The three calls are logged",
            trigger: ".o_cold_call_tally_calls:contains('3')",
            isCheck: true,
        },
        {
            content: "Back to the lists",
            trigger: ".o_cold_call_back",
        },
        {
            content: "Pick the saved search again",
            trigger: ".o_cold_call_list:contains('Tour prospects')",
        },
        {
            content: "Start calling again",
            trigger: ".o_cold_call_start_preview",
        },
        {
            content: "The contacts just reached wait for their next step: none is offered again",
            trigger: ".o_cold_call_page_done",
            extra_trigger: ".o_cold_call_waiting:contains('3 waiting')",
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("cold_call_dialer_hot_leads", {
    test: true,
    url: "/web",
    steps: () => [
        ...openDialerSteps(),
        {
            content: "Hot leads comes with its rule",
            trigger: ".o_cold_call_list:contains('Hot leads'):contains('opportunity that is still open')",
        },
        {
            content: "Its preview shows the interested contact",
            trigger: ".o_cold_call_preview_table tr:contains('Tour Alpha')",
            extra_trigger: ".o_cold_call_preview_total:contains('1')",
        },
        {
            content: "Start calling",
            trigger: ".o_cold_call_start_preview",
        },
        {
            content: "The hot lead is on screen",
            trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
            isCheck: true,
        },
    ],
});
