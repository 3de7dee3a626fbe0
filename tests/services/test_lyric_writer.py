import itertools
import re
import statistics
import time

import pronouncing
import pytest

from liab.writers import _words
from liab.writers.lyrics import (
    GENRES,
    MOODS,
    Lyrics,
    Section,
    parse_lyrics,
    refine_lyrics,
    rhyme_rate,
    rhymes,
    syllable_range,
    syllables,
    write_lyrics,
)

RAP = ('hip hop', 'trap', 'boom bap', 'drill')
SUNG = ('pop', 'r&b', 'afrobeats')
THEMES = ('', 'summer nights in Lagos with my friends', 'rainy sunday, coffee and old records',
          'grinding from the bottom to the top of the city')
TYPED = """Verse 1:
I walked along the river late at night
Thinking about the things you used to say
The city lights were shining way too bright
And I just wanted you to take the train

Chorus:
Come back home, come back home
I am waiting by the door
Come back home, come back home
I do not want to be alone

[Verse 2]
My phone is quiet on the kitchen table
Your coat is hanging where you left it last
I try to sleep but I am never able
The clock is ticking and the nights are long

[Chorus]
"""


def names(lyrics: Lyrics) -> list[str]:
    return [section.name for section in lyrics.sections]


def lines_of(lyrics: Lyrics, name: str) -> tuple[str, ...]:
    return next(section.lines for section in lyrics.sections if section.name == name)


