// Recorder (see recorder.py): records a vocal take in the page and sends it as a WAV on Keep.
//
// Capture is raw PCM from an AudioWorklet (a ScriptProcessor where there is none) with the browser's echo
// cancellation, noise suppression and auto gain off. The count-in clicks, the start of the beat and the first
// captured sample are all scheduled on the AudioContext clock, so the take starts exactly where the beat does
// (give or take the latency we note with it for the mix). Everything shown is text (Vue escapes it).

const STYLE_ID = "liab-recorder-style";
const COUNT_IN = 4; // one bar of 4/4
const LEAD_IN_S = 0.15; // from the click on Record to the first count-in click
const FLOOR_DB = -60; // the meter's left end
const BYTES_PER_SAMPLE = 3; // 24-bit mono WAV
const SEND_TIMEOUT_MS = 20000;

const WORKLET = `
class LiabCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.from = Infinity;
    this.to = Infinity;
    this.buffer = new Float32Array(8192);
    this.filled = 0;
    this.peak = 0; // the meter's peak, measured here on every sample so no short transient is missed
    this.metered = 0;
    this.port.onmessage = (event) => {
      const message = event.data;
      if (message.type === "start") {
        this.from = message.frame;
        this.to = Infinity;
        this.filled = 0;
      } else if (message.type === "stop") {
        this.to = Math.max(currentFrame, this.from === Infinity ? currentFrame : this.from);
        this.flush();
        this.port.postMessage({ type: "done" });
        this.from = Infinity;
      }
    };
  }
  flush() {
    if (this.filled) this.port.postMessage({ type: "data", samples: this.buffer.slice(0, this.filled) });
    this.filled = 0;
  }
  push(samples) {
    let offset = 0;
    while (offset < samples.length) {
      const count = Math.min(samples.length - offset, this.buffer.length - this.filled);
      this.buffer.set(samples.subarray(offset, offset + count), this.filled);
      this.filled += count;
      offset += count;
      if (this.filled === this.buffer.length) this.flush();
    }
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    const frames = channel ? channel.length : 128;
    if (channel) {
      for (let i = 0; i < frames; i++) {
        const value = Math.abs(channel[i]);
        if (value > this.peak) this.peak = value;
      }
    }
    this.metered += frames;
    if (this.metered >= 1024) {
      this.port.postMessage({ type: "level", peak: this.peak });
      this.peak = 0;
      this.metered = 0;
    }
    if (this.from === Infinity) return true;
    const begin = Math.max(0, this.from - currentFrame);
    const end = Math.min(frames, this.to - currentFrame);
    if (end > begin) this.push(channel ? channel.subarray(begin, end) : new Float32Array(end - begin));
    return true;
  }
}
registerProcessor("liab-capture", LiabCapture);
`;

