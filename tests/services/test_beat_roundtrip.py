from pathlib import Path

import pytest

from liab.audio import analysis, synth

# 24 genre x key x tempo cells: every genre, all 12 tonics, major and minor, tempi across each genre's range.
CELLS = [
    ('trap', 'F minor', 140), ('trap', 'C# minor', 150), ('trap', 'A major', 130),
    ('drill', 'G minor', 142), ('drill', 'D# minor', 144), ('drill', 'B minor', 140),
    ('house', 'A minor', 124), ('house', 'F major', 126), ('house', 'C major', 122),
    ('boom bap', 'D minor', 90), ('boom bap', 'E major', 86), ('boom bap', 'G# minor', 94),
    ('lo-fi', 'D major', 80), ('lo-fi', 'A# major', 75),
    ('hip hop', 'C minor', 92), ('hip hop', 'F# major', 96),
    ('pop', 'G major', 110), ('pop', 'E minor', 116),
    ('r&b', 'D# major', 95), ('r&b', 'B major', 100),
    ('afrobeats', 'A major', 105), ('afrobeats', 'F# minor', 108),
    ('hip hop', 'E minor', 85), ('pop', 'C# major', 120),
]


@pytest.mark.parametrize(('genre', 'key', 'bpm'), CELLS)
def test_the_engines_beats_analyse_back_to_their_tempo_and_key(tmp_path: Path, genre: str, key: str,
                                                               bpm: int) -> None:
    mood = 'dark' if 'minor' in key else 'happy'
    path = tmp_path / 'beat.wav'
    synth.render_beat(synth.BeatSpec(genre, mood, bpm, key, 30, 11), path)
    result = analysis.analyze(path)
    assert result.bpm is not None and abs(result.bpm - bpm) <= 0.02 * bpm, result.bpm
    assert result.key == key
