import asyncio
import re
from pathlib import Path

from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from liab import media
from liab.services import lyrics
from tests.fakes.openai_server import FakeOpenAI
from tests.sounds import click_track
from tests.web.conftest import only_project, project_count, until

pytest_plugins = ['tests.fakes.openai_server']


async def _open_lyrics(user: User) -> None:
    user.javascript_rules[re.compile(r'[\s\S]*clipboard[\s\S]*')] = lambda _match: True
    await user.open('/')
    user.find(marker='stage-lyrics').click()
    await user.should_see('with Lyrica')


def _versions() -> list[dict]:
    if project_count() == 0:
        return []
    return (only_project().data.get('lyrics') or {}).get('versions') or []


def _value(user: User, marker: str):
    return user.find(marker=marker).elements.pop().value


async def _write(user: User, genre: str, mood: str, theme: str) -> None:
    user.find(marker='lyrics-genre').elements.pop().set_value(genre)
    user.find(marker='lyrics-mood').elements.pop().set_value(mood)
    user.find(marker='lyrics-theme').clear().type(theme)
    count = len(_versions())
    user.find(marker='lyrics-run').click()
    await until(lambda: len(_versions()) == count + 1)
    # The row is written before the stage has its copy: wait for the page too, or the next action may act on the old.
    await user.should_see(f'Version {count + 1} of {count + 1}', marker='lyrics-version', retries=100)


async def test_write_shows_section_cards_saves_lyrics_txt_and_ticks_the_stage(user: User) -> None:
    await _open_lyrics(user)
    await user.should_see('local lyric writer', marker='lyrics-provider')
    await _write(user, 'trap', 'dark', 'the last train out of my hometown')
    await user.should_see('Here are your lyrics', marker='voice-caption')
    await user.should_see(marker='lyrics-section-Chorus')
    await user.should_see(marker='lyrics-section-Verse 1')
    project = only_project()
    assert 'lyrics' in project.data['workflow']['completed_stages']
    saved = (media.project_dir(project.id) / 'lyrics.txt').read_text()
    current = lyrics.current_lyrics(project.data)
    assert saved == current.text() + '\n'
    chorus = next(s for s in current.sections if s.name == 'Chorus')
    await user.should_see(chorus.lines[0])
    await user.should_see('Done ✓ (click to reopen)')
    first_chorus = [s.name for s in current.sections].index('Chorus')
    with user.scope(marker=f'lyrics-card-{first_chorus}'):
        user.find(marker='lyrics-copy').click()
    await user.should_see('Chorus copied to the clipboard.')


async def test_refine_undo_redo_and_an_instruction_it_cannot_follow(user: User) -> None:
    await _open_lyrics(user)
    await _write(user, 'pop', 'happy', 'summer road trip with friends')
    first = lyrics.current_lyrics(only_project().data)
    user.find(marker='lyrics-mode-refine').click()
    await user.should_see(marker='lyrics-instruction')
    user.find(marker='lyrics-instruction').type('make the chorus shorter')
    user.find(marker='lyrics-run').click()
    await until(lambda: len(_versions()) == 2)
    shorter = lyrics.current_lyrics(only_project().data)
    assert len(next(s for s in shorter.sections if s.name == 'Chorus').lines) < \
        len(next(s for s in first.sections if s.name == 'Chorus').lines)
    await user.should_see('Version 2 of 2', marker='lyrics-version')
    user.find(marker='lyrics-undo').click()
    await user.should_see('Version 1 of 2', marker='lyrics-version')
    assert lyrics.current_lyrics(only_project().data) == first
    assert (media.project_dir(only_project().id) / 'lyrics.txt').read_text() == first.text() + '\n'
    user.find(marker='lyrics-redo').click()
    await user.should_see('Version 2 of 2', marker='lyrics-version')
    user.find(marker='lyrics-instruction').type('translate it into a cooking recipe')
    user.find(marker='lyrics-run').click()
    await user.should_see(marker='lyrics-notice')
    await asyncio.sleep(0.3)
    assert len(_versions()) == 2
    notice = user.find(marker='lyrics-notice').elements.pop().text
    assert notice and ('can' in notice.lower())


async def test_the_full_text_can_be_edited_in_place(user: User) -> None:
    await _open_lyrics(user)
    await _write(user, 'r&b', 'romantic', 'slow dancing in the kitchen')
    user.find(marker='lyrics-edit').click()
    await user.should_see(marker='lyrics-editor')
    editor = user.find(marker='lyrics-editor').elements.pop()
    editor.set_value('[Verse 1]\nMy own first line\nand my own second line\n\n[Chorus]\nKitchen light')
    user.find(marker='lyrics-save').click()
    await until(lambda: len(_versions()) == 2)
    await user.should_see('My own first line')
    await user.should_see(marker='lyrics-section-Chorus')
    assert lyrics.current_version(only_project().data)['kind'] == 'edit'
    text = (media.project_dir(only_project().id) / 'lyrics.txt').read_text()
    assert text == '[Verse 1]\nMy own first line\nand my own second line\n\n[Chorus]\nKitchen light\n'


async def test_from_my_beat_uses_an_analysed_beat_file(user: User, tmp_path: Path) -> None:
    await _open_lyrics(user)
    user.find(marker='lyrics-mode-from_beat').click()
    await user.should_see('no beat yet', marker='lyrics-beat')
    upload = user.find(marker='lyrics-beat-upload').elements.pop()
    await upload.handle_uploads([SmallFileUpload('night drive.wav', 'audio/wav',
                                                 click_track(tmp_path, bpm=84).read_bytes())])
    await until(lambda: 'BPM' in user.find(marker='lyrics-beat').elements.pop().text)
    line = user.find(marker='lyrics-beat').elements.pop().text
    assert '"night drive.wav"' in line
    user.find(marker='lyrics-run').click()
    await until(lambda: len(_versions()) == 1)
    current = lyrics.current_version(only_project().data)
    assert current['kind'] == 'from_beat' and abs(current['details']['bpm'] - 84) <= 2
    assert sorted(p.name for p in media.project_dir(only_project().id).iterdir()) == ['lyrics.txt']


async def test_a_failing_openai_server_falls_back_with_a_visible_notice(user: User, fake_openai: FakeOpenAI) -> None:
    fake_openai.mode = 'malformed'
    await _open_lyrics(user)
    await user.should_see('OpenAI', marker='lyrics-provider')
    await _write(user, 'house', 'energetic', 'warehouse lights at dawn')
    await user.should_see('local writer wrote this instead', marker='lyrics-notice')
    assert lyrics.current_version(only_project().data)['source'] == {'kind': 'local', 'name': 'lyric writer'}


async def test_hostile_themes_are_shown_as_text(user: User) -> None:
    await _open_lyrics(user)
    await _write(user, 'lo-fi', 'dreamy', '<img src=x onerror=alert(1)> дождь 🌧 雨')
    assert '<img' not in lyrics.current_lyrics(only_project().data).text()
