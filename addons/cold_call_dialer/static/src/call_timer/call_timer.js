/** @odoo-module **/

import { Component, onWillUnmount, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { formatClock } from "../utils";

/** The visible call timer: ticks every second while the call runs. */
export class CallTimer extends Component {
    static template = "cold_call_dialer.CallTimer";
    static props = { model: Object };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
        this.tick = useState({ now: Date.now() });
        this.interval = browser.setInterval(() => {
            if (this.state.call.running) {
                this.tick.now = Date.now();
            }
        }, 1000);
        onWillUnmount(() => browser.clearInterval(this.interval));
    }

    get clock() {
        // Read the tick so that the timer re-renders every second.
        return this.tick.now && formatClock(this.model.callSeconds);
    }

    get call() {
        return this.state.call;
    }
}
