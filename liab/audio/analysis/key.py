"""Musical key from a pitch-class profile and the chords, with the tonic weighed from chords and bass.

Plain Krumhansl-Schmuckler confuses relative major and minor (REFERENCE.md): C major and A minor share every
note, and a loop such as Am-F-C-G correlates about equally with both. So each of the 24 keys scores its profile
correlation plus evidence from the triads found frame by frame: how much of the time they belong to the key's
scale (minor keys also take the harmonic V and the Phrygian bII), how long its tonic triad sounds, whether the
first and last chords are that triad, and how much of the bass sits on its tonic.

The chroma is STFT power binned per semitone (8192-point frames at 11025 Hz) and log-compressed. Harmonic
weighting sits in the key profiles: each is spread over the pitch classes that harmonics 1 to 6 of its notes
light up (Gomez's harmonic pitch-class profiles), so the fifth and third a single tone adds to the chroma do not
pull the estimate a fifth sharp.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from liab.audio.analysis import spectral

RATE = 11025
N_FFT = 8192  # 1.35 Hz bins: bass semitones (3 Hz apart at 55 Hz) stay apart
HOP = 2048
FPS = RATE / HOP
NAMES = ('C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B')
LOW_MIDI, HIGH_MIDI = 28, 96  # E1 .. C7
BASS_MIDI = (28, 52)  # E1 .. E3
CHROMA_MIDI = (40, 96)  # E2 .. C7
# Krumhansl-Kessler probe-tone ratings, tonic first
MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
HARMONIC_DECAY = 0.6  # amplitude of harmonic h is DECAY ** (h - 1) in the tone model the profiles assume
MIN_CORRELATION = 0.4
MIN_TONAL_SHARE = 0.1
# weights next to the correlation (-1..1) of the share of triads in the key's scale, of its tonic triad, of the
# first and last chords being that triad, and of bass notes on its tonic (tuned on synthetic progressions and
# on the beat engine's output)
SCALE_CHORDS, TONIC_CHORD, FIRST_CHORD, LAST_CHORD, BASS_NOTE = 1.5, 0.5, 0.45, 0.2, 0.3
CHORD_MARGIN = 0.12  # how far above a flat chroma's score a frame must fit a chord
EDGE_SECONDS = 1.0  # time constant of the weight given to the first and last chords


def estimate_key(mono: np.ndarray, sample_rate: int) -> tuple[str | None, float]:
    """('F minor', 0.8)-style key name (sharps) and a 0..1 confidence; (None, 0.0) when no key is clear."""
    x = spectral.resample(mono, sample_rate, RATE)
    if x.size < RATE or not np.any(x):
        return None, 0.0
    pitches = _pitch_spectrogram(x)
    if pitches is None:
        return None, 0.0
    chroma, bass = _fold(pitches, *CHROMA_MIDI), _fold(pitches, *BASS_MIDI)
    profile = chroma.sum(axis=0)
    correlations = _key_correlations(profile)  # (24,): 12 major keys from C, then 12 minor keys from C
    if not np.isfinite(correlations).all() or correlations.max() < MIN_CORRELATION:
        return None, 0.0
    chords, strength, tonal_share = _chords(chroma, bass)
    if tonal_share < MIN_TONAL_SHARE:  # noise and drums: hardly a frame looks like a chord
        return None, 0.0
    shares, first, last = _chord_shares(chords, strength)  # per triad; triad index = index of the key it is tonic of
    bass_share = bass.sum(axis=0) / max(float(bass.sum()), 1e-12)
    scores = (correlations + SCALE_CHORDS * (_DIATONIC @ shares) + TONIC_CHORD * shares + FIRST_CHORD * first
              + LAST_CHORD * last + BASS_NOTE * np.tile(bass_share, 2))
    ranked = np.argsort(scores)[::-1]
    best = int(ranked[0])
    margin = float(scores[best] - scores[ranked[1]])
    confidence = np.clip(correlations[best], 0, 1) * (0.5 + 0.5 * min(1.0, margin / 0.3))
    return f'{NAMES[best % 12]} {"major" if best < 12 else "minor"}', round(float(confidence), 3)


def _pitch_spectrogram(x: np.ndarray) -> np.ndarray | None:
    """Log power per semitone, MIDI LOW_MIDI..HIGH_MIDI: (frames, pitches); None for silence."""
    freqs = spectral.bin_frequencies(N_FFT, RATE)
    with np.errstate(divide='ignore'):
        midi = np.round(69 + 12 * np.log2(freqs / 440.0))
    matrix = np.zeros((freqs.size, HIGH_MIDI - LOW_MIDI + 1), dtype=np.float32)
    inside = np.flatnonzero((midi >= LOW_MIDI) & (midi <= HIGH_MIDI))
    matrix[inside, (midi[inside] - LOW_MIDI).astype(int)] = 1
    power = spectral.band_power(x, N_FFT, HOP, matrix)
    top = float(power.max())
    return np.log1p(1e4 * power / top) if top > 0 else None  # about 40 dB above the floor


def _fold(pitches: np.ndarray, low: int, high: int) -> np.ndarray:
    """Sum a MIDI range of the pitch spectrogram into 12 pitch classes, C first: (frames, 12)."""
    chroma = np.zeros((pitches.shape[0], 12))
    for midi in range(low, high + 1):
        chroma[:, midi % 12] += pitches[:, midi - LOW_MIDI]
    return chroma


def _harmonic(profile: np.ndarray) -> np.ndarray:
    """What a pitch-class profile of notes looks like in a chroma of harmonic tones: each note also lights up
    the fifth (harmonics 3 and 6) and the major third (harmonic 5) above it; octaves stay in their class."""
    spread = np.zeros(12)
    for h in range(1, 7):
        spread[round(12 * np.log2(h)) % 12] += HARMONIC_DECAY ** (h - 1)
    return np.array([sum(profile[(i - j) % 12] * spread[j] for j in range(12)) for i in range(12)])


def _key_correlations(profile: np.ndarray) -> np.ndarray:
    templates = np.array([np.roll(profile_of_mode, k) for profile_of_mode in (_HARMONIC_MAJOR, _HARMONIC_MINOR)
                          for k in range(12)])
    t = templates - templates.mean(axis=1, keepdims=True)
    p = profile - profile.mean()
    with np.errstate(invalid='ignore', divide='ignore'):
        return (t @ p) / (np.linalg.norm(t, axis=1) * np.linalg.norm(p))


def _chords(chroma: np.ndarray, bass: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Best chord per frame as one of 24 triads (0-11 major on C.., 12-23 minor), a strength (0 where no chord
    fits), and the share of audible frames where one fits. Seventh chords count as their triad: without their
    own templates Cmaj7 would read as Em and Am7 as C."""
    smooth = ndimage.uniform_filter1d(chroma, size=max(1, round(FPS)), axis=0, mode='nearest')
    norms = np.linalg.norm(smooth, axis=1)
    unit = smooth / np.where(norms > 0, norms, 1.0)[:, None]
    bass_share = bass / np.maximum(bass.sum(axis=1, keepdims=True), 1e-9)
    similarity = unit @ _CHORD_TEMPLATES.T + 0.2 * bass_share[:, _CHORD_ROOTS]  # the root in the bass helps
    best = similarity.argmax(axis=1)
    loud = norms > 0.05 * norms.max()
    # a flat chroma (noise) already scores sqrt(notes / 12) against a template of that many notes
    fits = loud & (similarity.max(axis=1) > np.sqrt(_CHORD_SIZES[best] / 12) + CHORD_MARGIN)
    return _CHORD_TRIADS[best], np.where(fits, norms, 0.0), float(fits.sum() / max(1, loud.sum()))


