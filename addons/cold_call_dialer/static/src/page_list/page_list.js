/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { Component, useState } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";

function stateBadges() {
    return {
        pending: { label: _t("pending"), className: "text-bg-light border" },
        done: { label: _t("done"), className: "text-bg-success" },
        skipped: { label: _t("skipped"), className: "text-bg-secondary" },
        unavailable: { label: _t("not callable"), className: "text-bg-secondary" },
        refused: { label: _t("not allowed"), className: "text-bg-danger" },
    };
}

/** The contacts of the page with where each one stands; click one to open it. */
export class PageList extends Component {
    static template = "cold_call_dialer.PageList";
    static props = { model: Object };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
    }

    badgeFor(contact) {
        const rowState = this.model.rowState(contact.id);
        const badges = stateBadges();
        if (contact.id === this.model.currentId) {
            return { label: _t("calling"), className: "text-bg-primary" };
        }
        if (rowState.state === "held") {
            return {
                label: _t("held by %s", rowState.heldBy || "?"),
                className: "text-bg-warning",
            };
        }
        if (rowState.state === "waiting") {
            const until = contact.waiting_until
                ? formatDateTime(deserializeDateTime(contact.waiting_until))
                : "";
            return {
                label: _t("waiting until %s", until),
                className: "text-bg-light border text-muted",
            };
        }
        if (rowState.state === "pending" && contact.outside_hours) {
            return {
                label: _t("outside calling hours (%s)", contact.local_time),
                className: "text-bg-light border text-muted",
            };
        }
        if (rowState.state === "done" && rowState.outcome) {
            return { label: rowState.outcome, className: badges.done.className };
        }
        if (rowState.state === "queued") {
            return {
                label: _t("%s · to sync", rowState.outcome),
                className: "text-bg-warning",
                title: _t("Saved on this device: sent when the connection returns"),
            };
        }
        return badges[rowState.state] || badges.pending;
    }

    /** Why the rules forbid calling ``contact`` now, shown under its name (not once it is done). */
    refusal(contact) {
        const rowState = this.model.rowState(contact.id);
        return rowState.state === "refused" ? rowState.reason : false;
    }

    isUpdated(contact) {
        return Boolean(this.model.rowState(contact.id).updated);
    }
}
