import dataclasses
import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from liab import art
from liab.config import get_settings
from liab.providers import images
from tests.fakes.openai_server import FakeOpenAI

pytest_plugins = ['tests.fakes.openai_server']

FIELDS = {'title': 'Paper Planes', 'artist': 'Zoë', 'genre': 'pop', 'mood': 'happy', 'seed': 9}
STEEL = np.array([32, 160, 200], np.float32)  # the mean colour of the fake server's default picture


def _fields(service: images.OpenAIService | None) -> dict:
    return {**FIELDS, 'openai': dataclasses.astuple(service) if service else None}


def _mean_colour(path: str) -> np.ndarray:
    with Image.open(path) as cover:
        return np.asarray(cover.resize((32, 32), Image.Resampling.BOX), np.float32).reshape(-1, 3).mean(axis=0)


def test_covers_come_from_the_image_service_with_our_type_on_top(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    service = images.image_service()
    assert service is not None and service.model == 'gpt-image-1'
    results = art.candidates_job(_fields(service), str(tmp_path), progress=lambda *_: None)
    assert [result['source'] for result in results] == [{'kind': 'service', 'name': 'openai'}] * 3
    assert all(result['notice'] is None for result in results)
    for result in results:
        with Image.open(result['path']) as cover:
            assert cover.size == (3000, 3000) and cover.mode == 'RGB' and 'icc_profile' not in cover.info
        assert np.abs(_mean_colour(result['path']) - STEEL).max() < 40  # the service's picture, lettered
    requests = [request for request in fake_openai.requests if request['path'] == '/v1/images/generations']
    assert len(requests) == 3 and requests[0]['authorization'] == 'Bearer sk-test-fake'
    body = requests[0]['body']
    assert body['model'] == 'gpt-image-1' and body['size'] == '1024x1024' and 'response_format' not in body
    # The service paints only: it is told to leave out text and never sees the title or the artist.
    assert 'no text' in body['prompt'] and 'happy pop' in body['prompt']
    assert 'Paper Planes' not in body['prompt'] and 'Zoë' not in body['prompt']


def test_the_image_model_is_a_setting_and_dall_e_is_asked_for_base64(fake_openai: FakeOpenAI,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_OPENAI_IMAGE_MODEL', 'dall-e-3')
    get_settings.cache_clear()
    service = images.image_service()
    assert service is not None and service.model == 'dall-e-3'
    written = images.artwork(service, title='A', artist='B', genre='r&b', mood='romantic', seed=1, size=600)
    assert written.provider == 'openai' and written.value.size == (600, 600)
    body = fake_openai.requests[-1]['body']
    assert body['model'] == 'dall-e-3' and body['response_format'] == 'b64_json'


def test_without_a_key_or_with_the_local_choice_covers_stay_local(fake_openai: FakeOpenAI,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_IMAGES_PROVIDER', 'local')
    get_settings.cache_clear()
    assert images.image_service() is None
    monkeypatch.delenv('LIAB_IMAGES_PROVIDER')
    monkeypatch.delenv('OPENAI_API_KEY')
    get_settings.cache_clear()
    assert images.image_service() is None
    written = images.artwork(None, title='A', artist='B', genre='trap', mood='dark', seed=4, size=400)
    assert written.provider == 'local' and written.notice is None
    assert written.value.tobytes() == art.make_cover(title='A', artist='B', genre='trap', mood='dark', seed=4,
                                                     size=400).tobytes()
    assert fake_openai.requests == []


@pytest.mark.parametrize(('mode', 'reason'), [('malformed', 'not a usable picture'), ('error', 'HTTP 500'),
                                              ('slow', 'in time')])
def test_a_failing_image_service_falls_back_to_the_local_generator_with_a_notice(fake_openai: FakeOpenAI, mode: str,
                                                                                reason: str) -> None:
    fake_openai.mode = mode
    started = time.monotonic()
    written = images.artwork(images.image_service(), title='A', artist='B', genre='house', mood='chill', seed=3,
                             size=400)
    assert written.provider == 'local'
    assert reason in written.notice and 'local cover generator' in written.notice
    assert written.value.tobytes() == art.make_cover(title='A', artist='B', genre='house', mood='chill', seed=3,
                                                     size=400).tobytes()
    assert time.monotonic() - started < 8  # one retry, 1 s timeouts


@pytest.mark.parametrize('answer', ['text', 'truncated', 'bomb'])
def test_a_picture_from_the_service_is_checked_like_an_upload(fake_openai: FakeOpenAI, answer: str) -> None:
    from tests.services.test_cover_art import _bomb_png

    picture = io.BytesIO()
    Image.new('RGB', (1024, 1024), (200, 30, 30)).save(picture, 'PNG')
    fake_openai.image = {'text': b'<svg onload="alert(1)"></svg>', 'truncated': picture.getvalue()[:2000],
                         'bomb': _bomb_png()}[answer]
    written = images.artwork(images.image_service(), title='A', artist='B', genre='lo-fi', mood='sad', seed=2,
                             size=400)
    assert written.provider == 'local' and 'not a usable picture' in written.notice


def test_after_one_failure_the_job_does_not_wait_for_the_service_again(fake_openai: FakeOpenAI,
                                                                       tmp_path: Path) -> None:
    fake_openai.mode = 'error'
    results = art.candidates_job(_fields(images.image_service()), str(tmp_path), progress=lambda *_: None)
    assert [result['source']['kind'] for result in results] == ['local'] * 3
    assert all('HTTP 500' in result['notice'] for result in results)
    assert len({Path(result['path']).read_bytes() for result in results}) == 3
    assert len(fake_openai.requests) == 2  # the first attempt and its one retry; the next two covers did not ask


def test_a_non_square_picture_from_the_service_is_cropped_to_its_centre(fake_openai: FakeOpenAI) -> None:
    wide = Image.new('RGB', (1536, 1024), (0, 0, 0))
    wide.paste((250, 250, 250), (256, 0, 1280, 1024))  # white exactly where the centre square is
    buffer = io.BytesIO()
    wide.save(buffer, 'PNG')
    fake_openai.image = buffer.getvalue()
    picture = images.generate_art(images.image_service(), genre='pop', mood='happy', seed=1)
    assert picture.size == (1024, 1024) and np.asarray(picture).min() >= 240
