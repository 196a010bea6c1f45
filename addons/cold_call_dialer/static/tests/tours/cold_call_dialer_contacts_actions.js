/** @odoo-module **/

import { registry } from "@web/core/registry";

function tickRow(name) {
    return {
        content: `Tick ${name}`,
        trigger: `tr.o_data_row:has(td:contains('${name}')) .o_list_record_selector input`,
    };
}

function runAction(name) {
    return [
        {
            content: "Open the Actions menu",
            trigger: ".o_cp_action_menus button",
        },
        {
            content: `Run "${name}"`,
            trigger: `.o-dropdown--menu span:contains("${name}")`,
        },
    ];
}

const searchTourProspects = [
    {
        content: "Search the tour prospects",
        trigger: "input.o_searchview_input",
        run: "text Tour",
    },
    {
        content: "Validate the search",
        trigger: ".o_searchview_autocomplete .o_menu_item:first",
    },
    {
        content: "Wait for the list to show the search",
        trigger: ".o_list_table tr.o_data_row:first:contains('Tour Alpha')",
        extra_trigger: ".o_searchview_facet:contains('Tour')",
        isCheck: true,
    },
    tickRow("Tour Alpha"),
    tickRow("Tour Bravo"),
    {
        content: "Two contacts are selected",
        trigger: ".o_list_selection_box:contains('2')",
        isCheck: true,
    },
];

registry.category("web_tour.tours").add("cold_call_dialer_bulk_outcome", {
    test: true,
    url: "/web#action=base.action_partner_form&view_type=list",
    steps: () => [
        ...searchTourProspects,
        ...runAction("Set call outcome"),
        {
            content: "Pick an outcome",
            trigger: ".o_field_widget[name=status] input[data-value=callback]",
        },
        {
            content: "Set it on the two contacts",
            trigger: "button[name=action_confirm]",
        },
        {
            content: "Done at once for two contacts",
            trigger: ".o_notification:contains('set on 2 contacts')",
            extra_trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("cold_call_dialer_call_these", {
    test: true,
    url: "/web#action=base.action_partner_form&view_type=list",
    steps: () => [
        ...searchTourProspects,
        ...runAction("Call these"),
        {
            content: "The Dialer opens with the selection picked, under its own menu bar",
            trigger: ".o_cold_call_list.active:contains('Dialer selection')",
            extra_trigger: ".o_main_navbar .o_menu_brand:contains('Dialer')",
            isCheck: true,
        },
        {
            content: "Its preview shows the two contacts, with their outcome",
            trigger:
                ".o_cold_call_preview_table tr:contains('Tour Alpha'):contains('Callback Requested')",
            extra_trigger: ".o_cold_call_preview_total:contains('2')",
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("cold_call_dialer_export_selected", {
    test: true,
    url: "/web#action=base.action_partner_form&view_type=list",
    steps: () => [
        ...searchTourProspects,
        ...runAction("Export Calls"),
        {
            content: "The export is for the two contacts",
            trigger: ".o_field_widget[name=partner_ids]:contains('Tour Alpha'):contains('Tour Bravo')",
            isCheck: true,
        },
        {
            content: "Close",
            trigger: "button.btn-secondary:contains('Close')",
        },
        {
            content: "Back on the contacts",
            trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("cold_call_dialer_bulk_tags_activity", {
    test: true,
    url: "/web#action=base.action_partner_form&view_type=list",
    steps: () => [
        ...searchTourProspects,
        ...runAction("Add tags"),
        {
            content: "Type the tag",
            trigger: ".o_field_widget[name=category_ids] input",
            run: "text Tour hot",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour hot')",
        },
        {
            content: "Add it to the two contacts",
            trigger: "button[name=action_confirm]",
            extra_trigger: ".o_field_widget[name=category_ids] .o_tag:contains('Tour hot')",
        },
        {
            content: "Done at once",
            trigger: ".o_notification:contains('added to 2 contacts')",
            extra_trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
        ...["Tour Alpha", "Tour Bravo"].map((name) => ({
            content: `${name} is ticked (the list reloaded)`,
            trigger: `tr.o_data_row:has(td:contains('${name}')) .o_list_record_selector input`,
            run() {
                if (!this.$anchor[0].checked) {
                    this.$anchor[0].click();
                }
            },
        })),
        {
            content: "Two contacts are selected",
            trigger: ".o_list_selection_box:contains('2')",
            isCheck: true,
        },
        ...runAction("Schedule activity"),
        {
            content: "Say what to do",
            trigger: ".o_field_widget[name=summary] input",
            run: "text Send the catalogue",
        },
        {
            content: "Schedule it on the two contacts",
            trigger: "button[name=action_confirm]",
        },
        {
            content: "Done at once",
            trigger: ".o_notification:contains('scheduled on 2 contacts')",
            extra_trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
    ],
});
