/** @odoo-module **/

import { useComponent } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useBus } from "@web/core/utils/hooks";

/**
 * Seconds as "Xm Ys", the way the chatter notes show call durations.
 * @param {number} seconds
 */
export function formatCallDuration(seconds) {
    const total = Math.max(0, Math.round(seconds || 0));
    const minutes = Math.floor(total / 60);
    return _t("%(minutes)sm %(seconds)ss", { minutes, seconds: total % 60 });
}

/**
 * Seconds as a clock ("02:05", "1:02:05") for the running call timer.
 * @param {number} seconds
 */
export function formatClock(seconds) {
    const total = Math.max(0, Math.floor(seconds || 0));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** The message of a failed RPC, as the server phrased it. */
export function errorMessage(error) {
    if (error && error.data && error.data.message) {
        return error.data.message;
    }
    if (error && error.message) {
        return error.message;
    }
    return _t("Something went wrong. Check your connection and try again.");
}

/**
 * A total of talk time as "3h 05m" (or "Xm Ys" under an hour), for the dashboard and the tally.
 * @param {number} seconds
 */
export function formatTalkTime(seconds) {
    const total = Math.max(0, Math.round(seconds || 0));
    if (total < 3600) {
        return formatCallDuration(total);
    }
    const minutes = Math.floor((total % 3600) / 60);
    return _t("%(hours)sh %(minutes)sm", {
        hours: Math.floor(total / 3600),
        minutes: String(minutes).padStart(2, "0"),
    });
}

/**
 * Call ``callback(payload)`` for each bus notification of ``type`` while the component is mounted.
 * Odoo 17's ``bus_service.subscribe`` cannot be undone: listening to "notification" can.
 * bus_service is an async service (``useService`` cannot give it): the env has it started.
 */
export function useBusNotification(type, callback) {
    useBus(useComponent().env.services.bus_service, "notification", ({ detail }) => {
        for (const notification of detail) {
            if (notification.type === type) {
                callback(notification.payload);
            }
        }
    });
}
