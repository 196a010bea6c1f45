/** @odoo-module **/

import { serializeDate, serializeDateTime, today } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";

const FOLLOW_UP_DAYS = 7;
const MEETING_HOUR = 10; // a booked meeting starts by default the next working day at 10:00

/**
 * The Dialer's state is plain data, so that it can be copied across breadcrumbs: its shape, and
 * the helpers of its parts (the call form, the call clock, the tally).
 */

/** The state of a Dialer just opened, on the list screen. */
export function initialState(userId) {
    return {
        screen: "lists",
        quickLists: [],
        filters: [],
        statusOptions: [],
        mailTemplates: [],
        notesOnly: false,
        pageSizes: [25, 50, 100, 200],
        holdMinutes: 15,
        selectedKey: null,
        preview: null,
        previewError: null,
        pageSize: 50,
        page: null,
        rows: {},
        current: null,
        form: emptyForm(userId),
        call: emptyCall(),
        busy: false,
        saving: false,
        error: null,
        tally: emptyTally(),
        autoDial: false, // power mode: dial the next contact after a saved call
        countdown: null, // seconds left before auto-dial, or null
        offline: false, // the last server call could not reach the server
        outbox: [], // calls saved offline, waiting to be sent (see outbox.js)
        conflicts: [], // calls saved while someone else changed the contact's status
        draftToResume: null, // {name, listName} of a call form kept from an earlier visit
    };
}

/** An empty call form: no outcome, no note, a follow-up in a week for ``userId``, off. */
export function emptyForm(userId) {
    return {
        status: false,
        note: "",
        followUp: {
            enabled: false,
            touched: false,
            date: serializeDate(today().plus({ days: FOLLOW_UP_DAYS })),
            userId,
            summary: "",
        },
        meeting: { start: serializeDateTime(nextMorning()), minutes: 30 },
        mailTemplateId: false,
        // {data: base64 WAV, mimetype, seconds} once the rep recorded one
        voiceNote: false,
    };
}

function nextMorning() {
    let day = today().plus({ days: 1 });
    while (day.weekday > 5) {
        day = day.plus({ days: 1 });
    }
    return day.set({ hour: MEETING_HOUR });
}

/** The next steps of the form as ``log_call`` takes them: the meeting when the outcome books one. */
export function nextStepValues(form, option) {
    return {
        meeting: option && option.books_meeting ? { ...form.meeting } : false,
        mail_template_id: form.mailTemplateId || false,
    };
}

/** Why the form cannot be saved yet, or null. */
export function formError(form, notesOnly, option) {
    if (!notesOnly && !form.status) {
        return _t("Pick an outcome for this call.");
    }
    if (option && option.books_meeting && !form.meeting.start) {
        return _t("Pick the date and time of the meeting.");
    }
    if (notesOnly && !form.note.trim() && !form.voiceNote) {
        return _t("Type a note: in notes-only mode, the note is what gets logged.");
    }
    return null;
}

/** The follow-up as the server's ``log_call`` takes it, or false when it is off. */
export function followUpValues(followUp, defaultUserId) {
    if (!followUp.enabled) {
        return false;
    }
    return {
        date: followUp.date,
        user_id: followUp.userId || defaultUserId,
        summary: followUp.summary,
    };
}

/**
 * Pick an outcome: picking the chosen one again keeps it (a suggested outcome is confirmed with
 * its key), another one replaces it. The follow-up follows its flag until touched.
 */
export function pickOutcome(form, options, value) {
    form.status = value;
    const option = options.find((o) => o.value === form.status);
    if (!form.followUp.touched) {
        form.followUp.enabled = Boolean(option && option.follow_up);
    }
}

export function toggleFollowUp(followUp) {
    followUp.enabled = !followUp.enabled;
    followUp.touched = true;
}

export function emptyCall() {
    return { running: false, startedAt: null, elapsed: 0 };
}

/** Seconds on the call so far. */
export function callSeconds(call) {
    return call.elapsed + (call.running ? Math.floor((Date.now() - call.startedAt) / 1000) : 0);
}

export function startCall(call) {
    if (!call.running) {
        Object.assign(call, { running: true, startedAt: Date.now() });
    }
}

export function stopCall(call) {
    if (call.running) {
        Object.assign(call, { running: false, elapsed: callSeconds(call), startedAt: null });
    }
}

/** The rep's figures of today before the server sends them (``cold.call.log._tally``). */
export function emptyTally() {
    return {
        calls: 0,
        connected: 0,
        connect_rate: 0,
        talk_time: 0,
        meetings: 0,
        opportunities: 0,
        outcomes: [],
    };
}
