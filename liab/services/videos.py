"""Video for the Content stage (spec 2.6): uploaded clips with transcripts, visualizer videos and Canvas loops.

Project memory: `content.videos` (uploaded clips, newest first: id, path, name, duration, fps, size, transcript
and where it came from) and `content.renders` (visualizers and Canvas loops we made). The newest upload is also the
spec's `assets.uploaded_video` ({url, metadata: {duration, fps, transcript}}). Transcripts are saved beside their
clip as `videos/{name}_transcript.txt`. An offline (PocketSphinx) transcript is marked rough until the artist
corrects it or takes the song's own lyrics instead.

Heavy work (transcription, rendering) runs as the project's job in a worker process: the `*_job` functions take
paths and plain values and return plain values.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from sqlmodel import Session

from liab import media, quota
from liab.errors import BadInput, NotFound
from liab.models import ProjectPublic, utcnow
from liab.services import lyrics, projects
from liab.video.ingest import IngestedVideo

FOLDER = 'videos'
MADE = 'videos/made'
MAX_VIDEOS = 20
MAX_RENDERS = 20
MAX_TRANSCRIPT = 20_000
Progress = Callable[[float, str], None]


# uploads ---------------------------------------------------------------------------------------------------------


def take_video(*, project_id: str, source: Path | BinaryIO, original_name: str, max_bytes: int) -> IngestedVideo:
    """Check an uploaded clip with the safe intake and store it under a generated name in `videos/` (slow: a thread)."""
    from liab.video.ingest import ingest_video

    quota.check_upload(project_id, source)
    folder = media.project_dir(project_id, create=True) / FOLDER
    return ingest_video(source, original_name=original_name, dest_dir=folder, max_bytes=max_bytes, stem='video')


def transcribe_job(audio_wav: str | None, *, progress: Progress) -> dict[str, Any]:
    """Job: the words of a clip's sound (OpenAI when configured, PocketSphinx offline)."""
    from liab.providers import transcribe

    if audio_wav is None:
        return {'text': '', 'provider': 'none', 'rough': False, 'notice': 'The clip has no sound to transcribe.'}
    progress(0.1, 'Listening for the words')
    return asdict(transcribe.transcribe(Path(audio_wav)))


def store_video(*, session: Session, project_id: str, taken: IngestedVideo, transcript: dict[str, Any]
                ) -> ProjectPublic:
    """Keep an uploaded clip and its transcript (written beside it) in the project."""
    text = _clean(transcript.get('text'))
    transcript_path = _transcript_file(project_id, taken.path)
    media.write_text(transcript_path, text)
    if taken.audio_path is not None:
        taken.audio_path.unlink(missing_ok=True)  # only the transcriber needed it
    entry = {'id': uuid.uuid4().hex[:12], 'path': media.relative(project_id, taken.path),
             'name': taken.display_name, 'format': taken.format, 'duration': round(taken.duration_s, 3),
             'fps': round(taken.fps, 3), 'width': taken.width, 'height': taken.height, 'has_audio': taken.has_audio,
             'size_bytes': taken.size_bytes, 'transcript_path': media.relative(project_id, transcript_path),
             'transcript': text, 'transcript_source': transcript.get('provider') or 'none',
             'rough': bool(transcript.get('rough')), 'created_at': utcnow().isoformat()}

    def change(data: dict[str, Any]) -> None:
        content = data.setdefault('content', {})
        content['videos'] = [entry, *(content.get('videos') or [])][:MAX_VIDEOS]
        _point_assets(data, project_id, content['videos'][0])

    return projects.change_project(session=session, project_id=project_id, change=change)


def save_transcript(*, session: Session, project_id: str, video_id: str, text: str, source: str = 'edited'
                    ) -> ProjectPublic:
    """The artist's corrected transcript (or the song's lyrics, `source='lyrics'`) replaces the rough one."""
    if source not in {'edited', 'lyrics'}:
        raise ValueError(f'unknown transcript source {source!r}')
    text = _clean(text)
    if len(text) > MAX_TRANSCRIPT:
        raise BadInput(f'A transcript can be {MAX_TRANSCRIPT:,} characters at most.')

    def change(data: dict[str, Any]) -> None:
        entry = _video(data, video_id)
        media.write_text(media.project_dir(project_id) / entry['transcript_path'], text)
        entry.update(transcript=text, transcript_source=source, rough=False)
        _point_assets(data, project_id, (data['content'].get('videos') or [entry])[0])

    return projects.change_project(session=session, project_id=project_id, change=change)


