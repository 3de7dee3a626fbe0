"""render_beat: turn a plan into sound. Every distinct sound (a drum hit, a chord of a given length) is
synthesised once and then added into the buses wherever it plays."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from liab.audio import io

from . import drums
from .instruments import BASS_SOUNDS, CHORD_SOUNDS, LEAD_SOUNDS, eight08
from .mix import Mixer, master
from .patterns import DRUMS
from .plan import HUMANISE, MASTER, NOISE, Plan, plan_beat, rng_for
from .spec import BeatResult, BeatSpec
from .styles import GAINS, PANS
from .theory import bass_note, melody, voicing

SR = io.SAMPLE_RATE
_HITS = {'o': ((0.0, 0.45),), 'x': ((0.0, 0.8),), 'X': ((0.0, 1.0),), 'r': ((0.0, 0.7), (0.5, 0.55)),
         't': ((0.0, 0.7), (1 / 3, 0.5), (2 / 3, 0.6)), 'R': ((0.0, 0.6), (0.25, 0.45), (0.5, 0.55), (0.75, 0.5))}
_SENDS = {'snare': 0.12, 'clap': 0.18, 'rim': 0.1, 'perc': 0.1, 'tom': 0.1, 'ohat': 0.05}
_BASS_STEPS = {'x': 0, 'g': 0, 'o': 12, 'u': 12, '5': 7}


def render_beat(spec: BeatSpec, wav_path: Path, mp3_path: Path | None = None,
                progress: Callable[[float, str], None] | None = None) -> BeatResult:
    """Render 44.1 kHz stereo 16-bit WAV (and MP3 if asked) of exactly spec.length_s seconds."""
    report = progress or (lambda _fraction, _label: None)
    report(0.0, 'Planning the arrangement')
    plan = plan_beat(spec)
    frames = round(spec.length_s * SR)
    mixer = Mixer(frames, SR)
    times = plan.step_times()
    report(0.1, 'Programming the drums')
    _play_drums(plan, mixer, times)
    report(0.3, 'Laying down the bass')
    _play_bass(plan, mixer, times)
    report(0.45, 'Playing the chords')
    _play_chords(plan, mixer, times)
    report(0.55, 'Adding the melody')
    _play_lead(plan, mixer, times)
    report(0.65, 'Mixing')
    style = plan.style
    mixed = mixer.mixdown(reverb_s=style.reverb_s, sidechain=style.sidechain, wobble=style.wobble,
                          lowpass_hz=style.lowpass_hz, seed=spec.seed % 2**64)
    report(0.75, 'Mastering')
    tail_s = spec.length_s - len(plan.bars) * plan.bar_s
    audio = master(mixed, SR, fade_out_s=min(3.0, tail_s + plan.bar_s / 2), seed=spec.seed % 2**64 + MASTER)
    report(0.9, 'Writing the WAV')
    interleaved = np.ascontiguousarray(audio.T)
    del audio, mixed
    io.write_wav(interleaved, SR, Path(wav_path), bits=16)
    if mp3_path is not None:
        report(0.95, 'Encoding the MP3')
        io.encode_mp3(Path(wav_path), Path(mp3_path))
    report(1.0, 'Done')
    return BeatResult(wav_path=Path(wav_path), mp3_path=Path(mp3_path) if mp3_path is not None else None,
                      duration_s=frames / SR, sections=plan.sections,
                      progression=tuple(chord.name for chord in plan.chords), pattern=plan.pattern.name)


def _play_drums(plan: Plan, mixer: Mixer, times: np.ndarray) -> None:
    kit = _drum_kit(plan)
    rng = rng_for(plan.spec, HUMANISE)
    jitter = plan.style.jitter_ms / 1000
    gains = {**GAINS, **plan.style.gains}
    for row in DRUMS:
        for step, char in enumerate(plan.score.rows[row]):
            if char == '.':
                continue
            sound, pan = _drum_sound(kit, row, char)
            span = times[step + 1] - times[step]
            named = row in {'perc', 'tom'}  # their letters pick the drum; upper case is the accent
            hits = ((0.0, 1.0 if char.isupper() else 0.8),) if named else _HITS[char]
            for offset, velocity in hits:
                drift = float(rng.normal(0, jitter))
                when = max(0.0, times[step] + offset * span + (0.0 if row == 'kick' and step % 4 == 0 else drift))
                level = velocity * gains[row] * (1 + float(rng.normal(0, 0.1 if row == 'hat' else 0.05)))
                mixer.add('drums', sound, when, level, pan=pan, send=_SENDS.get(row, 0.0))
                if row == 'kick':
                    mixer.kicks.append(round(when * SR))
    for step in plan.score.crashes:
        mixer.add('drums', kit['crash'], times[step], gains['crash'], pan=PANS['crash'], send=0.1)
    for step in plan.score.risers:
        swell = drums.riser(SR, min(2.5, plan.bar_s))
        mixer.add('drums', swell, times[step] - swell.size / SR, gains['riser'], send=0.2)
    if plan.style.crackle:
        noise = drums.crackle(SR, mixer.frames, rng_for(plan.spec, NOISE))
        mixer.add('drums', noise, 0.0, gains['crackle'])


def _play_bass(plan: Plan, mixer: Mixer, times: np.ndarray) -> None:
    style, cache, previous = plan.style, {}, None
    length_s = mixer.frames / SR
    for on, off, char in _notes(plan.score.rows['bass']):
        bar = plan.bars[on // 16]
        midi = bass_note(plan.chord_at(bar), style.bass_low) + _BASS_STEPS.get(char, 0)
        slide = previous if style.glides and char in 'gu' and previous not in {None, midi} else None
        end = times[off] if off < len(times) - 1 else length_s
        gate = round(float(end - times[on]) - 0.01, 3)
        key = (midi, slide, gate)
        if key not in cache:
            if style.bass == '808':
                cache[key] = eight08(SR, midi, gate, from_note=slide, decay_s=0.6 + 0.1 * plan.bar_s)
            else:
                cache[key] = BASS_SOUNDS[style.bass](SR, (midi,), gate)
        gain = GAINS['808'] if style.bass == '808' else GAINS['bass']
        mixer.add('music', cache[key], times[on], gain)
        previous = midi


def _play_chords(plan: Plan, mixer: Mixer, times: np.ndarray) -> None:
    sound, cache = CHORD_SOUNDS[plan.chord_sound], {}
    length_s = mixer.frames / SR
    for bar in plan.bars:
        level = plan.score.chord_level[bar.index]
        notes = voicing(plan.chord_at(bar), plan.style.chord_low)
        at = bar.index * 16
        hits = [(0, None)] if bar.ending else _onsets(plan.chord_rhythm)
        for step, length in hits:
            end = length_s - 0.5 if length is None else times[at + step + length]
            gate = round(float(end - times[at + step]), 3)
            key = (notes, gate)
            if key not in cache:
                cache[key] = sound(SR, notes, gate)
            mixer.add('music', cache[key], times[at + step], level * GAINS['chords'], send=0.3)


def _play_lead(plan: Plan, mixer: Mixer, times: np.ndarray) -> None:
    sound, cache = LEAD_SOUNDS[plan.lead_sound], {}
    last = len(times) - 1
    for bar in plan.bars:
        if not plan.score.lead[bar.index]:
            continue
        motif = plan.motifs[1 if bar.position % 4 == 3 else 0]
        at = bar.index * 16
        for step, length, midi in melody(motif, plan.chord_at(bar), plan.spec.tonic, plan.spec.minor):
            gate = round(float(times[min(at + step + length, last)] - times[at + step]), 3)
            if gate <= 0:
                continue
            key = (midi, gate)
            if key not in cache:
                cache[key] = sound(SR, (midi,), gate)
            mixer.add('music', cache[key], times[at + step], GAINS['lead'], pan=PANS['lead'], send=0.25,
                      echo_s=plan.bar_s * 3 / 16)


def _drum_kit(plan: Plan) -> dict[str, np.ndarray]:
    kit = {'kick': drums.kick(SR, **plan.kit['kick']), 'snare': drums.snare(SR, **plan.kit['snare']),
           'clap': drums.clap(SR), 'hat': drums.hat(SR, **plan.kit['hat']),
           'ohat': drums.hat(SR, decay_s=0.22, length_s=0.6), 'rim': drums.rim(SR), 'shaker': drums.shaker(SR),
           'perc_h': drums.conga(SR, pitch_hz=330), 'perc_l': drums.conga(SR, pitch_hz=215),
           'tom_h': drums.tom(SR, pitch_hz=200), 'tom_m': drums.tom(SR, pitch_hz=150),
           'tom_l': drums.tom(SR, pitch_hz=110), 'crash': drums.crash(SR)}
    if plan.style.dusty:
        kit.update({name: drums.dusty(kit[name], SR) for name in ('kick', 'snare', 'clap', 'hat', 'ohat', 'rim')})
    return kit


def _drum_sound(kit: dict[str, np.ndarray], row: str, char: str) -> tuple[np.ndarray, float]:
    if row == 'perc':
        high = char.lower() == 'h'
        return kit['perc_h' if high else 'perc_l'], (0.3 if high else -0.3)
    if row == 'tom':
        name = {'h': 'tom_h', 'm': 'tom_m'}.get(char.lower(), 'tom_l')
        return kit[name], {'tom_h': 0.3, 'tom_m': 0.0, 'tom_l': -0.3}[name]
    return kit[row], PANS.get(row, 0.0)


def _notes(row: list[str]) -> list[tuple[int, int, str]]:
    """(onset step, end step, character) of each note; '-' holds the note before it, anything else ends it."""
    notes: list[tuple[int, int, str]] = []
    start, char = None, ''
    for step, value in enumerate([*row, '.']):
        if value == '-' and start is not None:
            continue
        if start is not None:
            notes.append((start, step, char))
            start = None
        if value not in '.-':
            start, char = step, value
    return notes


def _onsets(rhythm: str) -> list[tuple[int, int | None]]:
    return [(start, end - start) for start, end, _ in _notes(list(rhythm))]
