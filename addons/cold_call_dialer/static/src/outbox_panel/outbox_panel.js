/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";

/**
 * What the Dialer keeps on this device: whether it is offline, the calls waiting to sync (and
 * those the server refused, to retry or discard), the statuses changed while a call waited, and
 * a call form kept from an earlier visit.
 */
export class OutboxPanel extends Component {
    static template = "cold_call_dialer.OutboxPanel";
    static props = { model: Object };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
    }

    get visible() {
        const state = this.state;
        return state.offline || state.outbox.length || state.conflicts.length || state.draftToResume;
    }

    get waitingText() {
        const count = this.state.outbox.length;
        return count === 1 ? _t("1 call waiting to sync") : _t("%s calls waiting to sync", count);
    }

    stateLabel(item) {
        return {
            waiting: _t("waiting"),
            sending: _t("sending…"),
            failed: _t("not synced"),
        }[item.state];
    }
}
