/** @odoo-module **/

import { Component, onMounted, onWillStart, onWillUnmount, useExternalListener, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { useSetupAction } from "@web/webclient/actions/action_hook";
import { CallScreen } from "../call_screen/call_screen";
import { ListPicker } from "../list_picker/list_picker";
import { OutboxPanel } from "../outbox_panel/outbox_panel";
import { PageNavigator } from "../page_navigator/page_navigator";
import { DialerModel } from "./dialer_model";
import { useLiveContacts } from "./live_updates";

const ROOT_MENU = "cold_call_dialer.cold_call_dialer_menu_root";
// How often the outbox tries again while calls wait, and the call form is kept in the browser.
const SYNC_EVERY_MS = 15000;
const DRAFT_EVERY_MS = 1000;

/**
 * The Dialer: pick a saved contact search, then work it call by call.
 *
 * The state lives in a DialerModel and is handed back by the action service when the rep comes
 * back from a contact form through the breadcrumbs.
 */
export class Dialer extends Component {
    static template = "cold_call_dialer.Dialer";
    static components = { Layout, ListPicker, CallScreen, OutboxPanel, PageNavigator };
    static props = { ...standardActionServiceProps };

    setup() {
        this.action = useService("action");
        // Opened from another app ("Call these" in Contacts), the Dialer still shows its own menus.
        const menu = useService("menu");
        const root = menu.getAll().find((item) => item.xmlid === ROOT_MENU);
        if (root) {
            menu.setCurrentMenu(root);
        }
        this.model = useState(
            new DialerModel({
                orm: useService("orm"),
                notification: useService("notification"),
                user: useService("user"),
            }),
        );
        this.state = this.model.state;
        useLiveContacts(this.model);
        useSetupAction({
            getLocalState: () => ({ dialer: this.model.exportState() }),
        });
        onWillStart(async () => {
            if (this.props.state && this.props.state.dialer) {
                this.model.restoreState(this.props.state.dialer);
            } else {
                await this.model.loadLists();
                // "Call these" in Contacts opens the Dialer on the saved search it just made.
                const listKey = this.props.action.params && this.props.action.params.list_key;
                if (listKey && this.model.lists.some((list) => list.key === listKey)) {
                    await this.model.selectList(listKey);
                }
            }
        });
        // The outbox: sent as soon as the browser is back online, else tried again every while.
        useExternalListener(window, "online", () => this.model.checkConnection());
        useExternalListener(window, "offline", () => this.model.setOffline(true));
        let timers = [];
        onMounted(() => {
            this.model.startOutbox();
            timers = [
                setInterval(() => {
                    if (this.state.offline || this.state.outbox.length) {
                        this.model.checkConnection();
                    }
                }, SYNC_EVERY_MS),
                setInterval(() => this.model.saveDraft(), DRAFT_EVERY_MS),
            ];
        });
        onWillUnmount(() => {
            timers.forEach(clearInterval);
            this.model.saveDraft();
        });
    }

    get display() {
        return { controlPanel: {} };
    }

    openSettings() {
        this.action.doAction("cold_call_dialer.res_config_settings_action");
    }

    openContactForm(contactId) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: contactId,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

registry.category("actions").add("cold_call_dialer.dialer", Dialer);
