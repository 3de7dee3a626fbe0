"""Text: OpenAI (or any OpenAI-compatible server) when OPENAI_API_KEY is set; the local writers otherwise.

Every function here returns `Written`: the value, which provider made it, and a notice when the outside service
failed and the local writer stood in. Outside answers are structured JSON checked against the shape we expect, so
a model that rambles or returns broken JSON counts as a failure, not as lyrics.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from liab.config import get_settings
from liab.errors import ProviderUnavailable
from liab.writers import copy as local_copy
from liab.writers import lyrics as local_lyrics

T = TypeVar('T')
MAX_THEME = 2000  # characters of a theme sent out; the local writer reads even less


@dataclass(frozen=True)
class OpenAIService:
    api_key: str
    base_url: str | None
    model: str
    timeout_s: float
    retries: int


@dataclass(frozen=True)
class Written(Generic[T]):
    value: T
    provider: str  # 'openai' or 'local'
    notice: str | None = None  # why the local writer stood in for the outside service

    @property
    def source_name(self) -> str:
        return 'openai' if self.provider == 'openai' else 'lyric writer'


def openai_service() -> OpenAIService | None:
    """The configured OpenAI-compatible service, or None when text is local (no key, or LIAB_TEXT_PROVIDER=local)."""
    settings = get_settings()
    if settings.text_provider == 'local' or settings.openai_api_key is None:
        return None
    return OpenAIService(settings.openai_api_key.get_secret_value(), settings.openai_base_url, settings.openai_model,
                         settings.openai_timeout_s, settings.openai_retries)


def provider_name() -> str:
    return 'openai' if openai_service() else 'local'


def write_lyrics(*, genre: str, mood: str, theme: str = '', bpm: float | None = None,
                 seed: int | None = None) -> Written[local_lyrics.Lyrics]:
    low, high = local_lyrics.syllable_range(genre, bpm)

    def outside(service: OpenAIService) -> local_lyrics.Lyrics:
        answer = complete_json(
            service, name='lyrics', schema=_LYRICS_SCHEMA,
            system=_SONGWRITER,
            prompt=(f'Write a complete original song.\nGenre: {genre}\nMood: {mood}\n'
                    f'Theme: {_clip(theme) or "the artist leaves it to you"}\n'
                    f'Tempo: {f"{bpm:.0f} BPM" if bpm else "not given"}; aim for {low} to {high} syllables a line.\n'
                    'Use sections that suit the genre (for example Intro, Verse 1, Chorus, Verse 2, Chorus, Bridge, '
                    'Outro), end rhymes in couplets or alternate lines, and a chorus that repeats as the hook.'))
        return _lyrics(answer)

    return _either(outside, lambda: local_lyrics.write_lyrics(genre=genre, mood=mood, theme=theme, bpm=bpm,
                                                              seed=seed))


def refine_lyrics(lyrics: local_lyrics.Lyrics, instruction: str, *, history: list[str] | None = None,
                  genre: str | None = None, mood: str | None = None, theme: str = '', bpm: float | None = None,
                  seed: int | None = None) -> Written[local_lyrics.Refined]:
    def outside(service: OpenAIService) -> local_lyrics.Refined:
        earlier = '\n'.join(f'- {step}' for step in (history or [])[-8:]) or '- none'
        answer = complete_json(
            service, name='refined_lyrics', schema=_REFINE_SCHEMA, system=_SONGWRITER,
            prompt=(f'Here are song lyrics:\n\n{lyrics.text()}\n\nEarlier instructions, oldest first:\n{earlier}\n\n'
                    f'Apply this instruction and return the whole song: {_clip(instruction, 500)}\n'
                    'Keep every section you were not asked to change exactly as it is. If the instruction is not '
                    'about these lyrics or cannot be done, set understood to false, explain why in message, and '
                    'return the lyrics unchanged. Otherwise say in message, in one sentence, what you changed.'))
        if not isinstance(answer.get('understood'), bool) or not isinstance(answer.get('message'), str):
            raise ProviderUnavailable('The text service answered in an unexpected shape.')
        if not answer['understood']:
            return local_lyrics.Refined(None, False, answer['message'][:500])
        return local_lyrics.Refined(_lyrics(answer['lyrics']), True, answer['message'][:500])

    return _either(outside, lambda: local_lyrics.refine_lyrics(lyrics, instruction, genre=genre, mood=mood,
                                                               theme=theme, bpm=bpm, seed=seed))


def complete_json(service: OpenAIService, *, name: str, schema: dict[str, Any], system: str,
                  prompt: str) -> dict[str, Any]:
    """One chat completion with a strict JSON schema; ProviderUnavailable on any failure, with the reason."""
    import openai  # the SDK takes ~0.3 s to import; only deployments that use it pay for it

    client = openai.OpenAI(api_key=service.api_key, base_url=service.base_url, timeout=service.timeout_s,
                           max_retries=service.retries)
    try:
        completion = client.chat.completions.create(
            model=service.model,
            messages=[{'role': 'system', 'content': system}, {'role': 'user', 'content': prompt}],
            response_format={'type': 'json_schema',
                             'json_schema': {'name': name, 'schema': schema, 'strict': True}})
    except openai.APITimeoutError:
        raise ProviderUnavailable('The text service did not answer in time.') from None
    except openai.APIConnectionError:
        raise ProviderUnavailable('The text service could not be reached.') from None
    except openai.APIStatusError as exc:
        raise ProviderUnavailable(f'The text service answered HTTP {exc.status_code}.') from None
    except (openai.OpenAIError, ValueError):
        raise ProviderUnavailable('The text service answered with something we could not read.') from None
    finally:
        client.close()
    try:
        content = completion.choices[0].message.content or ''
        answer = json.loads(content)
    except (IndexError, AttributeError, TypeError, ValueError):
        raise ProviderUnavailable('The text service did not answer with valid JSON.') from None
    if not isinstance(answer, dict):
        raise ProviderUnavailable('The text service answered in an unexpected shape.')
    return answer


def _either(outside: Callable[[OpenAIService], T], local: Callable[[], T]) -> Written[T]:
    service = openai_service()
    if service is None:
        return Written(local(), 'local')
    try:
        return Written(outside(service), 'openai')
    except ProviderUnavailable as exc:
        return Written(local(), 'local', f'{exc.message} The local writer wrote this instead.')


def _lyrics(answer: Any) -> local_lyrics.Lyrics:
    try:
        written = local_lyrics.Lyrics.from_json(answer)
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ProviderUnavailable('The text service answered in an unexpected shape.') from None
    if not any(section.lines for section in written.sections):
        raise ProviderUnavailable('The text service answered with empty lyrics.')
    return written


def _clip(text: str, limit: int = MAX_THEME) -> str:
    return ' '.join((text or '').split())[:limit]


_SONGWRITER = ('You are a professional songwriter working with an independent artist. You write original, '
               'singable lyrics with clear sections, natural rhymes and concrete images. No explicit content unless '
               'asked. Answer only with JSON in the requested shape.')

_SECTIONS = {
    'type': 'array',
    'items': {'type': 'object', 'additionalProperties': False, 'required': ['name', 'lines'],
              'properties': {'name': {'type': 'string'}, 'lines': {'type': 'array', 'items': {'type': 'string'}}}},
}
_LYRICS_SCHEMA = {'type': 'object', 'additionalProperties': False, 'required': ['title', 'sections'],
                  'properties': {'title': {'type': 'string'}, 'sections': _SECTIONS}}
_REFINE_SCHEMA = {'type': 'object', 'additionalProperties': False, 'required': ['understood', 'message', 'lyrics'],
                  'properties': {'understood': {'type': 'boolean'}, 'message': {'type': 'string'},
                                 'lyrics': _LYRICS_SCHEMA}}


def write_release_copy(details: dict, lyrics_text: str = '', analysis: dict | None = None,
                       seed: int | None = None) -> Written[local_copy.ReleaseCopy]:
    """A release description, a press pitch and a tagline for one single, from its details (title, artist, genre,
    mood, release_date, credits), lyrics and analysis (bpm, key, lufs)."""
    def outside(service: OpenAIService) -> local_copy.ReleaseCopy:
        answer = complete_json(service, name='release_copy', schema=_COPY_SCHEMA, system=_PUBLICIST,
                               prompt=_copy_prompt(details, lyrics_text, analysis or {}))
        texts = [answer.get(key) for key in ('description', 'pitch', 'tagline')]
        if not all(isinstance(text, str) and local_copy.plain_text(text) for text in texts):
            raise ProviderUnavailable('The text service answered in an unexpected shape.')
        description, pitch, tagline = texts
        return local_copy.ReleaseCopy(local_copy.plain_text(description, 1500), local_copy.plain_text(pitch, 2000),
                                      local_copy.plain_text(tagline, local_copy.MAX_TAGLINE - 1))

    return _either(outside, lambda: local_copy.write_release_copy(details=details, lyrics_text=lyrics_text,
                                                                  analysis=analysis, seed=seed))


def _copy_prompt(details: dict, lyrics_text: str, analysis: dict) -> str:
    plain_text = local_copy.plain_text
    producers = [plain_text(c.get('name'), 100) for c in details.get('credits') or ()
                 if isinstance(c, dict) and c.get('role') == 'producer']
    facts = {'Title': plain_text(details.get('title')), 'Artist': plain_text(details.get('artist'), 100),
             'Genre': plain_text(details.get('genre'), 50), 'Mood': plain_text(details.get('mood'), 50),
             'Release date': plain_text(details.get('release_date'), 20), 'Producers': ', '.join(producers),
             'Tempo': f'{analysis["bpm"]:.0f} BPM' if isinstance(analysis.get('bpm'), int | float) else '',
             'Key': plain_text(analysis.get('key'), 20),
             'Loudness': f'{analysis["lufs"]:.1f} LUFS' if isinstance(analysis.get('lufs'), int | float) else ''}
    listed = '\n'.join(f'{name}: {value}' for name, value in facts.items() if value)
    return (f'Write release copy for this single.\n{listed}\n\nLyrics:\n{_clip_lines(lyrics_text) or "none given"}\n\n'
            'description: 2 to 4 sentences, 60 to 120 words. pitch: one paragraph for playlist editors and music '
            'blogs, 80 to 150 words: what it is, how it sounds (tempo, key, mood, genre), one line quoted exactly '
            'from the chorus if lyrics are given, the release date, and who it is for. tagline: under 80 '
            'characters. Plain text without markdown. Use only the facts above: no streaming numbers, chart '
            'positions, press quotes, awards, earlier releases, influences or people that are not listed.')


def _clip_lines(text: str, limit: int = MAX_THEME) -> str:
    """Lyrics for a prompt: line breaks kept, at most `limit` characters."""
    lines = [' '.join(line.split()) for line in (text or '').splitlines()]
    return '\n'.join(lines).strip()[:limit]


_PUBLICIST = ('You write release copy for independent musicians: clear, specific, warm, never hyped. You state only '
              'facts you are given. Answer only with JSON in the requested shape.')
_COPY_SCHEMA = {'type': 'object', 'additionalProperties': False, 'required': ['description', 'pitch', 'tagline'],
                'properties': {'description': {'type': 'string'}, 'pitch': {'type': 'string'},
                               'tagline': {'type': 'string'}}}
