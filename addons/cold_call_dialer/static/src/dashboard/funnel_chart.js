/** @odoo-module **/

import { Component, onWillStart, onWillUnmount, useEffect, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { cookie } from "@web/core/browser/cookie";
import { getColor } from "@web/core/colors/colors";
import { _t } from "@web/core/l10n/translation";

/** Dialed → connected → interested → meeting → won, drawn with Odoo's Chart.js. */
export class FunnelChart extends Component {
    static template = "cold_call_dialer.DashboardFunnel";
    static props = { funnel: Object };

    setup() {
        this.canvas = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            () => this.draw(),
            () => [this.steps.map((step) => step[1]).join()],
        );
        onWillUnmount(() => this.chart && this.chart.destroy());
    }

    get steps() {
        const funnel = this.props.funnel;
        return [
            [_t("Dialed"), funnel.calls],
            [_t("Connected"), funnel.connected],
            [_t("Interested"), funnel.interested],
            [_t("Meeting"), funnel.meetings],
            [_t("Won"), funnel.won],
        ];
    }

    draw() {
        if (this.chart) {
            this.chart.destroy();
        }
        const steps = this.steps;
        this.chart = new Chart(this.canvas.el, {
            type: "bar",
            data: {
                labels: steps.map((step) => step[0]),
                datasets: [
                    {
                        data: steps.map((step) => step[1]),
                        backgroundColor: steps.map((_, i) =>
                            getColor(i, cookie.get("color_scheme")),
                        ),
                    },
                ],
            },
            options: {
                indexAxis: "y",
                maintainAspectRatio: false,
                animation: false,
                plugins: { legend: { display: false } },
                scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
            },
        });
    }
}
