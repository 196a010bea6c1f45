/** @odoo-module **/

import { onWillUnmount } from "@odoo/owl";
import { patch } from "@web/core/utils/patch";
import { Dialer } from "@cold_call_dialer/dialer/dialer";

const NOTIFICATION = "cold_call_dialer_mcube/call";

/** The open Dialer listens to its rep's MCUBE call events on the bus. */
patch(Dialer.prototype, {
    setup() {
        super.setup(...arguments);
        // bus_service is an async service: useService cannot give it; the env has it started.
        const busService = this.env.services.bus_service;
        const onCall = (payload) => this.model.onMcubeCall(payload);
        busService.subscribe(NOTIFICATION, onCall);
        onWillUnmount(() => busService.unsubscribe(NOTIFICATION, onCall));
    },
});
