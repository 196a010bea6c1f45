/** @odoo-module **/

import { Component, onMounted, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { useDebounced } from "@web/core/utils/timing";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { useSetupAction } from "@web/webclient/actions/action_hook";
import { errorMessage, formatTalkTime, useBusNotification } from "../utils";
import { FunnelChart } from "./funnel_chart";
import { HeatMap } from "./heat_map";
import { Leaderboard } from "./leaderboard";

const NOTIFICATION = "cold_call_dialer/figures";
// Reps save calls every few seconds on a busy floor: the figures refresh once per burst.
const LIVE_REFRESH_DELAY = 3000;

/** Sections other modules add below the lists, as {Component}: each gets the dashboard's data. */
export const dashboardSections = registry.category("cold_call_dialer.dashboard_sections");

/**
 * The Dialer managers' dashboard: who calls, how much and how well, when calls connect, how many
 * dials a meeting takes and which lists are worth calling, for a period and a sales team.
 * One RPC per refresh (the contacts left per list come after it); it refreshes by itself when reps
 * save calls.
 */
export class Dashboard extends Component {
    static template = "cold_call_dialer.Dashboard";
    static components = { Layout, Leaderboard, HeatMap, FunnelChart };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        // A manager changes both dates in a row: only the answer to the last change is shown.
        this.keepLast = new KeepLast();
        const saved = (this.props.state && this.props.state.filters) || {};
        this.state = useState({
            data: null,
            period: saved.period || "today",
            dateFrom: saved.dateFrom || "",
            dateTo: saved.dateTo || "",
            teamId: saved.teamId || false,
            funnelKey: "",
            loading: false,
            // {saved search id: contacts the Dialer still offers}, read after the figures
            left: {},
        });
        this.periods = [
            ["today", _t("Today")],
            ["week", _t("This week")],
            ["month", _t("This month")],
            ["custom", _t("Custom")],
        ];
        this.kpis = [
            ["calls", _t("Calls")],
            ["connected", _t("Connected")],
            ["connect_rate", _t("Connect rate")],
            ["talk_time", _t("Talk time")],
            ["meetings", _t("Meetings")],
            ["opportunities", _t("Opportunities")],
        ];
        useSetupAction({ getLocalState: () => ({ filters: this.filters }) });
        const liveRefresh = useDebounced(() => {
            this.load({ silent: true });
            this.loadLeft();
        }, LIVE_REFRESH_DELAY);
        useBusNotification(NOTIFICATION, liveRefresh);
        onWillStart(() => this.load());
        onMounted(() => this.loadLeft());
    }

    /** The contacts left per saved search: they change with calls, not with the period or team. */
    async loadLeft() {
        try {
            this.state.left = await this.orm.silent.call("cold.call.dashboard", "get_lists_left", []);
        } catch {
            // the column keeps what it showed; the next refresh asks again
        }
    }

    get display() {
        return { controlPanel: {} };
    }

    get filters() {
        const { period, dateFrom, dateTo, teamId } = this.state;
        return { period, dateFrom, dateTo, teamId };
    }

    get data() {
        return this.state.data;
    }

    get sections() {
        return dashboardSections.getAll();
    }

    get funnel() {
        const row = this.data.lists.find((list) => list.key === this.state.funnelKey);
        return row || this.data.funnel;
    }

    get dialsPerMeeting() {
        const { calls, meetings } = this.funnel;
        return meetings ? (calls / meetings).toFixed(1) : "—";
    }

    kpiValue(key) {
        const funnel = this.data.funnel;
        if (key === "talk_time") {
            return formatTalkTime(funnel.talk_time);
        }
        return key === "connect_rate" ? `${funnel.connect_rate}%` : funnel[key];
    }

    async load({ silent = false } = {}) {
        const { period, dateFrom, dateTo, teamId } = this.state;
        if (period === "custom" && !(dateFrom && dateTo)) {
            return;
        }
        this.state.loading = !silent;
        const orm = silent ? this.orm.silent : this.orm;
        try {
            const data = await this.keepLast.add(
                orm.call("cold.call.dashboard", "get_data", [], {
                    period,
                    date_from: period === "custom" ? dateFrom : false,
                    date_to: period === "custom" ? dateTo : false,
                    team_id: teamId,
                })
            );
            if (!data.lists.some((list) => list.key === this.state.funnelKey)) {
                this.state.funnelKey = "";
            }
            this.state.data = data;
        } catch (error) {
            if (!this.state.data) {
                throw error;
            }
            // a live refresh that fails (e.g. offline) keeps the figures shown; the next one retries
            if (!silent) {
                this.notification.add(errorMessage(error), { type: "danger" });
            }
        } finally {
            this.state.loading = false;
        }
    }

    setPeriod(period) {
        this.state.period = period;
        if (period === "custom") {
            this.state.dateFrom = this.state.dateFrom || this.data.period.date_from;
            this.state.dateTo = this.state.dateTo || this.data.period.date_to;
        }
        this.load();
    }

    setDate(which, ev) {
        this.state[which] = ev.target.value;
        this.load();
    }

    setTeam(ev) {
        this.state.teamId = parseInt(ev.target.value, 10) || false;
        this.load();
    }

    /**
     * Open the calls behind a figure: those of the period and team, narrowed to a rep or a list
     * and to what the figure counts.
     */
    /** The company's complaints of the regulator's window. */
    openComplaints() {
        this.action.doAction("cold_call_dialer.cold_call_complaint_action", {
            additionalContext: { search_default_recent: 1 },
        });
    }

    openLogs({ figure = "calls", userId = false, filterId = false, listName = false, title }) {
        const domain = [...this.data.domain, ...this.data.figure_domains[figure]];
        if (userId) {
            domain.push(["user_id", "=", userId]);
        }
        if (filterId) {
            domain.push(["filter_id", "=", filterId]);
        } else if (listName) {
            domain.push(["filter_id", "=", false], ["list_name", "=", listName]);
        }
        this.action.doAction({
            type: "ir.actions.act_window",
            name: title,
            res_model: "cold.call.log",
            domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }
}

registry.category("actions").add("cold_call_dialer.dashboard", Dashboard);
