"""The Mix stage's jobs on files: process (chain then master) and suggest_chain (the 'AI mix')."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from . import assist, files, filters, meter, space
from .dynamics import chain_compressor, chain_limiter
from .master import MIN_INPUT_LUFS, master
from .report import summary
from .settings import Chain, Master, check, check_number

Progress = Callable[[float, str], None]


def process(source: Path, out: Path, chain: Chain | None, settings: Master, *,
            progress: Progress | None = None) -> dict[str, Any]:
    """The chain (if any), then the master, into a 24-bit stereo WAV at `out` at the input's rate (44.1 kHz when
    the input's is lower; a mono input is put on both sides). Returns the loudness report, before and after."""
    report = progress or _ignore
    check(settings)
    if chain is not None:
        check(chain)
    report(0.0, 'Reading the audio')
    raw, rate = files.read(Path(source))
    measured = meter.measure(raw, rate)
    _refuse_silence(measured.integrated, 'The audio')
    x, rate = files.deliverable(raw, rate)
    reuse = measured if x is raw else None
    effects = None
    if chain is not None and not chain.neutral:
        report(0.15, 'Running the mix chain')
        x, effects = apply_chain(x, rate, chain)
        reuse = None
    y, after, done = master(x, rate, settings, measured=reuse,
                            progress=lambda f, m: report(0.4 + 0.5 * f, m))
    report(0.92, 'Writing the WAV')
    files.write(y, rate, Path(out))
    report(1.0, 'Done')
    master_report = {**asdict(settings), **done}
    if settings.reference:
        master_report['reference'] = Path(settings.reference).name  # never a server path in a report
        master_report['reference_match'] = done['reference']
    before, after_report = summary(measured), summary(after)
    return {'before': before, 'after': after_report, 'ab_gain_db': _ab_gains(before, after_report),
            'target_lufs': done['target_lufs'],
            'ceiling_dbtp': done['ceiling_dbtp'], 'sample_rate': rate, 'channels': int(y.shape[0]),
            'chain': asdict(chain) if chain is not None else None, 'chain_effects': effects,
            'master': master_report}


def apply_chain(x: np.ndarray, rate: int, chain: Chain) -> tuple[np.ndarray, dict[str, Any]]:
    """EQ, compressor, reverb, limiter (the spec's order) on x (2, frames) float32, which may change in place."""
    x = filters.apply(x, filters.eq3(chain.eq_low, chain.eq_mid, chain.eq_high, rate))
    effects: dict[str, Any] = {}
    if chain.compression > 0:
        x, effects['compression'] = chain_compressor(x, rate, chain.compression)
    if chain.reverb > 0:
        x, effects['reverb'] = space.reverb(x, rate, chain.reverb)
    if chain.limiter > 0:
        x, effects['limiter'] = chain_limiter(x, rate, chain.limiter)
    return x, effects


def suggest_chain(path: Path, strength: float) -> tuple[Chain, dict[str, Any]]:
    """Chain values from an analysis of the track, and an explanation of what was measured and why."""
    strength = check_number('strength', strength, 0.0, 1.0)
    x, rate = files.read(Path(path))
    _refuse_silence(meter.measure(x, rate, peaks=False).integrated, 'The audio')
    return assist.suggest(x, rate, strength)


def warm_up() -> None:
    import tempfile

    from .settings import PRESETS, VocalMix
    from .vocal import mix_vocal

    rate = 44100
    t = np.arange(3 * rate) / rate
    tone = np.sin(2 * np.pi * 220 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 2 * t)) + 0.3 * np.sin(2 * np.pi * 3520 * t)
    x = (0.3 * np.stack([tone, np.roll(tone, 100)])).astype(np.float32)
    with tempfile.TemporaryDirectory(prefix='liab-warm-up-') as folder:
        source = files.write(x, rate, Path(folder) / 'warm-up.wav')
        mixed = mix_vocal(source, source, Path(folder) / 'mix.wav', VocalMix())
        process(mixed, Path(folder) / 'out.wav', PRESETS['warm'], Master())
        suggest_chain(source, 0.5)


def _ab_gains(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """Player gains (dB) for a fair A/B: the louder of the two turned down to the quieter's loudness."""
    levels = {'before': before['integrated_lufs'], 'after': after['integrated_lufs']}
    quieter = min(levels.values())
    return {side: round(quieter - level, 2) for side, level in levels.items()}


def _refuse_silence(level: float, what: str) -> None:
    if level == float('-inf'):
        raise ValueError(f'{what} is silent (or shorter than half a second): there is nothing to mix.')
    if not level >= MIN_INPUT_LUFS:
        raise ValueError(f'{what} is nearly silent ({level:.1f} LUFS): it needs at least {MIN_INPUT_LUFS:g} LUFS.')


def _ignore(fraction: float, message: str) -> None:
    pass
