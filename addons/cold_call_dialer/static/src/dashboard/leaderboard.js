/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatTalkTime } from "../utils";

/** Per rep: calls, connected, connect rate, talk time, meetings and opportunities; sortable. */
export class Leaderboard extends Component {
    static template = "cold_call_dialer.DashboardLeaderboard";
    static props = { rows: Array, openLogs: Function };

    setup() {
        this.state = useState({ sortKey: "calls", descending: true });
        // [key, label, figure whose calls the value opens]
        this.columns = [
            ["calls", _t("Calls"), "calls"],
            ["connected", _t("Connected"), "connected"],
            ["connect_rate", _t("Connect rate"), "connected"],
            ["talk_time", _t("Talk time"), "talk_time"],
            ["meetings", _t("Meetings"), "meetings"],
            ["opportunities", _t("Opportunities"), "opportunities"],
        ];
    }

    get rows() {
        const { sortKey, descending } = this.state;
        const direction = descending ? -1 : 1;
        return [...this.props.rows].sort((a, b) => {
            if (a[sortKey] !== b[sortKey]) {
                return direction * (a[sortKey] < b[sortKey] ? -1 : 1);
            }
            return a.name.localeCompare(b.name);
        });
    }

    sortBy(key) {
        if (this.state.sortKey === key) {
            this.state.descending = !this.state.descending;
        } else {
            Object.assign(this.state, { sortKey: key, descending: key !== "name" });
        }
    }

    sortIcon(key) {
        if (this.state.sortKey !== key) {
            return "";
        }
        return this.state.descending ? "fa fa-caret-down" : "fa fa-caret-up";
    }

    display(row, key) {
        if (key === "talk_time") {
            return formatTalkTime(row.talk_time);
        }
        return key === "connect_rate" ? `${row.connect_rate}%` : row[key];
    }

    open(row, key, label) {
        const figure = this.columns.find((column) => column[0] === key)[2];
        this.props.openLogs({ figure, userId: row.user_id, title: `${row.name}: ${label}` });
    }
}