const CSS = `
.liab-rec {
  display: flex; flex-direction: column; gap: 14px; width: 100%; box-sizing: border-box; padding: 18px 20px;
  border-radius: 16px; color: #f3eefc;
  background: linear-gradient(180deg, rgba(40, 29, 70, 0.92), rgba(21, 15, 38, 0.94));
  border: 1px solid rgba(139, 92, 246, 0.38);
  box-shadow: 0 10px 30px rgba(5, 3, 12, 0.45), inset 0 1px 0 rgba(255, 255, 255, 0.06);
  transition: border-color 0.2s, box-shadow 0.2s;
}
.liab-rec.is-recording { border-color: rgba(248, 113, 113, 0.7); box-shadow: 0 0 0 3px rgba(248, 113, 113, 0.18); }
.liab-rec.is-countin { border-color: rgba(245, 185, 66, 0.7); }
.liab-rec__top { display: flex; align-items: center; gap: 12px; min-height: 28px; }
.liab-rec__status { display: flex; align-items: center; gap: 10px; flex: 1; min-width: 0; }
.liab-rec__dot { flex: none; width: 12px; height: 12px; border-radius: 50%; background: #5c5275; }
.liab-rec.is-ready .liab-rec__dot, .liab-rec.is-review .liab-rec__dot { background: #34d399; }
.liab-rec.is-countin .liab-rec__dot { background: #f5b942; }
.liab-rec.is-recording .liab-rec__dot { background: #f87171; animation: liab-rec-blink 1s ease-in-out infinite; }
.liab-rec.is-blocked .liab-rec__dot { background: #f87171; }
@keyframes liab-rec-blink { 50% { opacity: 0.25; } }
.liab-rec__headline { font-weight: 800; font-size: 16px; }
.liab-rec__clock {
  flex: none; font-variant-numeric: tabular-nums; font-size: 22px; font-weight: 800; color: #f5b942;
  letter-spacing: 0.02em;
}
.liab-rec__meter-row { display: flex; align-items: center; gap: 12px; }
.liab-rec__meter {
  position: relative; flex: 1; height: 14px; border-radius: 7px; overflow: hidden;
  background: rgba(13, 10, 23, 0.7); box-shadow: inset 0 0 0 1px rgba(255, 255, 255, 0.06);
}
/* Per frame only transforms change (no layout): a cover slides off a fixed gradient, the peak-hold line moves. */
.liab-rec__meter-scale { position: absolute; inset: 0;
  background: linear-gradient(90deg, #34d399 0%, #a3e635 60%, #f5b942 85%, #f87171 100%); }
.liab-rec__meter-cover { position: absolute; inset: 0; background: #140f24; transform-origin: right center;
  will-change: transform; }
.liab-rec__meter-hold { position: absolute; inset: 0; border-right: 2px solid rgba(255, 247, 224, 0.85);
  transform: translateX(-100%); will-change: transform; }
.liab-rec__meter.is-clipping { box-shadow: inset 0 0 0 2px #f87171; }
.liab-rec__level { flex: none; width: 64px; text-align: right; font-size: 13px; color: #b5abcf;
  font-variant-numeric: tabular-nums; }
.liab-rec.is-off .liab-rec__meter, .liab-rec.is-blocked .liab-rec__meter { opacity: 0.35; }
.liab-rec__count {
  align-self: center; font-size: 56px; line-height: 1; font-weight: 900; color: #f5b942;
  text-shadow: 0 0 24px rgba(245, 185, 66, 0.45);
}
.liab-rec__message { margin: 0; padding: 10px 12px; border-radius: 10px; font-size: 14px; line-height: 1.45;
  color: #fecaca; background: rgba(248, 113, 113, 0.1); border: 1px solid rgba(248, 113, 113, 0.35); }
.liab-rec__review { display: flex; flex-direction: column; gap: 6px; }
.liab-rec__review audio { width: 100%; height: 40px; color-scheme: dark; }
.liab-rec__actions { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; }
.liab-rec__button {
  display: inline-flex; align-items: center; gap: 8px; height: 40px; padding: 0 18px; border-radius: 20px;
  font: inherit; font-weight: 700; font-size: 14px; cursor: pointer; color: #f3eefc;
  border: 1px solid rgba(255, 255, 255, 0.22); background: rgba(255, 255, 255, 0.05);
  transition: transform 0.12s, background 0.2s, box-shadow 0.2s;
}
.liab-rec__button:hover { background: rgba(255, 255, 255, 0.1); }
.liab-rec__button:active { transform: scale(0.97); }
.liab-rec__button:focus-visible { outline: 2px solid #f5b942; outline-offset: 2px; }
.liab-rec__button:disabled { opacity: 0.55; cursor: default; transform: none; }
.liab-rec__button--primary { color: #1b1030; border: none;
  background: radial-gradient(circle at 35% 30%, #ffe3a3, #f5b942 55%, #d48a1c);
  box-shadow: 0 4px 16px rgba(245, 185, 66, 0.3); }
.liab-rec__button--primary:hover { background: radial-gradient(circle at 35% 30%, #fff0c8, #f7c55e 55%, #dc951f); }
.liab-rec__button--record { color: #fff; border: none; background: linear-gradient(180deg, #f87171, #dc2626);
  box-shadow: 0 4px 16px rgba(220, 38, 38, 0.35); }
.liab-rec__button--record:hover { background: linear-gradient(180deg, #fb8a8a, #e23b3b); }
.liab-rec__button svg { width: 16px; height: 16px; fill: currentColor; }
.liab-rec__option { display: inline-flex; align-items: center; gap: 8px; font-size: 14px; color: #f3eefc;
  cursor: pointer; }
.liab-rec__option input { width: 16px; height: 16px; accent-color: #f5b942; }
.liab-rec__hint { margin: 0; font-size: 13px; line-height: 1.5; color: #b5abcf; }
@media (max-width: 640px) {
  .liab-rec { padding: 14px; gap: 12px; }
  .liab-rec__headline { font-size: 15px; }
  .liab-rec__count { font-size: 44px; }
}
`;

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

