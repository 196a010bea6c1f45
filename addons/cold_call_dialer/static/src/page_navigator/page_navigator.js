/** @odoo-module **/

import { Component, useState } from "@odoo/owl";

/** "Page 2 of 7 (347 contacts)" with first / previous / next / last. */
export class PageNavigator extends Component {
    static template = "cold_call_dialer.PageNavigator";
    static props = { model: Object };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
    }

    get page() {
        return this.state.page;
    }

    go(pageNumber) {
        if (pageNumber >= 1 && pageNumber <= this.page.pages && pageNumber !== this.page.page) {
            this.model.openPage(pageNumber);
        }
    }
}
