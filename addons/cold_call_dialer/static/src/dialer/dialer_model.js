/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { serializeDate, today } from "@web/core/l10n/dates";
import { markRaw, reactive } from "@odoo/owl";
import { errorMessage } from "../utils";

const MODEL = "cold.call.dialer";
const FOLLOW_UP_DAYS = 7;

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
        this.state = reactive(this._initialState());
    }

    _initialState() {
        return {
            screen: "lists",
            quickLists: [],
            filters: [],
            statusOptions: [],
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
            form: this._emptyForm(),
            call: { running: false, startedAt: null, elapsed: 0 },
            busy: false,
            saving: false,
            error: null,
            tally: { calls: 0, talkTime: 0, connected: 0, outcomes: {} },
        };
    }

    _emptyForm() {
        return {
            status: false,
            note: "",
            followUp: {
                enabled: false,
                touched: false,
                date: serializeDate(today().plus({ days: FOLLOW_UP_DAYS })),
                userId: this.user.userId,
                summary: "",
            },
        };
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
        const { running, startedAt, elapsed } = this.state.call;
        return elapsed + (running ? Math.floor((Date.now() - startedAt) / 1000) : 0);
    }

    /** A server action or a save is under way. */
    get isWorking() {
        return this.state.busy || this.state.saving;
    }

    rowState(contactId) {
        return this.state.rows[contactId] || { state: "pending" };
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

    async loadLists() {
        const data = await this.orm.call(MODEL, "get_filters", []);
        Object.assign(this.state, {
            quickLists: data.quick_lists,
            filters: data.filters,
            statusOptions: data.status_options,
            notesOnly: data.notes_only,
            pageSizes: data.page_sizes,
            holdMinutes: data.hold_minutes,
        });
        if (!this.state.page) {
            this.state.pageSize = data.default_page_size;
        }
        let selected = this.selectedList;
        if (!selected || selected.error) {
            selected = this.lists.find((list) => !list.error && list.count) || this.lists[0];
        }
        await this.selectList(selected ? selected.key : null);
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

    /** Move the selection up or down the lists (keyboard navigation). */
    async moveSelection(delta) {
        const lists = this.lists;
        if (!lists.length) {
            return;
        }
        const index = lists.findIndex((list) => list.key === this.state.selectedKey);
        const next = Math.min(lists.length - 1, Math.max(0, index + delta));
        if (next !== index) {
            await this.selectList(lists[next].key);
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
        this.state.tally = { calls: 0, talkTime: 0, connected: 0, outcomes: {} };
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
                counts: this._knownCounts(),
            });
            this.state.page = {
                list: result.list,
                contacts: result.contacts,
                total: result.total,
                page: result.page,
                pages: result.pages,
                pageSize: result.page_size,
                skippedNoPhone: result.skipped_no_phone,
            };
            this.state.rows = {};
            for (const contact of result.contacts) {
                if (contact.held_by) {
                    this.state.rows[contact.id] = { state: "held", heldBy: contact.held_by };
                }
            }
            this.state.screen = "calling";
            this._applySkipped(result.skipped);
            this._setCurrent(result.current);
        });
    }

    async openContact(contactId) {
        if (contactId === this.currentId) {
            return;
        }
        await this._exclusive(async () => {
            const result = await this.orm.call(MODEL, "open_contact", [[contactId]], {
                release_partner_id: this._releasableId(),
                keep_on_failure: true,
            });
            this._applySkipped(result.skipped);
            if (result.current) {
                this._setCurrent(result.current);
                return;
            }
            const contact = this.contacts.find((c) => c.id === contactId);
            const skipped = (result.skipped || []).find((s) => s.id === contactId);
            const name = contact ? contact.name : "";
            this.notification.add(
                skipped && skipped.reason === "held"
                    ? _t("%(name)s is held by %(user)s.", { name, user: skipped.held_by })
                    : _t("%s cannot be called any more.", name),
                { type: "warning" }
            );
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
            const result = await this.orm.call(
                MODEL,
                "open_contact",
                [this.pendingIdsAfterCurrent()],
                {
                    release_partner_id: currentId,
                }
            );
            if (this.rowState(currentId).state === "pending") {
                this.state.rows[currentId] = { state: "skipped" };
            }
            this._applySkipped(result.skipped);
            this._setCurrent(result.current);
        });
    }

    async saveAndNext() {
        const current = this.state.current;
        if (!current || this.isWorking) {
            return;
        }
        const form = this.state.form;
        if (!this.state.notesOnly && !form.status) {
            this.state.error = _t("Pick an outcome for this call.");
            return;
        }
        if (this.state.notesOnly && !form.note.trim()) {
            this.state.error = _t("Type a note: in notes-only mode, the note is what gets logged.");
            return;
        }
        const duration = this.callSeconds;
        const followUp = form.followUp.enabled
            ? {
                  date: form.followUp.date,
                  user_id: form.followUp.userId || this.user.userId,
                  summary: form.followUp.summary,
              }
            : false;
        this.state.error = null;
        await this._exclusive(async () => {
            let result;
            try {
                result = await this.orm.silent.call(MODEL, "log_call", [current.contact.id], {
                    status: form.status,
                    duration,
                    note: form.note,
                    follow_up: followUp,
                    list_key: this.state.page.list.key,
                    next_partner_ids: this.pendingIdsAfterCurrent(),
                });
            } catch (error) {
                this.state.error = errorMessage(error);
                return;
            }
            const option = this.selectedOption;
            this._recordInTally(option, duration);
            this._updateContact(result.contact);
            this.state.rows[current.contact.id] = {
                state: "done",
                outcome: option ? option.label : _t("Note"),
            };
            this._applySkipped(result.skipped);
            this._setCurrent(result.next);
        }, "saving");
    }

    /** Re-read the page's contacts: statuses changed elsewhere are marked "updated in Odoo". */
    async refresh() {
        if (!this.state.page) {
            return;
        }
        await this._exclusive(async () => {
            const ids = this.contacts.map((contact) => contact.id);
            const rows = await this.orm.call(MODEL, "refresh_contacts", [ids]);
            const fresh = Object.fromEntries(rows.map((row) => [row.id, row]));
            let updated = 0;
            for (const contact of this.contacts) {
                const row = fresh[contact.id];
                const rowState = this.rowState(contact.id);
                if (!row || !row.callable) {
                    if (rowState.state !== "done") {
                        this.state.rows[contact.id] = { ...rowState, state: "unavailable" };
                    }
                    continue;
                }
                if (row.status_value !== contact.status_value) {
                    updated++;
                    this.state.rows[contact.id] = { ...this.rowState(contact.id), updated: true };
                }
                if (row.held_by && rowState.state === "pending") {
                    this.state.rows[contact.id] = {
                        ...this.rowState(contact.id),
                        state: "held",
                        heldBy: row.held_by,
                    };
                } else if (!row.held_by && rowState.state === "held") {
                    this.state.rows[contact.id] = {
                        ...this.rowState(contact.id),
                        state: "pending",
                        heldBy: false,
                    };
                }
                this._updateContact(row);
            }
            this.notification.add(
                updated
                    ? _t("%s contact(s) updated in Odoo since the page was loaded.", updated)
                    : _t("No change in Odoo since the page was loaded."),
                { type: updated ? "warning" : "info" }
            );
        });
    }

    async backToLists() {
        if (this.isWorking) {
            return;
        }
        const releasable = this._releasableId();
        this.stopCall();
        Object.assign(this.state, {
            screen: "lists",
            page: null,
            rows: {},
            current: null,
            error: null,
            form: this._emptyForm(),
        });
        if (releasable) {
            await this.orm.silent.call(MODEL, "release_contact", [releasable]);
        }
        await this.loadLists();
    }

    // ------------------------------------------------------------------
    // Call and form
    // ------------------------------------------------------------------

    startCall() {
        if (!this.state.call.running) {
            Object.assign(this.state.call, { running: true, startedAt: Date.now() });
        }
    }

    stopCall() {
        if (this.state.call.running) {
            Object.assign(this.state.call, {
                running: false,
                elapsed: this.callSeconds,
                startedAt: null,
            });
        }
    }

    setStatus(value) {
        const form = this.state.form;
        form.status = form.status === value ? false : value;
        const option = this.selectedOption;
        if (!form.followUp.touched) {
            form.followUp.enabled = Boolean(option && option.follow_up);
        }
        this.state.error = null;
    }

    toggleFollowUp() {
        const followUp = this.state.form.followUp;
        followUp.enabled = !followUp.enabled;
        followUp.touched = true;
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
        Object.assign(this.state, saved);
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

    /** The counts of the page on screen, sent back when flipping pages of the same list. */
    _knownCounts() {
        const page = this.state.page;
        if (!page || page.list.key !== this.state.selectedKey || page.pageSize !== this.state.pageSize) {
            return false;
        }
        return { total: page.total, skipped_no_phone: page.skippedNoPhone };
    }

    /** The contact on screen, when it was opened but not called: give it back to the others. */
    _releasableId() {
        const id = this.currentId;
        return id && this.rowState(id).state !== "done" ? id : false;
    }

    _setCurrent(card) {
        this.stopCall();
        this.state.call = { running: false, startedAt: null, elapsed: 0 };
        this.state.current = card || null;
        this.state.form = this._emptyForm();
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

    _applySkipped(skipped) {
        for (const { id, reason, held_by } of skipped || []) {
            if (this.rowState(id).state === "done") {
                continue;
            }
            this.state.rows[id] =
                reason === "held" ? { state: "held", heldBy: held_by } : { state: "unavailable" };
        }
    }

    _recordInTally(option, duration) {
        const tally = this.state.tally;
        tally.calls++;
        tally.talkTime += duration;
        if (option) {
            tally.outcomes[option.label] = (tally.outcomes[option.label] || 0) + 1;
            if (option.connected) {
                tally.connected++;
            }
        }
    }
}
