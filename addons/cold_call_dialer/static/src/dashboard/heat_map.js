/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";

const { Info } = luxon;

/** Calls, or connect rate, per weekday and hour of the day: when calls connect. */
export class HeatMap extends Component {
    static template = "cold_call_dialer.DashboardHeatMap";
    static props = { heatMap: Object };

    setup() {
        this.state = useState({ measure: "calls" });
        this.measures = [
            ["calls", _t("Calls")],
            ["rate", _t("Connect rate")],
        ];
    }

    /** The hours with calls, widened to a working day so that an empty map still reads. */
    get hours() {
        const hours = this.props.heatMap.cells.map((cell) => cell[1]);
        const first = Math.min(9, ...hours);
        const last = Math.max(18, ...hours);
        return Array.from({ length: last - first + 1 }, (_, i) => first + i);
    }

    get rows() {
        const names = Info.weekdays("short");
        const byCell = new Map(
            this.props.heatMap.cells.map((cell) => [`${cell[0]}-${cell[1]}`, cell]),
        );
        const max = Math.max(1, ...this.props.heatMap.cells.map((cell) => cell[2]));
        const rows = [];
        for (let i = 0; i < 7; i++) {
            const weekday = (this.props.heatMap.week_start + i) % 7;
            const cells = this.hours.map((hour) => {
                const [, , calls, connected] = byCell.get(`${weekday}-${hour}`) || [
                    weekday,
                    hour,
                    0,
                    0,
                ];
                const rate = calls ? Math.round((100 * connected) / calls) : 0;
                const level = this.state.measure === "calls" ? calls / max : rate / 100;
                return {
                    hour,
                    calls,
                    rate,
                    value: this.state.measure === "calls" ? calls || "" : calls ? `${rate}%` : "",
                    style: calls ? `--o-heat: ${(0.12 + 0.88 * level).toFixed(2)}` : "",
                    strong: level > 0.5,
                    title: _t("%(day)s %(hour)s:00 · %(calls)s calls, %(rate)s connected", {
                        day: names[weekday],
                        hour: String(hour).padStart(2, "0"),
                        calls,
                        rate: `${rate}%`,
                    }),
                };
            });
            rows.push({ weekday, name: names[weekday], cells });
        }
        return rows;
    }
}
