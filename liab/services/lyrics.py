"""Lyrics (spec 2.2): write them (from genre and mood, from the beat, or from a theme alone), refine them, keep
every version with undo and redo, and keep `lyrics.txt` in the project's media in step with the current version.

Writing calls the text provider (OpenAI when configured, the local writer otherwise) and touches no database, so the
web layer runs it off the event loop and stores the result with `store_version` in one transaction.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from liab import media
from liab.errors import BadInput
from liab.models import ProjectPublic, utcnow
from liab.providers import text
from liab.services import projects
from liab.services.projects import AssetSource
from liab.writers.lyrics import GENRES, MOODS, Lyrics, Refined, Section, parse_lyrics

MODES = ('write', 'from_beat', 'free', 'refine')
MAX_VERSIONS = 30
MAX_TEXT = 20_000  # characters of lyrics typed or pasted in
MAX_THEME = 10_000
MAX_INSTRUCTION = 500
FILE = 'lyrics.txt'
_LIMITS = {'sections': 40, 'lines': 400, 'line': 300, 'name': 40, 'title': 120}
_CONTROL = re.compile(r'[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]')


@dataclass(frozen=True)
class BeatContext:
    """What the project's beat tells the lyric writer."""

    bpm: float | None
    mood: str | None
    genre: str | None
    key: str | None


def write(*, genre: str, mood: str, theme: str = '', bpm: float | None = None,
          seed: int | None = None) -> text.Written[Lyrics]:
    """New lyrics from the text provider (no database). BadInput for an unknown genre or mood."""
    genre, mood = checked_genre(genre), checked_mood(mood)
    bpm = checked_bpm(bpm)
    written = text.write_lyrics(genre=genre, mood=mood, theme=checked_theme(theme), bpm=bpm, seed=seed)
    return text.Written(clean(written.value), written.provider, written.notice)


def write_free(*, theme: str, seed: int | None = None) -> text.Written[Lyrics]:
    """Free mode: a theme alone; the mood is read from the theme's words and the form is a sung one."""
    theme = checked_theme(theme)
    if not theme.strip():
        raise BadInput('Tell me what the song is about first.')
    return write(genre='pop', mood=mood_of_theme(theme), theme=theme, seed=seed)


def refine(lyrics: Lyrics, instruction: str, *, history: list[str] | None = None, genre: str | None = None,
           mood: str | None = None, theme: str = '', bpm: float | None = None,
           seed: int | None = None) -> text.Written[Refined]:
    instruction = ' '.join(str(instruction or '').split())
    if not instruction:
        raise BadInput('Say how the lyrics should change, for example "make the chorus shorter".')
    if len(instruction) > MAX_INSTRUCTION:
        raise BadInput(f'Keep the instruction under {MAX_INSTRUCTION} characters.')
    if not any(section.lines for section in lyrics.sections):
        raise BadInput('There are no lyrics to refine yet. Write some first.')
    written = text.refine_lyrics(lyrics, instruction, history=history,
                                 genre=genre if genre in GENRES else None, mood=mood if mood in MOODS else None,
                                 theme=checked_theme(theme), bpm=checked_bpm(bpm), seed=seed)
    refined = written.value
    if refined.lyrics is not None:
        refined = Refined(clean(refined.lyrics), refined.understood, refined.message)
    return text.Written(refined, written.provider, written.notice)


def beat_context(data: dict[str, Any]) -> BeatContext | None:
    """The project's beat as the lyric writer sees it; None when the project has no beat yet."""
    if not (data.get('assets') or {}).get('beat'):
        return None
    meta = data.get('metadata') or {}
    bpm = meta.get('tempo')
    key = meta.get('key')
    mood = meta.get('mood') if meta.get('mood') in MOODS else mood_of_beat(bpm, key)
    genre = meta.get('genre') if meta.get('genre') in GENRES else genre_of_beat(bpm, key)
    return BeatContext(float(bpm) if bpm else None, mood, genre, key)


def mood_of_beat(bpm: float | None, key: str | None) -> str:
    """A mood from what analysis can hear: minor keys lean dark or sad, fast major ones happy or energetic."""
    minor = bool(key and key.endswith('minor'))
    fast = bool(bpm and bpm >= 115)
    slow = bool(bpm and bpm < 85)
    if minor:
        return 'sad' if slow else ('aggressive' if bpm and bpm >= 135 else 'dark')
    if fast:
        return 'energetic' if bpm and bpm >= 125 else 'happy'
    return 'chill' if slow else 'romantic' if key else 'energetic'


