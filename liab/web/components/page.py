"""A page of its own around one card (log-in, password reset, billing returns)."""

from __future__ import annotations

from nicegui import ui

from liab.web import layout


def centered_card(title: str) -> ui.card:
    ui.colors(primary='#8b5cf6', secondary='#f5b942', accent='#c4b5fd', positive='#34d399')
    layout.header()
    layout.Mist()
    with ui.column(align_items='center').classes('liab-main'):
        card = ui.card().classes('liab-dialog liab-auth')
        with card:
            ui.label(title).classes('liab-dialog__title')
    return card
