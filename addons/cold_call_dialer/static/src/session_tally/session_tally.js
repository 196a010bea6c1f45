/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { formatCallDuration } from "../utils";

/** What the rep did since they started calling this list. */
export class SessionTally extends Component {
    static template = "cold_call_dialer.SessionTally";
    static props = { model: Object };

    setup() {
        this.model = useState(this.props.model);
        this.state = this.model.state;
    }

    get tally() {
        return this.state.tally;
    }

    get talkTime() {
        return formatCallDuration(this.tally.talkTime);
    }

    get outcomes() {
        return Object.entries(this.tally.outcomes).sort((a, b) => b[1] - a[1]);
    }
}