def genre_of_beat(bpm: float | None, key: str | None) -> str:
    if not bpm:
        return 'hip hop'
    if 118 <= bpm <= 130 and not (key or '').endswith('minor'):
        return 'house'
    if bpm >= 130:
        return 'trap'
    return 'lo-fi' if bpm < 80 else 'hip hop'


def mood_of_theme(theme: str) -> str:
    words = set(re.findall(r'[a-z]+', theme.lower()))
    for mood, cues in _THEME_MOODS:
        if words & cues:
            return mood
    return 'chill'


# versions -------------------------------------------------------------------------------------------------------


def store_version(*, session: Session, project_id: str, lyrics: Lyrics, kind: str, note: str, source: AssetSource,
                  details: dict[str, Any] | None = None) -> ProjectPublic:
    """Add a version after the current one (dropping any redo steps), make it current, write lyrics.txt, tick."""
    lyrics = clean(lyrics)
    if not any(section.lines for section in lyrics.sections):
        raise BadInput('These lyrics are empty; nothing was saved.')
    entry = {'id': uuid.uuid4().hex[:12], **lyrics.to_json(), 'kind': kind, 'note': note[:300],
             'source': source.to_json(), 'created_at': utcnow().isoformat(), 'details': details or {}}

    def change(data: dict[str, Any]) -> None:
        state = data.setdefault('lyrics', {})
        versions = list(state.get('versions') or [])
        current = state.get('current', len(versions) - 1)
        versions = [*versions[:current + 1], entry][-MAX_VERSIONS:]
        state.update(versions=versions, current=len(versions) - 1)
        _point_asset(data, project_id, entry)

    return _finish(session, project_id, change)


def move_version(*, session: Session, project_id: str, step: int) -> ProjectPublic:
    """Undo (step -1) or redo (step +1); BadInput at either end."""
    def change(data: dict[str, Any]) -> None:
        state = data.get('lyrics') or {}
        versions = state.get('versions') or []
        target = state.get('current', len(versions) - 1) + step
        if not 0 <= target < len(versions):
            raise BadInput('Nothing to undo.' if step < 0 else 'Nothing to redo.')
        state['current'] = target
        _point_asset(data, project_id, versions[target])

    return _finish(session, project_id, change)


def save_text(*, session: Session, project_id: str, lyrics_text: str) -> ProjectPublic:
    """The artist's own edit of the whole text becomes a new version."""
    if len(lyrics_text or '') > MAX_TEXT:
        raise BadInput(f'Lyrics can be at most {MAX_TEXT:,} characters.')
    parsed = parse_lyrics(_CONTROL.sub('', lyrics_text or ''))
    if not any(section.lines for section in parsed.sections):
        raise BadInput('These lyrics are empty; nothing was saved.')
    current = current_version(projects.get_project(session=session, project_id=project_id).data)
    title = (current or {}).get('title', '')
    if current and Lyrics.from_json(current).text() == parsed.text():
        raise BadInput('Nothing changed since the last version.')
    return store_version(session=session, project_id=project_id, lyrics=Lyrics(title, parsed.sections),
                         kind='edit', note='Edited by hand', source=AssetSource('uploaded'))


def current_version(data: dict[str, Any]) -> dict[str, Any] | None:
    state = data.get('lyrics') or {}
    versions = state.get('versions') or []
    if not versions:
        return None
    return versions[min(max(state.get('current', len(versions) - 1), 0), len(versions) - 1)]


def current_lyrics(data: dict[str, Any]) -> Lyrics | None:
    entry = current_version(data)
    return Lyrics.from_json(entry) if entry else None


def can_move(data: dict[str, Any]) -> tuple[bool, bool]:
    """(can undo, can redo)"""
    state = data.get('lyrics') or {}
    count = len(state.get('versions') or [])
    current = state.get('current', count - 1)
    return current > 0, current < count - 1


