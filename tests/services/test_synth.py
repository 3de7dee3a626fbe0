import hashlib
import math
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile
from scipy import signal

from liab.audio import io
from liab.audio.analysis.loudness import integrated_loudness
from liab.audio.synth import (
    DEFAULT_BPM,
    GENRES,
    KEYS,
    MAX_LENGTH_S,
    MOODS,
    BeatResult,
    BeatSpec,
    parse_prompt,
    render_beat,
)
from liab.audio.synth.arrangement import form
from liab.audio.synth.patterns import DRUMS, FILLS, PATTERNS
from liab.audio.synth.plan import plan_beat
from liab.audio.synth.spec import SECTION_NAMES
from liab.audio.synth.theory import progression

MINUS_1_DBFS = 10 ** (-1 / 20)


@pytest.fixture(scope='module')
def beats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BeatResult]:
    """One 30 s beat per genre (long enough for intro, verse, hook and outro at every default tempo)."""
    folder = tmp_path_factory.mktemp('beats')
    made = {}
    for number, genre in enumerate(GENRES):
        spec = BeatSpec(genre=genre, mood=MOODS[number % len(MOODS)], bpm=DEFAULT_BPM[genre],
                        key=KEYS[number * 5 % len(KEYS)], length_s=30, seed=number)
        made[genre] = render_beat(spec, folder / f'{number}.wav')
    return made


@pytest.mark.parametrize('genre', GENRES)
def test_every_genre_renders_stereo_16_bit_wav_of_the_asked_length(beats: dict[str, BeatResult], genre: str) -> None:
    result = beats[genre]
    info = soundfile.info(str(result.wav_path))
    assert (info.samplerate, info.channels, info.subtype, info.format) == (44100, 2, 'PCM_16', 'WAV')
    assert abs(info.frames / 44100 - 30) <= 0.01
    assert result.duration_s == pytest.approx(30, abs=0.01)
    assert result.mp3_path is None


@pytest.mark.parametrize('genre', GENRES)
def test_every_genre_is_mastered_to_minus_14_lufs_without_clipping(beats: dict[str, BeatResult], genre: str) -> None:
    samples, rate = soundfile.read(str(beats[genre].wav_path))
    peak = float(np.max(np.abs(samples)))
    assert peak < 1.0
    assert peak <= MINUS_1_DBFS
    assert integrated_loudness(samples, rate) == pytest.approx(-14, abs=1.5)
    assert _ffmpeg_loudness(beats[genre].wav_path) == pytest.approx(-14, abs=1.5)


@pytest.mark.parametrize('genre', GENRES)
def test_hooks_are_denser_and_louder_than_verses(beats: dict[str, BeatResult], genre: str) -> None:
    result = beats[genre]
    samples, rate = soundfile.read(str(result.wav_path))
    mono = samples.mean(axis=1)
    onsets = _onset_times(mono, rate)

    def measure(name: str) -> tuple[float, float]:
        spans = [s for s in result.sections if s.name == name]
        seconds = sum(s.end_s - s.start_s for s in spans)
        count = sum(int(np.sum((onsets >= s.start_s) & (onsets < s.end_s))) for s in spans)
        energy = np.concatenate([mono[round(s.start_s * rate):round(s.end_s * rate)] for s in spans])
        return count / seconds, float(np.sqrt(np.mean(energy ** 2)))

    hook_rate, hook_rms = measure('hook')
    verse_rate, verse_rms = measure('verse')
    assert hook_rate > verse_rate * 1.1
    assert hook_rms > verse_rms


def test_the_meter_reads_a_full_scale_sine_in_both_channels_as_0_lufs() -> None:
    rate = 48000
    tone = np.sin(2 * np.pi * 997 * np.arange(5 * rate) / rate)
    assert integrated_loudness(np.stack([tone, tone], axis=1), rate) == pytest.approx(0.0, abs=0.05)
    assert integrated_loudness(tone * 0.1, rate) == pytest.approx(-23.01, abs=0.05)
    assert integrated_loudness(np.zeros((rate, 2)), rate) == -math.inf


def test_the_same_spec_renders_the_same_bytes(tmp_path: Path) -> None:
    spec = BeatSpec(genre='boom bap', mood='sad', bpm=90, key='D minor', length_s=15, seed=1234)
    first = render_beat(spec, tmp_path / 'a.wav')
    second = render_beat(spec, tmp_path / 'b.wav')
    assert _sha256(first.wav_path) == _sha256(second.wav_path)
    assert (first.sections, first.progression, first.pattern) == (second.sections, second.progression,
                                                                    second.pattern)


