import re
import unicodedata

import pytest

from liab.providers import text
from liab.writers.copy import ReleaseCopy, plain_text, write_release_copy
from tests.fakes.openai_server import FakeOpenAI

pytest_plugins = ['tests.fakes.openai_server']

LYRICS = """[Verse 1]
Streetlights hum along the harbour road
Lagos in the rear-view, summer on the dash

[Chorus]
Hold the summer, never let it go
Summer in my chest, the harbour lights below

[Verse 2]
Friends on the rooftop, summer in the air
"""
DETAILS = {'title': 'Harbour Lights', 'artist': 'Ama Lune', 'genre': 'afrobeats', 'mood': 'happy',
           'release_date': '2025-06-06', 'credits': [{'name': 'Kofi Vale', 'role': 'producer', 'share': 50}]}
ANALYSIS = {'bpm': 104.6, 'key': 'A minor', 'lufs': -14.23}
NUMBERS = {'104', '105', '14.2', '6', '2025'}  # the only numbers the facts allow (bpm rounds either way)
INVENTED = ('streams', 'plays', 'million', 'chart', 'award', 'debut', 'acclaim', 'sold out', 'viral', 'returns with',
            'critics', 'billboard', 'grammy', 'number one')


def copy_for(seed: int, **changes: object) -> ReleaseCopy:
    kwargs = {'details': DETAILS, 'lyrics_text': LYRICS, 'analysis': ANALYSIS, **changes}
    return write_release_copy(seed=seed, **kwargs)  # type: ignore[arg-type]


def sentences(paragraph: str) -> int:
    return len(re.findall(r'[.!?](?=\s+[A-Z\u201c]|$)', re.sub(r'\u201c[^\u201d]*\u201d', 'quote', paragraph)))


def test_ten_seeds_give_ten_different_descriptions_pitches_and_taglines() -> None:
    written = [copy_for(seed) for seed in range(10)]
    assert len({c.description for c in written}) == 10
    assert len({c.pitch for c in written}) == 10
    assert len({c.tagline for c in written}) == 10


def test_the_same_seed_gives_the_same_copy() -> None:
    assert copy_for(7) == copy_for(7)
    assert copy_for(7).to_json() == copy_for(7).to_json()


def test_lengths_fit_each_kind_of_copy() -> None:
    for seed in range(10):
        written = copy_for(seed)
        assert 60 <= len(written.description.split()) <= 120, written.description
        assert 2 <= sentences(written.description) <= 4, written.description
        assert 80 <= len(written.pitch.split()) <= 150, written.pitch
        assert 0 < len(written.tagline) < 80


def test_the_copy_uses_the_facts_it_is_given() -> None:
    for seed in range(10):
        written = copy_for(seed)
        assert 'Harbour Lights' in written.description and 'Ama Lune' in written.description
        assert 'Friday 6 June 2025' in written.pitch and 'Harbour Lights' in written.pitch
        assert '105 BPM' in written.pitch  # editors get the tempo whenever it is known
        assert '\u201cHold the summer, never let it go\u201d' in written.pitch  # the chorus's first line, quoted
        assert 'Kofi Vale' in written.pitch
        assert 'afrobeats' in (written.description + written.pitch)
    everything = ' '.join(copy_for(seed).pitch + copy_for(seed).description for seed in range(10))
    assert 'A minor' in everything and '-14.2 LUFS' in everything and '\u201csummer\u201d' in everything


def test_the_copy_invents_no_numbers_and_no_claims() -> None:
    for seed in range(10):
        written = ' '.join(copy_for(seed).to_json().values())
        assert set(re.findall(r'\d+(?:\.\d+)?', written)) <= NUMBERS, written
        assert not any(word in written.lower() for word in INVENTED), written


def test_without_lyrics_or_analysis_nothing_about_them_is_said() -> None:
    for seed in range(5):
        written = ' '.join(copy_for(seed, lyrics_text='', analysis=None).to_json().values())
        assert 'BPM' not in written and 'LUFS' not in written and 'chorus' not in written.lower()
        assert 'Harbour Lights' in written and '\u201c' in written


def test_bad_analysis_values_are_left_out() -> None:
    written = ' '.join(copy_for(1, analysis={'bpm': 'fast', 'key': '<b>H minor</b>', 'lufs': float('nan')})
                       .to_json().values())
    assert 'BPM' not in written and 'minor' not in written and 'nan' not in written.lower()


