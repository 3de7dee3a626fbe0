import time
from pathlib import Path

import pytest

from liab.config import get_settings
from liab.errors import BadInput
from liab.providers.transcribe import transcribe
from tests.fakes.openai_server import FakeOpenAI
from tests.speech import speak

pytest_plugins = ['tests.fakes.openai_server']

SENTENCE = 'one two three four five six seven eight nine ten please call me when you get back to the city'
SHORT = 'one two three four five'
# eSpeak NG's 'f5' variant at 150 words a minute is the voice PocketSphinx's en-US model hears best of those tried
# (REFERENCE.md: with the default voice it got most words wrong).
VOICE = 'en-us+f5'
MAX_WER = 0.3  # offline transcripts are rough drafts; this clear, slow clip must still come out mostly right


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance (substitutions, insertions, deletions) over the reference's length."""
    wanted, heard = reference.lower().split(), hypothesis.lower().split()
    previous = list(range(len(heard) + 1))
    for row, word in enumerate(wanted, 1):
        current = [row] + [0] * len(heard)
        for column, other in enumerate(heard, 1):
            current[column] = min(previous[column] + 1, current[column - 1] + 1,
                                  previous[column - 1] + (word != other))
        previous = current
    return previous[-1] / len(wanted)


@pytest.fixture(scope='module')
def speech(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp('speech')
    return {'sentence': speak(SENTENCE, folder / 'sentence.wav', voice=VOICE),
            'short': speak(SHORT, folder / 'short.wav', voice=VOICE)}


def test_word_error_rate_counts_edits_per_reference_word() -> None:
    assert word_error_rate('a b c d', 'a b c d') == 0
    assert word_error_rate('a b c d', 'a x c') == 0.5
    assert word_error_rate('a b', 'a b c d') == 1.0


def test_offline_transcription_of_clear_speech_is_a_rough_draft_within_the_stated_error_rate(
        speech: dict[str, Path]) -> None:
    transcript = transcribe(speech['sentence'])

    assert (transcript.provider, transcript.rough, transcript.notice) == ('pocketsphinx', True, None)
    assert word_error_rate(SENTENCE, transcript.text) <= MAX_WER, transcript.text


def test_openai_transcribes_with_whisper_1_when_a_key_is_set(fake_openai: FakeOpenAI,
                                                             speech: dict[str, Path]) -> None:
    fake_openai.transcript = '  One, two, three,\nfour, five. '

    transcript = transcribe(speech['short'], language='de')

    assert (transcript.text, transcript.provider, transcript.rough, transcript.notice) == (
        'One, two, three, four, five.', 'openai', False, None)
    request = fake_openai.requests[-1]
    assert request['path'] == '/v1/audio/transcriptions'
    assert request['authorization'] == 'Bearer sk-test-fake'
    assert request['form']['model'] == 'whisper-1' and request['form']['language'] == 'de'
    assert request['form']['file'] == {'filename': 'audio.wav', 'size': speech['short'].stat().st_size}


@pytest.mark.parametrize(('mode', 'reason'), [('error', 'HTTP 500'), ('malformed', 'could not read'),
                                              ('slow', 'in time')])
def test_a_failing_service_falls_back_to_pocketsphinx_with_a_notice(fake_openai: FakeOpenAI, speech: dict[str, Path],
                                                                    mode: str, reason: str) -> None:
    fake_openai.mode = mode
    started = time.monotonic()

    transcript = transcribe(speech['short'])

    assert transcript.provider == 'pocketsphinx' and transcript.rough
    assert reason in transcript.notice and 'PocketSphinx' in transcript.notice
    assert word_error_rate(SHORT, transcript.text) <= MAX_WER, transcript.text
    assert fake_openai.requests and time.monotonic() - started < 15


def test_the_pocketsphinx_setting_keeps_transcription_offline_even_with_a_key(
        fake_openai: FakeOpenAI, speech: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_TRANSCRIBE_PROVIDER', 'pocketsphinx')
    get_settings.cache_clear()

    transcript = transcribe(speech['short'])

    assert (transcript.provider, transcript.notice) == ('pocketsphinx', None)
    assert fake_openai.requests == []


def test_asking_for_openai_without_a_key_says_so(speech: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_TRANSCRIBE_PROVIDER', 'openai')
    get_settings.cache_clear()

    transcript = transcribe(speech['short'])

    assert transcript.provider == 'pocketsphinx' and 'OPENAI_API_KEY is not set' in transcript.notice


def test_offline_other_languages_give_an_empty_draft_with_a_notice(speech: dict[str, Path]) -> None:
    transcript = transcribe(speech['short'], language='fr')

    assert (transcript.text, transcript.provider, transcript.rough) == ('', 'pocketsphinx', True)
    assert 'English only' in transcript.notice


def test_a_file_that_is_not_audio_is_refused(tmp_path: Path) -> None:
    (tmp_path / 'audio.wav').write_bytes(b'#EXTM3U\nhttp://127.0.0.1:9/x\n')

    with pytest.raises(BadInput):
        transcribe(tmp_path / 'audio.wav')
