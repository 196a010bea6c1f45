/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { markRaw, reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { errorMessage } from "../utils";
import { AutoDialer } from "./auto_dial";
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

/**
 * State and server calls of the Dialer. Each user action is one RPC; the state is plain data so
 * that it can be kept across breadcrumbs (see ``exportState``).
 */
export class DialerModel {
    constructor({ orm, notification, user }) {
        // Components observe the model itself (useState(model)): keep the services out of it.
        this.orm = markRaw(orm);
        this.notification = markRaw(notification);
        this.user = markRaw(user);
        this.state = reactive(initialState(this.user.userId));
        this.autoDialer = markRaw(new AutoDialer(this.state, () => this.placeCall()));
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
        });
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
        await this._exclusive(async () => {
            const ids = this.pendingIdsAfterCurrent();
            const kwargs = { release_partner_id: currentId, list_key: this.state.page.list.key };
            const result = await this.orm.call(MODEL, "open_contact", [ids], kwargs);
            if (this.rowState(currentId).state === "pending") {
                this.state.rows[currentId] = { state: "skipped" };
            }
            markSkipped(this.state.rows, result.skipped);
            this._setCurrent(result.current);
        });
    }

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
        const duration = this.callSeconds;
        await this._exclusive(async () => {
            let result;
            try {
                result = await this.orm.silent.call(MODEL, "log_call", [current.contact.id], {
                    status: form.status,
                    duration,
                    note: form.note,
                    follow_up: followUpValues(form.followUp, this.user.userId),
                    list_key: this.state.page.list.key,
                    next_partner_ids: this.pendingIdsAfterCurrent(),
                    ...nextStepValues(form, this.selectedOption),
                    voice_note: form.voiceNote ? { data: form.voiceNote.data } : false,
                    ...this._logCallExtras(),
                });
            } catch (error) {
                this.state.error = errorMessage(error);
                return;
            }
            const option = this.selectedOption;
            this.state.tally = result.tally;
            this._updateContact(result.contact);
            this.state.rows[current.contact.id] = {
                state: "done",
                outcome: option ? option.label : _t("Note"),
            };
            markSkipped(this.state.rows, result.skipped);
            this._setCurrent(result.next);
            this.autoDialer.start();
        }, "saving");
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
        const check = await this.orm.call(MODEL, "check_call", [contact.id], {
            list_key: this.state.page.list.key,
            number,
        });
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
    async _exclusive(callback, flag = "busy") {
        if (this.isWorking) {
            return;
        }
        this.state[flag] = true;
        try {
            await callback();
        } finally {
            this.state[flag] = false;
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
