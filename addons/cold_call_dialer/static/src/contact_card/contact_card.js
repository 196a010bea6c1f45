/** @odoo-module **/

import { Component, markup, useState } from "@odoo/owl";
import { useHotkey } from "@web/core/hotkeys/hotkey_hook";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { AudioPlayer } from "@cold_call_audio/audio_player/audio_player";
import { CallTimer } from "../call_timer/call_timer";
import { _t } from "@web/core/l10n/translation";
import { formatCallDuration } from "../utils";
import { mayCall } from "../dialer/page_rows";

/**
 * The contact being called: who, how to reach them, what happened before. The Call button dials
 * (``tel:`` in E.164, mobile first) and starts the timer; with Auto-dial on, the next contact is
 * dialled after a countdown that Esc cancels.
 */
export class ContactCard extends Component {
    static template = "cold_call_dialer.ContactCard";
    static components = { AudioPlayer, CallTimer };
    static props = { model: Object, openContactForm: Function };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
        useHotkey("escape", () => this.model.cancelAutoDial(), {
            bypassEditableProtection: true,
            isAvailable: () => this.state.countdown !== null,
        });
    }

    get card() {
        return this.state.current;
    }

    get contact() {
        return this.card.contact;
    }

    get telLink() {
        return this.telHref(this.contact.call_number);
    }

    /** What the compliance check said of calling the contact now. */
    get compliance() {
        return this.contact.compliance;
    }

    get callTitle() {
        if (!mayCall(this.contact)) {
            return this.compliance.reason;
        }
        return this.telLink ? this.contact.call_number : _t("No number to call");
    }

    /**
     * ``tel:`` link of a number the server formatted for dialling (E.164 when it could); none for
     * a contact the rules forbid calling now. A click on it goes through the server's check.
     */
    telHref(dialNumber) {
        return dialNumber && mayCall(this.contact) ? `tel:${dialNumber}` : false;
    }

    dial(dialNumber) {
        if (this.telHref(dialNumber)) {
            this.model.placeCall(dialNumber);
        }
    }

    get isUpdated() {
        return Boolean(this.model.rowState(this.contact.id).updated);
    }

    formatDate(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }

    formatDuration(seconds) {
        return formatCallDuration(seconds);
    }

    /** A chatter note, as HTML the server sanitized (``cold.call.dialer._card``). */
    noteBody(note) {
        return markup(note.body);
    }
}
