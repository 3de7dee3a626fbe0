import base64
import itertools
import json
import socket
import time
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
import requests
from requests.adapters import HTTPAdapter

from liab.audio import io
from liab.config import get_settings
from liab.providers import speech
from liab.services.voice import PERSONAS

LINE = 'Creating a chill beat for you. I am here, and this is your track.'
RATE = 22050


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch):
    def choose(name: str, **settings: str) -> None:
        monkeypatch.setenv('LIAB_SPEECH_PROVIDER', name)
        for key, value in settings.items():
            monkeypatch.setenv(f'LIAB_{key.upper()}', value)
        get_settings.cache_clear()

    return choose


class FakeTransport:
    """Stands in for the network under requests: every request is recorded, then answered or refused."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer=None) -> None:
        self.requests: list[tuple[requests.PreparedRequest, dict]] = []
        self.answer = answer

        def send(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs) -> requests.Response:
            self.requests.append((request, kwargs))
            if self.answer is None:
                raise requests.ConnectionError('network is unreachable')
            status, body = self.answer(request)
            response = requests.Response()
            response.status_code, response.raw, response.url = status, BytesIO(body), request.url
            response.request = request
            return response

        monkeypatch.setattr(HTTPAdapter, 'send', send)


def test_each_persona_speaks_offline_in_its_own_voice_measured_by_pitch_and_pace(
        tmp_path: Path, provider, capsys: pytest.CaptureFixture[str]) -> None:
    provider('espeak')
    measured = {}
    for persona in PERSONAS:
        spoken = speech.synthesize(persona, LINE, tmp_path / f'{persona}.mp3')
        assert spoken.provider == 'espeak' and spoken.notice is None
        assert spoken.path.read_bytes()[:3] == b'ID3' or spoken.path.read_bytes()[0] == 0xFF
        samples, _ = io.decode(spoken.path, sample_rate=RATE, channels=1, input_format='mp3')
        measured[persona] = (_median_pitch(samples[:, 0]), _speech_seconds(samples[:, 0]))
    with capsys.disabled():
        print('\npersona  pitch(Hz)  speech(s)')
        for persona, (pitch, seconds) in measured.items():
            print(f'{persona:8} {pitch:9.0f} {seconds:10.2f}')
    for (one, (pitch_a, _)), (two, (pitch_b, _)) in itertools.combinations(measured.items(), 2):
        ratio = max(pitch_a, pitch_b) / min(pitch_a, pitch_b)
        assert ratio >= 1.12, f'{one} ({pitch_a:.0f} Hz) and {two} ({pitch_b:.0f} Hz) sound alike'
    paces = [seconds for _, seconds in measured.values()]
    assert max(paces) / min(paces) > 1.3  # slow Tone to quick Pulse


def test_gtts_that_cannot_connect_falls_back_to_espeak_at_once_and_is_then_skipped_for_a_while(
        tmp_path: Path, provider, monkeypatch: pytest.MonkeyPatch) -> None:
    provider('auto', gtts_retry_after_s='0')  # whatever failed before this test, Google is asked now
    transport = FakeTransport(monkeypatch)
    started = time.monotonic()
    first = speech.synthesize('Nova', 'Upload complete', tmp_path / 'one.mp3')
    assert time.monotonic() - started < 2
    assert first.provider == 'espeak' and 'could not be reached' in (first.notice or '')
    assert len(transport.requests) == 1
    provider('auto', gtts_retry_after_s='300')
    second = speech.synthesize('Nova', 'Upload complete again', tmp_path / 'two.mp3')
    assert second.provider == 'espeak' and len(transport.requests) == 1  # no second wait on the network
    provider('auto', gtts_retry_after_s='0')
    speech.synthesize('Nova', 'And once more', tmp_path / 'three.mp3')
    assert len(transport.requests) == 2


def test_a_proxy_that_refuses_connections_falls_back_quickly(tmp_path: Path, provider,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    provider('gtts', gtts_retry_after_s='0', gtts_timeout_s='1')
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv('HTTPS_PROXY', f'http://127.0.0.1:{closed}')
    monkeypatch.delenv('NO_PROXY', raising=False)
    monkeypatch.delenv('no_proxy', raising=False)
    started = time.monotonic()
    spoken = speech.synthesize('Tone', 'Mixing and mastering your track. One moment.', tmp_path / 'line.mp3')
    assert time.monotonic() - started < 3
    assert spoken.provider == 'espeak' and spoken.path.stat().st_size > 1000


def test_google_voice_is_asked_with_the_personas_accent_over_verified_tls_and_used(
        tmp_path: Path, provider, monkeypatch: pytest.MonkeyPatch) -> None:
    provider('auto', gtts_retry_after_s='0', gtts_timeout_s='2.5')
    mp3 = _tone_mp3(tmp_path)
    transport = FakeTransport(monkeypatch, lambda _request: (200, _gtts_answer(mp3)))
    spoken = speech.synthesize('Lyrica', 'Here are your lyrics', tmp_path / 'line.mp3')
    assert spoken.provider == 'gtts' and spoken.notice is None
    assert spoken.path.read_bytes() == mp3
    request, options = transport.requests[0]
    assert request.url == 'https://translate.google.co.uk/_/TranslateWebserverUi/data/batchexecute'
    assert 'Here+are+your+lyrics' in request.body or 'Here%20are%20your%20lyrics' in request.body
    assert options['verify'] not in {False, None} and options['timeout'] == (2.5, 2.5)  # True or a CA bundle
    assert {speech.VOICES[p].tld for p in PERSONAS} == {'us', 'co.uk', 'com.au', 'ca', 'co.in', 'ie', 'co.za'}


@pytest.mark.parametrize(('status', 'body'), [
    (429, b'Too Many Requests'),
    (200, b")]}'\n\n[[\"wrb.fr\",\"jQ1olc\",null,null,null,[3],\"generic\"]]"),
    (200, None),  # audio that is not MP3
])
def test_a_google_answer_without_usable_audio_falls_back_to_espeak(
        tmp_path: Path, provider, monkeypatch: pytest.MonkeyPatch, status: int, body: bytes | None) -> None:
    provider('auto', gtts_retry_after_s='0')
    answer = body if body is not None else _gtts_answer(b'<html>not audio</html>' * 10)
    FakeTransport(monkeypatch, lambda _request: (status, answer))
    spoken = speech.synthesize('Aria', 'Generating cover art...', tmp_path / 'line.mp3')
    assert spoken.provider == 'espeak' and spoken.notice and spoken.notice.endswith('The offline voice spoke instead.')


def test_a_line_of_only_punctuation_is_spoken_offline_without_blaming_google(
        tmp_path: Path, provider, monkeypatch: pytest.MonkeyPatch) -> None:
    provider('auto', gtts_retry_after_s='0')
    mp3 = _tone_mp3(tmp_path)
    transport = FakeTransport(monkeypatch, lambda _request: (200, _gtts_answer(mp3)))
    assert speech.synthesize('Echo', 'Ready', tmp_path / 'ready.mp3').provider == 'gtts'  # clears earlier failures
    provider('auto', gtts_retry_after_s='300')
    assert speech.synthesize('Echo', '...', tmp_path / 'dots.mp3').provider == 'espeak'
    assert len(transport.requests) == 1
    assert speech.synthesize('Echo', 'Hello', tmp_path / 'hello.mp3').provider == 'gtts'  # Google not skipped


def test_the_local_choice_never_touches_the_network(tmp_path: Path, provider,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    provider('espeak')
    transport = FakeTransport(monkeypatch)
    assert speech.synthesize('Vee', 'Generating video idea...', tmp_path / 'line.mp3').provider == 'espeak'
    assert transport.requests == []


def _gtts_answer(mp3: bytes) -> bytes:
    """Google's batchexecute answer, shaped as gTTS reads it."""
    audio = json.dumps([base64.b64encode(mp3).decode()])
    payload = json.dumps([['wrb.fr', 'jQ1olc', audio, None, None, None, 'generic']], separators=(',', ':'))
    return f")]}}'\n\n{len(payload)}\n{payload}\n".encode()


