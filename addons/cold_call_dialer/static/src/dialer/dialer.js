/** @odoo-module **/

import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";

/** The Dialer: pick a saved contact search and work it call by call. */
export class Dialer extends Component {
    static template = "cold_call_dialer.Dialer";
    static props = ["*"];
}

registry.category("actions").add("cold_call_dialer.dialer", Dialer);
