/** @odoo-module **/

import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { CharField, charField } from "@web/views/fields/char/char_field";

/**
 * A secret (a token), masked like a password, with a button that shows it to whoever may see
 * the field at all (the field's groups decide that), e.g. to copy it into MCUBE's account.
 */
export class SecretField extends CharField {
    static template = "mcube_integration.SecretField";

    setup() {
        super.setup();
        this.secret = useState({ revealed: false });
    }

    get toggleLabel() {
        return this.secret.revealed ? _t("Hide") : _t("Show");
    }

    toggle() {
        this.secret.revealed = !this.secret.revealed;
    }
}

export const secretField = {
    ...charField,
    component: SecretField,
    displayName: _t("Secret"),
};

registry.category("fields").add("mcube_secret", secretField);
