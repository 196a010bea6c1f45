/** @odoo-module **/

import { Component, onWillUnmount, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";

const SPEEDS = [0.75, 1, 1.25, 1.5, 2];

/**
 * Seconds as m:ss; "--:--" while the length is unknown (before the metadata, or a stream whose
 * duration the browser reports as Infinity).
 */
export function formatTime(seconds) {
    if (!Number.isFinite(seconds)) {
        return "--:--";
    }
    const whole = Math.floor(seconds);
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/**
 * A call recording or voice note, played from its URL, with the transcript under it: a line
 * per segment, which plays the recording from there. Compact mode is the play button and the
 * time alone, for list rows and narrow cards.
 */
export class AudioPlayer extends Component {
    static template = "cold_call_audio.AudioPlayer";
    static props = {
        src: String,
        downloadUrl: { type: String, optional: true },
        segments: {
            type: Array,
            element: {
                type: Object,
                shape: { start: Number, end: Number, text: String, "*": true },
            },
            optional: true,
        },
        compact: { type: Boolean, optional: true },
    };
    static defaultProps = { segments: [] };

    setup() {
        this.audioRef = useRef("audio");
        this.state = useState({
            playing: false,
            currentTime: 0,
            duration: NaN,
            speed: 1,
            error: false,
        });
        this.speeds = SPEEDS.map((value) => ({
            value,
            label: `${formatFloat(value, { trailingZeros: false })}×`,
        }));
        // OWL translates title attributes, not aria-label ones: these come from here.
        this.labels = {
            download: _t("Download"),
            seek: _t("Position in the recording"),
            speed: _t("Playback speed"),
            transcript: _t("Transcript"),
        };
        onWillUnmount(() => this.audioRef.el.pause());
    }

    get toggleLabel() {
        return this.state.playing ? _t("Pause") : _t("Play");
    }

    /** The slider's range: 0 while the length is unknown, which disables it. */
    get seekMax() {
        return Number.isFinite(this.state.duration) ? this.state.duration : 0;
    }

    get timeText() {
        return `${formatTime(this.state.currentTime)} / ${formatTime(this.state.duration)}`;
    }

    get seekValueText() {
        return _t("%(current)s of %(total)s", {
            current: formatTime(this.state.currentTime),
            total: formatTime(this.state.duration),
        });
    }

    /** The segment being heard, none before the first play. */
    get activeSegmentIndex() {
        const { currentTime, playing } = this.state;
        if (!playing && !currentTime) {
            return -1;
        }
        return this.props.segments.findIndex(
            ({ start, end }) => start <= currentTime && currentTime < end,
        );
    }

    formatTime(seconds) {
        return formatTime(seconds);
    }

    play() {
        this.audioRef.el.play().catch((error) => {
            // A pause or a new source interrupted the start: nothing failed.
            if (error.name !== "AbortError") {
                this.state.error = true;
            }
        });
    }

    togglePlay() {
        if (this.audioRef.el.paused) {
            this.play();
        } else {
            this.audioRef.el.pause();
        }
    }

    playFrom(seconds) {
        this.audioRef.el.currentTime = seconds;
        this.state.currentTime = seconds;
        this.play();
    }

    onSeek(ev) {
        this.audioRef.el.currentTime = ev.target.valueAsNumber;
    }

    onSpeedChange(ev) {
        const speed = Number(ev.target.value);
        // The default rate is the one a reloaded source (a new write_date) starts with.
        this.audioRef.el.defaultPlaybackRate = speed;
        this.audioRef.el.playbackRate = speed;
        this.state.speed = speed;
    }

    onClick(ev) {
        // In list rows and kanban cards, the click would also open the record.
        if (this.props.compact) {
            ev.stopPropagation();
        }
    }

    onKeydown(ev) {
        // A list row opens its record on Enter, before the button could take it as a click.
        if (this.props.compact && ev.key === "Enter") {
            ev.stopPropagation();
        }
    }

    onMetadata() {
        this.state.duration = this.audioRef.el.duration;
        this.state.error = false;
    }

    onTimeUpdate() {
        this.state.currentTime = this.audioRef.el.currentTime;
    }

    onPlayPause() {
        this.state.playing = !this.audioRef.el.paused;
    }

    onEnded() {
        this.state.playing = false;
    }

    /** A new source (the record was saved again) resets the element without a pause event. */
    onEmptied() {
        Object.assign(this.state, { playing: false, currentTime: 0, duration: NaN, error: false });
    }

    onError() {
        this.state.error = true;
        this.state.playing = false;
    }
}
