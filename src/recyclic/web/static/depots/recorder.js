// Dictation: the browser records the microphone (MediaRecorder) and the recording is sent to
// the deposit's classify route as a multipart form. The server decodes it, transcribes it
// when Gemini is configured, and answers 503 with a French message when it cannot.
import { ApiError, NetworkError } from "../js/api.js";

// Long enough for Gemini's transcription plus the classification (the server bounds both).
const UPLOAD_TIMEOUT_MS = 90_000;
// The server refuses recordings over 3 minutes: stop a little before.
const MAX_SECONDS = 170;
const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];

export function canRecord() {
  return Boolean(navigator.mediaDevices?.getUserMedia && window.MediaRecorder);
}

/** One recording: start() asks for the microphone, stop() resolves with the Blob. */
export class Recording {
  constructor({ onAutoStop } = {}) {
    this.chunks = [];
    this.onAutoStop = onAutoStop;
  }

  async start() {
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      throw new Error(error?.name === "NotAllowedError" ? "Micro refusé : autorisez-le dans le navigateur, ou tapez la description." : "Aucun micro utilisable : tapez la description.");
    }
    const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    this.recorder = new MediaRecorder(this.stream, mimeType ? { mimeType } : undefined);
    this.recorder.addEventListener("dataavailable", (event) => {
      if (event.data.size) this.chunks.push(event.data);
    });
    this.done = new Promise((resolve) => this.recorder.addEventListener("stop", resolve, { once: true }));
    this.recorder.start();
    this.startedAt = performance.now();
    this.timer = setTimeout(() => this.onAutoStop?.(), MAX_SECONDS * 1000);
  }

  get seconds() {
    return this.startedAt ? Math.round((performance.now() - this.startedAt) / 1000) : 0;
  }

  /** Stop and give the recording (its type is what the recorder really wrote). */
  async stop() {
    clearTimeout(this.timer);
    if (this.recorder.state !== "inactive") this.recorder.stop();
    await this.done;
    for (const track of this.stream.getTracks()) track.stop();
    return new Blob(this.chunks, { type: this.recorder.mimeType || "audio/webm" });
  }

  cancel() {
    clearTimeout(this.timer);
    try {
      if (this.recorder && this.recorder.state !== "inactive") this.recorder.stop();
    } finally {
      for (const track of this.stream?.getTracks() || []) track.stop();
    }
  }
}

function extension(type) {
  if (type.includes("ogg")) return "ogg";
  if (type.includes("mp4")) return "m4a";
  return "webm";
}

/** POST the recording to /deposits/{id}/classify → the classification (or an ApiError,
 * e.g. 503 `transcription_not_configured`: the recording is kept, type the description). */
export async function classifyRecording(api, depositId, blob) {
  if (!api.token || Date.now() > api.expiresAt - 30_000) await api.refresh();
  const send = async () => {
    const form = new FormData();
    form.append("audio", blob, `dictee.${extension(blob.type)}`);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), UPLOAD_TIMEOUT_MS);
    try {
      return await fetch(`/api/v1/deposits/${encodeURIComponent(depositId)}/classify`, {
        method: "POST",
        headers: { Accept: "application/json", Authorization: `Bearer ${api.token}` },
        body: form,
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal,
      });
    } catch (error) {
      throw new NetworkError(error);
    } finally {
      clearTimeout(timer);
    }
  };
  let response = await send();
  if (response.status === 401) {
    await api.refresh();
    response = await send();
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { detail: text };
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}
