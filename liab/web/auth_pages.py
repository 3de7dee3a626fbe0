"""Pages of their own for log-in (with a safe return path), password reset and the forgotten-password form."""

from __future__ import annotations

from nicegui import run, ui

from liab import logs
from liab.config import get_settings
from liab.errors import LiabError, NotFound
from liab.mail import mail_configured, send_mail
from liab.services import auth, library
from liab.services.auth import AuthResult
from liab.web import layout
from liab.web.account import auth_forms
from liab.web.bridge import in_session
from liab.web.components.dialogs import form_error
from liab.web.components.page import centered_card
from liab.web.visitor import load_visitor, safe_next


def create() -> None:
    @ui.page('/login', title=f'Log in · {layout.PRODUCT}')
    async def login_page(next: str | None = None) -> None:
        visitor = await load_visitor()
        target = safe_next(next)
        if visitor.user:
            ui.navigate.to(target)
            return

        async def signed_in(result: AuthResult) -> None:
            adopted = await in_session(library.adopt_browser_project, write=True, browser_id=visitor.browser_id,
                                       user_id=result.user.id)
            visitor.remember(result.token, adopted)
            ui.navigate.to(target)

        with centered_card('Log in or sign up'):
            auth_forms(signed_in)

    @ui.page('/reset-password', title=f'New password · {layout.PRODUCT}')
    async def reset_page(token: str = '') -> None:
        visitor = await load_visitor()
        with centered_card('Choose a new password'):
            password = ui.input('New password (8 to 128 characters)', password=True, password_toggle_button=True) \
                .props('autocomplete=new-password maxlength=1024').classes('w-full').mark('reset-password')
            error = form_error().mark('reset-error')

            async def submit() -> None:
                error.text = ''
                try:
                    with logs.action('reset_password'):
                        result = await in_session(auth.reset_password, write=True, token=token,
                                                  new_password=password.value or '')
                except LiabError as exc:
                    error.text = exc.message
                    return
                visitor.remember(result.token)
                ui.notify('Password changed. You are logged in.', type='positive')
                ui.navigate.to('/')

            password.on('keydown.enter', submit)
            ui.button('Set password', on_click=submit).props('unelevated no-caps').classes('w-full') \
                .mark('reset-submit')

    @ui.page('/forgot-password', title=f'Forgot password · {layout.PRODUCT}')
    async def forgot_page() -> None:
        settings = get_settings()
        with centered_card('Forgot your password?'):
            if not mail_configured(settings):
                ui.label('This server does not send e-mail. Ask the admin for a reset link: they run '
                         '`python -m liab reset-password <your e-mail>` and send you the link it prints.') \
                    .classes('liab-dialog__text').mark('no-mail')
                return
            email = ui.input('E-mail').props('type=email autocomplete=email maxlength=320').classes('w-full') \
                .mark('forgot-email')
            done = ui.label().classes('liab-dialog__text').mark('forgot-done')

            async def submit() -> None:
                address = email.value or ''
                try:
                    link = await in_session(auth.reset_link, email=address)
                except (NotFound, LiabError):
                    link = None  # the same answer either way: nobody learns which addresses have accounts
                if link:
                    try:
                        text = (f'Set a new password for Label-in-a-Box within an hour:\n\n{link}\n\n'
                                'If you did not ask for this, ignore this e-mail.')
                        await run.io_bound(send_mail, settings, to=auth.normalize_email(address),
                                           subject='Your password reset link', text=text)
                    except LiabError as exc:
                        ui.notify(exc.message, type='negative')
                        return
                done.text = 'If an account exists for that address, a link to set a new password is on its way.'

            email.on('keydown.enter', submit)
            ui.button('Send the link', on_click=submit).props('unelevated no-caps').classes('w-full') \
                .mark('forgot-submit')
