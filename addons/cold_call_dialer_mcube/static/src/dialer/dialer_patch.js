/** @odoo-module **/

import { patch } from "@web/core/utils/patch";
import { Dialer } from "@cold_call_dialer/dialer/dialer";
import { useBusNotification } from "@cold_call_dialer/utils";

const NOTIFICATION = "cold_call_dialer_mcube/call";

/** The open Dialer listens to its rep's MCUBE call events on the bus. */
patch(Dialer.prototype, {
    setup() {
        super.setup(...arguments);
        useBusNotification(NOTIFICATION, (payload) => this.model.onMcubeCall(payload));
    },
});
