"""Audio benchmarks for the Beat stage. Prints a table; run: .venv/bin/python tests/bench/bench_audio.py [--quick]

- render speed of the local beat engine as a multiple of real time (60 s and 180 s beats);
- analysis of a 3-minute track, cold (new process) and warm (median of five calls after a first one, taking
  turns with the baseline), against librosa's default load + beat_track in the same run (baseline;
  `pip install -e '.[bench]'`);
- waveform peaks for a 10-minute track;
- tempo and key accuracy of our analysis on the engine's own output over genre x key x tempo.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from liab.audio import analysis, io, peaks, synth  # noqa: E402

TEMPI = (70, 90, 100, 124, 140, 160)


def main() -> None:
    quick = '--quick' in sys.argv
    work = Path(tempfile.mkdtemp(prefix='liab-bench-'))
    rows: list[tuple[str, str, str]] = []
    for seconds in (60, 180):
        started = time.perf_counter()
        spec = synth.BeatSpec('trap', 'dark', 140, 'F minor', seconds, 7)
        synth.render_beat(spec, work / f'render-{seconds}.wav')
        elapsed = time.perf_counter() - started
        rows.append((f'render {seconds} s beat', f'{elapsed:.2f} s', f'{seconds / elapsed:.0f}x real time'))

    track = work / 'three-minutes.wav'
    synth.render_beat(synth.BeatSpec('boom bap', 'chill', 90, 'D minor', 180, 3), track)
    ours_cold = _timed_subprocess(f'from pathlib import Path\nfrom liab.audio import analysis\n'
                                  f'analysis.analyze(Path({str(track)!r}))')
    librosa_cold = _timed_subprocess(f'import librosa; y, sr = librosa.load({str(track)!r}); '
                                     'librosa.beat.beat_track(y=y, sr=sr)')
    ours_warm, librosa_warm = _warm(track)
    for label, ours, base in (('analysis of 3 min, cold', ours_cold, librosa_cold),
                              ('analysis of 3 min, warm', ours_warm, librosa_warm)):
        if base is None:
            ratio = 'librosa not installed'
        elif base >= ours:
            ratio = f'{base / ours:.1f}x faster than librosa ({base:.2f} s)'
        else:
            ratio = f'{ours / base:.1f}x slower than librosa ({base:.2f} s)'
        rows.append((label, f'{ours:.2f} s', ratio))

    long = work / 'ten-minutes.wav'
    synth.render_beat(synth.BeatSpec('house', 'energetic', 124, 'A minor', 300, 5), work / 'five.wav')
    five, rate = io.decode(work / 'five.wav', sample_rate=None, channels=None)
    io.write_wav(np.concatenate([five, five]), rate, long)
    started = time.perf_counter()
    size = len(peaks.compute_peaks(long))
    rows.append(('peaks of a 10 min track', f'{time.perf_counter() - started:.2f} s', f'{size / 1024:.0f} kB'))

    tempo_ok = key_ok = total = 0
    misses: list[str] = []
    genres = synth.GENRES[:3] if quick else synth.GENRES
    keys = synth.KEYS[::6] if quick else synth.KEYS
    for genre in genres:
        for index, key in enumerate(keys):
            bpm = TEMPI[index % len(TEMPI)]
            path = work / 'cell.wav'
            synth.render_beat(synth.BeatSpec(genre, 'dark' if 'minor' in key else 'happy', bpm, key, 30, index),
                              path)
            result = analysis.analyze(path)
            total += 1
            tempo_ok += bool(result.bpm and abs(result.bpm - bpm) <= 0.02 * bpm)
            key_ok += result.key == key
            if result.key != key or not (result.bpm and abs(result.bpm - bpm) <= 0.02 * bpm):
                misses.append(f'{genre}/{key}/{bpm}: got {result.bpm and round(result.bpm, 1)} {result.key}')
    rows.append((f'tempo within 2% ({total} beats)', f'{tempo_ok}/{total}', f'{100 * tempo_ok / total:.0f}%'))
    rows.append((f'key exactly right ({total} beats)', f'{key_ok}/{total}', f'{100 * key_ok / total:.0f}%'))

    print(f'\nmachine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}')
    width = max(len(r[0]) for r in rows)
    print(f'{"measure":<{width}}  {"value":>10}  vs baseline')
    for name, value, note in rows:
        print(f'{name:<{width}}  {value:>10}  {note}')
    if misses:
        print('\nmisses:\n  ' + '\n  '.join(misses[:40]))
    print(json.dumps({'rows': rows}))


def _warm(track: Path) -> tuple[float, float | None]:
    """Median seconds of five warm calls of ours and of librosa's default load + beat_track, taking turns so that
    both see the same load on the machine."""
    try:
        import librosa
    except ImportError:
        librosa = None

    def baseline() -> None:
        y, sr = librosa.load(str(track))
        librosa.beat.beat_track(y=y, sr=sr)

    calls = [lambda: analysis.analyze(track)] + ([baseline] if librosa else [])
    rounds: list[list[float]] = [[] for _ in calls]
    for call in calls:
        call()
    for _ in range(5):
        for call, times in zip(calls, rounds, strict=True):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
    medians = [statistics.median(times) for times in rounds]
    return medians[0], medians[1] if librosa else None


def _timed_subprocess(code: str) -> float | None:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True, check=False)
    return time.perf_counter() - started if done.returncode == 0 else None


if __name__ == '__main__':
    main()
