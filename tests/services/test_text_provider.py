import time

import pytest

from liab.config import get_settings
from liab.providers import text
from liab.writers.lyrics import Lyrics, Section
from tests.fakes.openai_server import FakeOpenAI

pytest_plugins = ['tests.fakes.openai_server']

SONG = {'title': 'Paper Planes', 'sections': [
    {'name': 'Verse 1', 'lines': ['I folded every letter into wings', 'and sent them over all the little things']},
    {'name': 'Chorus', 'lines': ['Paper planes across the sky', 'paper planes, we learn to fly']}]}


def test_lyrics_come_from_the_openai_compatible_server_with_a_strict_json_schema(fake_openai: FakeOpenAI) -> None:
    fake_openai.content = SONG
    written = text.write_lyrics(genre='pop', mood='happy', theme='letters to my younger self', bpm=100)
    assert written.provider == 'openai' and written.notice is None
    assert written.value.title == 'Paper Planes'
    assert written.value.sections[1].lines == ('Paper planes across the sky', 'paper planes, we learn to fly')
    request = fake_openai.requests[-1]
    assert request['path'] == '/v1/chat/completions'
    assert request['authorization'] == 'Bearer sk-test-fake'
    body = request['body']
    assert body['model'] == 'gpt-4o-mini'
    assert body['response_format']['type'] == 'json_schema'
    assert body['response_format']['json_schema']['strict'] is True
    prompt = body['messages'][-1]['content']
    assert 'letters to my younger self' in prompt and 'pop' in prompt and '100 BPM' in prompt


def test_the_model_setting_is_sent(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_OPENAI_MODEL', 'llama-3.1-8b-instruct')
    get_settings.cache_clear()
    fake_openai.content = SONG
    text.write_lyrics(genre='trap', mood='dark')
    assert fake_openai.requests[-1]['body']['model'] == 'llama-3.1-8b-instruct'


@pytest.mark.parametrize(('mode', 'reason'), [('malformed', 'valid JSON'), ('error', 'HTTP 500'),
                                              ('slow', 'in time')])
def test_a_failing_service_falls_back_to_the_local_writer_with_a_notice(fake_openai: FakeOpenAI, mode: str,
                                                                       reason: str) -> None:
    fake_openai.mode = mode
    started = time.monotonic()
    written = text.write_lyrics(genre='hip hop', mood='energetic', theme='first show in my city', seed=4)
    assert written.provider == 'local'
    assert reason in written.notice and 'local writer' in written.notice
    assert len(written.value.sections) >= 4 and written.value.text().count('\n') > 10
    assert written.value.text() == text.local_lyrics.write_lyrics(genre='hip hop', mood='energetic',
                                                                  theme='first show in my city', seed=4).text()
    assert time.monotonic() - started < 8  # one retry, 1 s timeouts: an offline service never holds a user long
    assert len(fake_openai.requests) >= 1


def test_an_answer_in_the_wrong_shape_counts_as_a_failure(fake_openai: FakeOpenAI) -> None:
    fake_openai.content = {'title': 'x', 'sections': 'not a list'}
    written = text.write_lyrics(genre='pop', mood='sad')
    assert written.provider == 'local' and 'unexpected shape' in written.notice
    fake_openai.content = {'title': 'x', 'sections': []}
    assert 'empty' in text.write_lyrics(genre='pop', mood='sad').notice


def test_an_unreachable_server_falls_back_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import free_port

    monkeypatch.setenv('OPENAI_API_KEY', 'sk-test')
    monkeypatch.setenv('OPENAI_BASE_URL', f'http://127.0.0.1:{free_port()}/v1')
    monkeypatch.setenv('LIAB_OPENAI_RETRIES', '0')
    get_settings.cache_clear()
    written = text.write_lyrics(genre='drill', mood='aggressive')
    assert written.provider == 'local' and 'could not be reached' in written.notice


def test_without_a_key_or_with_the_local_choice_nothing_goes_out(fake_openai: FakeOpenAI,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_TEXT_PROVIDER', 'local')
    get_settings.cache_clear()
    written = text.write_lyrics(genre='R&B', mood='romantic')
    assert written.provider == 'local' and written.notice is None
    assert fake_openai.requests == []


def test_refine_through_the_service_and_its_plain_refusal(fake_openai: FakeOpenAI) -> None:
    song = Lyrics('Paper Planes', (Section('Chorus', ('Paper planes across the sky', 'we learn to fly')),))
    fake_openai.content = {'understood': True, 'message': 'Made the chorus longer.',
                           'lyrics': {**SONG, 'sections': [*SONG['sections'], {'name': 'Outro', 'lines': ['fly']}]}}
    refined = text.refine_lyrics(song, 'add an outro', history=['Wrote happy pop'])
    assert refined.provider == 'openai' and refined.value.understood
    assert refined.value.lyrics.sections[-1].name == 'Outro'
    prompt = fake_openai.requests[-1]['body']['messages'][-1]['content']
    assert 'add an outro' in prompt and 'Wrote happy pop' in prompt and 'Paper planes across the sky' in prompt
    fake_openai.content = {'understood': False, 'message': 'I cannot bake a cake.', 'lyrics': SONG}
    refused = text.refine_lyrics(song, 'bake me a cake')
    assert not refused.value.understood and refused.value.lyrics is None
    assert refused.value.message == 'I cannot bake a cake.'


def test_refine_falls_back_to_the_local_refiner(fake_openai: FakeOpenAI) -> None:
    fake_openai.mode = 'error'
    song = text.local_lyrics.write_lyrics(genre='pop', mood='happy', theme='summer', seed=3)
    refined = text.refine_lyrics(song, 'make the chorus shorter', genre='pop', mood='happy', seed=3)
    assert refined.provider == 'local' and 'HTTP 500' in refined.notice
    assert refined.value.understood