HOSTILE = {**DETAILS, 'title': '<script>alert("x")</script><b>Neon</b> \u202eHeart\x00 &amp; Soul\u200f',
           'artist': 'Ama\u0007 <i>Lune</i> `rm -rf` **bold**', 'genre': '<img src=x onerror=alert(1)>Pop'}


def test_hostile_titles_names_and_lyrics_reach_the_copy_as_plain_text() -> None:
    lyrics = '[Chorus]\n<a href="javascript:alert(1)">Click</a> the \u202elights\u202c on tonight\n'
    for seed in range(10):
        written = copy_for(seed, details=HOSTILE, lyrics_text=lyrics)
        for piece in written.to_json().values():
            assert not re.search(r'[<>`*]|script|onerror|javascript|&amp;', piece), piece
            assert not any(unicodedata.category(char) in ('Cc', 'Cf') for char in piece), piece
    everything = ' '.join(' '.join(copy_for(seed, details=HOSTILE).to_json().values()) for seed in range(10))
    assert '\u201cNeon Heart & Soul\u201d' in everything and 'Ama Lune' in everything


def test_plain_text_cuts_long_text_at_a_word() -> None:
    assert plain_text('one two three four', 9) == 'one two\u2026'
    assert plain_text('<p>Hi</p>\n\tthere <b>!</b>') == 'Hi there!'


def test_a_bad_seed_is_refused() -> None:
    with pytest.raises(ValueError, match='whole number'):
        write_release_copy(details=DETAILS, seed='7')  # type: ignore[arg-type]


def test_without_a_key_the_local_writer_writes_the_copy() -> None:
    written = text.write_release_copy(details=DETAILS, lyrics_text=LYRICS, analysis=ANALYSIS, seed=3)
    assert written.provider == 'local' and written.notice is None
    assert written.value == copy_for(3)


def test_release_copy_comes_from_the_openai_compatible_server_with_a_strict_schema(fake_openai: FakeOpenAI) -> None:
    fake_openai.content = {'description': 'Harbour Lights is a bright **afrobeats** single.',
                           'pitch': 'Ama Lune releases <b>Harbour Lights</b> on 6 June.\n\nIt runs at 105 BPM.',
                           'tagline': 'Summer light on the harbour, all night long, from the first bar to the very '
                                      'last bar of the song'}
    written = text.write_release_copy(details=HOSTILE, lyrics_text=LYRICS, analysis=ANALYSIS, seed=1)
    assert written.provider == 'openai' and written.notice is None
    assert written.value.description == 'Harbour Lights is a bright afrobeats single.'
    assert written.value.pitch == 'Ama Lune releases Harbour Lights on 6 June. It runs at 105 BPM.'
    assert len(written.value.tagline) < 80 and written.value.tagline.endswith('\u2026')
    body = fake_openai.requests[-1]['body']
    assert body['response_format']['json_schema']['strict'] is True
    assert body['response_format']['json_schema']['schema']['required'] == ['description', 'pitch', 'tagline']
    prompt = body['messages'][-1]['content']
    assert 'Title: Neon Heart & Soul' in prompt and 'Tempo: 105 BPM' in prompt and 'Key: A minor' in prompt
    assert 'Hold the summer, never let it go' in prompt and 'Producers: Kofi Vale' in prompt
    assert '<script>' not in prompt and '\u202e' not in prompt


@pytest.mark.parametrize(('mode', 'content', 'reason'), [
    ('malformed', {}, 'valid JSON'), ('error', {}, 'HTTP 500'),
    ('ok', {'description': 'x', 'pitch': 'y'}, 'unexpected shape'),
    ('ok', {'description': '<b></b>', 'pitch': 'y', 'tagline': 'z'}, 'unexpected shape')])
def test_a_failing_service_falls_back_to_the_local_copy_writer_with_a_notice(fake_openai: FakeOpenAI, mode: str,
                                                                             content: dict, reason: str) -> None:
    fake_openai.mode, fake_openai.content = mode, content
    written = text.write_release_copy(details=DETAILS, lyrics_text=LYRICS, analysis=ANALYSIS, seed=5)
    assert written.provider == 'local'
    assert reason in written.notice and 'local writer' in written.notice
    assert written.value == copy_for(5)


def test_the_provider_takes_its_arguments_in_order_too() -> None:
    written = text.write_release_copy(DETAILS, LYRICS, ANALYSIS, 3)
    assert written.value == copy_for(3)
