"""Transcription: OpenAI's Whisper (or any OpenAI-compatible server) when configured; PocketSphinx offline otherwise.

The outside service is used when OPENAI_API_KEY is set and LIAB_TRANSCRIBE_PROVIDER is not 'pocketsphinx' (as
`liab.providers.active_providers` reports it); its key, base URL, timeout and retries are the text provider's
settings and its model is whisper-1. Any failure falls back to PocketSphinx with a notice saying why.

REFERENCE.md: PocketSphinx's bundled en-US model gets many words wrong, so its transcripts are marked rough: a draft
for the user to correct, never something to publish as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np

from liab.audio import io
from liab.audio.ingest import sniff_format
from liab.config import get_settings
from liab.errors import BadInput, ProviderUnavailable
from liab.providers.text import OpenAIService

TRANSCRIBE_MODEL = 'whisper-1'
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # OpenAI's limit for one transcription request
SPHINX_RATE = 16000  # PocketSphinx's en-US model is trained on 16 kHz speech
OFFLINE = 'PocketSphinx transcribed this offline instead: expect mistakes and correct them.'


@dataclass(frozen=True)
class Transcript:
    text: str
    provider: str  # 'openai' or 'pocketsphinx'
    rough: bool  # True for offline transcripts: a draft for the user to correct
    notice: str | None = None  # why the offline transcriber stood in for the outside service


def transcribe(audio_wav: Path, *, language: str = 'en') -> Transcript:
    """The words spoken or sung in `audio_wav` (ideally 16 kHz mono, as liab.video.ingest extracts it).

    `language` is an ISO 639-1 code passed to the service; the offline transcriber knows English only and
    returns an empty rough transcript with a notice for other languages. BadInput when the file is not audio.
    """
    settings = get_settings()
    service = transcription_service()
    if service is None:
        notice = None
        if settings.transcribe_provider == 'openai':  # asked for, but there is no key
            notice = f'OPENAI_API_KEY is not set. {OFFLINE}'
        return _offline(audio_wav, language, notice)
    try:
        return Transcript(_whisper(service, audio_wav, language), 'openai', rough=False)
    except ProviderUnavailable as exc:
        return _offline(audio_wav, language, f'{exc.message} {OFFLINE}')


def transcription_service() -> OpenAIService | None:
    """The OpenAI-compatible service transcriptions go to, or None when they stay offline."""
    settings = get_settings()
    if settings.transcribe_provider in ('pocketsphinx', 'local') or settings.openai_api_key is None:
        return None
    return OpenAIService(settings.openai_api_key.get_secret_value(), settings.openai_base_url, TRANSCRIBE_MODEL,
                         settings.openai_timeout_s, settings.openai_retries)


def _whisper(service: OpenAIService, audio_wav: Path, language: str) -> str:
    """One transcription request; ProviderUnavailable on any failure, with the reason."""
    import openai  # the SDK takes ~0.3 s to import; only deployments that use it pay for it

    if audio_wav.stat().st_size > MAX_UPLOAD_BYTES:
        raise ProviderUnavailable('The recording is longer than the transcription service takes (25 MB).')
    client = openai.OpenAI(api_key=service.api_key, base_url=service.base_url, timeout=service.timeout_s,
                           max_retries=service.retries)
    try:
        with open(audio_wav, 'rb') as handle:
            answer = client.audio.transcriptions.create(model=service.model, file=('audio.wav', handle, 'audio/wav'),
                                                        language=language, response_format='json')
    except openai.APITimeoutError:
        raise ProviderUnavailable('The transcription service did not answer in time.') from None
    except openai.APIConnectionError:
        raise ProviderUnavailable('The transcription service could not be reached.') from None
    except openai.APIStatusError as exc:
        raise ProviderUnavailable(f'The transcription service answered HTTP {exc.status_code}.') from None
    except (openai.OpenAIError, ValueError):
        raise ProviderUnavailable('The transcription service answered with something we could not read.') from None
    finally:
        client.close()
    text = getattr(answer, 'text', None)
    if not isinstance(text, str):
        raise ProviderUnavailable('The transcription service answered in an unexpected shape.')
    return ' '.join(text.split())


def _offline(audio_wav: Path, language: str, notice: str | None) -> Transcript:
    if language.split('-', maxsplit=1)[0].lower() != 'en':
        reason = 'The offline transcriber knows English only: type the words in yourself.'
        return Transcript('', 'pocketsphinx', rough=True, notice=f'{notice} {reason}' if notice else reason)
    return Transcript(_pocketsphinx(audio_wav), 'pocketsphinx', rough=True, notice=notice)


def _pocketsphinx(audio_wav: Path) -> str:
    """Decode speech with PocketSphinx's bundled en-US model, one stretch of speech (found by its VAD) at a time."""
    from pocketsphinx import Decoder, Segmenter  # loads native code and, per Decoder, a 30 MB model

    with open(audio_wav, 'rb') as handle:
        audio_format = sniff_format(handle.read(64 * 1024))
    if audio_format is None:
        raise BadInput('That recording is not audio we can read.')
    try:
        samples, _ = io.decode(audio_wav, sample_rate=SPHINX_RATE, channels=1, input_format=audio_format)
    except io.AudioError as exc:
        raise BadInput('That recording cannot be read.') from exc
    pcm = (np.clip(samples[:, 0], -1, 1) * 32767).astype('<i2').tobytes()
    # Without the second (flat lexicon) pass decoding takes about a quarter less time, and on eSpeak NG test speech
    # it made no more mistakes.
    decoder = Decoder(samprate=SPHINX_RATE, loglevel='FATAL', fwdflat=False)
    words = []
    for segment in Segmenter(sample_rate=SPHINX_RATE).segment(BytesIO(pcm)):
        decoder.start_utt()
        decoder.process_raw(segment.pcm, full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        if hypothesis is not None and hypothesis.hypstr:
            words.append(hypothesis.hypstr)
    return ' '.join(' '.join(words).split())