def test_twenty_seeds_give_twenty_different_trap_beats(tmp_path: Path) -> None:
    results = [render_beat(BeatSpec(genre='trap', mood='dark', bpm=140, key='F minor', length_s=15, seed=seed),
                           tmp_path / f'{seed}.wav') for seed in range(20)]
    assert len({_sha256(result.wav_path) for result in results}) == 20
    assert len({result.pattern for result in results}) >= 3
    assert len({result.progression for result in results}) >= 2
    assert all(re.fullmatch(r'trap-\d', result.pattern) for result in results)


def test_a_short_beat_is_intro_hook_outro_and_sections_tile_the_beat(tmp_path: Path) -> None:
    result = render_beat(BeatSpec(genre='lo-fi', mood='chill', bpm=60, key='C major', length_s=15, seed=3),
                         tmp_path / 'short.wav')
    assert [s.name for s in result.sections] == ['intro', 'hook', 'outro']
    assert result.sections[0].start_s == 0 and result.sections[-1].end_s == 15
    assert all(a.end_s == b.start_s for a, b in zip(result.sections, result.sections[1:], strict=False))
    assert soundfile.info(str(result.wav_path)).frames == 15 * 44100


@pytest.mark.parametrize(('bpm', 'length_s'), [(60, 15), (92, 60), (140, 95.5), (180, 300), (60, 300)])
def test_the_form_is_bar_aligned_and_long_beats_get_a_bridge(bpm: int, length_s: float) -> None:
    plan = plan_beat(BeatSpec(genre='pop', mood='happy', bpm=bpm, key='G major', length_s=length_s, seed=5))
    bar_s = 240 / bpm
    names = [s.name for s in plan.sections]
    assert set(names) <= set(SECTION_NAMES) and names[0] == 'intro' and names[-1] == 'outro' and 'hook' in names
    assert plan.sections[-1].end_s == length_s
    for section in plan.sections[1:]:
        assert section.start_s / bar_s == pytest.approx(round(section.start_s / bar_s), abs=1e-3)
    if length_s / bar_s >= 40:
        assert 'bridge' in names
        assert max(s.end_s - s.start_s for s in plan.sections) <= 17 * bar_s


def test_every_bar_count_is_split_exactly() -> None:
    for bars in range(3, 226):
        sections = form(bars)
        assert sum(size for _, size in sections) == bars
        assert all(size >= 1 for _, size in sections)


