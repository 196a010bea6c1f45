/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { ContactCard } from "@cold_call_dialer/contact_card/contact_card";
import { formatCallDuration } from "@cold_call_dialer/utils";

const STATE_LABELS = {
    requested: _t("Calling your phone…"),
    ringing: _t("Ringing"),
    connected: _t("Connected"),
    ended: _t("Call ended"),
    failed: _t("Call not placed"),
};

patch(ContactCard.prototype, {
    get mcubeCall() {
        return this.state.mcubeCall;
    },

    get mcubeStateLabel() {
        return STATE_LABELS[this.mcubeCall.state] || this.mcubeCall.state;
    },

    get mcubeDuration() {
        return formatCallDuration(this.state.call.elapsed);
    },

    get suggestedLabel() {
        const option = this.state.statusOptions.find((o) => o.value === this.mcubeCall.suggested);
        return option ? option.label : "";
    },
});
