// WaveformPlayer (see waveform.py): draws precomputed peaks on a canvas and plays the file with a plain <audio>
// element, which streams it with Range requests. The audio is never decoded here.
//
// Peaks format (liab/audio/peaks.py): 16-byte little-endian header -- 'LPK1', uint32 buckets, float32 duration,
// uint16 buckets per second, uint16 reserved -- then int8 (min, max) pairs scaled to +-127.

const STYLE_ID = "liab-waveform-style";
const BAR = 2; // CSS px per bar
const GAP = 1; // CSS px between bars
const SEEK_STEP = 5; // seconds, for the arrow keys
const COLORS = {
  played: ["#ffd98a", "#f5b942"], // [edges, centre] of a vertical gradient
  unplayed: ["#b9a0ff", "#8b5cf6"],
  flat: "rgba(181, 171, 207, 0.45)",
  playhead: "#fff7e0",
  hover: "rgba(243, 238, 252, 0.35)",
};

const CSS = `
.liab-wave {
  display: flex; align-items: center; gap: 14px; width: 100%; box-sizing: border-box; padding: 12px 16px;
  border-radius: 16px; color: #f3eefc; outline: none;
  background: linear-gradient(180deg, rgba(40, 29, 70, 0.92), rgba(21, 15, 38, 0.94));
  border: 1px solid rgba(139, 92, 246, 0.38);
  box-shadow: 0 10px 30px rgba(5, 3, 12, 0.45), inset 0 1px 0 rgba(255, 255, 255, 0.06);
  transition: border-color 0.2s, box-shadow 0.2s;
}
.liab-wave:focus-visible { border-color: #f5b942; box-shadow: 0 0 0 3px rgba(245, 185, 66, 0.35); }
.liab-wave.is-playing { border-color: rgba(245, 185, 66, 0.55); }
.liab-wave__button {
  flex: none; width: 48px; height: 48px; border-radius: 50%; border: none; padding: 0; cursor: pointer;
  display: grid; place-items: center; color: #1b1030;
  background: radial-gradient(circle at 35% 30%, #ffe3a3, #f5b942 55%, #d48a1c);
  box-shadow: 0 4px 16px rgba(245, 185, 66, 0.35), inset 0 -2px 0 rgba(0, 0, 0, 0.15);
  transition: transform 0.12s, box-shadow 0.2s;
}
.liab-wave__button:hover { transform: scale(1.06); box-shadow: 0 6px 22px rgba(245, 185, 66, 0.5); }
.liab-wave__button:active { transform: scale(0.96); }
.liab-wave__button:focus-visible { outline: 2px solid #f3eefc; outline-offset: 3px; }
.liab-wave__button svg { width: 22px; height: 22px; fill: currentColor; }
.liab-wave__main { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 6px; }
.liab-wave__meta { display: flex; align-items: baseline; gap: 12px; font-size: 13px; line-height: 1.2; }
.liab-wave__title {
  flex: 1; min-width: 0; font-weight: 700; color: #f3eefc; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap;
}
.liab-wave__time {
  margin-left: auto; flex: none; color: #b5abcf; font-variant-numeric: tabular-nums; letter-spacing: 0.02em;
}
.liab-wave__current { color: #f5b942; font-weight: 700; }
.liab-wave__track {
  position: relative; height: 64px; border-radius: 10px; cursor: pointer; overflow: hidden;
  background: rgba(13, 10, 23, 0.55); box-shadow: inset 0 0 0 1px rgba(255, 255, 255, 0.05);
}
.liab-wave__canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; touch-action: none; }
.liab-wave.is-loading .liab-wave__track { animation: liab-wave-pulse 1.2s ease-in-out infinite alternate; }
@keyframes liab-wave-pulse { from { opacity: 0.55; } to { opacity: 1; } }
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

function parsePeaks(buffer) {
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength)));
  if (buffer.byteLength < 16 || magic !== "LPK1") throw new Error("not a peaks file");
  const count = view.getUint32(4, true);
  const duration = view.getFloat32(8, true);
  const perSecond = view.getUint16(12, true);
  if (buffer.byteLength < 16 + 2 * count || !perSecond) throw new Error("truncated peaks file");
  return { count, duration, perSecond, pairs: new Int8Array(buffer, 16, 2 * count) };
}

function clock(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

export default {
  template: `
    <div class="liab-wave" :class="{ 'is-playing': playing, 'is-loading': loading }" tabindex="0" role="group"
         :aria-label="title ? 'Audio player: ' + title : 'Audio player'" @keydown="onKey">
      <button type="button" class="liab-wave__button" :aria-label="playing ? 'Pause' : 'Play'" @click="toggle">
        <svg v-if="playing" viewBox="0 0 24 24" aria-hidden="true"><path d="M6.5 5h4v14h-4zM13.5 5h4v14h-4z"/></svg>
        <svg v-else viewBox="0 0 24 24" aria-hidden="true"><path d="M8 5.2v13.6c0 .8.9 1.3 1.6.8l10-6.8c.6-.4.6-1.2 0-1.6l-10-6.8C8.9 3.9 8 4.4 8 5.2z"/></svg>
      </button>
      <div class="liab-wave__main">
        <div class="liab-wave__meta">
          <span v-if="title" class="liab-wave__title" :title="title">{{ title }}</span>
          <span class="liab-wave__time" aria-live="off">
            <span class="liab-wave__current">{{ clock(shown) }}</span> / <span class="liab-wave__duration">{{ clock(total) }}</span>
          </span>
        </div>
        <div ref="track" class="liab-wave__track">
          <canvas ref="canvas" class="liab-wave__canvas" role="slider" aria-label="Position"
                  aria-valuemin="0" :aria-valuemax="Math.round(total)" :aria-valuenow="shown"
                  :aria-valuetext="clock(shown) + ' of ' + clock(total)"
                  @pointerdown="onPointerDown" @pointermove="onPointerMove" @pointerup="onPointerUp"
                  @pointercancel="onPointerCancel" @pointerleave="onPointerLeave"></canvas>
        </div>
      </div>
      <audio ref="audio" preload="metadata" :src="audioUrl" @play="onPlay" @pause="onPause" @ended="onEnded"
             @timeupdate="onTimeUpdate" @seeked="onTimeUpdate" @loadedmetadata="onDuration"
             @durationchange="onDuration"></audio>
    </div>`,
  props: {
    src: String,
    peaks: String,
    title: String,
    volume: { type: Number, default: 1 },
  },
  emits: ["play", "pause", "ended"],
  data() {
    return { audioUrl: undefined, playing: false, loading: false, shown: 0, total: 0 };
  },
  created() {
    // Plain (non-reactive) state: the peaks array and per-frame values must not go through Vue's proxies.
    this.wave = { peaks: null, columns: null, dpr: 1, time: 0, scrub: null, hover: null, raf: 0, fetch: null };
    injectStyle();
  },
  mounted() {
    this.resizer = new ResizeObserver(() => this.layout());
    this.resizer.observe(this.$refs.track);
    setTimeout(() => this.load(), 0); // window.path_prefix is set in app.mounted(), after ours
  },
  beforeUnmount() {
    this.resizer?.disconnect();
    cancelAnimationFrame(this.wave.raf);
    this.wave.fetch?.abort();
    this.$refs.audio?.pause();
  },
  computed: {
    source() {
      return { src: this.src, peaks: this.peaks };
    },
  },
  watch: {
    volume() {
      this.applyVolume();
    },
    source(now, before) {
      // One watcher for both: set_source() changes them together and should cost one peaks fetch.
      if (now.src !== before.src) this.load();
      else if (now.peaks !== before.peaks) this.loadPeaks();
    },
  },
  methods: {
    clock,
    play() {
      const promise = this.$refs.audio.play();
      promise?.catch((err) => {
        if (err.name !== "AbortError") console.warn("waveform player: cannot play", err.message);
      });
    },
    pause() {
      this.$refs.audio.pause();
    },
    toggle() {
      if (this.$refs.audio.paused) this.play();
      else this.pause();
    },
    seek(seconds) {
      const end = this.total || Infinity;
      const time = Math.min(Math.max(0, Number(seconds) || 0), end);
      this.$refs.audio.currentTime = time;
      this.setTime(time);
    },
    applyVolume() {
      // Loudness-matched comparisons turn the louder file down (a browser cannot turn audio up past 1).
      if (this.$refs.audio) this.$refs.audio.volume = Math.min(1, Math.max(0, Number(this.volume) || 0));
    },
    load() {
      cancelAnimationFrame(this.wave.raf);
      this.applyVolume();
      this.playing = false;
      this.total = 0;
      this.setTime(0);
      this.audioUrl = withPrefix(this.src);
      this.loadPeaks();
    },
    async loadPeaks() {
      this.wave.fetch?.abort();
      const controller = new AbortController();
      this.wave.fetch = controller;
      this.wave.peaks = null;
      this.loading = Boolean(this.peaks);
      this.layout();
      if (!this.peaks) return;
      try {
        const response = await fetch(withPrefix(this.peaks), { credentials: "same-origin", signal: controller.signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const parsed = parsePeaks(await response.arrayBuffer());
        if (controller.signal.aborted) return;
        this.wave.peaks = parsed;
        if (!this.total) this.total = parsed.duration;
      } catch (err) {
        if (controller.signal.aborted) return;
        console.warn("waveform player: no peaks, drawing a flat line:", err.message);
      }
      this.loading = false;
      this.layout();
    },

    // Audio element events
    onPlay() {
      this.playing = true;
      this.$emit("play", { time: this.$refs.audio.currentTime });
      this.tick();
    },
    onPause() {
      this.playing = false;
      cancelAnimationFrame(this.wave.raf);
      this.setTime(this.$refs.audio.currentTime);
      this.$emit("pause", { time: this.$refs.audio.currentTime });
    },
    onEnded() {
      this.playing = false;
      this.$emit("ended", { time: this.$refs.audio.currentTime });
    },
    onTimeUpdate() {
      if (!this.playing) this.setTime(this.$refs.audio.currentTime);
    },
    onDuration() {
      if (!this.$refs.audio) return; // the player was removed while its audio was still loading
      const duration = this.$refs.audio.duration;
      if (Number.isFinite(duration) && duration > 0 && Math.abs(duration - this.total) > 0.01) {
        this.total = duration;
        this.layout();
      }
    },
    tick() {
      cancelAnimationFrame(this.wave.raf);
      const frame = () => {
        this.setTime(this.$refs.audio.currentTime);
        if (this.playing) this.wave.raf = requestAnimationFrame(frame);
      };
      frame();
    },
    setTime(time) {
      this.wave.time = time;
      const second = Math.floor(time);
      if (second !== this.shown) this.shown = second;
      this.draw();
    },

    // Keyboard and pointer
    onKey(event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const onButton = event.target.closest?.("button");
      if (event.key === " " || event.key === "Spacebar") {
        if (onButton) return; // the button's own click toggles
        event.preventDefault();
        this.toggle();
      } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        event.preventDefault();
        this.seek(this.wave.time + (event.key === "ArrowLeft" ? -SEEK_STEP : SEEK_STEP));
      } else if (event.key === "Home") {
        event.preventDefault();
        this.seek(0);
      } else if (event.key === "End" && this.total) {
        event.preventDefault();
        this.seek(this.total);
      }
    },
    timeAt(event) {
      const rect = this.$refs.canvas.getBoundingClientRect();
      const fraction = rect.width ? Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1) : 0;
      return fraction * this.total;
    },
    onPointerDown(event) {
      if (event.button !== 0 || !this.total) return;
      this.$refs.canvas.setPointerCapture(event.pointerId);
      this.wave.scrub = this.timeAt(event);
      this.draw();
    },
    onPointerMove(event) {
      if (this.wave.scrub !== null) this.wave.scrub = this.timeAt(event);
      else this.wave.hover = this.total ? this.timeAt(event) : null;
      if (!this.playing) this.draw();
    },
    onPointerUp() {
      if (this.wave.scrub === null) return;
      const time = this.wave.scrub;
      this.wave.scrub = null;
      this.seek(time);
    },
    onPointerCancel() {
      this.wave.scrub = null;
      this.draw();
    },
    onPointerLeave() {
      this.wave.hover = null;
      if (!this.playing) this.draw();
    },

    // Drawing
    layout() {
      const canvas = this.$refs.canvas;
      const track = this.$refs.track;
      if (!canvas || !track) return;
      const dpr = window.devicePixelRatio || 1;
      const width = Math.max(1, Math.round(track.clientWidth * dpr));
      const height = Math.max(1, Math.round(track.clientHeight * dpr));
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      this.wave.dpr = dpr;
      this.wave.columns = this.columns(Math.floor((track.clientWidth + GAP) / (BAR + GAP)));
      this.draw();
    },
    columns(count) {
      // One (min, max) per bar, in -1..1, over the timeline the seek maths uses (the audio's own duration).
      const peaks = this.wave.peaks;
      if (!peaks || count < 1) return null;
      const span = this.total || peaks.duration;
      const result = new Float32Array(2 * count);
      for (let i = 0; i < count; i++) {
        const first = Math.floor(((i * span) / count) * peaks.perSecond);
        const last = Math.max(first + 1, Math.ceil((((i + 1) * span) / count) * peaks.perSecond));
        let low = 0;
        let high = 0;
        for (let b = first; b < last && b < peaks.count; b++) {
          low = Math.min(low, peaks.pairs[2 * b]);
          high = Math.max(high, peaks.pairs[2 * b + 1]);
        }
        result[2 * i] = low / 127;
        result[2 * i + 1] = high / 127;
      }
      return result;
    },
    draw() {
      const canvas = this.$refs.canvas;
      if (!canvas) return;
      const ctx = canvas.getContext("2d");
      const { dpr, columns } = this.wave;
      const width = canvas.width;
      const height = canvas.height;
      const middle = height / 2;
      const reach = middle - 2 * dpr;
      const time = this.wave.scrub ?? this.wave.time;
      const playedX = this.total ? Math.min(time / this.total, 1) * width : 0;
      ctx.clearRect(0, 0, width, height);

      if (!columns) {
        ctx.fillStyle = COLORS.flat;
        ctx.fillRect(0, Math.round(middle - dpr / 2), width, Math.max(1, Math.round(dpr)));
        if (playedX > 0) {
          ctx.fillStyle = COLORS.played[1];
          ctx.fillRect(0, Math.round(middle - dpr), playedX, Math.max(2, Math.round(2 * dpr)));
        }
      } else {
        const bar = BAR * dpr;
        const step = (BAR + GAP) * dpr;
        const played = this.gradient(ctx, COLORS.played, height);
        const unplayed = this.gradient(ctx, COLORS.unplayed, height);
        for (let i = 0; i < columns.length / 2; i++) {
          const x = i * step;
          const top = middle - columns[2 * i + 1] * reach;
          const bottom = middle - columns[2 * i] * reach;
          const barHeight = Math.max(bottom - top, dpr); // silence still shows as a hairline
          ctx.fillStyle = x + bar / 2 <= playedX ? played : unplayed;
          ctx.fillRect(x, top - (barHeight - (bottom - top)) / 2, bar, barHeight);
        }
      }

      const hover = this.wave.scrub === null ? this.wave.hover : null;
      if (hover !== null && this.total) {
        ctx.fillStyle = COLORS.hover;
        ctx.fillRect(Math.round((hover / this.total) * width), 0, Math.max(1, Math.round(dpr)), height);
      }
      if (this.total && (time > 0 || this.playing)) {
        const lineWidth = Math.max(2, Math.round(2 * dpr));
        ctx.fillStyle = COLORS.playhead;
        ctx.shadowColor = "rgba(245, 185, 66, 0.9)";
        ctx.shadowBlur = 6 * dpr;
        ctx.fillRect(Math.min(Math.round(playedX - lineWidth / 2), width - lineWidth), 0, lineWidth, height);
        ctx.shadowBlur = 0;
      }
    },
    gradient(ctx, stops, height) {
      const gradient = ctx.createLinearGradient(0, 0, 0, height);
      gradient.addColorStop(0, stops[0]);
      gradient.addColorStop(0.5, stops[1]);
      gradient.addColorStop(1, stops[0]);
      return gradient;
    },
  },
};
