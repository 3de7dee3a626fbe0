"""The release details form (title, artist, date, codes, credits with splits) and the pre-flight checklist."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from liab.audio import synth

ROLES = ('main', 'featured', 'producer', 'composer', 'lyricist', 'mixer', 'mastering')
LANGUAGES = {'en': 'English', 'es': 'Spanish', 'fr': 'French', 'de': 'German', 'pt': 'Portuguese', 'it': 'Italian',
             'nl': 'Dutch', 'sv': 'Swedish', 'pl': 'Polish', 'ru': 'Russian', 'uk': 'Ukrainian', 'el': 'Greek',
             'tr': 'Turkish', 'ar': 'Arabic', 'hi': 'Hindi', 'ja': 'Japanese', 'ko': 'Korean', 'zh': 'Chinese',
             'yo': 'Yoruba', 'sw': 'Swahili', 'zxx': 'No lyrics (instrumental)'}
STATUS_ICONS = {'pass': ('check_circle', 'liab-check--pass'), 'warn': ('warning', 'liab-check--warn'),
                'fail': ('cancel', 'liab-check--fail')}


class DetailsForm(ui.column):
    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__()
        self.classes('w-full gap-2').mark('release-details')
        with self:
            with ui.row().classes('w-full liab-fields'):
                self.title = ui.input('Track title', value=values.get('title', '')).props('maxlength=200') \
                    .mark('release-title')
                self.artist = ui.input('Artist', value=values.get('artist', '')).props('maxlength=100') \
                    .mark('release-artist')
            with ui.row().classes('w-full liab-fields'):
                self.genre = ui.select(list(synth.GENRES), label='Genre', value=values.get('genre') or 'hip hop') \
                    .mark('release-genre')
                self.mood = ui.select(list(synth.MOODS), label='Mood', value=values.get('mood') or 'energetic') \
                    .mark('release-mood')
                self.language = ui.select(LANGUAGES, label='Language', value=values.get('language') or 'en') \
                    .mark('release-language')
                with ui.input('Release date', value=values.get('release_date', '')).mark('release-date') as date:
                    with ui.menu().props('no-parent-event') as menu:
                        ui.date().bind_value(date).props('first-day-of-week=1')
                    with date.add_slot('append'):
                        ui.icon('edit_calendar').on('click', menu.open).classes('cursor-pointer')
                self.release_date = date
                self.explicit = ui.switch('Explicit', value=bool(values.get('explicit'))).mark('release-explicit')
            with ui.row().classes('w-full liab-fields'):
                self.label = ui.input('Label (your name if independent)', value=values.get('label', '')) \
                    .props('maxlength=100').mark('release-label')
                self.p_line = ui.input('℗ line', value=values.get('p_line', ''), placeholder='2026 Your Label') \
                    .props('maxlength=120').mark('release-p-line')
                self.c_line = ui.input('© line', value=values.get('c_line', ''), placeholder='2026 Your Label') \
                    .props('maxlength=120').mark('release-c-line')
            with ui.row().classes('w-full liab-fields'):
                self.isrc = ui.input('ISRC (optional)', value=values.get('isrc') or '',
                                     placeholder='CC-XXX-YY-NNNNN').props('maxlength=20').mark('release-isrc')
                self.upc = ui.input('UPC or EAN (optional)', value=values.get('upc') or '') \
                    .props('maxlength=16 inputmode=numeric').mark('release-upc')
            ui.label('Credits and ownership splits (owners must add up to 100%)').classes('liab-note')
            self.credits_box = ui.column().classes('w-full gap-1').mark('release-credits')
            self.rows: list[tuple[ui.input, ui.select, ui.number]] = []
            for credit in values.get('credits') or [{'name': values.get('artist', ''), 'role': 'main',
                                                     'share': 100}]:
                self.add_credit(credit)
            with ui.row(align_items='center'):
                ui.button('Add a credit', icon='person_add', on_click=lambda: self.add_credit({})) \
                    .props('flat no-caps').mark('release-add-credit')
                self.total = ui.label().classes('liab-note').mark('release-split-total')
        self._total()

    def add_credit(self, credit: dict[str, Any]) -> None:
        with self.credits_box, ui.row(align_items='center', wrap=False).classes('w-full liab-credit') as row:
            name = ui.input('Name', value=credit.get('name', '')).props('dense maxlength=100').classes('grow') \
                .mark('release-credit-name')
            role = ui.select(list(ROLES), value=credit.get('role') or 'producer', label='Role').props('dense') \
                .mark('release-credit-role')
            share = ui.number('Share %', value=credit.get('share', 0), min=0, max=100, step=0.5,
                              on_change=self._total).props('dense').classes('liab-credit__share') \
                .mark('release-credit-share')
            entry = (name, role, share)
            ui.button(icon='close', on_click=lambda: self._remove(row, entry)).props('flat round dense') \
                .tooltip('Remove this credit')
        self.rows.append(entry)
        self._total()

    def values(self) -> dict[str, Any]:
        return {'title': self.title.value, 'artist': self.artist.value, 'genre': self.genre.value,
                'mood': self.mood.value, 'language': self.language.value, 'release_date': self.release_date.value,
                'explicit': bool(self.explicit.value), 'label': self.label.value, 'p_line': self.p_line.value,
                'c_line': self.c_line.value, 'isrc': self.isrc.value or None, 'upc': self.upc.value or None,
                'credits': [credit for credit in map(self._credit, self.rows) if credit['name']]}

    def _credit(self, row: tuple[ui.input, ui.select, ui.number]) -> dict[str, Any]:
        """A row as a credit; an unnamed main-artist row is the artist above."""
        name, role, share = row
        named = (name.value or '').strip() or (self.artist.value or '' if role.value == 'main' else '')
        return {'name': named, 'role': role.value, 'share': float(share.value or 0)}

    def _remove(self, row: ui.row, entry: tuple) -> None:
        self.rows.remove(entry)
        row.delete()
        self._total()

    def _total(self) -> None:
        if not hasattr(self, 'total'):
            return
        owned = sum(float(share.value or 0) for _, _, share in self.rows)
        self.total.set_text(f'Owners total {owned:g}%' + ('' if abs(owned - 100) < 0.01 else ' · must be 100%'))


def checklist(rows: list[tuple[str, str, str]]) -> None:
    with ui.column().classes('w-full gap-1').mark('release-checklist'):
        for name, status, reason in rows:
            icon, css = STATUS_ICONS.get(status, STATUS_ICONS['warn'])
            with ui.row(align_items='start', wrap=False).classes(f'liab-check {css} w-full') \
                    .mark(f'release-check-{status}'):
                ui.icon(icon).classes('liab-check__icon')
                with ui.column().classes('gap-0'):
                    ui.label(name).classes('liab-check__name')
                    ui.label(reason).classes('liab-note')