function withPrefix(url) {
  return url && url.startsWith("/") ? (window.path_prefix || "") + url : url;
}

function clock(seconds) {
  const safe = Math.max(0, seconds || 0);
  const minutes = Math.floor(safe / 60);
  const rest = safe - 60 * minutes;
  return `${minutes}:${rest.toFixed(1).padStart(4, "0")}`;
}

function micProblem(error) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") {
    return "Microphone access was refused. Allow the microphone for this site (the icon at the left of the address " +
      "bar), then press Turn on microphone again.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") {
    return "No microphone was found. Plug one in or choose one in your system's sound settings, then try again.";
  }
  if (name === "NotReadableError" || name === "AbortError") {
    return "The microphone could not be started: another app may be using it. Close that app, then try again.";
  }
  return `The microphone could not be started (${(error && error.message) || "unknown error"}).`;
}

function encodeWav(chunks, frames, rate) {
  // 24-bit PCM mono, no tags: the intake reads it like any uploaded WAV.
  const dataSize = frames * BYTES_PER_SAMPLE;
  const buffer = new ArrayBuffer(44 + dataSize);
  const view = new DataView(buffer);
  const text = (offset, value) => [...value].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + dataSize, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * BYTES_PER_SAMPLE, true);
  view.setUint16(32, BYTES_PER_SAMPLE, true);
  view.setUint16(34, 8 * BYTES_PER_SAMPLE, true);
  text(36, "data");
  view.setUint32(40, dataSize, true);
  const bytes = new Uint8Array(buffer);
  let offset = 44;
  let peak = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const sample = Math.max(-1, Math.min(1, chunk[i] || 0));
      peak = Math.max(peak, Math.abs(sample));
      const value = Math.max(-8388608, Math.min(8388607, Math.round(sample * 8388608)));
      bytes[offset] = value & 0xff;
      bytes[offset + 1] = (value >> 8) & 0xff;
      bytes[offset + 2] = (value >> 16) & 0xff;
      offset += 3;
    }
  }
  return { blob: new Blob([buffer], { type: "audio/wav" }), peak };
}