def test_a_minute_renders_reporting_progress_and_an_mp3(tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    spec = BeatSpec(genre='afrobeats', mood='happy', bpm=105, key='A major', length_s=60, seed=8)
    result = render_beat(spec, tmp_path / 'beat.wav', tmp_path / 'beat.mp3',
                         progress=lambda fraction, label: seen.append((fraction, label)))
    assert seen[0][0] == 0 and seen[-1][0] == 1
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    assert all(label for _, label in seen)
    assert soundfile.info(str(result.wav_path)).frames == 60 * 44100
    assert result.mp3_path == tmp_path / 'beat.mp3'
    mp3 = io.probe(result.mp3_path, input_format='mp3')
    assert mp3.codec == 'mp3' and mp3.duration_s == pytest.approx(60, abs=0.2)


def test_every_genre_has_at_least_three_patterns_in_valid_notation() -> None:
    allowed = {'perc': set('.hHlL'), 'tom': set('.hml'), 'bass': set('.-xo5gu')}
    for genre in GENRES:
        assert len(PATTERNS[genre]) >= 3
        assert genre in FILLS
        for pattern in PATTERNS[genre]:
            assert {'kick', 'bass'} <= set(pattern.rows) <= {*DRUMS, 'bass'}
            for row, steps in pattern.rows.items():
                assert set(steps.replace(' ', '')) <= allowed.get(row, set('.oxXrtR')), (pattern.name, row)


def test_progressions_are_named_in_the_key() -> None:
    assert [c.name for c in progression(5, True, 'i VI III VII', sevenths=False)] == ['Fm', 'Db', 'Ab', 'Eb']
    assert [c.name for c in progression(7, False, 'I V vi IV', sevenths=False)] == ['G', 'D', 'Em', 'C']
    assert [c.name for c in progression(9, True, 'i iv VII III', sevenths=True)] == ['Am7', 'Dm7', 'Gmaj7', 'Cmaj7']


@pytest.mark.parametrize(('text', 'expected'), [
    ('dark trap beat 140 bpm in F minor', {'mood': 'dark', 'genre': 'trap', 'bpm': 140, 'key': 'F minor'}),
    ('chill lofi for studying, 2 minutes', {'mood': 'chill', 'genre': 'lo-fi', 'length_s': 120.0}),
    ('lo fi beat', {'genre': 'lo-fi'}),
    ('smooth rnb 90 seconds', {'mood': 'chill', 'genre': 'r&b', 'length_s': 90.0}),
    ('R&B slow jam in c#m', {'genre': 'r&b', 'key': 'C# minor'}),
    ('hiphop 1:30', {'genre': 'hip hop', 'length_s': 90.0}),
    ('boom-bap in Bb maj', {'genre': 'boom bap', 'key': 'A# major'}),
    ('sad A minor piano, 90s', {'mood': 'sad', 'key': 'A minor', 'length_s': 90.0}),
    ('happy afrobeats in G', {'mood': 'happy', 'genre': 'afrobeats', 'key': 'G major'}),
    ('UK drill in Ebm 300 bpm', {'genre': 'drill', 'key': 'D# minor', 'bpm': 150}),
    ('deep house, 3 min', {'genre': 'house', 'length_s': 180.0}),
    ('a beat with heavy 808s in a minute', {'mood': 'aggressive'}),
    ('I am not sure', {}),
    ('', {}),
])
def test_parse_prompt_fills_what_the_text_mentions(text: str, expected: dict[str, object]) -> None:
    assert parse_prompt(text) == expected


def test_parse_prompt_never_raises_and_only_returns_valid_values() -> None:
    for text in ('999999 bpm', '0 bpm', '1 s', '10 minutes', 'in H major', 'r&b&b', 'Cb major', '𝄞 ♭♯ ###'):
        said = parse_prompt(text)
        assert 60 <= said.get('bpm', 60) <= 180
        assert 15 <= said.get('length_s', 15) <= MAX_LENGTH_S
        assert said.get('key', 'C major') in KEYS
    assert parse_prompt(None) == {}  # type: ignore[arg-type]


@pytest.mark.parametrize(('change', 'message'), [
    ({'bpm': 59}, 'between 60 and 180'), ({'bpm': 181}, 'between 60 and 180'), ({'bpm': 120.5}, 'whole number'),
    ({'length_s': 14}, 'between 15 and 300'), ({'length_s': 301}, 'between 15 and 300'),
    ({'length_s': float('nan')}, 'number of seconds'), ({'genre': 'polka'}, 'Unknown genre'),
    ({'mood': 'sleepy'}, 'Unknown mood'), ({'key': 'H minor'}, 'Unknown key'), ({'key': 'C dorian'}, 'Unknown key'),
    ({'seed': 1.5}, 'seed'),
])
def test_beat_spec_rejects_what_it_cannot_render(change: dict[str, object], message: str) -> None:
    fields = {'genre': 'trap', 'mood': 'dark', 'bpm': 140, 'key': 'F minor', 'length_s': 60, 'seed': 1, **change}
    with pytest.raises(ValueError, match=message):
        BeatSpec(**fields)  # type: ignore[arg-type]


def test_beat_spec_accepts_flat_key_names_and_stores_the_sharp_spelling() -> None:
    spec = BeatSpec(genre='r&b', mood='romantic', bpm=95.0, key='Bb minor', length_s=15, seed=-7)  # type: ignore[arg-type]
    assert (spec.key, spec.bpm, type(spec.bpm)) == ('A# minor', 95, int)
    assert len(KEYS) == 24 and KEYS[0] == 'C major' and KEYS[-1] == 'B minor'


def _onset_times(mono: np.ndarray, rate: int) -> np.ndarray:
    """Spectral flux onsets: rises in log magnitude summed over bins, peaks above a local mean."""
    _, times, spectrum = signal.stft(mono, rate, nperseg=1024, noverlap=512, boundary=None)
    magnitude = np.log1p(1000 * np.abs(spectrum))
    flux = np.maximum(0.0, np.diff(magnitude, axis=1)).sum(axis=0)
    threshold = np.convolve(flux, np.ones(9) / 9, mode='same') + 0.05 * flux.max()
    peaks = (flux[1:-1] > flux[:-2]) & (flux[1:-1] >= flux[2:]) & (flux[1:-1] > threshold[1:-1])
    return times[2:-1][peaks]


def _ffmpeg_loudness(path: Path) -> float:
    done = subprocess.run([io.ffmpeg_exe(), '-nostdin', '-hide_banner', '-i', str(path), '-af', 'ebur128',
                           '-f', 'null', '-'], capture_output=True, text=True, timeout=60, check=True)
    match = re.search(r'Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS', done.stderr)
    assert match, done.stderr[-500:]
    return float(match.group(1))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
