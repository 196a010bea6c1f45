/** @odoo-module **/

import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { url } from "@web/core/utils/urls";
import { imageCacheKey } from "@web/views/fields/image/image_field";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { AudioPlayer } from "../audio_player/audio_player";

/** A binary field holding a recording, played in place with the record's transcript under it. */
export class AudioPlayerField extends Component {
    static template = "cold_call_audio.AudioPlayerField";
    static components = { AudioPlayer };
    static props = {
        ...standardFieldProps,
        segmentsField: { type: String, optional: true },
        compact: { type: Boolean, optional: true },
    };
    static defaultProps = { segmentsField: "transcript_segments" };

    get hasRecording() {
        const { record, name } = this.props;
        // /web/content streams the saved file: an unsaved record has none to play yet.
        return Boolean(record.resId && record.data[name]);
    }

    contentUrl(params = {}) {
        const { record, name } = this.props;
        // write_date changes with the file, so the browser does not replay a cached old one.
        const unique = imageCacheKey(record.data.write_date);
        return url(`/web/content/${record.resModel}/${record.resId}/${name}`, {
            ...(unique && { unique }),
            ...params,
        });
    }

    get segments() {
        const segments = this.props.record.data[this.props.segmentsField];
        return Array.isArray(segments) ? segments : [];
    }
}

export const audioPlayerField = {
    component: AudioPlayerField,
    displayName: _t("Audio player"),
    supportedOptions: [
        {
            label: _t("Transcript segments field"),
            name: "segments_field",
            type: "field",
            availableTypes: ["json"],
        },
        {
            label: _t("Compact"),
            name: "compact",
            type: "boolean",
        },
    ],
    supportedTypes: ["binary"],
    fieldDependencies: [{ name: "write_date", type: "datetime" }],
    extractProps: ({ options }) => ({
        segmentsField: options.segments_field,
        compact: Boolean(options.compact),
    }),
};

registry.category("fields").add("audio_player", audioPlayerField);
