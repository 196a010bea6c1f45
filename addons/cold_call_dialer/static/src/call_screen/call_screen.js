/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { CallLogForm } from "../call_log_form/call_log_form";
import { ContactCard } from "../contact_card/contact_card";
import { PageList } from "../page_list/page_list";
import { SessionTally } from "../session_tally/session_tally";

/** Screen 2: the contact on the line and the call form, next to the page and the session tally. */
export class CallScreen extends Component {
    static template = "cold_call_dialer.CallScreen";
    static components = { CallLogForm, ContactCard, PageList, SessionTally };
    static props = { model: Object, openContactForm: Function };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
    }

    get hasNextPage() {
        return this.state.page && this.state.page.page < this.state.page.pages;
    }
}
