import re

import pytest

from liab.providers import text
from liab.writers.content import TextPack, VideoIdea, hashtag, normalise_hashtags, write_text_pack, write_video_ideas
from tests.fakes.openai_server import FakeOpenAI

pytest_plugins = ['tests.fakes.openai_server']

HARBOUR = {'title': 'Harbour Lights', 'artist': 'Ama Lune', 'mood': 'happy', 'genre': 'afrobeats', 'bpm': 104,
           'lyrics': '[Verse 1]\nStreetlights hum along the harbour road\n'
                     'Lagos in the rear-view, summer on the dash\n\n[Chorus]\nHold the summer, never let it go\n'
                     'Summer in my chest, the harbour lights below\n'}
GLASS = {'title': 'Glass Winter', 'artist': 'Nils Oren', 'mood': 'dark', 'genre': 'trap',
         'lyrics': '[Chorus]\nCold glass on a silent avenue\nEvery window keeps a ghost of you\n\n'
                   '[Verse 1]\nSodium light across the frozen yard\nI count the trains until the night gets hard\n'}
TAG = re.compile(r'^#\w+$')


def lines_of(song: dict) -> list[str]:
    return [line for line in song['lyrics'].splitlines() if line and not line.startswith('[')]


def all_text(idea: VideoIdea) -> str:
    return ' '.join((idea.idea, idea.hook, idea.script, idea.visual))


def test_several_ideas_in_one_request_all_differ() -> None:
    ideas = write_video_ideas(HARBOUR, count=5, seed=3)
    assert len(ideas) == 5
    for field in ('idea', 'hook', 'script', 'visual'):
        assert len({getattr(i, field) for i in ideas}) == 5, field
    for idea in ideas:
        assert all(part.strip() for part in (idea.idea, idea.hook, idea.script, idea.visual))
        assert re.search(r'\b0-\d+ s: ', idea.script)


def test_ideas_quote_the_songs_own_lines_and_title() -> None:
    ideas = write_video_ideas(HARBOUR, count=4, seed=8)
    quoted = [idea for idea in ideas if any(f'\u201c{line}\u201d' in all_text(idea) for line in lines_of(HARBOUR))]
    assert len(quoted) >= 2
    assert sum('Harbour Lights' in all_text(idea) for idea in ideas) >= 2


def test_two_songs_get_different_ideas() -> None:
    for seed in range(5):
        harbour = write_video_ideas(HARBOUR, count=3, seed=seed)
        glass = write_video_ideas(GLASS, count=3, seed=seed)
        assert {i.idea for i in harbour}.isdisjoint(i.idea for i in glass)
        assert not any(line in all_text(i) for i in harbour for line in lines_of(GLASS))
        assert not any(line in all_text(i) for i in glass for line in lines_of(HARBOUR))


def test_the_same_seed_gives_the_same_ideas_and_pack() -> None:
    assert write_video_ideas(HARBOUR, count=3, seed=11) == write_video_ideas(HARBOUR, count=3, seed=11)
    assert write_text_pack(GLASS, seed=5) == write_text_pack(GLASS, seed=5)
    assert len({write_video_ideas(HARBOUR, seed=s)[0].idea for s in range(8)}) >= 5


def test_a_count_out_of_range_is_refused() -> None:
    for count in (0, 11, True, 2.5):
        with pytest.raises(ValueError):
            write_video_ideas(HARBOUR, count=count)  # type: ignore[arg-type]


def assert_pack_shape(pack: TextPack) -> None:
    assert len(pack.captions) == 3 and len(set(pack.captions)) == 3
    assert all(60 < len(c) <= 2200 for c in pack.captions)
    assert 5 <= len(pack.hashtags) <= 10
    assert all(TAG.match(tag) for tag in pack.hashtags), pack.hashtags
    assert len({t.lower() for t in pack.hashtags}) == len(pack.hashtags)
    assert len(pack.hooks) == 3 and len(set(pack.hooks)) == 3 and all(len(h) > 20 for h in pack.hooks)
    assert pack.posting_strategy.endswith('.') and pack.posting_strategy.count('. ') == 0
    assert len(pack.ideas) == 3 and len({i.idea for i in pack.ideas}) == 3


@pytest.mark.parametrize('seed', range(6))
def test_the_text_pack_has_the_spec_shape(seed: int) -> None:
    pack = write_text_pack(HARBOUR if seed % 2 else GLASS, seed=seed)
    assert_pack_shape(pack)
    song = HARBOUR if seed % 2 else GLASS
    assert f'#{song["title"].replace(" ", "")}' in pack.hashtags
    assert any(song['title'] in c for c in pack.captions)


def test_text_packs_for_two_songs_differ() -> None:
    harbour, glass = write_text_pack(HARBOUR, seed=1), write_text_pack(GLASS, seed=1)
    assert set(harbour.captions).isdisjoint(glass.captions)
    assert set(harbour.hashtags) != set(glass.hashtags)


