"""Test speech made on the spot with eSpeak NG, through the app's own offline voice (liab.providers.speech).

One ctypes binding per process: libespeak-ng keeps global state (one synth callback), so the tests speak through
the same binding the voice personas use rather than a second one that would steal its callback.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from liab.audio import io
from liab.providers.speech import Voice, espeak_pcm


def speak(text: str, path: Path, *, voice: str = 'en-us', words_per_minute: int = 150, rate: int = 16000) -> Path:
    """A mono 16-bit WAV of `text` spoken by eSpeak NG, resampled to `rate` by ffmpeg, with 0.3 s of silence around."""
    samples, native_rate = espeak_pcm(text, Voice('com', voice, 50, words_per_minute))
    pad = np.zeros(int(0.3 * native_rate), dtype=np.float32)
    voiced = np.concatenate([pad, samples.astype(np.float32) / 32768, pad])
    native = path.with_name(f'{path.stem}-native.wav')
    io.write_wav(voiced[:, None], native_rate, native)
    resampled, _ = io.decode(native, sample_rate=rate, channels=1, input_format='wav')
    native.unlink()
    return io.write_wav(resampled, rate, path)
