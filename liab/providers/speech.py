"""Speech for the seven personas: Google's voices through gTTS when reachable, eSpeak NG offline otherwise.

`LIAB_SPEECH_PROVIDER=auto|gtts` tries gTTS first, with a short time-out, and falls back to eSpeak NG on any
failure; after a failure gTTS is skipped for `gtts_retry_after_s`, so an offline server never waits on every line.
`espeak` (or `local`) speaks offline only. Each persona has its own Google accent (the Translate top-level domain)
and its own eSpeak voice, pitch and speed, so the seven sound different either way.

gTTS builds Google's request; we send it ourselves so TLS is verified (gTTS sends with `verify=False`), every
request has a time-out and the answer's size is capped.
"""

from __future__ import annotations

import base64
import ctypes
import logging
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from liab.audio import io
from liab.config import get_settings
from liab.errors import ProviderUnavailable

MAX_MP3_BYTES = 8 * 1024 * 1024
MP3_BITRATE = '64k'  # speech at 22.05 kHz mono
_log = logging.getLogger('liab.speech')


@dataclass(frozen=True)
class Voice:
    tld: str  # gTTS accent: translate.google.<tld> (gTTS documents com.au, co.uk, us, ca, co.in, ie, co.za)
    espeak: str  # eSpeak NG voice name plus variant
    pitch: int  # eSpeak base pitch, 0..100 (50 is the voice's own)
    rate: int  # eSpeak words per minute (175 is eSpeak's default)


# Fundamental pitch of each offline voice on one test sentence, measured by tests/services/test_speech.py:
# Tone ~75 Hz, Echo ~91, Pulse ~116, Aria ~163, Lyrica ~190, Nova ~227, Vee ~290.
VOICES: dict[str, Voice] = {
    'Echo': Voice('us', 'en-us+m3', 40, 165),
    'Lyrica': Voice('co.uk', 'en+f3', 45, 155),
    'Nova': Voice('com.au', 'en-us-nyc+f2', 70, 185),
    'Tone': Voice('ca', 'en-gb-scotland+m1', 30, 140),
    'Aria': Voice('co.in', 'en-gb-x-rp+f4', 45, 170),
    'Vee': Voice('ie', 'en-029+f5', 85, 200),
    'Pulse': Voice('co.za', 'en-gb-x-gbclan+m7', 65, 215),
}


@dataclass(frozen=True)
class Spoken:
    path: Path
    provider: str  # 'gtts' or 'espeak'
    notice: str | None = None  # why the offline voice stood in for Google's


def synthesize(persona: str, text: str, dest: Path) -> Spoken:
    """Speak `text` in `persona`'s voice into the MP3 file `dest`; ProviderUnavailable if no voice can."""
    voice = VOICES[persona]
    settings = get_settings()
    notice = None
    if settings.speech_provider in {'auto', 'gtts'}:
        if gtts_reachable():
            try:
                dest.write_bytes(gtts_mp3(text, tld=voice.tld, timeout_s=settings.gtts_timeout_s))
                _gtts_state.failed_at = None
                return Spoken(dest, 'gtts')
            except NothingToSay as exc:  # only punctuation, say: the line's fault, not the service's
                notice = f'{exc.message} The offline voice spoke instead.'
            except ProviderUnavailable as exc:
                _gtts_state.failed_at = time.monotonic()
                _log.warning('gTTS failed, using eSpeak NG for %.0f s: %s', settings.gtts_retry_after_s, exc.message)
                notice = f'{exc.message} The offline voice spoke instead.'
        else:
            notice = "Google's voices were unreachable a moment ago; the offline voice spoke instead."
    espeak_mp3(text, voice, dest)
    return Spoken(dest, 'espeak', notice)


def gtts_reachable() -> bool:
    """False for a while after gTTS failed (see gtts_retry_after_s), so lines do not each wait for a time-out."""
    failed_at = _gtts_state.failed_at
    return failed_at is None or time.monotonic() - failed_at >= get_settings().gtts_retry_after_s


# --- gTTS ---------------------------------------------------------------------------------------------------------

_AUDIO = re.compile(r'jQ1olc","\[\\"(.*?)\\"]')  # gTTS's own pattern for the base64 audio in Google's answer


class NothingToSay(ProviderUnavailable):
    """gTTS found no words in the line (only punctuation, say); Google is not to blame."""


@dataclass
class _GttsState:
    failed_at: float | None = None


_gtts_state = _GttsState()