def words_in(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


@pytest.fixture(scope='module')
def grid() -> list[tuple[str, str, float | None, Lyrics]]:
    songs = []
    for number, (genre, mood) in enumerate(itertools.product(GENRES, MOODS)):
        for seed in range(2):
            bpm = (None, 70, 96, 128, 150, 174)[(number + seed) % 6]
            theme = THEMES[(number + seed) % len(THEMES)]
            songs.append((genre, mood, bpm, write_lyrics(genre=genre, mood=mood, theme=theme, bpm=bpm, seed=seed)))
    return songs


def test_genres_and_moods_are_the_beat_engines() -> None:
    from liab.audio import synth

    assert GENRES == synth.GENRES
    assert MOODS == synth.MOODS


@pytest.mark.parametrize('genre', RAP)
def test_rap_songs_have_intro_two_verses_choruses_and_outro(genre: str) -> None:
    bridges = 0
    for seed in range(12):
        lyrics = write_lyrics(genre=genre, mood='dark', seed=seed)
        plan = names(lyrics)
        assert plan[:5] == ['Intro', 'Verse 1', 'Chorus', 'Verse 2', 'Chorus']
        assert plan[5:] in (['Outro'], ['Bridge', 'Chorus', 'Outro'])
        bridges += 'Bridge' in plan
        sizes = {section.name: len(section.lines) for section in lyrics.sections}
        assert sizes['Intro'] == sizes['Outro'] == 2
        assert sizes['Chorus'] == 4
        assert sizes['Verse 1'] == sizes['Verse 2'] in (8, 12)
    assert 0 < bridges < 12


@pytest.mark.parametrize('genre', SUNG)
def test_sung_songs_have_pre_choruses_and_a_bridge_before_the_last_chorus(genre: str) -> None:
    for seed in range(8):
        plan = names(write_lyrics(genre=genre, mood='romantic', seed=seed))
        assert plan[:4] == ['Intro', 'Verse 1', 'Pre-chorus', 'Chorus']
        assert plan[-4:] == ['Chorus', 'Bridge', 'Chorus', 'Outro']
        assert plan.count('Chorus') == 3
        assert 'Verse 2' in plan


def test_house_has_short_verses_a_repeated_chorus_and_a_breakdown() -> None:
    lyrics = write_lyrics(genre='house', mood='energetic', seed=3)
    assert names(lyrics) == ['Intro', 'Verse 1', 'Chorus', 'Verse 2', 'Chorus', 'Bridge', 'Chorus', 'Outro']
    assert len(lines_of(lyrics, 'Verse 1')) == len(lines_of(lyrics, 'Verse 2')) == 4


def test_lo_fi_is_verse_chorus_verse_chorus_outro() -> None:
    assert names(write_lyrics(genre='lo-fi', mood='chill', seed=1)) == \
        ['Verse 1', 'Chorus', 'Verse 2', 'Chorus', 'Outro']


def test_the_chorus_repeats_identically_and_the_hook_recurs_in_it(grid: list) -> None:
    for *_, lyrics in grid:
        choruses = {section.lines for section in lyrics.sections if section.name == 'Chorus'}
        assert len(choruses) == 1
        (chorus,) = choruses
        hook = lyrics.title.lower()
        assert hook and sum(line.lower().startswith(hook) for line in chorus) >= 2


def test_at_least_80_percent_of_lines_rhyme_with_a_neighbour_over_a_grid(grid: list) -> None:
    for genre, mood, bpm, lyrics in grid:
        assert rhyme_rate(lyrics) >= 0.8, (genre, mood, bpm)


def test_end_words_share_the_strict_cmu_rhyming_part_with_a_neighbour(grid: list) -> None:
    def part(line: str) -> str:
        phones = pronouncing.phones_for_word(re.findall(r"[\w']+", line)[-1])
        return pronouncing.rhyming_part(phones[0]) if phones else ''

    for *_, lyrics in grid:
        for section in lyrics.sections:
            parts = [part(line) for line in section.lines]
            for index, key in enumerate(parts):
                near = [parts[j] for j in (index - 2, index - 1, index + 1, index + 2) if 0 <= j < len(parts)]
                assert key and key in near, section


def test_rhymes_and_rhyme_rate_follow_the_dictionary() -> None:
    assert rhymes('night', 'light')
    assert rhymes('I walk alone', 'you call my phone')
    assert rhymes('the fire', 'my desire (yeah)')
    assert not rhymes('night', 'day')
    assert not rhymes('', 'day')
    couplets = Lyrics('', (Section('Verse 1', ('cold night', 'bright light', 'long day', 'far away')),))
    alternate = Lyrics('', (Section('Verse 1', ('cold night', 'long day', 'bright light', 'far away')),))
    loose = Lyrics('', (Section('Verse 1', ('cold night', 'long day', 'my heart', 'the sea')),))
    across = Lyrics('', (Section('A', ('cold night',)), Section('B', ('bright light',))))
    assert rhyme_rate(couplets) == rhyme_rate(alternate) == 1.0
    assert rhyme_rate(loose) == rhyme_rate(across) == 0.0
    assert rhyme_rate(Lyrics('', ())) == 0.0


def test_syllables_use_the_dictionary_and_a_spelling_fallback() -> None:
    assert syllables('the city lights') == 4
    assert syllables('Fire, desire!') == 5
    assert syllables("I'm runnin' home") == 4
    assert syllables('') == 0
    assert syllables('café') == 2
    assert syllables('niño') == 2
    assert syllables('θάλασσα') == 3
    assert syllables('Москва') == 2
    assert syllables('ночью') == 2
    assert syllables('東京') == 2
    assert syllables('blorptastic') == 3


def test_every_line_fits_the_syllable_range_for_its_tempo(grid: list) -> None:
    for genre, _, bpm, lyrics in grid:
        low, high = syllable_range(genre, bpm)
        for section in lyrics.sections:
            for line in section.lines:
                assert low <= syllables(line) <= high, (genre, bpm, line)


def test_rap_lines_are_longer_at_a_slow_tempo_and_denser_than_sung_lines() -> None:
    def mean_length(genre: str, bpm: float) -> float:
        songs = [write_lyrics(genre=genre, mood='dark', bpm=bpm, seed=seed) for seed in range(3)]
        return statistics.mean(syllables(line) for song in songs for s in song.sections for line in s.lines)

    assert syllable_range('hip hop', 70) > syllable_range('hip hop', 110)
    assert mean_length('hip hop', 70) > mean_length('hip hop', 110) + 2
    assert syllable_range('trap', 140) == syllable_range('trap', 70)  # counted in half time
    assert syllable_range('trap', 140) > syllable_range('trap', 110)
    assert syllable_range('hip hop', 100) > syllable_range('pop', 100)
    assert syllable_range('pop', None) == syllable_range('pop', 110)


def test_theme_words_appear_in_the_verses_and_the_hook() -> None:
    for genre, seed in itertools.product(('hip hop', 'pop', 'house', 'lo-fi'), range(3)):
        lyrics = write_lyrics(genre=genre, mood='happy', theme='Summer nights in Lagos with my friends!', seed=seed)
        text = lyrics.text().lower()
        for word in ('summer', 'nights', 'lagos', 'friends'):
            assert re.search(rf'\b{word}\b', text), (genre, seed, word)
        assert 'Lagos' in lyrics.text()
        assert any(word in lyrics.title.lower() for word in ('summer', 'nights', 'lagos', 'friends'))
        verses = ' '.join(line for s in lyrics.sections if s.name.startswith('Verse') for line in s.lines).lower()
        assert sum(word in verses for word in ('summer', 'nights', 'lagos', 'friends')) >= 2


def test_theme_verbs_and_adjectives_are_used_in_their_own_forms() -> None:
    for seed in range(4):
        text = write_lyrics(genre='trap', mood='dark', theme='late night drive with my crew through the rainy city',
                            bpm=140, seed=seed).text().lower()
        for word in ('night', 'driving', 'crew', 'rainy', 'city'):
            assert re.search(rf'\b{word}\b', text), (seed, word)


def test_the_same_seed_gives_the_same_lyrics() -> None:
    first = write_lyrics(genre='drill', mood='aggressive', theme='the block at night', bpm=142, seed=99)
    assert write_lyrics(genre='drill', mood='aggressive', theme='the block at night', bpm=142, seed=99) == first


def test_without_a_seed_two_requests_differ() -> None:
    first = write_lyrics(genre='pop', mood='happy', theme='summer')
    second = write_lyrics(genre='pop', mood='happy', theme='summer')
    assert first.text() != second.text()


@pytest.mark.parametrize('runs', [10, 20])
@pytest.mark.parametrize(('genre', 'mood'), [('hip hop', 'dark'), ('pop', 'happy'), ('house', 'chill')])
def test_songs_side_by_side_share_no_lines_beyond_their_own_chorus(runs: int, genre: str, mood: str) -> None:
    seen: dict[str, int] = {}
    for seed in range(runs):
        lyrics = write_lyrics(genre=genre, mood=mood, theme='late night drive through the city', seed=seed)
        chorus = set(lines_of(lyrics, 'Chorus'))
        verses = [line for s in lyrics.sections if s.name.startswith('Verse') for line in s.lines]
        assert len(verses) == len(set(verses))
        own = {line for s in lyrics.sections for line in s.lines if line not in chorus}
        for line in own | chorus:
            assert line not in seen, f'song {seed} repeats a line of song {seen.get(line)}: {line}'
            seen[line] = seed


def test_mood_shapes_the_word_choice() -> None:
    dark, happy = _words.MOOD_BANKS['dark'].words(), _words.MOOD_BANKS['happy'].words()
    for seed in range(3):
        dark_words = words_in(write_lyrics(genre='hip hop', mood='dark', theme='the city', seed=seed).text())
        happy_words = words_in(write_lyrics(genre='hip hop', mood='happy', theme='the city', seed=seed).text())
        assert sum(w in dark for w in dark_words) > 3 * max(1, sum(w in happy for w in dark_words))
        assert sum(w in happy for w in happy_words) > 3 * max(1, sum(w in dark for w in happy_words))


def test_the_banks_are_clean_and_moods_do_not_share_words(grid: list) -> None:
    banks = [_words.NEUTRAL, *_words.MOOD_BANKS.values()]
    for first, second in itertools.combinations(banks, 2):
        assert not first.words() & second.words()
    flavour = {word for nouns in _words.GENRE_NOUNS.values() for word in nouns}
    assert not (set().union(*(bank.words() for bank in banks)) | flavour) & _words.BLOCKED
    for *_, lyrics in grid:
        assert not set(words_in(lyrics.text())) & _words.BLOCKED
    rude = write_lyrics(genre='trap', mood='aggressive', theme='shit guns and cocaine in the city', seed=1)
    assert not set(words_in(rude.text())) & _words.BLOCKED


@pytest.mark.parametrize('theme', [
    ('summer rain and city lights ' * 400)[:10000],
    '<script>alert(1)</script><b onmouseover="steal()">neon</b> &lt;img src=x&gt; heartbreak <i>city',
    '🔥🔥 summer 🌴 vibes 😎💯',
    'Москва ночью, θάλασσα, 東京の夜, القمر',
    '\x00\x01' + '<' * 3000 + '>' * 3000,
    'love in the city <script>alert(',
])
def test_hostile_themes_give_lyrics_quickly_without_markup(theme: str) -> None:
    write_lyrics(genre='pop', mood='sad', seed=0)  # the dictionary is read once per process
    started = time.perf_counter()
    lyrics = write_lyrics(genre='trap', mood='dark', theme=theme, seed=5)
    assert time.perf_counter() - started < 0.5
    text = lyrics.text()
    assert '<' not in text and '>' not in text
    assert 'script' not in text and 'alert' not in text and 'steal' not in text
    assert rhyme_rate(lyrics) >= 0.8


def test_words_in_other_scripts_are_used_as_typed() -> None:
    lyrics = write_lyrics(genre='pop', mood='dreamy', theme='Москва ночью, θάλασσα, 東京の夜', seed=2)
    assert all(word in lyrics.text() for word in ('Москва', 'θάλασσα', '東京の夜'))


def test_genre_names_are_forgiving_and_unknown_ones_refused() -> None:
    assert names(write_lyrics(genre='R&B', mood='Chill', seed=1))[0] == 'Intro'
    assert write_lyrics(genre='Hip-Hop', mood='dark', seed=4) == write_lyrics(genre='hip hop', mood='dark', seed=4)
    assert syllable_range('R&B', 95) == syllable_range('r&b', 95)
    with pytest.raises(ValueError, match='genre'):
        write_lyrics(genre='polka', mood='dark')
    with pytest.raises(ValueError, match='mood'):
        write_lyrics(genre='pop', mood='smug')
    with pytest.raises(ValueError, match='tempo'):
        write_lyrics(genre='pop', mood='sad', bpm=float('nan'))
    with pytest.raises(ValueError, match='seed'):
        write_lyrics(genre='pop', mood='sad', seed='seven')  # type: ignore[arg-type]


def test_lyrics_print_genius_style_and_round_trip_through_json_and_text() -> None:
    lyrics = write_lyrics(genre='boom bap', mood='chill', theme='vinyl and rain', seed=8)
    text = lyrics.text()
    assert text.startswith('[Intro]\n') and '\n\n[Verse 1]\n' in text and not text.endswith('\n')
    assert all(line == line.rstrip() for line in text.splitlines())
    assert Lyrics.from_json(lyrics.to_json()) == lyrics
    assert parse_lyrics(text).sections == lyrics.sections
    assert lyrics.to_json()['sections'][1] == {'name': 'Verse 1', 'lines': list(lyrics.sections[1].lines)}


def test_lyrics_from_json_is_tolerant_but_refuses_a_wrong_shape() -> None:
    loose = Lyrics.from_json({'sections': [{'name': 'Chorus', 'lines': 'one\n\ntwo  '}, {'lines': ['three']}],
                              'extra': 1})
    assert loose == Lyrics('', (Section('Chorus', ('one', 'two')), Section('Verse 2', ('three',))))
    for wrong in (None, [], {'sections': 'verse'}, {'title': 3, 'sections': []}, {'sections': ['line']},
                  {'sections': [{'name': 'A', 'lines': [1, 2]}]}):
        with pytest.raises(ValueError):
            Lyrics.from_json(wrong)  # type: ignore[arg-type]


def test_parse_lyrics_reads_the_usual_header_styles() -> None:
    text = ('[Intro]\nyeah yeah\n\n[Verse 1: Lyrica]\nfirst line\nsecond line\n\n[Chorus x2]\nhook one\nhook two\n\n'
            'Verse 2:\nthird line\n\n## Bridge\nbridge line\n\n**Pre-Chorus**\nbuild up\n\n(Chorus)\n\nOutro: fade out')
    lyrics = parse_lyrics(text)
    assert lyrics.title == ''
    assert [(s.name, s.lines) for s in lyrics.sections] == [
        ('Intro', ('yeah yeah',)), ('Verse 1', ('first line', 'second line')), ('Chorus', ('hook one', 'hook two')),
        ('Verse 2', ('third line',)), ('Bridge', ('bridge line',)), ('Pre-chorus', ('build up',)),
        ('Chorus', ('hook one', 'hook two')), ('Outro', ('fade out',))]


def test_parse_lyrics_numbers_unlabelled_blocks_as_verses() -> None:
    lyrics = parse_lyrics('one\ntwo\n\n\nthree\r\nfour\n\nHOOK\nfive\n\nsix')
    assert [(s.name, s.lines) for s in lyrics.sections] == [
        ('Verse 1', ('one', 'two')), ('Verse 2', ('three', 'four')), ('Hook', ('five',)), ('Verse 3', ('six',))]
    assert parse_lyrics('').sections == parse_lyrics(' \n\n ').sections == ()


@pytest.fixture(scope='module')
def song() -> Lyrics:
    return write_lyrics(genre='hip hop', mood='happy', theme='summer nights in Lagos', bpm=92, seed=3)


def refine(lyrics: Lyrics, instruction: str, **options: object) -> tuple[Lyrics, str]:
    result = refine_lyrics(lyrics, instruction, seed=11, **options)  # type: ignore[arg-type]
    assert result.understood and result.lyrics is not None, result.message
    return result.lyrics, result.message


def unchanged_except(before: Lyrics, after: Lyrics, *changed: str) -> bool:
    kept = [s for s in before.sections if s.name not in changed]
    return kept == [s for s in after.sections if s.name not in changed]


@pytest.mark.parametrize('instruction', ['shorter chorus', 'Make the chorus SHORTER please', 'cut the hook down'])
def test_refine_makes_the_chorus_shorter_everywhere_it_comes_round(song: Lyrics, instruction: str) -> None:
    after, message = refine(song, instruction)
    assert message.startswith('Made the chorus shorter: 4 lines to 2')
    choruses = [s.lines for s in after.sections if s.name == 'Chorus']
    assert len(choruses) == 2 and all(len(lines) == 2 and lines == choruses[0] for lines in choruses)
    assert set(choruses[0]) <= set(lines_of(song, 'Chorus'))
    assert rhymes(*choruses[0]) and song.title.lower() in choruses[0][0].lower()
    assert unchanged_except(song, after, 'Chorus')


@pytest.mark.parametrize('instruction', ['longer chorus', 'make the chorus longer'])
def test_refine_makes_the_chorus_longer(song: Lyrics, instruction: str) -> None:
    after, message = refine(song, instruction)
    assert message.startswith('Made the chorus longer: 4 lines to 6')
    chorus = lines_of(after, 'Chorus')
    assert chorus[:4] == lines_of(song, 'Chorus') and len(chorus) == 6
    assert rhymes(chorus[4], chorus[5]) and song.title.lower() in chorus[4].lower()
    assert unchanged_except(song, after, 'Chorus')


def test_refine_more_rhymes_rewrites_the_lines_that_do_not_rhyme() -> None:
    typed = parse_lyrics(TYPED)
    before = rhyme_rate(typed)
    after, message = refine(typed, 'more rhymes')
    assert rhyme_rate(after) > before and rhyme_rate(after) >= 0.8
    assert 'did not rhyme' in message and f'{before:.0%}' in message
    assert names(after) == names(typed)
    verse, old = lines_of(after, 'Verse 1'), lines_of(typed, 'Verse 1')
    assert (verse[0], verse[2]) == (old[0], old[2])  # night and bright rhymed already
    assert sum(a != b for a, b in zip(verse, old, strict=True)) == 1  # one new line rhymes with the other loose one
    again, message = refine(after, 'can you add more rhymes')
    assert rhyme_rate(again) >= rhyme_rate(after)


def test_refine_more_rhymes_leaves_fully_rhymed_lyrics_alone(song: Lyrics) -> None:
    after, message = refine(song, 'more rhymes')
    assert after == song and 'already' in message


@pytest.mark.parametrize(('instruction', 'mood', 'other'), [
    ('darker', 'dark', 'happy'), ('make it darker', 'dark', 'happy'), ('happier', 'happy', 'dark'),
    ('Make it happier!', 'happy', 'dark')])
def test_refine_changes_the_mood_of_the_verses_and_keeps_the_structure(instruction: str, mood: str,
                                                                      other: str) -> None:
    start = write_lyrics(genre='pop', mood=other, theme='summer nights in Lagos', seed=4)
    after, message = refine(start, instruction, genre='pop')
    bank = _words.MOOD_BANKS[mood].words()
    verses = [s for s in after.sections if s.name.startswith('Verse')]
    old = [s for s in start.sections if s.name.startswith('Verse')]
    assert [len(s.lines) for s in verses] == [len(s.lines) for s in old]
    assert all(set(s.lines).isdisjoint(o.lines) for s, o in zip(verses, old, strict=True))
    new_words = words_in(' '.join(line for s in verses for line in s.lines))
    assert sum(w in bank for w in new_words) >= 6
    assert [(s.name, len(s.lines)) for s in after.sections] == [(s.name, len(s.lines)) for s in start.sections]
    assert lines_of(after, 'Chorus') == lines_of(start, 'Chorus')
    assert rhyme_rate(after) >= 0.8
    assert message.startswith(f'Made it {"darker" if mood == "dark" else "happier"}')


def test_refine_adds_a_bridge_before_the_last_chorus_and_only_one(song: Lyrics) -> None:
    plain = Lyrics(song.title, tuple(s for s in song.sections if s.name != 'Bridge'))
    after, message = refine(plain, 'add a bridge')
    assert names(after)[-3:] == ['Bridge', 'Chorus', 'Outro']
    assert len(lines_of(after, 'Bridge')) == 4 and rhyme_rate(Lyrics('', (after.sections[-3],))) == 1.0
    assert 'before the last chorus' in message
    assert unchanged_except(plain, after, 'Bridge')
    again, message = refine(after, 'the song needs a bridge')
    assert again == after and 'already' in message


@pytest.mark.parametrize(('instruction', 'gone', 'message'), [
    ('remove verse 2', ['Verse 2'], 'Removed verse 2.'),
    ('delete the second verse', ['Verse 2'], 'Removed verse 2.'),
    ('remove the intro', ['Intro'], 'Removed the intro.'),
    ('Remove the chorus', ['Chorus'], 'Removed the chorus (both times it comes round).'),
])
def test_refine_removes_a_named_section(song: Lyrics, instruction: str, gone: list[str], message: str) -> None:
    after, said = refine(song, instruction)
    assert said == message
    assert names(after) == [name for name in names(song) if name not in gone]
    assert unchanged_except(song, after, *gone)


def test_refine_removes_the_bridge_and_says_when_there_is_none(song: Lyrics) -> None:
    with_bridge, _ = refine(song, 'add a bridge')
    after, message = refine(with_bridge, 'remove the bridge')
    assert after == song and message == 'Removed the bridge.'
    again, message = refine(after, 'remove the bridge')
    assert again == song and 'no bridge' in message and 'Verse 1' in message


@pytest.mark.parametrize(('instruction', 'old', 'new'), [
    ('replace summer with winter', 'summer', 'winter'),
    ('change "Lagos" to "Accra"', 'Lagos', 'Accra'),
    ("Replace 'summer' with 'winter'.", 'summer', 'winter'),
    ('swap Lagos for accra', 'Lagos', 'accra'),
])
def test_refine_replaces_whole_words_keeping_their_case(song: Lyrics, instruction: str, old: str, new: str) -> None:
    count = sum(len(re.findall(rf'\b{old}\b', line, re.IGNORECASE)) for s in song.sections for line in s.lines)
    after, message = refine(song, instruction)
    assert count > 1 and message == f'Replaced "{old}" with "{new}" in {count} places.'
    text = after.text()
    assert not re.search(rf'\b{old}\b', text, re.IGNORECASE)
    assert names(after) == names(song)
    if old == 'summer':
        assert 'winter' in text and 'Winter' in after.title
    else:
        assert 'Accra' in text and 'accra' not in text


def test_refine_replace_is_whole_word_and_reports_no_match_plainly() -> None:
    lyrics = Lyrics('Night', (Section('Verse 1', ('Night after night', 'NIGHT falls tonight', 'nights and night')),))
    after, message = refine(lyrics, 'replace night with day')
    assert after.sections[0].lines == ('Day after day', 'DAY falls tonight', 'nights and day')
    assert message == 'Replaced "night" with "day" in 4 places.'
    same, message = refine(lyrics, 'replace "xyzzy" with "plugh"')
    assert same == lyrics and message == 'Nothing matched "xyzzy", so the lyrics are unchanged.'


@pytest.mark.parametrize(('instruction', 'name'), [('rewrite verse 1', 'Verse 1'),
                                                   ('Rewrite the second verse', 'Verse 2'),
                                                   ('redo verse two', 'Verse 2')])
def test_refine_rewrites_a_verse_with_new_rhyming_lines(song: Lyrics, instruction: str, name: str) -> None:
    after, message = refine(song, instruction, genre='hip hop', bpm=92)
    old, new = lines_of(song, name), lines_of(after, name)
    assert len(new) == len(old) and set(new).isdisjoint(old)
    assert rhyme_rate(Lyrics('', (Section(name, new),))) == 1.0
    assert message == f'Rewrote {name.lower()}: {len(old)} new lines.'
    assert unchanged_except(song, after, name)


def test_refine_says_plainly_what_it_cannot_do(song: Lyrics) -> None:
    for instruction in ('make me a sandwich', 'translate it to French', '', 'less rhymes'):
        result = refine_lyrics(song, instruction, seed=1)
        assert not result.understood and result.lyrics is None
        assert 'I can' in result.message
        for skill in ('shorter', 'rhymes', 'darker', 'happier', 'bridge', 'remove', 'replace', 'rewrite'):
            assert skill in result.message


def test_refine_works_on_typed_lyrics_and_keeps_what_it_was_not_asked_to_change() -> None:
    typed = parse_lyrics(TYPED)
    assert names(typed) == ['Verse 1', 'Chorus', 'Verse 2', 'Chorus']
    after, _ = refine(typed, 'rewrite verse 2')
    assert unchanged_except(typed, after, 'Verse 2') and len(lines_of(after, 'Verse 2')) == 4
    after, _ = refine(typed, 'make it darker')
    assert lines_of(after, 'Chorus') == lines_of(typed, 'Chorus') and names(after) == names(typed)
    after, message = refine(typed, 'add a bridge')
    assert names(after) == ['Verse 1', 'Chorus', 'Verse 2', 'Bridge', 'Chorus']
    after, message = refine(typed, 'shorter chorus')
    assert [len(s.lines) for s in after.sections] == [4, 2, 4, 2]
    assert 'Come back home, come back home' in lines_of(after, 'Chorus')
    after, message = refine(typed, 'remove verse 3')
    assert after == typed and 'no verse 3' in message
    after, message = refine(typed, 'remove the verse')
    assert after == typed and 'which one' in message


def test_refine_with_a_seed_is_repeatable(song: Lyrics) -> None:
    first = refine_lyrics(song, 'rewrite verse 1', seed=5)
    assert refine_lyrics(song, 'rewrite verse 1', seed=5) == first
    assert refine_lyrics(song, 'rewrite verse 1').lyrics != refine_lyrics(song, 'rewrite verse 1').lyrics
