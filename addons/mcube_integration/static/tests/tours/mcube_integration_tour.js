/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("mcube_integration_call_records", {
    test: true,
    url: "/web",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open CRM",
            trigger: '.o_app[data-menu-xmlid="crm.crm_menu_root"]',
        },
        {
            content: "Open the MCUBE menu",
            trigger: '.o_menu_sections button:contains("MCUBE")',
        },
        {
            content: "Open the call records",
            trigger:
                '.dropdown-item[data-menu-xmlid="mcube_integration.mcube_integration_menu_call_records"]',
        },
        {
            content: "Open the call from the sample number",
            trigger: '.o_data_row td[name="phone_number"]:contains("+919876543210")',
        },
        {
            content: "The agent name is shown as text, not as HTML",
            trigger: '.o_field_widget[name="agent_name"]:contains("<b>Priya</b>"):not(:has(b))',
            isCheck: true,
        },
        {
            content: "The recording opens in a new tab",
            trigger:
                '.o_field_widget[name="recording_url"] a[target="_blank"][href="https://rec.example.com/MC-1.wav"]',
            isCheck: true,
        },
        {
            content: "Open the lead of the call",
            trigger: '.o_field_widget[name="lead_id"] a',
        },
        {
            content: "The lead counts its calls",
            trigger: '.oe_stat_button[name="action_view_mcube_calls"]:contains("1")',
            isCheck: true,
        },
        {
            content: "Open the Calls tab",
            trigger: 'a.nav-link[name="mcube_calls"]',
        },
        {
            content: "The call is listed with its recording link",
            trigger:
                '.o_field_widget[name="mcube_call_record_ids"] td[name="recording_url"] a[target="_blank"]',
            isCheck: true,
        },
    ],
});

/** Open CRM's Configuration menu from the apps menu. */
function openCrmConfigurationSteps() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open CRM",
            trigger: '.o_app[data-menu-xmlid="crm.crm_menu_root"]',
        },
        {
            content: "Open the CRM configuration menu",
            trigger: '.o_menu_sections button:contains("Configuration")',
        },
    ];
}