def history_notes(data: dict[str, Any]) -> list[str]:
    """What each version up to the current one was: the refine history a model or the local writer is given."""
    state = data.get('lyrics') or {}
    return [entry.get('note', '') for entry in (state.get('versions') or [])[:state.get('current', 0) + 1]]


# checks ---------------------------------------------------------------------------------------------------------


def checked_genre(genre: str | None) -> str:
    if genre not in GENRES:
        raise BadInput(f'Pick a genre: {", ".join(GENRES)}.')
    return genre


def checked_mood(mood: str | None) -> str:
    if mood not in MOODS:
        raise BadInput(f'Pick a mood: {", ".join(MOODS)}.')
    return mood


def checked_theme(theme: str | None) -> str:
    theme = _CONTROL.sub(' ', str(theme or ''))
    if len(theme) > MAX_THEME:
        raise BadInput(f'Keep the theme under {MAX_THEME:,} characters.')
    return theme


def checked_bpm(bpm: float | None) -> float | None:
    if bpm is None:
        return None
    if not 40 <= float(bpm) <= 220:
        raise BadInput('The tempo should be between 40 and 220 BPM.')
    return float(bpm)


def clean(lyrics: Lyrics) -> Lyrics:
    """Lyrics from anywhere (a model, a paste) within sane bounds, with no control or direction-override marks."""
    sections: list[Section] = []
    lines_left = _LIMITS['lines']
    for section in lyrics.sections[:_LIMITS['sections']]:
        lines = tuple(_tidy(line)[:_LIMITS['line']] for line in section.lines[:lines_left])
        lines = tuple(line for line in lines if line)
        lines_left -= len(lines)
        name = _tidy(section.name)[:_LIMITS['name']] or 'Verse'
        sections.append(Section(name, lines))
    return Lyrics(_tidy(lyrics.title)[:_LIMITS['title']], tuple(s for s in sections if s.lines))


def _tidy(value: str) -> str:
    return ' '.join(_CONTROL.sub(' ', str(value or '')).split())


def _finish(session: Session, project_id: str, change: Any) -> ProjectPublic:
    project = projects.change_project(session=session, project_id=project_id, change=change)
    lyrics = current_lyrics(project.data)
    if lyrics is not None:
        # NOTE: written inside the transaction, last: if the commit fails the file may run one version ahead.
        media.write_text(media.project_dir(project_id, create=True) / FILE, lyrics.text() + '\n')
    return projects.complete_stage(session=session, project_id=project_id, stage_id='lyrics').project


def _point_asset(data: dict[str, Any], project_id: str, entry: dict[str, Any]) -> None:
    meta = entry.get('details') or {}
    data.setdefault('assets', {})['lyrics'] = {
        'path': FILE, 'url': media.url(project_id, FILE), 'source': entry['source'], 'version': entry['id'],
        'created_at': entry['created_at'],
        'metadata': {key: meta[key] for key in ('genre', 'mood') if meta.get(key)}}


_THEME_MOODS: tuple[tuple[str, set[str]], ...] = (
    ('romantic', {'love', 'kiss', 'lover', 'baby', 'darling', 'heart', 'romance', 'wedding', 'crush'}),
    ('sad', {'lost', 'loss', 'goodbye', 'miss', 'missing', 'cry', 'tears', 'alone', 'lonely', 'grief', 'gone'}),
    ('dark', {'night', 'shadow', 'shadows', 'dark', 'ghost', 'fear', 'cold', 'death', 'demons'}),
    ('aggressive', {'fight', 'war', 'rage', 'enemy', 'enemies', 'anger', 'revenge'}),
    ('happy', {'summer', 'sun', 'sunshine', 'party', 'joy', 'friends', 'celebrate', 'holiday', 'birthday'}),
    ('energetic', {'run', 'hustle', 'grind', 'win', 'dance', 'rise', 'gym', 'victory'}),
    ('dreamy', {'dream', 'dreams', 'stars', 'sky', 'clouds', 'float', 'moon', 'space'}),
)


def lyrics_text(data: dict[str, Any], project_id: str | None) -> str:
    """The project's current lyrics as `lyrics.txt` holds them, or '' when there are none."""
    path = ((data.get('assets') or {}).get('lyrics') or {}).get('path')
    if not path or not project_id:
        return ''
    file = media.project_dir(project_id) / path
    return file.read_text(encoding='utf-8') if file.is_file() else ''
