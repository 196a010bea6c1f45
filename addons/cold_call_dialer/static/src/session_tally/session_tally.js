/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { formatTalkTime } from "../utils";

/**
 * The rep's own figures of today, as the server counts them for the managers' dashboard (same
 * definitions: a call is connected when its outcome says so, talk time is the timed calls).
 */
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
        return formatTalkTime(this.tally.talk_time);
    }
}
