/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { session } from "@web/session";

const POP_UP = "mcube_integration/incoming_call";

/**
 * The incoming-call pop-up: MCUBE's call-start event for one of the user's numbers arrives on
 * the bus within moments of the webhook, whatever screen the user is on. Each pop-up belongs to
 * its call: a later message of the call replaces it (never a second one), its end closes it, or
 * turns it into a missed call. It names the caller (person, company, else the number) and opens
 * their lead or contact, or creates the lead. Messages sent before the page loaded are old news.
 */
export const mcubeIncomingCallService = {
    dependencies: ["bus_service", "notification", "action", "orm"],
    start(env, { bus_service, notification, action, orm }) {
        const shownSince = session.mcube_bus_id || 0;
        const popUps = new Map(); // call id -> close function

        const openForm = (model, id) =>
            action.doAction({
                type: "ir.actions.act_window",
                res_model: model,
                res_id: id,
                views: [[false, "form"]],
            });

        function buttonsFor(call, close) {
            if (call.lead) {
                return [
                    {
                        name: _t("Open the lead"),
                        primary: true,
                        onClick: () => {
                            close();
                            openForm("crm.lead", call.lead.id);
                        },
                    },
                ];
            }
            const buttons = [
                {
                    name: _t("Create the lead"),
                    primary: true,
                    onClick: async () => {
                        close();
                        action.doAction(
                            await orm.call("crm.lead", "mcube_open_caller", [call.number]),
                        );
                    },
                },
            ];
            if (call.partner) {
                buttons.push({
                    name: _t("Open the contact"),
                    onClick: () => {
                        close();
                        openForm("res.partner", call.partner.id);
                    },
                });
            }
            return buttons;
        }

        /** "Person · Company · number", each part once. */
        function callerText(call) {
            const parts = [call.name, call.company, call.number].filter(Boolean);
            return [...new Set(parts)].join(" · ");
        }

        function close(callId) {
            const closePopUp = popUps.get(callId);
            popUps.delete(callId);
            if (closePopUp) {
                closePopUp();
            }
        }

        function show(call) {
            close(call.call_id);
            if (call.state === "ended") {
                return;
            }
            const missed = call.state === "missed";
            const closePopUp = notification.add(callerText(call), {
                title: missed ? _t("Missed call") : _t("Incoming call"),
                type: missed ? "warning" : "info",
                sticky: true,
                className: `o_mcube_incoming_call o_mcube_call_${missed ? "missed" : "ringing"}`,
                buttons: buttonsFor(call, () => close(call.call_id)),
                onClose: () => {
                    if (popUps.get(call.call_id) === closePopUp) {
                        popUps.delete(call.call_id);
                    }
                },
            });
            popUps.set(call.call_id, closePopUp);
        }

        bus_service.addEventListener("notification", ({ detail: messages }) => {
            for (const message of messages) {
                if (message.type === POP_UP && message.id > shownSince) {
                    show(message.payload);
                }
            }
        });
        bus_service.start();
    },
};

registry.category("services").add("mcube_incoming_call", mcubeIncomingCallService);
