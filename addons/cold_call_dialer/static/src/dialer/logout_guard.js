/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { Outbox, outboxName } from "./outbox";

const items = registry.category("user_menuitems");
const logOutItem = items.get("log_out");

/**
 * Log out, after a warning when Dialer calls saved offline still wait on this device: they stay
 * there, and are sent the next time this user opens the Dialer in this browser.
 */
function guardedLogOutItem(env) {
    const item = logOutItem(env);
    return {
        ...item,
        callback: async () => {
            const waiting = (await new Outbox(outboxName(session.db, env.services.user.userId)).calls()).length;
            if (!waiting) {
                return item.callback();
            }
            env.services.dialog.add(ConfirmationDialog, {
                title: _t("Calls waiting to sync"),
                body: _t(
                    "%s call(s) saved in the Dialer have not reached Odoo yet. They stay on this device and are sent the next time you open the Dialer in this browser. Log out anyway?",
                    waiting,
                ),
                confirmLabel: _t("Log out"),
                confirm: () => item.callback(),
                cancel: () => {},
            });
        },
    };
}

items.add("log_out", guardedLogOutItem, { force: true });
