"""Small dialog helpers shared by the account and project screens."""

from __future__ import annotations

from nicegui import context, ui


def page_dialog() -> ui.dialog:
    """A dialog hung on the page itself, so it still shows when opened from a menu that closes behind it."""
    with context.client.layout:
        return ui.dialog()


def dismiss(dialog: ui.dialog) -> None:
    """Close a one-off dialog and drop it from the page."""
    dialog.close()
    dialog.delete()


async def confirm(title: str, text: str, *, ok: str, danger: bool = False) -> bool:
    with page_dialog() as dialog, ui.card().classes('liab-dialog').mark('confirm-dialog'):
        ui.label(title).classes('liab-dialog__title')
        ui.label(text).classes('liab-dialog__text')
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat no-caps').mark('confirm-cancel')
            ui.button(ok, on_click=lambda: dialog.submit(True)).props('unelevated no-caps') \
                .props('color=negative' if danger else '').mark('confirm-ok')
    result = await dialog
    dialog.delete()
    return bool(result)


def form_error() -> ui.label:
    """An inline error line under a form; empty and hidden until set."""
    label = ui.label().classes('liab-form-error').props('role=alert')
    label.bind_visibility_from(label, 'text', backward=bool)
    return label
