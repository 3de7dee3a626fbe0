"""Where Stripe Checkout sends people back: what happened, and the plan as it is now. Visiting changes nothing;
only Stripe's signed webhook changes a plan."""

from __future__ import annotations

from nicegui import ui

from liab.web import layout
from liab.web.components.page import centered_card
from liab.web.visitor import load_visitor


def create() -> None:
    @ui.page('/billing/success', title=f'Thank you · {layout.PRODUCT}')
    async def success() -> None:
        visitor = await load_visitor()
        with centered_card('Thank you!'):
            ui.label('Stripe has your payment details. Pro starts as soon as Stripe confirms the subscription, '
                     'usually within a few seconds.').classes('liab-dialog__text')
            _plan_line(visitor.user.plan if visitor.user else None)
            _home_button()

    @ui.page('/billing/cancel', title=f'Checkout cancelled · {layout.PRODUCT}')
    async def cancel() -> None:
        visitor = await load_visitor()
        with centered_card('Checkout cancelled'):
            ui.label('Nothing was charged and nothing changed. You can upgrade any time from the account menu.') \
                .classes('liab-dialog__text')
            _plan_line(visitor.user.plan if visitor.user else None)
            _home_button()


def _plan_line(plan: str | None) -> None:
    if plan is None:
        text = 'Log in to see your plan.'
    elif plan == 'pro':
        text = 'Your plan now: Pro.'
    else:
        text = 'Your plan now: Free. Reload this page in a moment if you just paid.'
    ui.label(text).classes('liab-dialog__kicker').mark('billing-plan')


def _home_button() -> None:
    ui.button('Back to your project', icon='arrow_back', on_click=lambda: ui.navigate.to('/')) \
        .props('unelevated no-caps').mark('billing-home')