def gtts_mp3(text: str, *, tld: str, timeout_s: float) -> bytes:
    """MP3 bytes from Google Translate's voice at translate.google.<tld>; ProviderUnavailable on any failure."""
    try:
        import requests
        from gtts import gTTS
    except ImportError as exc:
        raise ProviderUnavailable('gTTS is not installed.') from exc
    try:
        bodies = gTTS(text, tld=tld, lang='en', lang_check=False).get_bodies()
    except (AssertionError, ValueError) as exc:  # gTTS asserts there is something left to say after cleaning
        raise NothingToSay("Google's voices have nothing to say for that line.") from exc
    url = f'https://translate.google.{tld}/_/TranslateWebserverUi/data/batchexecute'
    deadline = time.monotonic() + timeout_s * 2 * max(1, len(bodies))
    audio = bytearray()
    try:
        with requests.Session() as session:
            for body in bodies:
                if time.monotonic() > deadline:
                    raise ProviderUnavailable("Google's voices took too long to answer.")
                response = session.post(url, data=body, headers=gTTS.GOOGLE_TTS_HEADERS,
                                        timeout=(timeout_s, timeout_s), verify=True, stream=True)
                with response:
                    if response.status_code != 200:
                        raise ProviderUnavailable(f"Google's voices answered HTTP {response.status_code}.")
                    audio += _audio_of(_read_capped(response, MAX_MP3_BYTES - len(audio)))
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"Google's voices could not be reached ({type(exc).__name__}).") from exc
    if not _looks_like_mp3(bytes(audio[:4])):
        raise ProviderUnavailable("Google's voices answered with something that is not MP3 audio.")
    return bytes(audio)


def _read_capped(response, limit: int) -> str:
    received = bytearray()
    for chunk in response.iter_content(chunk_size=64 * 1024):
        received += chunk
        if len(received) > limit * 2:  # base64 and JSON escaping: the text is about 4/3 of the audio
            raise ProviderUnavailable("Google's voices answered with more than we accept.")
    return received.decode('utf-8', 'replace')


def _audio_of(answer: str) -> bytes:
    found = _AUDIO.search(answer)
    if found is None:
        raise ProviderUnavailable("Google's voices answered without audio.")
    try:
        return base64.b64decode(found.group(1), validate=True)
    except ValueError as exc:
        raise ProviderUnavailable("Google's voices answered with broken audio.") from exc


def _looks_like_mp3(head: bytes) -> bool:
    return head.startswith(b'ID3') or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


# --- eSpeak NG ----------------------------------------------------------------------------------------------------

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # report a missing data folder instead of exiting the process
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_RATE, _PITCH, _RANGE = 1, 3, 4
_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


def espeak_mp3(text: str, voice: Voice, dest: Path) -> Path:
    """Speak `text` offline with eSpeak NG into the MP3 file `dest`."""
    samples, rate = espeak_pcm(text, voice)
    with tempfile.TemporaryDirectory(prefix='liab-speech-') as folder:
        wav = io.write_wav(samples.astype(np.float32) / 32768.0, rate, Path(folder) / 'line.wav')
        try:
            io.encode_mp3(wav, dest, bitrate=MP3_BITRATE)
        except io.AudioError as exc:
            raise ProviderUnavailable(f'The offline voice could not be encoded ({exc}).') from exc
    return dest


def espeak_pcm(text: str, voice: Voice) -> tuple[np.ndarray, int]:
    """16-bit mono samples and their rate (22.05 kHz) for `text` in `voice`."""
    return _espeak.speak(text.replace('\0', ' '), voice)


class _ESpeak:
    """libespeak-ng through ctypes. The library keeps global state and is not thread-safe: one call at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lib: ctypes.CDLL | None = None
        self._rate = 0
        self._chunks: list[np.ndarray] = []
        self._callback = _SynthCallback(self._collect)  # kept referenced for as long as the library may call it

    def speak(self, text: str, voice: Voice) -> tuple[np.ndarray, int]:
        with self._lock:
            lib = self._load()
            if lib.espeak_SetVoiceByName(voice.espeak.encode()) != 0:
                raise ProviderUnavailable(f'The offline voice {voice.espeak} is missing.')
            for parameter, value in ((_RATE, voice.rate), (_PITCH, voice.pitch), (_RANGE, 50)):
                lib.espeak_SetParameter(parameter, value, 0)
            self._chunks = []
            data = text.encode('utf-8') + b'\0'
            if lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None) != 0:
                raise ProviderUnavailable('The offline voice could not speak that line.')
            chunks, self._chunks = self._chunks, []
        if not chunks:
            raise ProviderUnavailable('The offline voice said nothing.')
        return np.concatenate(chunks), self._rate

    def _collect(self, wav, count: int, _events) -> int:
        if count > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0  # 0: go on synthesising

    def _load(self) -> ctypes.CDLL:
        if self._lib is not None:
            return self._lib
        try:
            import espeakng_loader
        except ImportError as exc:
            raise ProviderUnavailable('The offline voice (espeakng-loader) is not installed.') from exc
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
        except OSError as exc:
            raise ProviderUnavailable(f'The offline voice library cannot be loaded ({exc}).') from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                     ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_Synth.restype = ctypes.c_int
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(),
                                     _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise ProviderUnavailable('The offline voice could not start (its data folder is missing).')
        lib.espeak_SetSynthCallback(self._callback)
        self._lib, self._rate = lib, rate
        return lib


_espeak = _ESpeak()