registry.category("web_tour.tours").add("mcube_integration_settings", {
    test: true,
    url: "/web",
    steps: () => [
        ...openCrmConfigurationSteps(),
        {
            content: "Open the settings",
            trigger: '.dropdown-item[data-menu-xmlid="crm.crm_config_settings_menu"]',
        },
        {
            content: "The MCUBE block shows the webhook URL to give MCUBE",
            trigger:
                '.app_settings_block[data-key="crm"] .o_field_CopyClipboardChar[name="mcube_webhook_url"]:contains("/mcube/webhook")',
            isCheck: true,
        },
        {
            content: "with a button to copy it, and all of it readable",
            trigger: '.o_field_CopyClipboardChar[name="mcube_webhook_url"] .o_clipboard_button',
            run() {
                const url = document.querySelector('[name="mcube_webhook_url"] span');
                // However long the address (a long domain, a path): it wraps, nothing is cut.
                if (getComputedStyle(url).whiteSpace === "nowrap" || url.scrollWidth > url.clientWidth + 1) {
                    throw new Error(`The URL is cut: ${url.scrollWidth} px shown in ${url.clientWidth} px`);
                }
            },
        },
        {
            content: "The webhook token is masked",
            trigger: '.o_field_widget[name="mcube_webhook_token"] input[type="password"]',
            isCheck: true,
        },
        {
            content: "Show it",
            trigger: '.o_field_widget[name="mcube_webhook_token"] .o_mcube_secret_toggle',
        },
        {
            content: "The administrator reads the token",
            trigger: '.o_field_widget[name="mcube_webhook_token"] input[type="text"]',
            run() {
                const value = document.querySelector('[name="mcube_webhook_token"] input').value;
                if (value !== "test-token-5f1c2a") {
                    throw new Error(`The token shown is "${value}"`);
                }
            },
        },
        {
            content: "Hide it again",
            trigger: '.o_field_widget[name="mcube_webhook_token"] .o_mcube_secret_toggle',
        },
        {
            content: "Masked again",
            trigger: '.o_field_widget[name="mcube_webhook_token"] input[type="password"]',
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("mcube_integration_numbers", {
    test: true,
    url: "/web",
    steps: () => [
        ...openCrmConfigurationSteps(),
        {
            content: "Open the MCUBE numbers",
            trigger:
                '.dropdown-item[data-menu-xmlid="mcube_integration.mcube_integration_menu_numbers"]',
        },
        {
            content: "Edit the number of a salesperson",
            trigger:
                '.o_data_row:has(td[name="name"]:contains("Otto Other")) td[name="mcube_virtual_number"]',
        },
        {
            content: "Type the number as MCUBE shows it",
            trigger: '.o_selected_row td[name="mcube_virtual_number"] input',
            run: "text 080 4444 5555",
        },
        {
            content: "Save by leaving the row (the Save button may sit in a collapsed menu)",
            trigger: '.o_data_row:has(td[name="name"]:contains("Priya Agent")) td[name="login"]',
        },
        {
            content: "The number is stored in E.164",
            trigger:
                '.o_data_row:has(td[name="name"]:contains("Otto Other")) td[name="mcube_virtual_number"]:contains("+918044445555")',
            isCheck: true,
        },
    ],
});

// tests/common.py's webhook token and the DID of the tour's salesperson (mcube_did).
const TOKEN = "test-token-5f1c2a";
const DID = "8045678901";

/** MCUBE posts an inbound call's event to the webhook, as it would from its servers. */
async function mcubePosts(callid, callto, hangup = false, dialstatus = "") {
    const event = { callid, callto, clicktocalldid: DID, direction: "inbound", dialstatus };
    event.starttime = "2025-11-13 14:30:05";
    if (hangup) {
        event.endtime = "2025-11-13 14:31:05";
    }
    const response = await fetch("/mcube/webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-MCUBE-Token": TOKEN },
        body: JSON.stringify(event),
    });
    if (response.status !== 202) {
        throw new Error(`the webhook answered ${response.status}: ${await response.text()}`);
    }
}

registry.category("web_tour.tours").add("mcube_integration_incoming_call", {
    test: true,
    url: "/web",
    steps: () => [
        {
            content: "Logged in after a call that rang a moment ago",
            trigger: ".o_main_navbar",
            async run() {
                // Time for the bus to connect and replay what it holds of the last minute.
                await new Promise((resolve) => setTimeout(resolve, 3000));
            },
        },
        {
            content: "That call does not pop up again; a new call from a known contact comes in",
            trigger: "body:not(:has(.o_mcube_incoming_call))",
            run: () => mcubePosts("TOUR-POP-1", "9876543210"),
        },
        {
            content: "The pop-up names the person and their company, and the number once",
            trigger:
                ".o_mcube_call_ringing:contains('Incoming call'):contains('Asha Caller · Kaveri Mills · +919876543210')",
            run: () => mcubePosts("TOUR-POP-1", "9876543210", true, "NoAnswer"),
        },
        {
            content: "Nobody answered: the same pop-up says the call was missed",
            trigger: ".o_mcube_call_missed:contains('Missed call'):contains('Asha Caller')",
            extra_trigger: "body:not(:has(.o_mcube_call_ringing))",
            run: () => mcubePosts("TOUR-POP-2", "9811100000"),
        },
        {
            content: "An unknown caller pops up with the number only",
            trigger: ".o_mcube_call_ringing:contains('+919811100000')",
            run: () => mcubePosts("TOUR-POP-2", "9811100000", true, "ANSWER"),
        },
        {
            content: "Answered: its pop-up closes, the missed call's stays",
            trigger: "body:not(:has(.o_mcube_call_ringing))",
            extra_trigger: ".o_mcube_call_missed",
            run() {
                const count = document.querySelectorAll(".o_mcube_incoming_call").length;
                if (count !== 1) {
                    throw new Error(`${count} pop-ups are open, not 1`);
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("mcube_integration_recording_player", {
    test: true,
    steps: () => [
        {
            content: "The transcript is under the player, a line per sentence",
            trigger: '.o_field_widget[name="audio_file"] .o_cold_call_audio_player_segment:contains("friday")',
            isCheck: true,
        },
        {
            content: "The words said tag the call",
            trigger: '.o_field_widget[name="keyword_ids"]:contains("Demo")',
            isCheck: true,
        },
        {
            content: "Play the recording",
            trigger: '.o_field_widget[name="audio_file"] .o_cold_call_audio_player_toggle[aria-label="Play"]',
        },
        {
            content: "It plays, and its time goes on",
            trigger: '.o_cold_call_audio_player_time:not(:contains("0:00 /"))',
            extra_trigger: '.o_cold_call_audio_player_toggle[aria-label="Pause"]',
            isCheck: true,
        },
        {
            content: "Jump to the second sentence",
            trigger: '.o_cold_call_audio_player_segment:contains("already")',
        },
        {
            content: "That sentence is the one being heard",
            trigger: '.o_cold_call_audio_player_segment[aria-current="true"]:contains("already")',
            isCheck: true,
        },
        {
            content: "Listen faster",
            trigger: "select.o_cold_call_audio_player_speed",
            run: "text 1.5",
        },
        {
            content: "The recording can be downloaded",
            trigger: 'a.o_cold_call_audio_player_download[href*="download=true"]',
            isCheck: true,
        },
        {
            content: "Pause",
            trigger: '.o_cold_call_audio_player_toggle[aria-label="Pause"]',
        },
        {
            content: "Paused",
            trigger: '.o_cold_call_audio_player_toggle[aria-label="Play"]',
            isCheck: true,
        },
    ],
});
