import hashlib
from pathlib import Path

import pytest
from nicegui import app
from nicegui.testing import User
from sqlmodel import select

from liab import db
from liab.config import get_settings
from liab.models import User as UserRow
from liab.web.voice_control import STORAGE_KEY, VoicePlayer
from tests.web.conftest import until

PASSWORD = 'violet-harbor-lantern'


@pytest.fixture(autouse=True)
def offline_voice(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_SPEECH_PROVIDER', 'espeak')
    get_settings.cache_clear()


def _player(user: User) -> VoicePlayer:
    players = list(user.find(VoicePlayer).elements)
    assert len(players) == 1
    return players[0]


def _clip_url(persona: str, text: str) -> str:
    return f'/voices/{hashlib.sha256(f"{persona}:{text}".encode()).hexdigest()}.mp3'


async def _turn_on(user: User) -> None:
    user.find(marker='voice-control').click()
    user.find(marker='voice-enabled').elements.pop().set_value(True)


async def test_voice_is_off_until_turned_on_and_the_caption_shows_either_way(user: User, data_dir: Path) -> None:
    await user.open('/')
    user.find(marker='stage-beat').click()
    await user.should_see('Beat stage. I am Echo.', marker='voice-caption')
    player = _player(user)
    assert player.src == '' and player.props['nonce'] == 0
    assert not list((data_dir / 'voices').glob('*.mp3'))
    user.find(marker='stage-close').click()

    await _turn_on(user)
    user.find(marker='stage-lyrics').click()
    await user.should_see('Lyrics stage. I am Lyrica.', marker='voice-caption')
    await until(lambda: player.src == _clip_url('Lyrica', 'Lyrics stage. I am Lyrica.'), 20)
    assert (data_dir / 'voices' / Path(player.src).name).stat().st_size > 1000
    await user.should_see('Speaking with the offline voice (eSpeak NG).', marker='voice-engine')


async def test_the_choice_volume_and_persona_are_remembered_by_this_browser(user: User) -> None:
    await user.open('/')
    await _turn_on(user)
    user.find(marker='voice-volume').elements.pop().set_value(30)
    assert _player(user).volume == pytest.approx(0.3)
    user.find(marker='voice-persona').elements.pop().set_value('Pulse')
    await until(lambda: app.storage.user.get(STORAGE_KEY) == {'enabled': True, 'volume': 0.3, 'persona': 'Pulse'}, 5)

    await user.open('/')  # the same browser comes back
    assert user.find(marker='voice-enabled').elements.pop().value is True
    assert user.find(marker='voice-volume').elements.pop().value == 30
    assert _player(user).volume == pytest.approx(0.3)
    user.find(marker='stage-mix').click()
    await user.should_see('Tone (as Pulse)', marker='voice-caption')  # Tone's line in Pulse's voice
    await until(lambda: _player(user).src == _clip_url('Pulse', 'Mix stage. I am Tone.'), 20)


async def test_stop_silences_the_line_turning_off_stops_and_a_repeat_is_not_played_twice(user: User) -> None:
    await user.open('/')
    await _turn_on(user)
    player = _player(user)
    user.find(marker='stage-upload').click()
    await until(lambda: player.src == _clip_url('Nova', 'Upload stage. I am Nova.'), 20)
    plays = player.props['nonce']
    user.find(marker='voice-stop').click()
    assert player.src == '' and player.props['nonce'] == plays + 1

    user.find(marker='stage-close').click()
    user.find(marker='stage-upload').click()  # the same line again within 10 s: the caption shows, no replay
    await user.should_see('Upload stage. I am Nova.', marker='voice-caption')
    user.find(marker='stage-close').click()
    user.find(marker='stage-release').click()
    await until(lambda: player.src == _clip_url('Aria', 'Release stage. I am Aria.'), 20)
    assert player.props['nonce'] == plays + 2

    user.find(marker='voice-enabled').elements.pop().set_value(False)
    assert player.src == ''
    user.find(marker='stage-close').click()
    user.find(marker='stage-content').click()
    await user.should_see('Content stage. I am Vee.', marker='voice-caption')
    assert player.src == ''


async def test_a_logged_in_users_voice_settings_are_kept_on_the_account(user: User) -> None:
    await user.open('/')
    user.find(marker='account-login').click()
    user.find(marker='signup-email').type('aria@example.com')
    user.find(marker='signup-password').type(PASSWORD)
    user.find(marker='signup-submit').click()
    await user.should_see(marker='account-avatar', retries=100)
    await user.open('/')  # the page after log-in
    assert user.find(marker='voice-enabled').elements.pop().value is False
    await _turn_on(user)
    user.find(marker='voice-persona').elements.pop().set_value('Echo')

    def stored() -> dict | None:
        with db.session_scope() as session:
            row = session.exec(select(UserRow)).one()
            return (row.preferences or {}).get('voice')

    await until(lambda: stored() == {'enabled': True, 'volume': 0.8, 'persona': 'Echo'}, 5)
    assert STORAGE_KEY not in app.storage.user  # not kept in the browser for an account

    await user.open('/')
    await until(lambda: user.find(marker='voice-enabled').elements.pop().value is True, 5)
    assert user.find(marker='voice-persona').elements.pop().value == 'Echo'


async def test_a_browser_that_blocks_sound_is_explained_once(user: User) -> None:
    await user.open('/')
    await _turn_on(user)
    player = user.find(VoicePlayer)
    player.trigger('speaking', {'speaking': True, 'blocked': False})
    assert 'is-speaking' in user.find(marker='voice-control').elements.pop().classes
    player.trigger('speaking', {'speaking': False, 'blocked': True})
    await user.should_see('the voice speaks from the next line')
    assert 'is-speaking' not in user.find(marker='voice-control').elements.pop().classes
