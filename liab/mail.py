"""Outgoing e-mail through the SMTP server of LIAB_SMTP_URL (smtp://user:pass@host:587 or smtps://host:465)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from liab.config import Settings
from liab.errors import ProviderUnavailable

TIMEOUT_S = 10


def mail_configured(settings: Settings) -> bool:
    return settings.smtp_url is not None


def send_mail(settings: Settings, *, to: str, subject: str, text: str) -> None:
    if settings.smtp_url is None:
        raise ProviderUnavailable('E-mail is not set up on this server.')
    url = urlsplit(settings.smtp_url.get_secret_value())
    message = EmailMessage()
    message['From'] = settings.smtp_from
    message['To'] = to
    message['Subject'] = subject
    message.set_content(text)
    try:
        if url.scheme == 'smtps':
            client: smtplib.SMTP = smtplib.SMTP_SSL(url.hostname or 'localhost', url.port or 465, timeout=TIMEOUT_S,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(url.hostname or 'localhost', url.port or 587, timeout=TIMEOUT_S)
        with client:
            client.ehlo()
            if url.scheme != 'smtps' and client.has_extn('starttls'):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ''))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise ProviderUnavailable('The e-mail could not be sent; try again later or ask the admin.') from exc
