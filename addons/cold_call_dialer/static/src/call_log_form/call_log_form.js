/** @odoo-module **/

import { Component, useEffect, useRef, useState } from "@odoo/owl";
import { DateTimeInput } from "@web/core/datetime/datetime_input";
import { useHotkey } from "@web/core/hotkeys/hotkey_hook";
import { deserializeDate, serializeDate, today } from "@web/core/l10n/dates";
import { RecordSelector } from "@web/core/record_selectors/record_selector";

const OUTCOME_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

/**
 * Outcome, note and follow-up of the call on screen, with Save & next (Ctrl+Enter), Skip and
 * Previous. A failed save shows the server's message and keeps everything typed.
 */
export class CallLogForm extends Component {
    static template = "cold_call_dialer.CallLogForm";
    static components = { DateTimeInput, RecordSelector };
    static props = { model: Object };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
        this.outcomeKeys = OUTCOME_KEYS;
        OUTCOME_KEYS.forEach((key, index) => {
            useHotkey(key, () => this.pickOutcome(index));
        });
        useHotkey("control+enter", () => this.model.saveAndNext(), {
            bypassEditableProtection: true,
        });
        // Once the call is placed, the keyboard belongs to the form: the number keys pick the
        // outcome (the note in notes-only mode), and Enter or Space no longer hang up.
        this.outcomesRef = useRef("outcomes");
        this.noteRef = useRef("note");
        useEffect(
            (running) => {
                if (running) {
                    (this.outcomesRef.el || this.noteRef.el)?.focus();
                }
            },
            () => [this.state.call.running],
        );
    }

    get form() {
        return this.state.form;
    }

    get followUpDate() {
        return deserializeDate(this.form.followUp.date);
    }

    get minFollowUpDate() {
        return today();
    }

    get userDomain() {
        return [["share", "=", false]];
    }

    get canGoBack() {
        return this.model.currentIndex > 0;
    }

    pickOutcome(index) {
        const option = this.state.statusOptions[index];
        if (option && !this.state.saving) {
            this.model.setStatus(option.value);
        }
    }

    onFollowUpDateChange(value) {
        if (value) {
            this.form.followUp.date = serializeDate(value);
        }
    }

    onFollowUpUserChange(userId) {
        this.form.followUp.userId = userId;
    }
}
