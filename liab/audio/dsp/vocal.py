"""Step 1 of the Mix stage (spec /api/mix/run): the lead vocal over the beat."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import files, filters
from .settings import VocalMix, check

HEADROOM = 10 ** (-1 / 20)  # the sum is turned down to peak at -1 dBFS when it would pass it (24-bit PCM clips)
SILENT = 10 ** (-60 / 20)
Progress = Callable[[float, str], None]


def mix_vocal(beat: Path, vocal: Path, out: Path, settings: VocalMix, *, progress: Progress | None = None) -> Path:
    """The vocal (mixed to mono, high-passed, de-essed, gained, shifted by offset_ms) in the centre of the gained
    beat, as a 24-bit stereo WAV at the beat's rate (44.1 kHz when lower). The mix runs as long as the longer of
    the two. When the sum would peak above -1 dBFS, all of it is turned down together: the balance is what the
    gains say, the master sets the final level."""
    report = progress or (lambda _f, _m: None)
    check(settings)
    report(0.0, 'Reading the beat and the vocal')
    music, beat_rate = files.read(Path(beat))
    voice, vocal_rate = files.read(Path(vocal))
    music, rate = files.deliverable(music, beat_rate)
    voice = files.resample(voice.mean(axis=0, keepdims=True), vocal_rate, rate)[0]
    for name, samples in (('beat', music), ('vocal', voice)):
        if not np.abs(samples).max() > SILENT:
            raise ValueError(f'The {name} is silent: there is nothing to mix.')
    report(0.3, 'Cleaning up the vocal')
    voice = filters.highpass(voice, settings.highpass_hz, rate)
    voice, _ = filters.deess(voice, rate, settings.deess)
    voice *= np.float32(10 ** (settings.vocal_gain_db / 20))
    shift = round(settings.offset_ms * rate / 1000)
    start = max(0, shift)
    voice = voice[max(0, -shift):]
    report(0.6, 'Mixing')
    mix = np.zeros((2, max(music.shape[1], start + voice.size)), np.float32)
    mix[:, :music.shape[1]] = music * np.float32(10 ** (settings.beat_gain_db / 20))
    mix[:, start:start + voice.size] += voice
    peak = float(np.abs(mix).max())
    if peak > HEADROOM:
        mix *= np.float32(HEADROOM / peak)
    report(0.9, 'Writing the WAV')
    files.write(mix, rate, Path(out))
    report(1.0, 'Done')
    return Path(out)
