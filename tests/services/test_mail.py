from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from liab import mail
from liab.config import get_settings
from liab.errors import ProviderUnavailable
from tests.conftest import SMTP_SENDER, Inbox, free_port


def test_send_mail_delivers_one_message_to_the_smtp_server(smtp_server: tuple[Controller, Inbox]) -> None:
    _, inbox = smtp_server
    settings = get_settings()
    assert mail.mail_configured(settings)
    mail.send_mail(settings, to='nova@example.com', subject='Reset your password',
                   text='Open this link: https://label.example/reset-password?token=abc\n')
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == 'hello@label.example'
    assert envelope.rcpt_tos == ['nova@example.com']
    message = message_from_bytes(envelope.original_content or b'', policy=policy.default)
    assert message['To'] == 'nova@example.com'
    assert message['From'] == SMTP_SENDER
    assert message['Subject'] == 'Reset your password'
    assert message.get_content().splitlines() == ['Open this link: https://label.example/reset-password?token=abc']


def test_send_mail_reports_a_stopped_server_as_unavailable(smtp_server: tuple[Controller, Inbox]) -> None:
    controller, inbox = smtp_server
    controller.stop()
    with pytest.raises(ProviderUnavailable, match='could not be sent'):
        mail.send_mail(get_settings(), to='nova@example.com', subject='Hello', text='Hi')
    assert inbox.envelopes == []


def test_send_mail_reports_a_closed_port_as_unavailable(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_SMTP_URL', f'smtp://127.0.0.1:{free_port()}')
    get_settings.cache_clear()
    with pytest.raises(ProviderUnavailable, match='could not be sent'):
        mail.send_mail(get_settings(), to='nova@example.com', subject='Hello', text='Hi')


def test_without_an_smtp_url_mail_is_not_configured_and_not_sent(data_dir: Path) -> None:
    settings = get_settings()
    assert settings.smtp_url is None
    assert not mail.mail_configured(settings)
    with pytest.raises(ProviderUnavailable, match='not set up'):
        mail.send_mail(settings, to='nova@example.com', subject='Hello', text='Hi')

