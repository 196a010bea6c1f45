/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** Set a date input or a select as a user would, then tell the dashboard. */
function change(element, value) {
    element.value = value;
    element.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("cold_call_dialer_dashboard", {
    test: true,
    url: "/web",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Dialer app",
            trigger: '.o_app[data-menu-xmlid="cold_call_dialer.cold_call_dialer_menu_root"]',
        },
        {
            content: "Open Reporting",
            trigger:
                '.o_menu_sections button[data-menu-xmlid="cold_call_dialer.cold_call_dialer_menu_reporting"]',
        },
        {
            content: "The dashboard comes first in Reporting",
            trigger:
                '.dropdown-menu .dropdown-item:first-child[data-menu-xmlid="cold_call_dialer.cold_call_dialer_menu_dashboard"]',
        },
        {
            content: "Today: the three calls made today",
            trigger: ".o_cold_call_period_today.active",
            extra_trigger: ".o_cold_call_kpi_calls:contains('3')",
            isCheck: true,
        },
        {
            content: "The contacts the list still offers come after the figures",
            trigger:
                ".o_cold_call_dashboard_list:contains('Tour prospects') .o_cold_call_list_left[aria-busy='false']",
            run() {
                const text = this.$anchor[0].textContent.trim();
                if (!/^\d+\+?$/.test(text)) {
                    throw new Error(`Contacts left should be a count, not "${text}"`);
                }
            },
        },
        {
            content: "Pick a custom period",
            trigger: ".o_cold_call_period_custom",
        },
        {
            content: "Start on Monday 2 March 2026",
            trigger: "input.o_cold_call_date_from",
            run() {
                change(this.$anchor[0], "2026-03-02");
            },
        },
        {
            content: "End on Sunday 8 March 2026",
            trigger: "input.o_cold_call_date_to",
            run() {
                change(this.$anchor[0], "2026-03-08");
            },
        },
        {
            content: "That week's five calls, two reps, 40% connected",
            trigger: ".o_cold_call_kpi_calls:contains('5')",
            extra_trigger: ".o_cold_call_kpi_connect_rate:contains('40%')",
            isCheck: true,
        },
        {
            content: "Both reps are on the leaderboard",
            trigger: ".o_cold_call_leaderboard_row:contains('Ravi Rep')",
            extra_trigger: ".o_cold_call_leaderboard_row:contains('Rita Rep')",
            isCheck: true,
        },
        {
            content: "Keep the dashboard team only",
            trigger: "select.o_cold_call_team",
            run() {
                const option = [...this.$anchor[0].options].find(
                    (o) => o.text === "Dashboard team",
                );
                change(this.$anchor[0], option.value);
            },
        },
        {
            content: "Only the team's rep is left",
            trigger: ".o_cold_call_leaderboard:not(:contains('Ravi Rep'))",
            extra_trigger: ".o_cold_call_kpi_calls:contains('2')",
            isCheck: true,
        },
        {
            content: "Open Rita's connected calls from the leaderboard",
            trigger:
                ".o_cold_call_leaderboard_row:contains('Rita Rep') .o_cold_call_open_connected",
        },
        {
            content: "Her one connected call of that week is listed",
            trigger: ".o_breadcrumb:contains('Rita Rep: Connected')",
            extra_trigger: ".o_list_renderer:has(.o_data_row):not(:has(.o_data_row:eq(1)))",
            isCheck: true,
        },
        {
            content: "It is the call to DT Alpha",
            trigger: ".o_data_row:contains('DT Alpha')",
            isCheck: true,
        },
    ],
});
