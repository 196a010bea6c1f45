/** @odoo-module **/

import { registry } from "@web/core/registry";
import { pressKey, startCallingSteps } from "@cold_call_dialer/../tests/tours/tour_steps";

/** Where the controls a rep's hand is on are: the Call button and the outcomes. */
function controlBoxes() {
    return [".o_cold_call_call", ".o_cold_call_outcomes", ".o_cold_call_save"].map((selector) => {
        const { top, left, width, height } = document.querySelector(selector).getBoundingClientRect();
        return `${selector} ${top} ${left} ${width} ${height}`;
    });
}

let boxesDuringTheCall = null;

function callTourAlpha() {
    return {
        content: "Call the contact: MCUBE rings the rep's phone first",
        trigger: ".o_cold_call_contact_name:contains('Tour Alpha')",
        run() {
            document.querySelector(".o_cold_call_call").click();
        },
    };
}

registry.category("web_tour.tours").add("cold_call_dialer_mcube_click_to_call", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        callTourAlpha(),
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
            content: "The rep confirms the suggestion with its key (3): it stays picked",
            trigger: ".o_cold_call_outcome.active:contains('Connected - Not Interested')",
            run() {
                pressKey("3", { code: "Digit3" });
            },
        },
        {
            content: "Still picked after the key",
            trigger: ".o_cold_call_outcome.active:contains('Connected - Not Interested')",
            run() {
                pressKey("3", { code: "Digit3" });
            },
        },
        {
            content: "Save & next with Ctrl+Enter",
            trigger: ".o_cold_call_outcome.active:contains('Connected - Not Interested')",
            run() {
                pressKey("Enter", { code: "Enter", ctrlKey: true });
            },
        },
        {
            content: "The call is logged",
            trigger: ".o_cold_call_page_contact[data-state='done']:contains('Tour Alpha')",
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("cold_call_dialer_mcube_hang_up", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        callTourAlpha(),
        {
            content: "The call rings: the button hangs up",
            trigger: ".o_cold_call_mcube_call[data-state='ringing']",
            extra_trigger: ".o_cold_call_call.btn-danger:contains('Hang up')",
            run() {
                boxesDuringTheCall = controlBoxes();
                document.querySelector(".o_cold_call_call").click();
            },
        },
        {
            content: "MCUBE ended the call: the button calls again, nothing else was requested",
            trigger: ".o_cold_call_mcube_call[data-state='ended']",
            extra_trigger: ".o_cold_call_call.btn-success:contains('Call')",
            isCheck: true,
        },
        {
            content: "MCUBE's hangup event brings the talk time; no control moved as the call ended",
            trigger: ".o_cold_call_mcube_duration:contains('0m 9s')",
            extra_trigger: ".o_cold_call_mcube_recording",
            run() {
                const after = controlBoxes();
                if (JSON.stringify(after) !== JSON.stringify(boxesDuringTheCall)) {
                    throw new Error(`The controls moved: ${boxesDuringTheCall} -> ${after}`);
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("cold_call_dialer_mcube_failure", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        callTourAlpha(),
        {
            content: "The rep reads why MCUBE did not place the call, with the phone as a way out",
            trigger: ".o_cold_call_mcube_error:contains('MCUBE had an error (HTTP 503): try again in a moment.')",
            extra_trigger: ".o_cold_call_mcube_tel",
            async run() {
                // Time for the call's "failed" message to come over the bus.
                await new Promise((resolve) => setTimeout(resolve, 3000));
            },
        },
        {
            content: "The bus update kept the server's sentence",
            trigger: ".o_cold_call_mcube_error:contains('MCUBE had an error (HTTP 503): try again in a moment.')",
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("cold_call_dialer_mcube_recording", {
    test: true,
    url: "/web",
    steps: () => [
        ...startCallingSteps(),
        callTourAlpha(),
        {
            content: "The call ends; MCUBE's status suggests nothing yet",
            trigger: ".o_cold_call_mcube_call[data-state='ended'] .o_cold_call_mcube_duration:contains('0m 7s')",
            isCheck: true,
        },
        {
            content: "The recording arrives and plays on the call screen, its transcript under it",
            trigger: ".o_cold_call_mcube_audio .o_cold_call_audio_player_segment:contains('high')",
            isCheck: true,
        },
        {
            content: "The keyword said is shown, and suggests its outcome",
            trigger: ".o_cold_call_mcube_keywords:contains('Too expensive')",
            extra_trigger: ".o_cold_call_outcome.active:contains('Callback Requested')",
            isCheck: true,
        },
        {
            content: "Play the recording",
            trigger: ".o_cold_call_mcube_audio .o_cold_call_audio_player_toggle[aria-label='Play']",
        },
        {
            content: "It plays",
            trigger: ".o_cold_call_mcube_audio .o_cold_call_audio_player_toggle[aria-label='Pause']",
            isCheck: true,
        },
        {
            content: "Save the suggested outcome and go on",
            trigger: ".o_cold_call_save:not(:disabled)",
        },
        {
            content: "Saved",
            trigger: ".o_cold_call_page_contact[data-state='done']:contains('Tour Alpha')",
            isCheck: true,
        },
    ],
});
