"""The upgrade dialog (spec 6.5): names the blocked feature and what Pro gives."""

from __future__ import annotations

from nicegui import ui

from liab.config import get_settings
from liab.services.paywall import FEATURES, PRO_GIVES
from liab.web.components.dialogs import dismiss, page_dialog


def billing_ready() -> bool:
    settings = get_settings()
    return settings.stripe_secret is not None and settings.price_pro_monthly is not None


def show_upgrade(feature: str | None, message: str | None = None, *, logged_in: bool = True) -> ui.dialog:
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
        if not logged_in:
            ui.label('Log in or sign up first; Pro belongs to an account.').classes('liab-dialog__note')
        elif not billing_ready():
            ui.label('Billing is not set up on this server yet. The admin can grant Pro with '
                     '`python -m liab set-plan <your e-mail> pro`.').classes('liab-dialog__note') \
                .mark('billing-not-set-up')
        with ui.row().classes('w-full justify-end'):
            ui.button('Close', on_click=lambda: dismiss(dialog)).props('flat no-caps').mark('upgrade-close')
    dialog.open()
    return dialog
