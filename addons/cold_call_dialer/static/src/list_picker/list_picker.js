/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { useHotkey } from "@web/core/hotkeys/hotkey_hook";
import { formatInteger } from "@web/views/fields/formatters";

/**
 * Screen 1: the quick lists and saved searches with their counts, a preview of the selected
 * list and the page size. Arrow keys move the selection, Enter starts calling.
 */
export class ListPicker extends Component {
    static template = "cold_call_dialer.ListPicker";
    static props = { model: Object };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
        useHotkey("arrowdown", () => this.moveSelection(1));
        useHotkey("arrowup", () => this.moveSelection(-1));
        useHotkey("enter", () => this.model.startCalling());
    }

    formatCount(list) {
        const count = formatInteger(list.count);
        return list.count_capped ? `${count}+` : count;
    }

    /** Move the selection up or down the lists. */
    async moveSelection(delta) {
        const lists = this.model.lists;
        if (!lists.length) {
            return;
        }
        const index = lists.findIndex((list) => list.key === this.state.selectedKey);
        const next = Math.min(lists.length - 1, Math.max(0, index + delta));
        if (next !== index) {
            await this.model.selectList(lists[next].key);
        }
    }

    onPageSizeChange(ev) {
        this.model.setPageSize(parseInt(ev.target.value, 10));
    }
}
