/** @odoo-module **/

import { Component, onWillUnmount, status, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { getDataURLFromFile } from "@web/core/utils/urls";
import { formatTime } from "../audio_player/audio_player";

// What the transcriber reads, and small enough to store: 32 kB a second.
const SAMPLE_RATE = 16000;

/**
 * Mono samples in [-1, 1] as a 16-bit PCM WAV file.
 *
 * @param {Float32Array} samples
 * @param {number} sampleRate
 * @returns {ArrayBuffer}
 */
export function encodeWav(samples, sampleRate) {
    const dataSize = samples.length * 2;
    const view = new DataView(new ArrayBuffer(44 + dataSize));
    const writeAscii = (offset, text) => {
        for (let i = 0; i < text.length; i++) {
            view.setUint8(offset + i, text.charCodeAt(i));
        }
    };
    writeAscii(0, "RIFF");
    view.setUint32(4, 36 + dataSize, true);
    writeAscii(8, "WAVE");
    writeAscii(12, "fmt ");
    view.setUint32(16, 16, true); // size of the fmt chunk
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, 1, true); // mono
    view.setUint32(24, sampleRate, true);
    view.setUint32(28, sampleRate * 2, true); // bytes a second
    view.setUint16(32, 2, true); // bytes a sample frame
    view.setUint16(34, 16, true); // bits a sample
    writeAscii(36, "data");
    view.setUint32(40, dataSize, true);
    for (let i = 0; i < samples.length; i++) {
        const sample = Math.max(-1, Math.min(1, samples[i]));
        view.setInt16(44 + i * 2, sample < 0 ? sample * 0x8000 : sample * 0x7fff, true);
    }
    return view.buffer;
}

/**
 * What MediaRecorder made (webm, ogg or mp4, as the browser likes) as 16 kHz mono samples.
 * Throws when the browser cannot decode it.
 */
async function decodeToMono(blob, maxSeconds) {
    const context = new browser.AudioContext();
    let decoded;
    try {
        decoded = await context.decodeAudioData(await blob.arrayBuffer());
    } finally {
        context.close();
    }
    // The recorder stops on a timer tick, a moment after the limit.
    const length = Math.ceil(Math.min(decoded.duration, maxSeconds) * SAMPLE_RATE);
    if (!length) {
        return new Float32Array(0);
    }
    const offline = new window.OfflineAudioContext(1, length, SAMPLE_RATE);
    const source = offline.createBufferSource();
    source.buffer = decoded;
    source.connect(offline.destination);
    source.start();
    return (await offline.startRendering()).getChannelData(0);
}

function microphoneError(error) {
    switch (error.name) {
        case "NotAllowedError":
        case "SecurityError":
            return _t(
                "The microphone is blocked: allow it for this site in your browser to record a voice note.",
            );
        case "NotFoundError":
            return _t("No microphone was found.");
        default:
            // NotReadableError mostly: another application holds the microphone.
            return _t(
                "The microphone could not be started: close any other app using it and try again.",
            );
    }
}

/**
 * Records a short voice note after a call, as a 16 kHz mono WAV for the transcriber. The
 * microphone is asked for only when the rep clicks to record, and released as soon as it stops.
 */
export class VoiceNoteRecorder extends Component {
    static template = "cold_call_audio.VoiceNoteRecorder";
    static props = {
        onRecorded: Function,
        onDiscard: { type: Function, optional: true },
        maxSeconds: { type: Number, optional: true },
        disabled: { type: Boolean, optional: true },
    };
    static defaultProps = { maxSeconds: 120 };

    setup() {
        // idle, starting (the browser asks for the microphone), recording, processing, recorded
        this.state = useState({
            status: "idle",
            elapsed: 0,
            seconds: 0,
            previewUrl: "",
            error: "",
        });
        onWillUnmount(() => {
            if (this.recorder && this.recorder.state !== "inactive") {
                this.recorder.stop();
            }
            this.releaseMicrophone();
            URL.revokeObjectURL(this.state.previewUrl);
        });
    }

    get elapsedText() {
        const elapsed = Math.min(this.state.elapsed, this.props.maxSeconds);
        return `${formatTime(elapsed)} / ${formatTime(this.props.maxSeconds)}`;
    }

    get durationText() {
        return formatTime(this.state.seconds);
    }

    async start() {
        this.state.error = "";
        const mediaDevices = browser.navigator.mediaDevices;
        if (!mediaDevices?.getUserMedia || !window.MediaRecorder) {
            this.state.error = _t("This browser cannot record audio.");
            return;
        }
        this.state.status = "starting";
        let stream;
        try {
            stream = await mediaDevices.getUserMedia({ audio: true });
        } catch (error) {
            this.fail(microphoneError(error));
            return;
        }
        this.stream = stream;
        // Gone while the browser asked for the microphone.
        if (status(this) === "destroyed") {
            this.releaseMicrophone();
            return;
        }
        const chunks = [];
        try {
            const recorder = new window.MediaRecorder(stream);
            recorder.addEventListener("dataavailable", (ev) => chunks.push(ev.data));
            // Also when the recorder stops by itself (the microphone unplugged).
            recorder.addEventListener("stop", () =>
                this.onRecorderStop(new Blob(chunks, { type: recorder.mimeType })),
            );
            recorder.start();
            this.recorder = recorder;
        } catch {
            this.releaseMicrophone();
            this.fail(_t("This browser cannot record audio."));
            return;
        }
        this.startedAt = Date.now();
        Object.assign(this.state, { status: "recording", elapsed: 0 });
        this.timer = browser.setInterval(() => {
            this.state.elapsed = (Date.now() - this.startedAt) / 1000;
            if (this.state.elapsed >= this.props.maxSeconds) {
                this.stop();
            }
        }, 250);
    }

    stop() {
        browser.clearInterval(this.timer);
        this.state.status = "processing";
        if (this.recorder.state !== "inactive") {
            this.recorder.stop();
        }
    }

    releaseMicrophone() {
        browser.clearInterval(this.timer);
        this.stream?.getTracks().forEach((track) => track.stop());
        this.stream = null;
        this.recorder = null;
    }

    async onRecorderStop(blob) {
        this.releaseMicrophone();
        if (status(this) === "destroyed") {
            return;
        }
        this.state.status = "processing";
        if (!blob.size) {
            this.fail(_t("The voice note is empty: record it again."));
            return;
        }
        let samples;
        try {
            samples = await decodeToMono(blob, this.props.maxSeconds);
        } catch {
            this.fail(_t("The voice note could not be read: record it again."));
            return;
        }
        if (!samples.length) {
            this.fail(_t("The voice note is empty: record it again."));
            return;
        }
        const wav = new Blob([encodeWav(samples, SAMPLE_RATE)], { type: "audio/wav" });
        const dataUrl = await getDataURLFromFile(wav);
        if (status(this) === "destroyed") {
            return;
        }
        const seconds = samples.length / SAMPLE_RATE;
        Object.assign(this.state, {
            status: "recorded",
            seconds,
            previewUrl: URL.createObjectURL(wav),
        });
        this.props.onRecorded({ data: dataUrl.split(",")[1], mimetype: "audio/wav", seconds });
    }

    fail(message) {
        Object.assign(this.state, { status: "idle", error: message });
    }

    discard() {
        URL.revokeObjectURL(this.state.previewUrl);
        Object.assign(this.state, { status: "idle", previewUrl: "" });
        this.props.onDiscard?.();
    }
}
