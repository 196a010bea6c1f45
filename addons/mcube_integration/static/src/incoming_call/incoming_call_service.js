/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

/**
 * The incoming-call pop-up: MCUBE's call-start event for one of the user's numbers arrives on
 * the bus within moments of the webhook, whatever screen the user is on. The notification names
 * the caller's lead or contact (else the number) and opens it, or creates the lead.
 */
export const mcubeIncomingCallService = {
    dependencies: ["bus_service", "notification", "action", "orm"],
    start(env, { bus_service, notification, action, orm }) {
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

        bus_service.subscribe("mcube_integration/incoming_call", (call) => {
            const caller = (call.lead && call.lead.name) || (call.partner && call.partner.name);
            const closer = { close: () => {} };
            closer.close = notification.add(caller ? `${caller} · ${call.number}` : call.number, {
                title: _t("Incoming call"),
                type: "info",
                sticky: true,
                className: "o_mcube_incoming_call",
                buttons: buttonsFor(call, () => closer.close()),
            });
        });
        bus_service.start();
    },
};

registry.category("services").add("mcube_incoming_call", mcubeIncomingCallService);