export default {
  template: `
    <div class="liab-rec" :class="'is-' + state" role="group" aria-label="Recorder">
      <div class="liab-rec__top">
        <div class="liab-rec__status" role="status" aria-live="polite">
          <span class="liab-rec__dot" aria-hidden="true"></span>
          <span class="liab-rec__headline">{{ headline }}</span>
        </div>
        <span v-if="showClock" class="liab-rec__clock" aria-label="Take length">{{ clockText }}</span>
      </div>
      <div class="liab-rec__meter-row">
        <div ref="meter" class="liab-rec__meter" role="meter" aria-label="Input level" aria-valuemin="-60"
             aria-valuemax="0" :aria-valuenow="levelDb">
          <div class="liab-rec__meter-scale"></div>
          <div ref="cover" class="liab-rec__meter-cover"></div>
          <div ref="hold" class="liab-rec__meter-hold"></div>
        </div>
        <span class="liab-rec__level">{{ levelText }}</span>
      </div>
      <div v-if="state === 'countin'" class="liab-rec__count" aria-live="assertive">{{ count }}</div>
      <p v-if="message" class="liab-rec__message" role="alert">{{ message }}</p>
      <div v-if="reviewUrl" class="liab-rec__review" v-show="state === 'review' || state === 'saving'">
        <audio ref="review" controls preload="auto" :src="reviewUrl" aria-label="Listen back"></audio>
      </div>
      <div class="liab-rec__actions">
        <button v-if="state === 'off' || state === 'blocked' || state === 'asking'" type="button"
                class="liab-rec__button liab-rec__button--primary" :disabled="state === 'asking'" @click="enable">
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1A7 7 0 0 0 19 11h-2z"/></svg>
          Turn on microphone
        </button>
        <template v-if="state === 'ready' || state === 'loading'">
          <button type="button" class="liab-rec__button liab-rec__button--record" :disabled="state === 'loading'"
                  @click="record">
            <svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="7"/></svg>
            {{ state === 'loading' ? 'Loading the beat…' : 'Record' }}
          </button>
          <button type="button" class="liab-rec__button" @click="disable">Turn off microphone</button>
        </template>
        <button v-if="state === 'countin' || state === 'recording'" type="button"
                class="liab-rec__button liab-rec__button--record" @click="stop">
          <svg viewBox="0 0 24 24" aria-hidden="true"><rect x="6" y="6" width="12" height="12" rx="2"/></svg>
          Stop
        </button>
        <template v-if="state === 'review' || state === 'saving'">
          <button type="button" class="liab-rec__button liab-rec__button--primary" :disabled="state === 'saving'"
                  @click="keep">
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z"/></svg>
            {{ state === 'saving' ? 'Saving…' : 'Keep' }}
          </button>
          <button type="button" class="liab-rec__button" :disabled="state === 'saving'" @click="discard">
            Discard
          </button>
        </template>
      </div>
      <label v-if="beatSrc" class="liab-rec__option">
        <input type="checkbox" v-model="withBeat" :disabled="busy"> Play the beat in my headphones while I record
      </label>
      <p class="liab-rec__hint">{{ hint }}</p>
    </div>`,
  props: {
    bpm: Number,
    beatSrc: String,
    countInBpm: { type: Number, default: 90 },
    maxBytes: Number,
    uploadUrl: String,
    ticket: String,
  },
  emits: ["keep", "stored", "failed"],
  data() {
    return {
      state: "off", message: "", count: COUNT_IN, elapsed: 0, levelDb: FLOOR_DB, levelText: "–", withBeat: true,
      reviewUrl: "", takeSeconds: 0,
    };
  },
  created() {
    // Audio objects and per-frame values stay out of Vue's reactivity.
    this.rec = {
      stream: null, ctx: null, source: null, peak: 0, capture: null, mute: null, legacy: null, raf: 0,
      chunks: [], frames: 0, start: 0, countStart: 0, beatPromise: null, beatBuffer: null, beatNode: null,
      hold: FLOOR_DB, holdAt: 0, clipUntil: 0, clipping: false, lastText: 0, lastClock: 0, take: null, sendTimer: 0,
      done: null,
    };
    injectStyle();
  },
  beforeUnmount() {
    this.release();
    if (this.reviewUrl) URL.revokeObjectURL(this.reviewUrl);
    clearTimeout(this.rec.sendTimer);
  },
  watch: {
    ticket(now) {
      if (now) this.send(now);
    },
  },
  computed: {
    busy() {
      return ["countin", "recording", "finishing", "saving", "loading"].includes(this.state);
    },
    showClock() {
      return ["countin", "recording", "finishing", "review", "saving"].includes(this.state);
    },
    clockText() {
      return clock(this.state === "review" || this.state === "saving" ? this.takeSeconds : this.elapsed);
    },
    headline() {
      return {
        off: "Record a take here",
        asking: "Waiting for the microphone…",
        blocked: "The microphone is not available",
        ready: "Microphone on: check your level",
        loading: "Loading the beat…",
        countin: "Get ready…",
        recording: "Recording",
        finishing: "Finishing the take…",
        review: "Listen back, then keep or discard",
        saving: "Saving your take…",
      }[this.state];
    },
    hint() {
      const tempo = `${Math.round(this.countInBpm)} BPM`;
      const countIn = this.beatSrc
        ? `Record gives you one bar of clicks at the beat's ${tempo}, then the beat plays from the top.`
        : `There is no beat yet, so Record counts in with ${COUNT_IN} clicks at ${tempo}.`;
      if (this.state === "off" || this.state === "asking") {
        return "Your browser will ask to use the microphone. Wear headphones so the beat does not bleed into " +
          "your vocal.";
      }
      if (this.state === "review" || this.state === "saving") {
        return `${this.takeSeconds.toFixed(1)} s recorded. Keep adds it to your takes; Discard throws it away.`;
      }
      if (this.state === "blocked") return countIn;
      const most = this.maxSeconds();
      const limit = Number.isFinite(most) ? ` A take can be up to ${Math.floor(most / 60)} minutes long.` : "";
      return countIn + limit;
    },
  },
  methods: {
    maxSeconds() {
      const rate = this.rec.ctx ? this.rec.ctx.sampleRate : 48000;
      return this.maxBytes ? this.maxBytes / (rate * BYTES_PER_SAMPLE) : Infinity;
    },
    async enable() {
      this.message = "";
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        this.state = "blocked";
        this.message = "Recording needs a secure page: open the app over https (or on localhost) in a current " +
          "browser.";
        return;
      }
      this.state = "asking";
      try {
        this.rec.stream = await navigator.mediaDevices.getUserMedia({
          audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false,
                   channelCount: { ideal: 1 } },
          video: false,
        });
        await this.openGraph();
      } catch (error) {
        this.release();
        this.state = "blocked";
        this.message = micProblem(error);
        return;
      }
      this.state = "ready";
      if (this.beatSrc) this.rec.beatPromise = this.loadBeat();
      this.meterLoop();
    },
    async openGraph() {
      const track = this.rec.stream.getAudioTracks()[0];
      if (!track) throw Object.assign(new Error("no audio track"), { name: "NotFoundError" });
      const rate = (track.getSettings && track.getSettings().sampleRate) || undefined;
      let ctx;
      try {
        ctx = new AudioContext({ latencyHint: "interactive", sampleRate: rate });
      } catch {
        ctx = new AudioContext({ latencyHint: "interactive" });
      }
      this.rec.ctx = ctx;
      if (ctx.state === "suspended") await ctx.resume().catch(() => {});
      const source = ctx.createMediaStreamSource(this.rec.stream);
      const mute = ctx.createGain();
      mute.gain.value = 0; // the capture node must reach the destination to run, but must not be heard
      mute.connect(ctx.destination);
      this.rec.source = source;
      this.rec.mute = mute;
      try {
        if (!ctx.audioWorklet) throw new Error("no AudioWorklet");
        const url = URL.createObjectURL(new Blob([WORKLET], { type: "text/javascript" }));
        try {
          await ctx.audioWorklet.addModule(url);
        } finally {
          URL.revokeObjectURL(url);
        }
        const capture = new AudioWorkletNode(ctx, "liab-capture", {
          numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1,
          channelCountMode: "explicit", channelInterpretation: "speakers",
        });
        capture.port.onmessage = (event) => this.onCapture(event.data);
        source.connect(capture);
        capture.connect(mute);
        this.rec.capture = capture;
      } catch (error) {
        console.info("recorder: AudioWorklet unavailable, using ScriptProcessor:", error.message);
        this.rec.capture = null;
        this.openLegacyCapture();
      }
    },
    openLegacyCapture() {
      const { ctx, source, mute } = this.rec;
      const node = ctx.createScriptProcessor(4096, 1, 1);
      node.channelCount = 1;
      node.channelCountMode = "explicit";
      const legacy = { node, from: Infinity, to: Infinity };
      node.onaudioprocess = (event) => {
        const samples = event.inputBuffer.getChannelData(0);
        let peak = 0;
        for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
        this.onCapture({ type: "level", peak });
        if (legacy.from === Infinity) return;
        const first = Math.round(event.playbackTime * ctx.sampleRate);
        const begin = Math.max(0, legacy.from - first);
        const end = Math.min(samples.length, legacy.to - first);
        if (end > begin) this.onCapture({ type: "data", samples: samples.slice(begin, end) });
      };
      source.connect(node);
      node.connect(mute);
      this.rec.legacy = legacy;
    },
    startCapture(frame) {
      this.rec.chunks = [];
      this.rec.frames = 0;
      if (this.rec.capture) {
        this.rec.capture.port.postMessage({ type: "start", frame });
      } else {
        this.rec.legacy.from = frame;
        this.rec.legacy.to = Infinity;
      }
    },
    stopCapture() {
      // Resolves once the last captured samples have arrived.
      return new Promise((resolve) => {
        if (this.rec.capture) {
          this.rec.done = resolve;
          this.rec.capture.port.postMessage({ type: "stop" });
        } else {
          this.rec.legacy.to = Math.round(this.rec.ctx.currentTime * this.rec.ctx.sampleRate);
          this.rec.legacy.from = Infinity;
          resolve();
        }
      });
    },
    onCapture(message) {
      if (message.type === "level") {
        this.rec.peak = Math.max(this.rec.peak, message.peak);
      } else if (message.type === "data") {
        this.rec.chunks.push(message.samples);
        this.rec.frames += message.samples.length;
      } else if (message.type === "done" && this.rec.done) {
        const done = this.rec.done;
        this.rec.done = null;
        done();
      }
    },
    async loadBeat() {
      try {
        const response = await fetch(withPrefix(this.beatSrc), { credentials: "same-origin" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const data = await response.arrayBuffer();
        this.rec.beatBuffer = await this.rec.ctx.decodeAudioData(data);
      } catch (error) {
        console.warn("recorder: the beat could not be loaded:", error.message);
        this.rec.beatBuffer = null;
        this.message = "The beat could not be loaded, so this take is recorded with the count-in only.";
      }
    },
    async record() {
      const { ctx } = this.rec;
      if (!ctx) return;
      this.message = "";
      await ctx.resume().catch(() => {});
      if (this.withBeat && this.rec.beatPromise && !this.rec.beatBuffer) {
        this.state = "loading";
        await this.rec.beatPromise;
        if (!this.rec.ctx) return;
      }
      const beat = 60 / (this.countInBpm || 90);
      const first = ctx.currentTime + LEAD_IN_S;
      for (let i = 0; i < COUNT_IN; i++) this.click(first + i * beat, i === 0);
      const start = first + COUNT_IN * beat;
      this.rec.countStart = first;
      this.rec.start = start;
      this.startCapture(Math.round(start * ctx.sampleRate));
      if (this.withBeat && this.rec.beatBuffer) {
        const node = ctx.createBufferSource();
        node.buffer = this.rec.beatBuffer;
        node.connect(ctx.destination);
        node.start(start);
        this.rec.beatNode = node;
      }
      this.count = COUNT_IN;
      this.elapsed = 0;
      this.rec.lastClock = 0;
      this.state = "countin";
    },
    click(time, accent) {
      const { ctx } = this.rec;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = accent ? 1760 : 1320;
      gain.gain.setValueAtTime(0.0001, time);
      gain.gain.exponentialRampToValueAtTime(0.6, time + 0.002);
      gain.gain.exponentialRampToValueAtTime(0.0001, time + 0.07);
      osc.connect(gain).connect(ctx.destination);
      osc.start(time);
      osc.stop(time + 0.08);
    },
    async stop() {
      const { ctx } = this.rec;
      if (!ctx || (this.state !== "countin" && this.state !== "recording")) return;
      const early = ctx.currentTime < this.rec.start;
      this.state = "finishing";
      this.stopBeat();
      const latency = this.latencyMs();
      await this.stopCapture();
      if (early || this.rec.frames === 0) {
        this.rec.chunks = [];
        this.state = "ready";
        this.message = early ? "Stopped during the count-in: nothing was recorded." : "";
        return;
      }
      const rate = ctx.sampleRate;
      const { blob, peak } = encodeWav(this.rec.chunks, this.rec.frames, rate);
      this.rec.take = { blob, latencyMs: latency, seconds: this.rec.frames / rate };
      this.rec.chunks = [];
      this.takeSeconds = this.rec.take.seconds;
      if (this.reviewUrl) URL.revokeObjectURL(this.reviewUrl);
      this.reviewUrl = URL.createObjectURL(blob);
      this.state = "review";
      if (peak === 0) this.message = "This take is silent. Check that the right microphone is chosen and unmuted.";
    },
    stopBeat() {
      if (this.rec.beatNode) {
        try {
          this.rec.beatNode.stop();
        } catch {
          // never started
        }
        this.rec.beatNode.disconnect();
        this.rec.beatNode = null;
      }
    },
    latencyMs() {
      // What the mix shifts the vocal by: the context's own and its output's latency plus the input's.
      const { ctx, stream } = this.rec;
      const track = stream && stream.getAudioTracks()[0];
      const input = (track && track.getSettings && track.getSettings().latency) || 0;
      const total = (ctx.baseLatency || 0) + (ctx.outputLatency || 0) + (Number.isFinite(input) ? input : 0);
      return Math.round(total * 10000) / 10;
    },
    keep() {
      if (!this.rec.take || this.state !== "review") return;
      this.message = "";
      this.state = "saving";
      this.$refs.review?.pause();
      this.rec.sendTimer = setTimeout(() => {
        if (this.state !== "saving") return;
        this.state = "review";
        this.message = "The server did not answer. Check your connection, then press Keep again.";
      }, SEND_TIMEOUT_MS);
      this.$emit("keep", { seconds: this.rec.take.seconds, latency_ms: this.rec.take.latencyMs });
    },
    cancelSend() {
      clearTimeout(this.rec.sendTimer);
      if (this.state === "saving") this.state = "review";
    },
    async send(ticket) {
      clearTimeout(this.rec.sendTimer);
      const take = this.rec.take;
      if (!take || this.state !== "saving") return;
      const form = new FormData();
      form.append("file", take.blob, "recording.wav");
      form.append("latency_ms", String(take.latencyMs));
      let answer = null;
      let status = 0;
      try {
        const response = await fetch(withPrefix(this.uploadUrl), {
          method: "POST", body: form, credentials: "same-origin", headers: { "X-Recorder-Ticket": String(ticket) },
        });
        status = response.status;
        answer = await response.json().catch(() => null);
      } catch (error) {
        console.warn("recorder: upload failed:", error.message);
      }
      if (answer && answer.ok) {
        this.clearTake();
        this.state = this.rec.ctx ? "ready" : "off";
        this.$emit("stored", { take: answer.data && answer.data.take });
        return;
      }
      const error = (answer && (answer.message || answer.error)) ||
        (status ? `The take could not be saved (HTTP ${status}).` : "The take could not be sent. Check your " +
          "connection, then press Keep again.");
      this.state = "review";
      this.message = error;
      this.$emit("failed", { error });
    },
    discard() {
      this.clearTake();
      this.message = "";
      this.state = this.rec.ctx ? "ready" : "off";
    },
    clearTake() {
      this.$refs.review?.pause();
      this.rec.take = null;
      this.takeSeconds = 0;
      if (this.reviewUrl) URL.revokeObjectURL(this.reviewUrl);
      this.reviewUrl = "";
    },
    disable() {
      this.release();
      this.message = "";
      this.state = "off";
    },
    release() {
      cancelAnimationFrame(this.rec.raf);
      this.stopBeat();
      this.rec.stream?.getTracks().forEach((track) => track.stop());
      this.rec.ctx?.close().catch(() => {});
      Object.assign(this.rec, { stream: null, ctx: null, source: null, peak: 0, capture: null, mute: null,
                                legacy: null, beatPromise: null, beatBuffer: null, done: null });
      this.levelDb = FLOOR_DB;
      this.levelText = "–";
      this.paintMeter(FLOOR_DB, FLOOR_DB, false);
    },

    // The meter, the count-in and the clock follow the audio clock, once per animation frame.
    meterLoop() {
      const frame = () => {
        const { ctx } = this.rec;
        if (!ctx) return;
        const peak = this.rec.peak; // the highest sample since the last frame, from the capture node
        this.rec.peak = 0;
        const db = peak > 0 ? Math.max(FLOOR_DB, 20 * Math.log10(peak)) : FLOOR_DB;
        const now = performance.now();
        if (db >= this.rec.hold || now - this.rec.holdAt > 1500) {
          this.rec.hold = db;
          this.rec.holdAt = now;
        }
        if (peak >= 0.98) this.rec.clipUntil = now + 1500;
        this.paintMeter(db, this.rec.hold, now < this.rec.clipUntil);
        if (now - this.rec.lastText > 200) {
          this.rec.lastText = now;
          this.levelDb = Math.round(this.rec.hold);
          this.levelText = this.rec.hold <= FLOOR_DB ? "–" : `${Math.round(this.rec.hold)} dB`;
        }
        this.followClock(ctx.currentTime);
        this.rec.raf = requestAnimationFrame(frame);
      };
      cancelAnimationFrame(this.rec.raf);
      this.rec.raf = requestAnimationFrame(frame);
    },
    followClock(now) {
      if (this.state === "countin") {
        const beat = 60 / (this.countInBpm || 90);
        const count = COUNT_IN - Math.max(0, Math.floor((now - this.rec.countStart) / beat));
        if (count !== this.count && count > 0) this.count = count;
        if (now >= this.rec.start) this.state = "recording";
      }
      if (this.state === "recording") {
        const elapsed = Math.max(0, now - this.rec.start);
        if (elapsed - this.rec.lastClock >= 0.1 || elapsed < this.rec.lastClock) {
          this.rec.lastClock = elapsed;
          this.elapsed = elapsed; // the clock shows tenths: no need to re-render every frame
        }
        const most = this.maxSeconds();
        if (elapsed >= most) {
          this.stop().then(() => {
            this.message = `That is as long as one take can be (${Math.floor(most / 60)} minutes).`;
          });
        }
      }
    },
    paintMeter(db, hold, clipping) {
      const { cover, hold: holdLine, meter } = this.$refs;
      if (!cover || !holdLine || !meter) return;
      const part = (value) => Math.max(0, Math.min(1, (value - FLOOR_DB) / -FLOOR_DB));
      cover.style.transform = `scaleX(${1 - part(db)})`;
      holdLine.style.transform = `translateX(${-100 * (1 - part(hold))}%)`;
      if (clipping !== this.rec.clipping) {
        this.rec.clipping = clipping;
        meter.classList.toggle("is-clipping", clipping);
      }
    },
  },
};
