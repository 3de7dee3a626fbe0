// VoicePlayer (see liab/web/voice_control.py): the one <audio> element a browser tab speaks the guide's lines with.
//
// The server sets `src` and bumps `nonce` to play a clip (an empty `src` stops); `volume` is 0..1. Only a change of
// `nonce` plays, so a re-render or a reconnect never repeats a line. Emits 'speaking' with {speaking, blocked}.

function withPrefix(url) {
  return url && url.startsWith("/") ? (window.path_prefix || "") + url : url;
}

export default {
  template: `<audio ref="audio" preload="auto" aria-hidden="true" style="display: none"></audio>`,
  props: {
    src: { type: String, default: "" },
    nonce: { type: Number, default: 0 },
    volume: { type: Number, default: 0.8 },
  },
  emits: ["speaking"],
  data() {
    return { speaking: false };
  },
  mounted() {
    const audio = this.$refs.audio;
    audio.volume = this.level();
    audio.addEventListener("playing", () => this.tell(true));
    for (const name of ["ended", "pause", "error"]) audio.addEventListener(name, () => this.tell(false));
  },
  beforeUnmount() {
    this.$refs.audio.pause();
  },
  watch: {
    nonce() {
      if (this.src) this.play(this.src);
      else this.stop();
    },
    volume() {
      this.$refs.audio.volume = this.level();
    },
  },
  methods: {
    level() {
      const value = Number(this.volume);
      return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.8;
    },
    play(url) {
      const audio = this.$refs.audio;
      audio.pause();
      audio.src = withPrefix(url);
      audio.volume = this.level();
      const started = audio.play();
      if (started) {
        // A browser that allows no sound before the visitor has clicked refuses here; the caption still shows.
        started.catch((error) => this.tell(false, error && error.name === "NotAllowedError"));
      }
    },
    stop() {
      const audio = this.$refs.audio;
      audio.pause();
      audio.removeAttribute("src");
      audio.load();
    },
    tell(speaking, blocked = false) {
      if (this.speaking === speaking && !blocked) return;
      this.speaking = speaking;
      this.$emit("speaking", { speaking, blocked });
    },
  },
};
