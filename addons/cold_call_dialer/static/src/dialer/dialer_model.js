/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { markRaw, reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { serializeDateTime } from "@web/core/l10n/dates";
import { ConnectionLostError } from "@web/core/network/rpc_service";
import { session } from "@web/session";
import { errorMessage } from "../utils";
import { AutoDialer } from "./auto_dial";
import { Outbox, newCallKey, outboxName } from "./outbox";
import {
    callSeconds,
    emptyCall,
    emptyForm,
    followUpValues,
    formError,
    initialState,
    nextStepValues,
    pickOutcome,
    startCall,
    stopCall,
    toggleFollowUp,
} from "./dialer_state";
import {
    markRefreshed,
    markRefused,
    markSkipped,
    mayCall,
    notOpenedMessage,
    pageRows,
    pagingHints,
    rowState,
} from "./page_rows";

const MODEL = "cold.call.dialer";
const { DateTime } = luxon;

/**
 * State and server calls of the Dialer. Each user action is one RPC; the state is plain data so
 * that it can be kept across breadcrumbs (see ``exportState``).
 */
/** What the outbox panel shows of a call waiting in the outbox. */
function outboxItem(entry) {
    return {
        key: entry.key,
        name: entry.name,
        outcome: entry.outcome,
        state: entry.failed ? "failed" : "waiting",
        error: entry.error || false,
    };
}

/** A status changed while a call waited, for the rep to settle (``cold.call.dialer._status_conflicts``). */
function conflictItem(conflict) {
    return { logId: conflict.log_id, name: conflict.name, current: conflict.current, yours: conflict.yours };
}

export class DialerModel {
    constructor({ orm, notification, user }) {
        // Components observe the model itself (useState(model)): keep the services out of it.
        this.orm = markRaw(orm);
        this.notification = markRaw(notification);
        this.user = markRaw(user);
        this.state = reactive(initialState(this.user.userId));
        this.autoDialer = markRaw(new AutoDialer(this.state, () => this.placeCall()));
        this.outbox = markRaw(new Outbox(outboxName(session.db, this.user.userId)));
        this._flushing = false;
        this._lastDraft = null;
        this._draft = null;
    }

    // ------------------------------------------------------------------
    // Getters
    // ------------------------------------------------------------------

    get lists() {
        return [...this.state.quickLists, ...this.state.filters];
    }

    get selectedList() {
        return this.lists.find((list) => list.key === this.state.selectedKey) || null;
    }

    get contacts() {
        return this.state.page ? this.state.page.contacts : [];
    }

    get currentId() {
        return this.state.current ? this.state.current.contact.id : null;
    }

    get currentIndex() {
        return this.contacts.findIndex((contact) => contact.id === this.currentId);
    }

    get selectedOption() {
        return this.state.statusOptions.find((option) => option.value === this.state.form.status);
    }

    /** Seconds on the call so far. */
    get callSeconds() {
        return callSeconds(this.state.call);
    }

    /** A server action or a save is under way. */
    get isWorking() {
        return this.state.busy || this.state.saving;
    }

    rowState(contactId) {
        return rowState(this.state.rows, contactId);
    }

    /** Ids still to call on this page, starting after the current contact and wrapping around. */
    pendingIdsAfterCurrent() {
        const contacts = this.contacts;
        const index = this.currentIndex;
        const ordered = [...contacts.slice(index + 1), ...contacts.slice(0, Math.max(index, 0))];
        return ordered
            .filter((contact) => this.rowState(contact.id).state === "pending")
            .map((contact) => contact.id);
    }

    // ------------------------------------------------------------------
    // Screen 1: choose a list
    // ------------------------------------------------------------------

    /** Load the lists and the settings; returns the server's answer for extensions to read. */
    async loadLists() {
        const data = await this.orm.call(MODEL, "get_filters", []);
        Object.assign(this.state, {
            quickLists: data.quick_lists,
            filters: data.filters,
            statusOptions: data.status_options,
            mailTemplates: data.mail_templates || [],
            notesOnly: data.notes_only,
            pageSizes: data.page_sizes,
            holdMinutes: data.hold_minutes,
            tally: data.tally,
            conflicts: data.status_conflicts.map(conflictItem),
        });
        if (!this.state.page) {
            this.state.pageSize = data.default_page_size;
        }
        let selected = this.selectedList;
        if (!selected || selected.error) {
            selected = this.lists.find((list) => !list.error) || this.lists[0];
        }
        this.loadCounts(); // not awaited: the lists show at once, their counts as they come
        await this.selectList(selected ? selected.key : null);
        return data;
    }

    /** The counts of the lists, asked once the lists are known: counting takes the longest. */
    async loadCounts() {
        const counts = await this.orm.call(MODEL, "get_counts", []);
        const byKey = new Map(counts.map((entry) => [entry.key, entry]));
        for (const list of this.lists) {
            Object.assign(list, byKey.get(list.key));
        }
    }

    async selectList(key) {
        this.state.selectedKey = key;
        this.state.preview = null;
        this.state.previewError = null;
        const list = this.selectedList;
        if (!list || list.error) {
            return;
        }
        try {
            const preview = await this.orm.silent.call(MODEL, "get_preview", [key]);
            if (this.state.selectedKey === key) {
                this.state.preview = preview;
            }
        } catch (error) {
            if (this.state.selectedKey === key) {
                this.state.previewError = errorMessage(error);
            }
        }
    }

    setPageSize(size) {
        this.state.pageSize = size;
    }

    async startCalling() {
        const list = this.selectedList;
        if (!list || list.error || this.isWorking) {
            return;
        }
        await this.openPage(1);
    }

    // ------------------------------------------------------------------
    // Screen 2: calling
    // ------------------------------------------------------------------

    async openPage(pageNumber) {
        await this._exclusive(async () => {
            const result = await this.orm.call(MODEL, "get_page", [this.state.selectedKey], {
                page: pageNumber,
                page_size: this.state.pageSize,
                open_first: true,
                release_partner_id: this._releasableId(),
                ...pagingHints(this.state, pageNumber),
            });
            this.state.page = {
                list: result.list,
                contacts: result.contacts,
                total: result.total,
                page: result.page,
                pages: result.pages,
                pageSize: result.page_size,
                skippedNoPhone: result.skipped_no_phone,
                waiting: result.waiting,
                loadedAt: Date.now(),
            };
            this.state.rows = pageRows(result.contacts);
            this.state.screen = "calling";
            markSkipped(this.state.rows, result.skipped);
            this._setCurrent(result.current);
        });
    }

    async openContact(contactId) {
        if (contactId === this.currentId) {
            return;
        }
        const offline = () => this._setCurrent(this._offlineCard(contactId));
        await this._exclusive(async () => {
            const result = await this.orm.call(MODEL, "open_contact", [[contactId]], {
                list_key: this.state.page.list.key,
                on_purpose: true,
                release_partner_id: this._releasableId(),
                keep_on_failure: true,
            });
            markSkipped(this.state.rows, result.skipped);
            if (result.current) {
                this._setCurrent(result.current);
                return;
            }
            const contact = this.contacts.find((c) => c.id === contactId);
            const skipped = (result.skipped || []).find((s) => s.id === contactId);
            this.notification.add(notOpenedMessage(contact, skipped), { type: "warning" });
        }, "busy", offline);
    }

    async previous() {
        const index = this.currentIndex;
        const previous = index > 0 ? this.contacts[index - 1] : null;
        if (previous) {
            await this.openContact(previous.id);
        }
    }

    async skip() {
        const currentId = this.currentId;
        if (!currentId) {
            return;
        }
        const ids = this.pendingIdsAfterCurrent();
        const skipped = () => {
            if (this.rowState(currentId).state === "pending") {
                this.state.rows[currentId] = { state: "skipped" };
            }
        };
        const offline = () => {
            skipped();
            this._setCurrent(this._offlineCard(ids[0]));
        };
        await this._exclusive(async () => {
            const kwargs = { release_partner_id: currentId, list_key: this.state.page.list.key };
            const result = await this.orm.call(MODEL, "open_contact", [ids], kwargs);
            skipped();
            markSkipped(this.state.rows, result.skipped);
            this._setCurrent(result.current);
        }, "busy", offline);
    }

    /**
     * Save the call and open the next contact. When the server cannot be reached, the call goes
     * to the outbox (the browser's storage) with its key, and the next contact of the page opens
     * from what the page already holds: the outbox sends it when the connection returns.
     */
    async saveAndNext() {
        const current = this.state.current;
        if (!current || this.isWorking) {
            return;
        }
        const form = this.state.form;
        this.state.error = formError(form, this.state.notesOnly, this.selectedOption);
        if (this.state.error) {
            return;
        }
        const entry = this._callEntry(current.contact, form);
        await this._exclusive(async () => {
            let result;
            try {
                result = await this.orm.silent.call(MODEL, "log_call", [entry.partnerId], {
                    ...entry.kwargs,
                    next_partner_ids: this.pendingIdsAfterCurrent(),
                });
            } catch (error) {
                if (error instanceof ConnectionLostError) {
                    await this._queue(entry);
                } else {
                    this.state.error = errorMessage(error);
                }
                return;
            }
            this.setOffline(false);
            this._logged(entry, result);
            markSkipped(this.state.rows, result.skipped);
            this.outbox.clearDraft();
            this._setCurrent(result.next);
            this.autoDialer.start();
            this.flushOutbox();
        }, "saving");
    }

    // ------------------------------------------------------------------
    // Outbox: calls saved offline, the form being typed
    // ------------------------------------------------------------------

    /** Read the outbox and the kept form, and send what waits. */
    async startOutbox() {
        this.state.outbox = (await this.outbox.calls()).map(outboxItem);
        const draft = await this.outbox.draft();
        if (draft && (!this.state.current || this.state.current.contact.id !== draft.contactId)) {
            this._draft = draft;
            this.state.draftToResume = { name: draft.name, listName: draft.listName };
        }
        await this.flushOutbox();
    }

    /**
     * Send the outbox's calls, oldest first, each with its key (the server saves a call once
     * however often it gets it); stop at the first one the connection fails. A call the server
     * refuses stays, failed, for the rep to retry or discard.
     */
    async flushOutbox() {
        if (this._flushing) {
            return;
        }
        this._flushing = true;
        try {
            for (const entry of await this.outbox.calls()) {
                const item = this.state.outbox.find((i) => i.key === entry.key);
                if (entry.failed) {
                    continue;
                }
                if (item) {
                    item.state = "sending";
                }
                let result;
                try {
                    result = await this.orm.silent.call(MODEL, "log_call", [entry.partnerId], {
                        ...entry.kwargs,
                        next_partner_ids: [],
                    });
                } catch (error) {
                    if (error instanceof ConnectionLostError) {
                        this.setOffline(true);
                        if (item) {
                            item.state = "waiting";
                        }
                        return;
                    }
                    Object.assign(entry, { failed: true, error: errorMessage(error) });
                    await this.outbox.putCall(entry);
                    if (item) {
                        Object.assign(item, { state: "failed", error: entry.error });
                    }
                    this.notification.add(entry.error, {
                        type: "danger",
                        title: _t("The call with %s could not be synced", entry.name),
                    });
                    continue;
                }
                await this.outbox.deleteCall(entry.key);
                this.state.outbox = this.state.outbox.filter((i) => i.key !== entry.key);
                this.setOffline(false);
                this._logged(entry, result);
                this.notification.add(
                    _t("Call with %(name)s synced: %(outcome)s.", { name: entry.name, outcome: entry.outcome }),
                    { type: "success" },
                );
            }
        } finally {
            this._flushing = false;
        }
    }

    /** Send a call the server refused once more (after the rep fixed what it said). */
    async retryCall(key) {
        const entry = (await this.outbox.calls()).find((call) => call.key === key);
        if (entry) {
            await this.outbox.putCall({ ...entry, failed: false, error: false });
            Object.assign(this.state.outbox.find((i) => i.key === key) || {}, { state: "waiting", error: false });
            await this.flushOutbox();
        }
    }

    async discardCall(key) {
        await this.outbox.deleteCall(key);
        this.state.outbox = this.state.outbox.filter((i) => i.key !== key);
    }

    /** The rep's answer to a status changed while their call waited: their outcome, or the other. */
    async resolveConflict(conflict, mine) {
        const row = await this.orm.call(MODEL, "resolve_status", [conflict.logId], { mine });
        this._updateContact(row);
        this.state.conflicts = this.state.conflicts.filter((c) => c.logId !== conflict.logId);
    }

    /** Keep the form being typed (not the voice note) in the browser, once it changed. */
    async saveDraft() {
        const current = this.state.current;
        if (!current || !this.state.page || this.state.saving) {
            return;
        }
        const form = this.state.form;
        const draft = {
            contactId: current.contact.id,
            name: current.contact.name,
            listKey: this.state.page.list.key,
            listName: this.state.page.list.name,
            page: this.state.page.page,
            form: { ...form, voiceNote: false },
        };
        const text = JSON.stringify(draft);
        if (text === this._lastDraft) {
            return;
        }
        this._lastDraft = text;
        if (form.status || form.note.trim()) {
            await this.outbox.putDraft(draft);
        } else {
            await this.outbox.clearDraft();
        }
    }

    /** Open again the contact whose call form was kept (after a reload), with that form. */
    async resumeDraft() {
        const draft = this._draft;
        if (!draft) {
            return;
        }
        await this.selectList(draft.listKey);
        await this.openPage(draft.page);
        if (this.currentId !== draft.contactId && this.contacts.some((c) => c.id === draft.contactId)) {
            await this.openContact(draft.contactId);
        }
    }

    async discardDraft() {
        this._draft = null;
        this.state.draftToResume = null;
        await this.outbox.clearDraft();
    }

        /** Re-read the page's contacts: statuses changed elsewhere are marked "updated in Odoo". */
    async refresh() {
        if (!this.state.page) {
            return;
        }
        await this._exclusive(async () => {
            const ids = this.contacts.map((contact) => contact.id);
            const rows = await this.orm.call(MODEL, "refresh_contacts", [ids], {
                list_key: this.state.page.list.key,
            });
            const updated = markRefreshed(this.state.rows, this.contacts, rows);
            for (const row of rows) {
                this._updateContact(row);
            }
            this.notification.add(
                updated
                    ? _t("%s contact(s) updated in Odoo since the page was loaded.", updated)
                    : _t("No change in Odoo since the page was loaded."),
                { type: updated ? "warning" : "info" },
            );
        });
    }

    async backToLists() {
        if (this.isWorking) {
            return;
        }
        const releasable = this._releasableId();
        this.stopCall();
        this.autoDialer.cancel();
        Object.assign(this.state, {
            screen: "lists",
            page: null,
            rows: {},
            current: null,
            error: null,
            form: emptyForm(this.user.userId),
        });
        if (releasable) {
            await this.orm.silent.call(MODEL, "release_contact", [releasable]);
        }
        await this.loadLists();
    }

    // ------------------------------------------------------------------
    // Call and form
    // ------------------------------------------------------------------

    /** Call (or, during a call, hang up) the contact on screen. */
    async toggleCall() {
        if (this.state.call.running) {
            stopCall(this.state.call);
        } else {
            await this.placeCall();
        }
    }

    /**
     * Dial the contact on screen (at ``number``, by default the one the Dialer calls) and start
     * the timer: the server checks the call first (and keeps the check), then the ``tel:`` link.
     */
    async placeCall(number = false) {
        const contact = this.state.current && this.state.current.contact;
        if (!contact || !contact.call_number || !mayCall(contact) || this.state.call.running) {
            return;
        }
        this.autoDialer.cancel();
        let check;
        try {
            check = await this.orm.call(MODEL, "check_call", [contact.id], {
                list_key: this.state.page.list.key,
                number,
            });
        } catch (error) {
            if (!(error instanceof ConnectionLostError)) {
                throw error;
            }
            // Offline, the phone still dials, by what the server said of the contact with the
            // page: for as long as a hold lasts, after which the verdict may be out of date.
            this.setOffline(true);
            const fresh = Date.now() - this.state.page.loadedAt < this.state.holdMinutes * 60000;
            check = fresh
                ? {
                      allowed: true,
                      tel: `tel:${number || contact.call_number}`,
                      warning: _t("Offline: the call was checked when the page was loaded."),
                  }
                : {
                      allowed: false,
                      reason: _t("Offline for too long: reconnect, so that the call can be checked first."),
                  };
            if (!check.allowed) {
                this.notification.add(check.reason, { type: "danger", title: _t("Call not allowed") });
                return;
            }
        }
        if (this.currentId !== contact.id || this.state.call.running) {
            return;
        }
        if (!check.allowed) {
            this.refuseCall(check.reason);
            return;
        }
        if (check.warning) {
            this.notification.add(check.warning, { type: "warning" });
        }
        startCall(this.state.call);
        browser.location.assign(check.tel);
    }

    /** The server refused calling the contact on screen: the rep reads why, the row says so. */
    refuseCall(reason) {
        markRefused(this.state.rows, this.state.current.contact, reason);
        this.notification.add(reason, { type: "danger", title: _t("Call not allowed") });
    }

    stopCall() {
        stopCall(this.state.call);
    }

    setAutoDial(enabled) {
        this.state.autoDial = enabled;
        if (!enabled) {
            this.autoDialer.cancel();
        }
    }

    cancelAutoDial() {
        this.autoDialer.cancel();
    }

    setStatus(value) {
        pickOutcome(this.state.form, this.state.statusOptions, value);
        this.state.error = null;
    }

    toggleFollowUp() {
        toggleFollowUp(this.state.form.followUp);
    }

    // ------------------------------------------------------------------
    // Breadcrumbs
    // ------------------------------------------------------------------

    /** Plain copy of the state, the running call included, to come back to after a breadcrumb. */
    exportState() {
        const call = {
            running: this.state.call.running,
            startedAt: this.state.call.running ? Date.now() : null,
            elapsed: this.callSeconds,
        };
        return JSON.parse(JSON.stringify({ ...this.state, call }));
    }

    restoreState(saved) {
        Object.assign(this.state, saved, { countdown: null });
    }

    // ------------------------------------------------------------------
    // Private
    // ------------------------------------------------------------------

    /**
     * Run one server action at a time: while one runs (``busy``) or a call is being saved
     * (``saving``), further clicks and keys do nothing, so a rep pressing twice never acts twice.
     */
    async _exclusive(callback, flag = "busy", offline = null) {
        if (this.isWorking) {
            return;
        }
        this.state[flag] = true;
        try {
            await callback();
        } catch (error) {
            if (!(error instanceof ConnectionLostError)) {
                throw error;
            }
            this.setOffline(true);
            if (offline) {
                offline();
            } else {
                this.notification.add(_t("This needs a connection: try again once you are back online."), {
                    type: "warning",
                    title: _t("Offline"),
                });
            }
        } finally {
            this.state[flag] = false;
        }
    }

    /** The call as ``log_call`` takes it, with the key that makes the server save it once. */
    _callEntry(contact, form) {
        const option = this.selectedOption;
        const key = newCallKey();
        return {
            key,
            partnerId: contact.id,
            name: contact.name,
            outcome: option ? option.label : _t("Note"),
            queuedAt: Date.now(),
            kwargs: {
                status: form.status,
                duration: this.callSeconds,
                note: form.note,
                follow_up: followUpValues(form.followUp, this.user.userId),
                list_key: this.state.page.list.key,
                ...nextStepValues(form, option),
                voice_note: form.voiceNote ? { data: form.voiceNote.data } : false,
                ...this._logCallExtras(),
                client_key: key,
                expected_status: contact.status_value || false,
            },
        };
    }

    /** Keep the call in the outbox and go on with the next contact of the page. */
    async _queue(entry) {
        entry.kwargs.called_at = serializeDateTime(DateTime.fromMillis(entry.queuedAt));
        try {
            await this.outbox.putCall(entry);
        } catch (error) {
            this.state.error = _t("This browser could not keep the call (%s): keep this screen open.", error);
            return;
        }
        this.setOffline(true);
        this.state.outbox.push(outboxItem(entry));
        this.state.rows[entry.partnerId] = { state: "queued", outcome: entry.outcome };
        await this.outbox.clearDraft();
        this._setCurrent(this._offlineCard(this.pendingIdsAfterCurrent()[0]));
    }

    /** A saved call's answer: the tally, the contact as it is now, and a status conflict. */
    _logged(entry, result) {
        this.state.tally = result.tally;
        this._updateContact(result.contact);
        if (this.contacts.some((contact) => contact.id === entry.partnerId)) {
            this.state.rows[entry.partnerId] = { state: "done", outcome: entry.outcome };
        }
        if (result.conflict && !this.state.conflicts.some((c) => c.logId === result.log_id)) {
            this.state.conflicts.push(conflictItem(result.conflict));
        }
    }

    /** The call screen of a contact of the page, from what the page holds (offline). */
    _offlineCard(contactId) {
        const contact = this.contacts.find((c) => c.id === contactId);
        return contact ? { contact, last_calls: [], notes: [], offline: true } : null;
    }

    setOffline(offline) {
        this.state.offline = offline;
    }

    /** While offline: ask the server whether it answers again; then send the outbox. */
    async checkConnection() {
        try {
            const response = await browser.fetch("/web/webclient/version_info", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ jsonrpc: "2.0", method: "call", params: {} }),
            });
            this.setOffline(!response.ok);
        } catch {
            this.setOffline(true);
        }
        if (!this.state.offline) {
            await this.flushOutbox();
        }
    }

    /** More keyword arguments of ``log_call``, for extensions (e.g. a telephony bridge). */
    _logCallExtras() {
        return {};
    }

    /** The contact on screen, when it was opened but not called: give it back to the others. */
    _releasableId() {
        const id = this.currentId;
        return id && this.rowState(id).state !== "done" ? id : false;
    }

    _setCurrent(card) {
        this.autoDialer.cancel();
        this.state.call = emptyCall();
        this.state.current = card || null;
        this.state.form = emptyForm(this.user.userId);
        this.state.error = null;
        if (card) {
            this._updateContact(card.contact);
        }
        if (card && this._draft && this._draft.contactId === card.contact.id) {
            Object.assign(this.state.form, this._draft.form);
            this._draft = null;
            this.state.draftToResume = null;
        }
    }

    _updateContact(row) {
        const contact = this.contacts.find((c) => c.id === row.id);
        if (contact) {
            Object.assign(contact, row);
        }
        if (this.state.current && this.state.current.contact.id === row.id) {
            Object.assign(this.state.current.contact, row);
        }
    }
}
