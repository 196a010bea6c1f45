/** @odoo-module **/

import { registry } from "@web/core/registry";
import { startCallingSteps } from "./tour_steps";

registry.category("web_tour.tours").add("cold_call_dialer_voice_note", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        {
            content: "Record a voice note about the call (the microphone is asked for now)",
            trigger: ".o_cold_call_voice_note_recorder_start:not(:disabled)",
            extra_trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
        },
        {
            content: "Speak for a few seconds, then stop",
            trigger: ".o_cold_call_voice_note_recorder_time:contains('0:05')",
            isCheck: true,
        },
        {
            content: "Stop recording",
            trigger: ".o_cold_call_voice_note_recorder_stop",
        },
        {
            content: "The voice note can be heard before the save",
            trigger: "audio.o_cold_call_voice_note_recorder_preview",
            extra_trigger: ".o_cold_call_voice_note_recorder_discard",
            isCheck: true,
        },
        {
            content: "Type a note too",
            trigger: "textarea.o_cold_call_note_input",
            run: "text Typed while the voice note waits",
        },
        {
            content: "Pick the outcome",
            trigger: ".o_cold_call_outcome:contains('Callback Requested')",
        },
        {
            content: "Save and go to the next contact, before any transcript",
            trigger: ".o_cold_call_save:not(:disabled)",
        },
        {
            content: "The next contact is on screen, with a fresh recorder",
            trigger: ".o_cold_call_contact_name:contains('Tour Bravo')",
            extra_trigger: ".o_cold_call_voice_note_recorder_start",
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("cold_call_dialer_voice_note_denied", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        {
            content: "Try to record a voice note",
            trigger: ".o_cold_call_voice_note_recorder_start:not(:disabled)",
            extra_trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
        },
        {
            content: "The Dialer says the microphone is blocked, and what to do",
            trigger: ".o_cold_call_voice_note_recorder .alert:contains('microphone is blocked')",
            isCheck: true,
        },
        {
            content: "The call can still be saved with its typed note",
            trigger: "textarea.o_cold_call_note_input",
            run: "text No voice note today",
        },
        {
            content: "Pick the outcome",
            trigger: ".o_cold_call_outcome:contains('Callback Requested')",
        },
        {
            content: "Save",
            trigger: ".o_cold_call_save:not(:disabled)",
        },
        {
            content: "The next contact is on screen",
            trigger: ".o_cold_call_contact_name:contains('Tour Bravo')",
            isCheck: true,
        },
    ],
});