HOSTILE = [
    {'title': '<script>alert(1)</script><b>Night</b> Drive', 'artist': '**DJ** <i>Zed</i>', 'mood': 'chill',
     'genre': 'lo-fi', 'lyrics': '[Chorus]\n<img src=x onerror=alert(1)>Neon rain on the window pane\n\u202eevil'},
    {'title': '\U0001f525\U0001f525 Fire \U0001f680', 'artist': '\U0001f3a4', 'mood': '\U0001f60e', 'genre': '',
     'lyrics': '[Chorus]\nWe ride \U0001f680 to the moon tonight\n'},
    {'title': 'Long', 'artist': 'A', 'mood': 'sad', 'genre': 'pop',
     'lyrics': '[Verse]\n' + ('word ' * 2000) + '\n' + 'x' * 10000},
    {'title': '\u591c\u306e\u8857', 'artist': '\u0418\u0432\u0430\u043d', 'mood': 'dreamy', 'genre': 'j-pop',
     'lyrics': '[Chorus]\n\u591c\u306e\u8857 \u3092\u6b69\u304f\n'
               '\u0422\u0438\u0445\u0438\u0439 \u0433\u043e\u0440\u043e\u0434 \u0441\u043f\u0438\u0442'},
    {'title': None, 'artist': None, 'lyrics': None, 'mood': None, 'genre': None},
    {},
]


@pytest.mark.parametrize('song', HOSTILE)
def test_hostile_or_missing_input_still_gives_a_clean_pack(song: dict) -> None:
    pack = write_text_pack(song, seed=2)
    assert_pack_shape(pack)
    texts = [*pack.captions, *pack.hooks, pack.posting_strategy, *(all_text(i) for i in pack.ideas)]
    for written in texts:
        assert '<' not in written and '>' not in written and 'alert' not in written and '\u202e' not in written
        assert 'x' * 100 not in written


def test_non_latin_titles_become_hashtags_and_lines_are_quoted() -> None:
    pack = write_text_pack(HOSTILE[3], seed=4)
    assert '#\u591c\u306e\u8857' in pack.hashtags
    assert any('\u591c\u306e\u8857 \u3092\u6b69\u304f' in all_text(i) or '\u0422\u0438\u0445\u0438\u0439' in all_text(i)
               for i in write_video_ideas(HOSTILE[3], count=3, seed=1))


def test_hashtags_are_normalised() -> None:
    assert hashtag('Paper Planes!') == '#PaperPlanes'
    assert hashtag('#lo-fi') == '#lofi'
    assert hashtag('\U0001f525') is None
    assert normalise_hashtags('#a, b  #A #c\U0001f525 ##') == ('#a', '#b', '#c')
    assert normalise_hashtags(['new music', '#NewMusic']) == ('#NewMusic',)


IDEA = {'idea': 'A rooftop lyric reveal', 'hook': 'Wait for the chorus', 'script': '0-3 s: the line',
        'visual': 'Golden hour'}


def test_video_ideas_come_from_the_text_service(fake_openai: FakeOpenAI) -> None:
    fake_openai.content = {'ideas': [IDEA, {**IDEA, 'idea': 'A <b>POV</b> clip'}]}
    written = text.write_video_ideas(HARBOUR, 2, seed=1)
    assert written.provider == 'openai' and written.notice is None
    assert [i.idea for i in written.value] == ['A rooftop lyric reveal', 'A POV clip']
    body = fake_openai.requests[-1]['body']
    assert body['response_format']['json_schema']['strict'] is True
    prompt = body['messages'][-1]['content']
    assert 'Harbour Lights' in prompt and 'Hold the summer, never let it go' in prompt and '2 different ideas' in prompt


def test_the_text_pack_comes_from_the_text_service(fake_openai: FakeOpenAI) -> None:
    fake_openai.content = {'captions': ['One caption', 'Two caption', 'Three caption'],
                           'hashtags': ['#HarbourLights', 'afrobeats', '#new music', '#summer', '#AmaLune', '#x y'],
                           'hooks': ['Hook one is here', 'Hook two is here', 'Hook three'],
                           'posting_strategy': 'Post daily.', 'ideas': [IDEA, IDEA, IDEA]}
    written = text.write_text_pack(HARBOUR, seed=1)
    assert written.provider == 'openai'
    assert written.value.hashtags == ('#HarbourLights', '#afrobeats', '#NewMusic', '#summer', '#AmaLune', '#XY')
    assert written.value.captions[2] == 'Three caption' and written.value.posting_strategy == 'Post daily.'


@pytest.mark.parametrize('mode', ['malformed', 'error'])
def test_a_failing_service_falls_back_to_the_local_content_writer(fake_openai: FakeOpenAI, mode: str) -> None:
    fake_openai.mode = mode
    ideas = text.write_video_ideas(HARBOUR, 3, seed=7)
    assert ideas.provider == 'local' and 'local writer' in ideas.notice
    assert ideas.value == write_video_ideas(HARBOUR, count=3, seed=7)
    pack = text.write_text_pack(GLASS, seed=7)
    assert pack.provider == 'local' and 'local writer' in pack.notice
    assert pack.value == write_text_pack(GLASS, seed=7)


def test_an_answer_in_the_wrong_shape_falls_back(fake_openai: FakeOpenAI) -> None:
    fake_openai.content = {'ideas': [IDEA]}
    assert text.write_video_ideas(HARBOUR, 3, seed=1).provider == 'local'
    fake_openai.content = {'captions': ['a', 'b', 'c'], 'hashtags': ['#a'], 'hooks': ['x', 'y', 'z'],
                           'posting_strategy': 'p', 'ideas': [IDEA, IDEA, IDEA]}
    written = text.write_text_pack(HARBOUR, seed=1)
    assert written.provider == 'local' and 'unexpected shape' in written.notice


def test_without_a_key_the_local_writer_answers_without_a_notice() -> None:
    written = text.write_text_pack(HARBOUR, seed=3)
    assert written.provider == 'local' and written.notice is None
    assert written.value == write_text_pack(HARBOUR, seed=3)
