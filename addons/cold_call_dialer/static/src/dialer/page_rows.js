/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";

/**
 * Where each contact of the page stands, by contact id: "pending" (not in the map), "done"
 * (with its outcome), "skipped", "held" (by another rep), "refused" (India's rules forbid calling
 * it now, with the ``reason``) or "unavailable"; ``updated`` marks a contact changed elsewhere
 * since the page was loaded.
 */

/** Whether the compliance check allows calling ``contact`` now. */
export function mayCall(contact) {
    return !contact.compliance || contact.compliance.allowed;
}

/**
 * The row states of a freshly loaded page: every contact pending, but those another rep holds,
 * those the rules forbid calling now, and those still waiting after their last call (never
 * offered by themselves; the rep may pick one).
 */
export function pageRows(contacts) {
    const rows = {};
    for (const contact of contacts) {
        if (contact.held_by) {
            rows[contact.id] = { state: "held", heldBy: contact.held_by };
        } else if (!mayCall(contact)) {
            rows[contact.id] = { state: "refused", reason: contact.compliance.reason };
        } else if (contact.waiting_until) {
            rows[contact.id] = { state: "waiting", until: contact.waiting_until };
        }
    }
    return rows;
}

export function rowState(rows, contactId) {
    return rows[contactId] || { state: "pending" };
}

/** Mark the contacts the server passed over: held by another rep, refused, or no longer callable. */
export function markSkipped(rows, skipped) {
    for (const { id, reason, held_by, sentence } of skipped || []) {
        if (rowState(rows, id).state === "done") {
            continue;
        }
        if (reason === "held") {
            rows[id] = { state: "held", heldBy: held_by };
        } else if (reason === "refused") {
            rows[id] = { state: "refused", reason: sentence };
        } else {
            rows[id] = { state: "unavailable" };
        }
    }
}

/** The server refused a call to ``contact`` (already on screen) for ``reason``. */
export function markRefused(rows, contact, reason) {
    contact.compliance = { allowed: false, reason, warning: false };
    if (rowState(rows, contact.id).state !== "done") {
        rows[contact.id] = { state: "refused", reason };
    }
}

/**
 * Merge the contacts' rows as re-read from the server into their row states.
 * @returns {number} how many contacts had their status changed elsewhere
 */
export function markRefreshed(rows, contacts, freshRows) {
    const fresh = Object.fromEntries(freshRows.map((row) => [row.id, row]));
    let updated = 0;
    for (const contact of contacts) {
        const row = fresh[contact.id];
        const current = rowState(rows, contact.id);
        if (!row || !row.callable) {
            if (current.state !== "done") {
                rows[contact.id] = { ...current, state: "unavailable" };
            }
            continue;
        }
        const next = { ...current };
        if (row.status_value !== contact.status_value) {
            updated++;
            next.updated = true;
        }
        if (row.held_by && current.state === "pending") {
            Object.assign(next, { state: "held", heldBy: row.held_by });
        } else if (!row.held_by && current.state === "held") {
            Object.assign(next, { state: "pending", heldBy: false });
        }
        if (!mayCall(row) && next.state === "pending") {
            Object.assign(next, { state: "refused", reason: row.compliance.reason });
        } else if (mayCall(row) && next.state === "refused") {
            Object.assign(next, { state: "pending", reason: false });
        }
        rows[contact.id] = next;
    }
    return updated;
}

/** Why a contact the rep picked could not be opened, from the server's ``skipped`` entry. */
export function notOpenedMessage(contact, skipped) {
    const name = contact ? contact.name : "";
    if (skipped && skipped.reason === "held") {
        return _t("%(name)s is held by %(user)s.", { name, user: skipped.held_by });
    }
    return _t("%s cannot be called any more.", name);
}

/**
 * What the screen sends back when it flips pages of the list it shows: the counts of its page, and
 * the contact to read the next (or previous) page from, as it stood on the page (waiting or not), so
 * that the server neither counts the list again nor sorts every contact before the page.
 */
export function pagingHints(state, pageNumber) {
    const page = state.page;
    if (!page || page.list.key !== state.selectedKey || page.pageSize !== state.pageSize) {
        return { counts: false };
    }
    const hints = {
        counts: { total: page.total, skipped_no_phone: page.skippedNoPhone, waiting: page.waiting },
    };
    const contacts = page.contacts;
    let anchor;
    if (contacts.length && pageNumber === page.page + 1) {
        anchor = contacts[contacts.length - 1];
        hints.after_partner_id = anchor.id;
    } else if (contacts.length && pageNumber === page.page - 1) {
        anchor = contacts[0];
        hints.before_partner_id = anchor.id;
    }
    if (anchor) {
        // where the contact stood when the page was read: calling it since made it wait
        hints.anchor_waiting = Boolean(anchor.waiting_until);
    }
    return hints;
}
