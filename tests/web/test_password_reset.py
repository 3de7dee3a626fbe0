import re
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from nicegui.testing import User

from liab import db
from liab.services import auth
from tests.conftest import Inbox

OLD, NEW = 'violet-harbor-lantern', 'copper-meadow-sparrow'


def _account(email: str = 'nova@example.com') -> None:
    with db.session_scope(write=True) as session:
        auth.sign_up(session=session, email=email, password=OLD)


async def test_forgot_password_mails_a_link_that_sets_a_new_password_once(smtp_server: tuple[Controller, Inbox],
                                                                         user: User) -> None:
    _, inbox = smtp_server
    await user.open('/forgot-password')
    _account()
    user.find(marker='forgot-email').type('Nova@example.com')
    user.find(marker='forgot-submit').click()
    await user.should_see('If an account exists for that address', marker='forgot-done')
    assert len(inbox.envelopes) == 1
    body = message_from_bytes(inbox.envelopes[0].original_content or b'', policy=policy.default).get_content()
    link = re.search(r'http://localhost:8080(/reset-password\?token=\S+)', body)
    assert link is not None, body

    await user.open(link.group(1))
    user.find(marker='reset-password').type(NEW)
    user.find(marker='reset-submit').click()
    await user.should_see(marker='account-avatar', retries=100)
    with db.session_scope(write=True) as session:
        assert auth.log_in(session=session, email='nova@example.com', password=NEW).user.email == 'nova@example.com'

    await user.open(link.group(1))  # the same link a second time
    user.find(marker='reset-password').type('another-long-passphrase')
    user.find(marker='reset-submit').click()
    await user.should_see('This reset link has been used already.', marker='reset-error')


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(smtp_server: tuple[Controller, Inbox],
                                                                  user: User) -> None:
    _, inbox = smtp_server
    await user.open('/forgot-password')
    user.find(marker='forgot-email').type('nobody@example.com')
    user.find(marker='forgot-submit').click()
    await user.should_see('If an account exists for that address', marker='forgot-done')
    assert inbox.envelopes == []


async def test_without_mail_the_page_says_how_the_admin_makes_a_link(user: User) -> None:
    await user.open('/forgot-password')
    await user.should_see('python -m liab reset-password', marker='no-mail')
    await user.should_not_see(marker='forgot-email')


async def test_a_broken_reset_link_says_so_and_changes_nothing(user: User) -> None:
    await user.open('/reset-password?token=not-a-token')
    _account()
    user.find(marker='reset-password').type(NEW)
    user.find(marker='reset-submit').click()
    await user.should_see('This reset link is not valid or has expired.', marker='reset-error')
    with db.session_scope(write=True) as session:
        assert auth.log_in(session=session, email='nova@example.com', password=OLD).user
