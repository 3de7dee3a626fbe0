"""The upgrade dialog (spec 6.5): names the blocked feature and what Pro gives."""

from __future__ import annotations

from nicegui import ui

from liab import logs
from liab.errors import LiabError
from liab.services import billing
from liab.services.paywall import FEATURES, PRO_GIVES
from liab.web.bridge import as_user
from liab.web.components.dialogs import dismiss, form_error, page_dialog


def show_upgrade(feature: str | None, message: str | None = None, *, token: str | None = None) -> ui.dialog:
    """`token` is the logged-in browser's; without one the dialog asks to log in first."""
    blocked = FEATURES.get(feature or '')
    with page_dialog() as dialog, ui.card().classes('liab-dialog').mark('upgrade-dialog'):
        ui.label('Upgrade to Pro').classes('liab-dialog__title')
        if blocked:
            ui.label(blocked.title).classes('liab-dialog__kicker').mark('upgrade-feature')
        if message:
            ui.label(message).classes('liab-dialog__text')
        ui.label('Pro gives you:').classes('liab-dialog__text')
        with ui.element('ul').classes('liab-dialog__list'):
            for benefit in PRO_GIVES:
                with ui.element('li'):
                    ui.label(benefit)
        ready = billing.configured()
        if not token:
            ui.label('Log in or sign up first; Pro belongs to an account.').classes('liab-dialog__note')
        elif not ready:
            ui.label(billing.NOT_SET_UP).classes('liab-dialog__note').mark('billing-not-set-up')
        error = form_error()

        async def checkout() -> None:
            error.text = ''
            button.props('loading')
            try:
                with logs.action('checkout'):
                    url = await as_user(billing.checkout_url, token=token)
            except LiabError as exc:
                error.text = exc.message
                return
            finally:
                button.props(remove='loading')
            ui.navigate.to(url)  # Stripe's page

        with ui.row().classes('w-full justify-end'):
            ui.button('Close', on_click=lambda: dismiss(dialog)).props('flat no-caps').mark('upgrade-close')
            button = ui.button('Upgrade to Pro', icon='workspace_premium', on_click=checkout) \
                .props('unelevated no-caps').mark('upgrade-checkout')
            button.set_visibility(bool(token and ready))
    dialog.open()
    return dialog
