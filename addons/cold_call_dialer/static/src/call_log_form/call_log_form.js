/** @odoo-module **/

import { Component, markup, onError, useEffect, useRef, useState } from "@odoo/owl";
import { DateTimeInput } from "@web/core/datetime/datetime_input";
import { useHotkey } from "@web/core/hotkeys/hotkey_hook";
import {
    deserializeDate,
    deserializeDateTime,
    serializeDate,
    serializeDateTime,
    today,
} from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError } from "@web/core/network/rpc_service";
import { RecordSelector } from "@web/core/record_selectors/record_selector";
import { useService } from "@web/core/utils/hooks";
import { VoiceNoteRecorder } from "@cold_call_audio/voice_note_recorder/voice_note_recorder";
import { errorMessage } from "../utils";

const OUTCOME_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
const MEETING_MINUTES = [15, 30, 45, 60, 90, 120];

/**
 * Outcome, note and next steps (follow-up, meeting, e-mail) of the call on screen, with Save &
 * next (Ctrl+Enter), Skip and Previous. A failed save shows the server's message and keeps
 * everything typed.
 */
export class CallLogForm extends Component {
    static template = "cold_call_dialer.CallLogForm";
    static components = { DateTimeInput, RecordSelector, VoiceNoteRecorder };
    static props = { model: Object };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
        this.outcomeKeys = OUTCOME_KEYS;
        this.meetingMinutes = MEETING_MINUTES;
        this.orm = useService("orm");
        this.mailPreview = useState({
            templateId: false,
            subject: "",
            body: "",
            emailTo: "",
            error: "",
        });
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
        // The follow-up's user picker reads users from the server: offline, it gives way to
        // plain text instead of breaking the form.
        onError((error) => {
            if (!(error instanceof ConnectionLostError || error.cause instanceof ConnectionLostError)) {
                throw error;
            }
            this.model.setOffline(true);
        });
    }

    /** Who the follow-up is for, as the screen can say it offline. */
    get followUpUserName() {
        return this.form.followUp.userId === this.model.user.userId ? this.model.user.name : _t("Another user");
    }

    get form() {
        return this.state.form;
    }

    /** Kept with the form until the save: its transcript joins the chatter note later. */
    onVoiceNote(file) {
        this.form.voiceNote = file;
    }

    onVoiceNoteDiscarded() {
        this.form.voiceNote = false;
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

    get pickedOption() {
        return this.model.selectedOption;
    }

    get meetingStart() {
        return deserializeDateTime(this.form.meeting.start);
    }

    /** The preview shown is the one of the e-mail picked for the contact on screen. */
    get showMailPreview() {
        const preview = this.mailPreview;
        return (
            this.form.mailTemplateId &&
            preview.templateId === this.form.mailTemplateId &&
            preview.contactId === this.state.current.contact.id
        );
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

    onMeetingStartChange(value) {
        if (value) {
            this.form.meeting.start = serializeDateTime(value);
        }
    }

    onMeetingMinutesChange(ev) {
        this.form.meeting.minutes = parseInt(ev.target.value, 10);
    }

    /** Pick an e-mail and show it as the contact will get it. */
    async onMailTemplateChange(ev) {
        const templateId = parseInt(ev.target.value, 10) || false;
        this.form.mailTemplateId = templateId;
        if (!templateId) {
            return;
        }
        const contactId = this.state.current.contact.id;
        Object.assign(this.mailPreview, {
            templateId,
            contactId,
            subject: "",
            body: "",
            emailTo: "",
            error: "",
        });
        try {
            const preview = await this.orm.silent.call("cold.call.dialer", "preview_mail", [
                contactId,
                templateId,
            ]);
            if (
                this.mailPreview.templateId === templateId &&
                this.mailPreview.contactId === contactId
            ) {
                Object.assign(this.mailPreview, {
                    subject: preview.subject,
                    body: markup(preview.body), // sanitized by the server (preview_mail)
                    emailTo: preview.email_to,
                });
            }
        } catch (error) {
            this.mailPreview.error = errorMessage(error);
        }
    }
}