def _tone_mp3(folder: Path) -> bytes:
    t = np.arange(RATE // 2) / RATE
    wav = io.write_wav((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)[:, None], RATE, folder / 'tone.wav')
    return io.encode_mp3(wav, folder / 'tone.mp3', bitrate='64k').read_bytes()


def _median_pitch(samples: np.ndarray, rate: int = RATE) -> float:
    """Median fundamental frequency of the voiced 40 ms frames, by normalised autocorrelation (60 to 400 Hz)."""
    frame, hop = int(0.04 * rate), int(0.01 * rate)
    low, high = rate // 400, rate // 60
    found = []
    loudness = np.sqrt(np.mean(samples ** 2))
    for start in range(0, samples.size - frame, hop):
        chunk = samples[start:start + frame] - samples[start:start + frame].mean()
        if np.sqrt(np.mean(chunk ** 2)) < 0.5 * loudness:
            continue
        corr = np.correlate(chunk, chunk, 'full')[frame - 1:]
        lag = low + int(np.argmax(corr[low:high]))
        if corr[0] > 0 and corr[lag] / corr[0] > 0.5:
            found.append(rate / lag)
    assert len(found) > 20, 'too few voiced frames to measure'
    return float(np.median(found))


def _speech_seconds(samples: np.ndarray, rate: int = RATE) -> float:
    """From the first to the last loud 10 ms (the end pause and the encoder's padding do not count)."""
    hop = rate // 100
    levels = np.array([np.abs(samples[i:i + hop]).max() for i in range(0, samples.size - hop, hop)])
    loud = np.flatnonzero(levels > 0.05 * levels.max())
    return (loud[-1] - loud[0] + 1) / 100
