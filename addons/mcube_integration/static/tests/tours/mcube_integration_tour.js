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
            content: "with a button to copy it",
            trigger: '.o_field_CopyClipboardChar[name="mcube_webhook_url"] .o_clipboard_button',
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
