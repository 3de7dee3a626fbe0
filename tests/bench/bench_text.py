"""Lyric writer benchmarks for the Lyrics stage. Prints a markdown table;
run: .venv/bin/python tests/bench/bench_text.py [--quick]

- the first song in a new process (reads the CMU pronouncing dictionary);
- lyrics per second from the local writer, warm, over every genre and mood with varied themes and tempi;
- refines per second over the instructions the Lyrics stage offers, on our own lyrics and on typed ones;
- rhyme rate and syllable fit over the same songs, as a check that speed was not bought with quality.
"""

from __future__ import annotations

import itertools
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from liab.writers.lyrics import (  # noqa: E402
    GENRES,
    MOODS,
    parse_lyrics,
    refine_lyrics,
    rhyme_rate,
    syllable_range,
    syllables,
    write_lyrics,
)

THEMES = ('', 'summer nights in Lagos with my friends', 'rainy sunday, coffee and old records',
          'late night drive through the city with my crew', 'Москва ночью, 東京の夜')
TEMPI = (None, 70, 92, 128, 150)
INSTRUCTIONS = ('make the chorus shorter', 'longer chorus', 'more rhymes', 'make it darker', 'happier',
                'add a bridge', 'remove verse 2', 'replace night with day', 'rewrite verse 1', 'make me a sandwich')
TYPED = """[Verse 1]
I walked along the river late at night
Thinking about the things you used to say
The city lights were shining way too bright
And I just wanted you to take the train

[Chorus]
Come back home, come back home
I am waiting by the door
"""


def main() -> None:
    quick = '--quick' in sys.argv
    rows: list[tuple[str, str, str]] = []
    cold = _timed_subprocess("from liab.writers.lyrics import write_lyrics\nwrite_lyrics(genre='pop', mood='sad')")
    rows.append(('first song in a new process', f'{cold:.2f} s', 'includes reading the CMU dictionary'))

    write_lyrics(genre='pop', mood='happy', seed=0)
    cells = list(itertools.product(GENRES, MOODS))
    rounds = 1 if quick else 4
    songs, times = [], []
    for seed, (genre, mood) in enumerate(cells * rounds):
        bpm, theme = TEMPI[seed % len(TEMPI)], THEMES[seed % len(THEMES)]
        started = time.perf_counter()
        songs.append((genre, bpm, write_lyrics(genre=genre, mood=mood, theme=theme, bpm=bpm, seed=seed)))
        times.append(time.perf_counter() - started)
    rows.append((f'lyrics per second, warm ({len(songs)} songs)', f'{len(songs) / sum(times):.0f}',
                 f'median {1000 * statistics.median(times):.1f} ms, slowest {1000 * max(times):.1f} ms'))

    typed = parse_lyrics(TYPED)
    refines = []
    for number, instruction in enumerate(INSTRUCTIONS * (2 if quick else 6)):
        genre, bpm, lyrics = songs[number % len(songs)]
        target = typed if number % 3 == 0 else lyrics
        started = time.perf_counter()
        refine_lyrics(target, instruction, genre=None if target is typed else genre, bpm=bpm, seed=number)
        refines.append(time.perf_counter() - started)
    rows.append((f'refines per second, warm ({len(refines)} refines)', f'{len(refines) / sum(refines):.0f}',
                 f'median {1000 * statistics.median(refines):.1f} ms, slowest {1000 * max(refines):.1f} ms'))

    rates = [rhyme_rate(lyrics) for _, _, lyrics in songs]
    fits = [syllable_range(genre, bpm)[0] <= syllables(line) <= syllable_range(genre, bpm)[1]
            for genre, bpm, lyrics in songs for section in lyrics.sections for line in section.lines]
    rows.append(('lines rhyming with a neighbour', f'{100 * statistics.mean(rates):.0f}%',
                 f'lowest song {100 * min(rates):.0f}%'))
    rows.append(('lines within the syllable range', f'{100 * sum(fits) / len(fits):.0f}%', f'{len(fits)} lines'))

    print(f'\nmachine: {platform.machine()}, {platform.processor() or "cpu"}, python {platform.python_version()}\n')
    print('| measure | value | note |\n|---|---|---|')
    for name, value, note in rows:
        print(f'| {name} | {value} | {note} |')
    print(json.dumps({'rows': rows}))


def _timed_subprocess(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - started


if __name__ == '__main__':
    main()
