/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { DialerModel } from "@cold_call_dialer/dialer/dialer_model";
import { startCall, stopCall } from "@cold_call_dialer/dialer/dialer_state";
import { mayCall } from "@cold_call_dialer/dialer/page_rows";
import { errorMessage } from "@cold_call_dialer/utils";

const MODEL = "cold.call.dialer";
// Attempt states, in the order a call goes through them: a late event never moves one back.
const STATES = ["requested", "ringing", "connected", "ended"];
const LIVE_STATES = ["requested", "ringing", "connected"];

/**
 * Click-to-call through MCUBE: when it is configured for the rep, Call asks the Odoo server to
 * place the call, and the call's state comes back over the bus (``onMcubeCall``). Hang up asks
 * the server to end it through MCUBE. At hangup, MCUBE's talk time replaces the browser timer
 * and the outcome it suggests is preselected. Without it, or when MCUBE refuses, the Dialer
 * keeps its ``tel:`` link.
 */
patch(DialerModel.prototype, {
    /** An MCUBE call is under way: the call button hangs it up, never places another. */
    get mcubeLive() {
        const call = this.state.mcubeCall;
        return Boolean(call && LIVE_STATES.includes(call.state));
    },

    async toggleCall() {
        if (this.mcubeLive) {
            return this.hangUp();
        }
        return super.toggleCall(...arguments);
    },

    /** End the MCUBE call; when MCUBE cannot, the rep reads that they must hang up on their phone. */
    async hangUp() {
        const call = this.state.mcubeCall;
        if (!call.attemptId || call.hangingUp) {
            return;
        }
        call.hangingUp = true;
        call.notice = null;
        let result;
        try {
            result = await this.orm.silent.call(MODEL, "hang_up", [call.attemptId]);
        } catch (error) {
            result = { ok: false, error: errorMessage(error) };
        }
        call.hangingUp = false;
        if (this.state.mcubeCall !== call) {
            return;
        }
        if (result.ok) {
            stopCall(this.state.call);
            call.state = "ended";
        } else {
            call.notice = result.error;
        }
    },

    async loadLists() {
        const data = await super.loadLists(...arguments);
        this.state.clickToCall = Boolean(data.click_to_call);
        return data;
    },

    async placeCall(number = false) {
        const current = this.state.current;
        if (this.mcubeLive) {
            return;
        }
        if (!this.state.clickToCall || !current || this.state.call.running) {
            return super.placeCall(...arguments);
        }
        if (this.state.offline) {
            // MCUBE needs the server: the rep's own phone dials.
            this.notification.add(_t("Offline: your phone dials the call, not MCUBE."), { type: "warning" });
            return super.placeCall(...arguments);
        }
        if (!mayCall(current.contact)) {
            return;
        }
        const partnerId = current.contact.id;
        this.autoDialer.cancel();
        this.state.mcubeCall = { state: "requested", attemptId: null };
        startCall(this.state.call);
        let result;
        try {
            result = await this.orm.silent.call(MODEL, "place_call", [partnerId], {
                number,
                list_key: this.state.page.list.key,
            });
        } catch (error) {
            result = { ok: false, error: errorMessage(error) };
        }
        if (this.currentId !== partnerId || !this.state.mcubeCall) {
            return;
        }
        if (result.ok) {
            this.state.mcubeCall.attemptId = result.attempt_id;
            if (result.warning) {
                this.notification.add(result.warning, { type: "warning" });
            }
        } else if (result.refused) {
            // India's rules forbid the call: neither MCUBE nor the rep's phone places it.
            stopCall(this.state.call);
            this.state.call.elapsed = 0;
            this.state.mcubeCall = null;
            this.refuseCall(result.error);
        } else {
            // MCUBE could not place it: the rep's own phone (tel:) stays one click away.
            stopCall(this.state.call);
            this.state.call.elapsed = 0;
            this.state.mcubeCall = {
                state: "failed",
                attemptId: result.attempt_id,
                error: result.error,
            };
        }
    },

    /** The ``tel:`` link, when MCUBE could not place the call. */
    async dialByPhone() {
        this.state.mcubeCall = null;
        return super.placeCall();
    },

    /** A call event of one of the rep's attempts, from the bus. */
    onMcubeCall(payload) {
        const call = this.state.mcubeCall;
        if (!call || !payload || payload.attempt_id !== call.attemptId) {
            return;
        }
        if (STATES.indexOf(payload.state) < STATES.indexOf(call.state)) {
            return;
        }
        Object.assign(call, {
            state: payload.state,
            status: payload.mcube_status || false,
            recordingUrl: payload.recording_url || false,
            audio: payload.audio || false,
        });
        if (payload.state === "failed") {
            stopCall(this.state.call);
            // The server's sentence is the most specific one: the generic one only without it.
            call.error = payload.error || call.error || _t("MCUBE could not connect the call.");
        }
        if (payload.state === "ended") {
            stopCall(this.state.call);
            this.state.call.elapsed = payload.duration || 0;
            // A later suggestion (keywords said, once transcribed) replaces an earlier one the
            // rep kept, never an outcome the rep picked.
            const suggested = payload.suggested_outcome;
            const form = this.state.form;
            if (suggested && suggested !== call.suggested && (!form.status || form.status === call.suggested)) {
                this.setStatus(suggested);
                call.suggested = suggested;
            }
        }
    },

    _logCallExtras() {
        const call = this.state.mcubeCall;
        const extras = super._logCallExtras(...arguments);
        return call && call.attemptId ? { ...extras, mcube_attempt_id: call.attemptId } : extras;
    },

    _setCurrent() {
        super._setCurrent(...arguments);
        this.state.mcubeCall = null;
    },
});
