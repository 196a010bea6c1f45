/** @odoo-module **/

import { Component, markup, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { CallTimer } from "../call_timer/call_timer";
import { formatCallDuration } from "../dialer/dialer_model";

/**
 * The contact being called: who, how to reach them, what happened before. The Call button opens
 * the ``tel:`` link (E.164, mobile first) and starts the timer.
 */
export class ContactCard extends Component {
    static template = "cold_call_dialer.ContactCard";
    static components = { CallTimer };
    static props = { model: Object, openContactForm: Function };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
    }

    get card() {
        return this.state.current;
    }

    get contact() {
        return this.card.contact;
    }

    get telLink() {
        return this.contact.call_number ? `tel:${this.contact.call_number}` : false;
    }

    get isUpdated() {
        return Boolean(this.model.rowState(this.contact.id).updated);
    }

    /** ``tel:`` link of a displayed number: the international format without its spaces is E.164. */
    telHref(number) {
        return `tel:${number.replace(/[^\d+]/g, "")}`;
    }

    formatDate(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }

    formatDuration(seconds) {
        return formatCallDuration(seconds);
    }

    noteBody(note) {
        return markup(note.body);
    }

    /** Dial through the browser (``tel:``) and start timing the call; a second press hangs up. */
    call() {
        if (this.state.call.running) {
            this.model.stopCall();
            return;
        }
        if (!this.telLink) {
            return;
        }
        this.model.startCall();
        browser.location.assign(this.telLink);
    }
}
