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
from liab.writers import content as local_content
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


def write_video_ideas(song: dict, count: int = 1, seed: int | None = None) -> Written[list[local_content.VideoIdea]]:
    """`count` different short-video ideas (idea, hook, script, visual) for a song ('title', 'artist', 'lyrics',
    'mood', 'genre', 'bpm')."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= local_content.MAX_IDEAS:
        raise ValueError(f'Ask for 1 to {local_content.MAX_IDEAS} ideas, not {count!r}.')

    def outside(service: OpenAIService) -> list[local_content.VideoIdea]:
        schema = {'type': 'object', 'additionalProperties': False, 'required': ['ideas'],
                  'properties': {'ideas': {'type': 'array', 'items': _IDEA_SCHEMA}}}
        answer = complete_json(service, name='video_ideas', schema=schema, system=_CONTENT_WRITER,
                               prompt=(f'{_song_prompt(song)}\n\nWrite {count} different ideas for a short vertical '
                                       'video (15 to 30 seconds) for this song. '
                                       f'{_IDEA_RULES}'))
        ideas = _ideas(answer.get('ideas'))
        if len(ideas) < count:
            raise ProviderUnavailable('The text service answered with too few ideas.')
        return ideas[:count]

    return _either(outside, lambda: local_content.write_video_ideas(song, count=count, seed=seed))


def write_text_pack(song: dict, seed: int | None = None) -> Written[local_content.TextPack]:
    """Three captions, 5 to 10 hashtags, three hooks, a one-sentence posting strategy and three more ideas."""
    def outside(service: OpenAIService) -> local_content.TextPack:
        answer = complete_json(service, name='text_pack', schema=_TEXT_PACK_SCHEMA, system=_CONTENT_WRITER,
                               prompt=(f'{_song_prompt(song)}\n\nWrite the text for posting short videos of this '
                                       'song. captions: 3 different captions, each 60 to 220 characters. hashtags: 5 '
                                       'to 10 hashtags, each one word starting with #. hooks: 3 different hooks '
                                       'for the first second of a video, each 21 to 90 characters. '
                                       'posting_strategy: one sentence. ideas: 3 video ideas. '
                                       f'{_IDEA_RULES}'))
        plain_text = local_copy.plain_text
        captions = [plain_text(c, 2200) for c in answer.get('captions') or () if isinstance(c, str)]
        hooks = [plain_text(h, 150) for h in answer.get('hooks') or () if isinstance(h, str)]
        raw_tags = answer.get('hashtags')
        tags = local_content.normalise_hashtags(raw_tags if isinstance(raw_tags, list) else (), 10)
        strategy = plain_text(answer.get('posting_strategy') if isinstance(answer.get('posting_strategy'), str)
                              else '', 500)
        ideas = _ideas(answer.get('ideas'))
        captions, hooks = list(dict.fromkeys(c for c in captions if c)), list(dict.fromkeys(h for h in hooks if h))
        if len(captions) < 3 or len(hooks) < 3 or len(tags) < 5 or not strategy or len(ideas) < 3:
            raise ProviderUnavailable('The text service answered in an unexpected shape.')
        return local_content.TextPack((captions[0], captions[1], captions[2]), tags, (hooks[0], hooks[1], hooks[2]),
                                      strategy, (ideas[0], ideas[1], ideas[2]))

    return _either(outside, lambda: local_content.write_text_pack(song, seed=seed))


def _ideas(items: Any) -> list[local_content.VideoIdea]:
    """Ideas from an answer; an item without all four texts makes the whole answer a failure."""
    if not isinstance(items, list):
        raise ProviderUnavailable('The text service answered in an unexpected shape.')
    ideas = []
    for item in items:
        texts = [item.get(key) if isinstance(item, dict) else None for key in ('idea', 'hook', 'script', 'visual')]
        if not all(isinstance(t, str) and local_copy.plain_text(t) for t in texts):
            raise ProviderUnavailable('The text service answered in an unexpected shape.')
        idea, hook, script, visual = (local_copy.plain_text(t, 1500) for t in texts)
        ideas.append(local_content.VideoIdea(idea, hook, script, visual))
    return ideas


def _song_prompt(song: dict) -> str:
    plain_text = local_copy.plain_text
    bpm = song.get('bpm')
    facts = {'Title': plain_text(song.get('title'), 120), 'Artist': plain_text(song.get('artist'), 100),
             'Genre': plain_text(song.get('genre'), 50), 'Mood': plain_text(song.get('mood'), 50),
             'Tempo': f'{bpm:.0f} BPM' if isinstance(bpm, int | float) and not isinstance(bpm, bool) else ''}
    listed = '\n'.join(f'{name}: {value}' for name, value in facts.items() if value)
    words = _clip_lines(str(song.get('lyrics') or ''), 4000) or _clip(str(song.get('transcript') or ''), 2000)
    return f'The song:\n{listed or "no details given"}\n\nLyrics:\n{words or "none given"}'


_CONTENT_WRITER = ('You plan short-form social video (TikTok, YouTube Shorts, Instagram Reels) for independent '
                   'musicians: concrete, filmable on a phone, specific to the song. You state only facts you are '
                   'given: no streaming numbers, release dates or links that are not listed. Answer only with JSON '
                   'in the requested shape.')
_IDEA_RULES = ('Each idea has idea (one sentence), hook (the words on screen or said in the first second), script '
               '(timed beats such as "0-3 s: ...") and visual (light, place, camera). Quote a line of the lyrics '
               'exactly where it helps. Plain text without markdown or emoji.')
_IDEA_SCHEMA = {'type': 'object', 'additionalProperties': False, 'required': ['idea', 'hook', 'script', 'visual'],
                'properties': {'idea': {'type': 'string'}, 'hook': {'type': 'string'}, 'script': {'type': 'string'},
                               'visual': {'type': 'string'}}}
_TEXT_PACK_SCHEMA = {
    'type': 'object', 'additionalProperties': False,
    'required': ['captions', 'hashtags', 'hooks', 'posting_strategy', 'ideas'],
    'properties': {'captions': {'type': 'array', 'items': {'type': 'string'}},
                   'hashtags': {'type': 'array', 'items': {'type': 'string'}},
                   'hooks': {'type': 'array', 'items': {'type': 'string'}},
                   'posting_strategy': {'type': 'string'}, 'ideas': {'type': 'array', 'items': _IDEA_SCHEMA}}}
