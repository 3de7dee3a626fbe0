"""A small old deployment (spec 1.5 and 8) built on the spot for the legacy import tests: real bcrypt hashes, saved
projects, session folders with media, and the hostile and broken things an old tree may hold."""

import json
import os
from pathlib import Path

import bcrypt

ANA = '3f2b8c1e-5d4a-4e6f-9b7c-2a1d0e9f8c7b'  # an old UUID id: kept as the new id
BO = 'user_bo_42'  # not a UUID: the new id is derived from it
PASSWORDS = {ANA: 'ana-old-password-7', BO: 'bo-old-password-9', 'taken': 'taken-old-password-3'}
BEAT = b'ID3 fake beat bytes \x00\x01\x02' * 50
TAKE = b'RIFF fake vocal take' * 40
MIX = b'RIFF fake master' * 60
COVER = b'\xff\xd8\xff fake jpeg' * 30
LYRICS = '[Verse 1]\nHeadlights on the empty road\nI keep driving till I know\n\n[Chorus]\nNight drive, night drive\n'


def hashed(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


def build(root: Path, *, outside: Path) -> Path:
    """The old deployment at `root`; `outside` is a folder beside it that links in the tree point at."""
    outside.mkdir(parents=True, exist_ok=True)
    (outside / 'secret.txt').write_text('not for import')
    users = {
        ANA: {'email': 'Ana@Example.com', 'password_hash': hashed(PASSWORDS[ANA]), 'created_at': '2024-01-02T03:04:05',
              'plan': 'pro', 'stripe_customer_id': 'cus_ana', 'last_release_timestamp': '2024-05-01T10:00:00'},
        BO: {'email': 'bo@example.com', 'password_hash': hashed(PASSWORDS[BO]), 'created_at': '2024-02-03T04:05:06',
             'plan': 'free', 'stripe_customer_id': None, 'last_release_timestamp': None},
        'taken': {'email': 'taken@example.com', 'password_hash': hashed(PASSWORDS['taken']),
                  'created_at': '2024-03-04T05:06:07', 'plan': 'free'},
        'bad': {'email': 'not an address', 'password_hash': hashed('whatever-123'), 'plan': 'free'},
    }
    _json(root / 'data' / 'users.json', users)

    night = _memory('s1', title='Night Drive', extra={
        'assets': {
            'beat': {'url': '/media/s1/beat.mp3', 'metadata': {'bpm': 92, 'key': 'F minor', 'duration': 60}},
            'lyrics': {'url': '/media/s1/lyrics.txt', 'metadata': {'genre': 'hip hop', 'mood': 'dark'}},
            'stems': [{'url': '/media/s1/stems/My%20Take.wav', 'added_at': '2024-04-01T12:00:00',
                       'metadata': {'filename': 'My Take.wav', 'size': len(TAKE)}}],
            'mix': {'url': f'http://old.example:8000/media/{ANA}/s1/mix/mixed_mastered.wav',
                    'metadata': {'preset': 'clean', 'ai_mix': True}},
            'cover_art': {'url': '/media/s1/../../../etc/passwd'},
        },
        'workflow': {'current_stage': 'mix', 'completed_stages': ['beat', 'lyrics', 'upload']},
        'workflow_state': {'beat_done': True, 'mix_done': True, 'release_done': False},
        'mix': {'vocal_level': 0, 'reverb_amount': 0.3},
        'viralAnalysis': {'score': 70},
        'chat_log': [{'role': 'user', 'text': 'make it darker'}],
    })
    _json(root / 'data' / 'projects' / ANA / 'p1.json',
          {'projectId': 'p1', 'userId': ANA, 'name': 'Old name', 'projectData': night,
           'createdAt': '2024-04-01T12:00:00', 'updatedAt': '2024-04-02T12:00:00'})
    hostile = _memory('../user_bo_42/s2', title='Grab', extra={
        'assets': {'beat': {'url': f'/media/{ANA}/../{BO}/s2/beat.mp3'}}})
    _json(root / 'data' / 'projects' / ANA / 'p-hostile.json', {'projectId': 'p-hostile', 'projectData': hostile})
    (root / 'data' / 'projects' / ANA / 'broken.json').write_text('{"projectId": "p3", "projectData": {')

    session = root / 'media' / ANA / 's1'
    _write(session / 'beat.mp3', BEAT)
    _write(session / 'lyrics.txt', LYRICS.encode())
    _write(session / 'stems' / 'My Take.wav', TAKE)
    _write(session / 'mix' / 'mixed_mastered.wav', MIX)
    _write(session / 'release' / 'cover' / 'final_cover_3000.jpg', COVER)
    _write(session / 'stems' / '.upload-123.part', b'half a file')
    os.symlink(outside / 'secret.txt', session / 'stems' / 'link.wav')
    os.symlink(outside, session / 'release' / 'elsewhere')
    # The working state moved on since the save: it arrives as a draft of its own.
    _json(session / 'project.json', {**night, 'workflow': {'current_stage': 'release',
                                                           'completed_stages': ['beat', 'lyrics', 'upload', 'mix']}})
    _json(session / 'schedule.json', [{'post_id': 'x1', 'platform': 'TikTok', 'schedule_time': '2030-05-01T18:00:00Z',
                                      'caption': 'Night Drive out Friday', 'hashtags': ['#nightdrive'],
                                      'video_url': '/media/s1/beat.mp3', 'status': 'scheduled'},
                                     {'platform': 'myspace', 'caption': 'not a platform here'}])
    os.symlink(outside, root / 'media' / ANA / 's-link')

    second = _memory('s2', title='Second Song', extra={'assets': {'beat': {'url': '/media/s2/beat.mp3'}}})
    _json(root / 'data' / 'projects' / BO / 'p2.json', {'projectId': 'p2', 'name': 'Second', 'projectData': second})
    _write(root / 'media' / BO / 's2' / 'beat.mp3', BEAT[::-1])
    _json(root / 'media' / BO / 's2' / 'project.json', second)  # the same as its saved project: left out
    _write(root / 'media' / BO / 's3' / 'stray.wav', b'no project uses this')

    _json(root / 'data' / 'projects' / 'taken' / 'p4.json', {'projectData': _memory('s4', title='Not yours')})
    _json(root / 'media' / 'ghost' / 's9' / 'project.json', _memory('s9', title='Nobody'))
    return root


def _memory(session_id: str, *, title: str, extra: dict | None = None) -> dict:
    return {'session_id': session_id, 'created_at': '2024-04-01T12:00:00', 'updated_at': '2024-04-02T12:00:00',
            'metadata': {'tempo': 92, 'key': 'F minor', 'mood': 'dark', 'genre': 'hip hop'},
            'release': {'title': title, 'artist': 'Ana', 'genre': 'hip hop', 'mood': 'dark', 'explicit': False,
                        'release_date': '2024-06-07', 'cover_art': f'/media/{session_id}/release/cover/x.jpg'},
            'beat': {'tempo': 92}, 'voice_prompts': [], **(extra or {})}


def _json(path: Path, value: object) -> None:
    _write(path, json.dumps(value).encode())


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
