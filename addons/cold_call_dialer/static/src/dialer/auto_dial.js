/** @odoo-module **/

import { browser } from "@web/core/browser/browser";
import { mayCall } from "./page_rows";

export const AUTO_DIAL_SECONDS = 3;

/**
 * Power mode: after a saved call, the next contact is dialled once a short countdown ends. The
 * countdown lives in the Dialer's state (``countdown``: seconds left, or null) so that the
 * screen shows it; Esc, or any move to another contact, cancels it.
 */
export class AutoDialer {
    constructor(state, dial) {
        this.state = state;
        this.dial = dial;
        this.interval = null;
    }

    /** Start the countdown to dial the contact on screen, when auto-dial is on. */
    start() {
        this.cancel();
        if (
            !this.state.autoDial ||
            !this.state.current ||
            !this.state.current.contact.call_number ||
            !mayCall(this.state.current.contact)
        ) {
            return;
        }
        this.state.countdown = AUTO_DIAL_SECONDS;
        this.interval = browser.setInterval(() => {
            this.state.countdown--;
            if (this.state.countdown <= 0) {
                this.cancel();
                this.dial();
            }
        }, 1000);
    }

    cancel() {
        if (this.interval) {
            browser.clearInterval(this.interval);
            this.interval = null;
        }
        this.state.countdown = null;
    }
}
