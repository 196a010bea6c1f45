/** @odoo-module **/

import { useBusNotification } from "../utils";
import { markRefreshed } from "./page_rows";

const NOTIFICATION = "cold_call_dialer/contacts";

/**
 * Contacts changed elsewhere (another rep's save, a bulk update, a telephony event) show up on
 * the open Dialer by themselves: the server names them on the bus, the Dialer re-reads those of
 * its page and marks the ones whose status changed as "updated in Odoo".
 */
export function useLiveContacts(model) {
    useBusNotification(NOTIFICATION, ({ ids }) => refreshChanged(model, ids || []));
}

async function refreshChanged(model, ids) {
    const changed = new Set(ids);
    const onPage = model.contacts.filter((contact) => changed.has(contact.id)).map((c) => c.id);
    if (!onPage.length) {
        return;
    }
    const rows = await model.orm.silent.call("cold.call.dialer", "refresh_contacts", [onPage], {
        list_key: model.state.page.list.key,
    });
    const current = model.contacts.filter((contact) => onPage.includes(contact.id));
    markRefreshed(model.state.rows, current, rows);
    for (const row of rows) {
        model._updateContact(row);
    }
}