def _chord_templates() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unit pitch-class templates of triads and seventh chords, their roots, the triad (0..23) each counts as, and
    their sizes."""
    shapes = (((0, 4, 7), 0), ((0, 3, 7), 12), ((0, 4, 7, 11), 0), ((0, 3, 7, 10), 12), ((0, 4, 7, 10), 0))
    templates, roots, triads, sizes = [], [], [], []
    for intervals, minor in shapes:
        for root in range(12):
            template = np.zeros(12)
            template[[(root + step) % 12 for step in intervals]] = 1 / np.sqrt(len(intervals))
            templates.append(template)
            roots.append(root)
            triads.append(root + minor)
            sizes.append(len(intervals))
    return np.array(templates), np.array(roots), np.array(triads), np.array(sizes)


def _chord_shares(chords: np.ndarray, strength: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Share of each of the 24 triads over the whole signal, near its start and near its end."""
    tonal = np.flatnonzero(strength > 0)
    if tonal.size == 0:
        return np.zeros(24), np.zeros(24), np.zeros(24)
    decay = np.exp(-np.arange(tonal.size) / (EDGE_SECONDS * FPS))
    shares = [np.bincount(chords[order], weights=weights, minlength=24)
              for order, weights in ((tonal, strength[tonal]), (tonal, decay), (tonal[::-1], decay))]
    return tuple(share / share.sum() for share in shares)


def _diatonic() -> np.ndarray:
    """(24 keys, 24 triads): 1 where the triad belongs to the key (minor keys also take the harmonic V and
    the Phrygian bII of dark minor loops, i-bII-VI-V)."""
    table = np.zeros((24, 24))
    for tonic in range(12):
        for step, minor in ((0, 0), (2, 1), (4, 1), (5, 0), (7, 0), (9, 1)):
            table[tonic, (tonic + step) % 12 + 12 * minor] = 1
        for step, minor in ((0, 1), (1, 0), (3, 0), (5, 1), (7, 1), (7, 0), (8, 0), (10, 0)):
            table[12 + tonic, (tonic + step) % 12 + 12 * minor] = 1
    return table


_DIATONIC = _diatonic()
_CHORD_TEMPLATES, _CHORD_ROOTS, _CHORD_TRIADS, _CHORD_SIZES = _chord_templates()
_HARMONIC_MAJOR, _HARMONIC_MINOR = _harmonic(MAJOR), _harmonic(MINOR)