def videos(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list((data.get('content') or {}).get('videos') or [])


# visualizer and Canvas ---------------------------------------------------------------------------------------------


def render_inputs(data: dict[str, Any], project_id: str) -> dict[str, Any]:
    """What the renders are made from: the master (else the beat), the cover (None: a generated one stands in),
    title, artist, lyrics, genre and mood. BadInput when there is no song yet."""
    assets = data.get('assets') or {}
    root = media.project_dir(project_id)
    song, kind = None, ''
    for key, label in (('mix', 'master'), ('beat', 'beat')):
        path = (assets.get(key) or {}).get('path')
        if path and (root / path).is_file():
            song, kind = root / path, label
            break
    if song is None:
        raise BadInput('Make a beat or master your song first: the video plays a part of it.')
    release = data.get('release') or {}
    files = (release.get('cover') or {}).get('files') or {}
    cover = next((root / path for path in sorted(files.values()) if path.endswith('3000.jpg')), None)
    meta = data.get('metadata') or {}
    return {'song': str(song), 'song_kind': kind, 'cover': str(cover) if cover and cover.is_file() else None,
            'title': release.get('title') or _lyrics_title(data) or 'Untitled', 'artist': release.get('artist') or '',
            'lyrics': lyrics.lyrics_text(data, project_id), 'genre': release.get('genre') or meta.get('genre') or 'pop',
            'mood': release.get('mood') or meta.get('mood') or 'energetic'}


def suggest_part(song: str, length_s: float) -> tuple[float, float, float]:
    """(start, end, song length) of the suggested part: the loudest sustained stretch, usually the chorus."""
    from liab.audio import io
    from liab.video import visualizer

    start, end = visualizer.suggest_part(Path(song), length_s)
    return start, end, io.probe(Path(song)).duration_s


def visualizer_job(inputs: dict[str, Any], out_dir: str, start_s: float, length_s: float, *,
                   progress: Progress) -> dict[str, Any]:
    """Job: a 1080x1920 visualizer of song[start_s : start_s + length_s] with the cover, title, artist and the
    lyrics of that part as captions."""
    from liab.audio import io
    from liab.video import captions, visualizer

    progress(0.02, 'Preparing the picture')
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cover = _cover(inputs, out)
    song = Path(inputs['song'])
    lines = None
    if inputs.get('lyrics'):
        duration = io.probe(song).duration_s
        lines = captions.even_captions(inputs['lyrics'], start_s=start_s, end_s=start_s + length_s,
                                       song_duration_s=duration) or None
    path = out / f'visualizer-{uuid.uuid4().hex[:8]}.mp4'
    visualizer.render_visualizer(master=song, cover=cover, out_path=path, start_s=start_s, length_s=length_s,
                                 title=inputs['title'], artist=inputs['artist'], lyric_lines=lines,
                                 progress=lambda fraction: progress(0.05 + 0.93 * fraction, 'Rendering the video'))
    return {'path': str(path), 'start_s': start_s, 'length_s': length_s, 'captions': len(lines or []),
            'generated_cover': inputs.get('cover') is None}


def canvas_job(inputs: dict[str, Any], out_dir: str, seconds: float, height: int, seed: int, *,
               progress: Progress) -> dict[str, Any]:
    """Job: a silent 9:16 Canvas loop of artwork in the release's look (its genre and mood), with no text at all:
    Spotify asks for none, and a cover carries its title and artist."""
    from liab import art
    from liab.video import canvas

    progress(0.05, 'Painting the artwork')
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    picture = art.make_art(genre=inputs['genre'], mood=inputs['mood'], seed=sum(map(ord, inputs['title'])) + seed,
                           size=1200)
    source = out / f'.canvas-art-{uuid.uuid4().hex[:8]}.png'
    picture.save(source, 'PNG')
    path = out / f'canvas-{uuid.uuid4().hex[:8]}.mp4'
    progress(0.15, 'Rendering the loop')
    try:
        canvas.render_canvas(cover=source, out_path=path, seconds=seconds, height=height, seed=seed)
    finally:
        source.unlink(missing_ok=True)
    return {'path': str(path), 'seconds': seconds, 'height': height, 'generated_cover': True}


def store_render(*, session: Session, project_id: str, kind: str, made: dict[str, Any]) -> ProjectPublic:
    if kind not in {'visualizer', 'canvas'}:
        raise ValueError(f'unknown render {kind!r}')
    path = media.relative(project_id, Path(made['path']))
    entry = {'id': uuid.uuid4().hex[:12], 'kind': kind, 'path': path, 'created_at': utcnow().isoformat(),
             **{key: value for key, value in made.items() if key != 'path'}}

    def change(data: dict[str, Any]) -> None:
        content = data.setdefault('content', {})
        kept = [entry, *(content.get('renders') or [])]
        content['renders'] = kept[:MAX_RENDERS]
        for old in kept[MAX_RENDERS:]:  # the oldest renders' files go with them
            (media.project_dir(project_id) / old['path']).unlink(missing_ok=True)

    return projects.change_project(session=session, project_id=project_id, change=change)


def renders(data: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [entry for entry in (data.get('content') or {}).get('renders') or [] if kind in {None, entry['kind']}]


# helpers ---------------------------------------------------------------------------------------------------------


def _cover(inputs: dict[str, Any], out: Path) -> Path:
    """The chosen cover, or a locally generated one when the artist has not chosen a cover yet."""
    if inputs.get('cover'):
        return Path(inputs['cover'])
    from liab.providers.images import artwork

    seed = sum(map(ord, inputs['title']))
    picture = artwork(None, title=inputs['title'], artist=inputs['artist'], genre=inputs['genre'],
                      mood=inputs['mood'], seed=seed, size=1200).value
    path = out / '.cover-stand-in.jpg'
    picture.convert('RGB').save(path, 'JPEG', quality=92)
    return path


def _point_assets(data: dict[str, Any], project_id: str, newest: dict[str, Any]) -> None:
    data.setdefault('assets', {})['uploaded_video'] = {
        'url': media.url(project_id, newest['path']), 'path': newest['path'],
        'metadata': {'duration': newest['duration'], 'fps': newest['fps'], 'transcript': newest['transcript']}}


def _video(data: dict[str, Any], video_id: str) -> dict[str, Any]:
    for entry in (data.get('content') or {}).get('videos') or []:
        if entry['id'] == video_id:
            return entry
    raise NotFound('That video is no longer in this project.')


def _transcript_file(project_id: str, video: Path) -> Path:
    return media.project_dir(project_id) / FOLDER / f'{video.stem}_transcript.txt'


def _clean(text: object) -> str:
    lines = str(text or '').replace('\r\n', '\n').replace('\r', '\n').split('\n')
    return '\n'.join(' '.join(''.join(c for c in line if c.isprintable()).split()) for line in lines).strip()


def _lyrics_title(data: dict[str, Any]) -> str:
    versions = (data.get('lyrics') or {}).get('versions') or [{}]
    return versions[-1].get('title') or ''
