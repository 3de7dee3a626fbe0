"""Pieces of the Mix stage: a labelled slider, the loudness report, and loudness-matched A/B players."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from liab import media
from liab.services import mixing
from liab.web.components.waveform import WaveformPlayer


def slider(label: str, low: float, high: float, step: float, value: float, *, unit: str = '',
           marker: str) -> ui.slider:
    """A slider with its name and current value above it; arrow keys move it one step."""
    with ui.column().classes('liab-slider gap-0'):
        with ui.row(align_items='center', wrap=False).classes('w-full'):
            ui.label(label).classes('liab-slider__label')
            ui.space()
            shown = ui.label().classes('liab-slider__value')
        control = ui.slider(min=low, max=high, step=step, value=value).props('color=purple-5 dense') \
            .mark(marker)
        shown.bind_text_from(control, 'value', backward=lambda v: _format(v, unit))
        control.props(f'aria-label="{label}"')
    return control


def report_table(report: dict[str, Any]) -> None:
    before, after = report.get('before') or {}, report.get('after') or {}
    rows = [('Integrated loudness', 'integrated_lufs', ' LUFS', report.get('target_lufs')),
            ('True peak', 'true_peak_dbtp', ' dBTP', report.get('ceiling_dbtp')),
            ('Sample peak', 'sample_peak_dbfs', ' dBFS', -0.3),
            ('Loudness range', 'lra_lu', ' LU', None)]
    with ui.element('table').classes('liab-report').mark('mix-report'):
        with ui.element('tr'):
            for head in ('', 'Before', 'After', 'Target'):
                with ui.element('th'):
                    ui.label(head)
        for name, key, unit, target in rows:
            with ui.element('tr').mark(f'mix-report-{key}'):
                with ui.element('td'):
                    ui.label(name)
                for value in (before.get(key), after.get(key)):
                    with ui.element('td'):
                        ui.label(_number(value, unit))
                with ui.element('td'):
                    ceiling = key in {'true_peak_dbtp', 'sample_peak_dbfs'}
                    ui.label(('at most ' if ceiling else '') + _number(target, unit) if target is not None else '—')


def target_note(report: dict[str, Any]) -> None:
    """Say so when a very loud target could not be reached without distortion."""
    master = report.get('master') or {}
    if master.get('target_reached') is False:
        after = (report.get('after') or {}).get('integrated_lufs')
        ui.label(f'This track could not get as loud as {report.get("target_lufs"):g} LUFS without audible '
                 f'distortion, so the master stops at {after:.1f} LUFS under the true-peak ceiling. Choose a lower '
                 'target or a lower-level mix.').classes('liab-notice-line').mark('mix-target-missed')


def ab_players(project_id: str, master: dict[str, Any], report: dict[str, Any]) -> None:
    """Before and after at the same loudness, so louder does not sound better by default."""
    before_volume, after_volume = mixing.loudness_match(report)
    difference = _difference(report)
    ui.label('Before and after play at the same loudness, so you hear the change in sound, not in level'
             + (f' (the master is {difference:+.1f} LU against the input).' if difference is not None else '.')) \
        .classes('liab-note')
    with ui.element('div').classes('liab-ab w-full'):
        if master.get('input'):
            with ui.column().classes('gap-1'):
                ui.label('A · Before').classes('liab-ab__label')
                WaveformPlayer.for_media(project_id, master['input'], master.get('input_label', 'Before')) \
                    .mark('mix-before').set_volume(before_volume)
        with ui.column().classes('gap-1'):
            ui.label('B · After: the master').classes('liab-ab__label')
            WaveformPlayer.for_media(project_id, master['path'], 'Mixed and mastered') \
                .mark('mix-after').set_volume(after_volume)
    with ui.row().classes('gap-2'):
        url = media.url(project_id, master['path'])
        ui.button('Download the master (24-bit WAV)', icon='download',
                  on_click=lambda: ui.navigate.to(f'{url}?download=1')).props('outline no-caps').mark('mix-download')
        ui.button('Loudness report (JSON)', icon='description',
                  on_click=lambda: ui.navigate.to(media.url(project_id, mixing.REPORT), new_tab=True)) \
            .props('flat no-caps')


def _difference(report: dict[str, Any]) -> float | None:
    before = (report.get('before') or {}).get('integrated_lufs')
    after = (report.get('after') or {}).get('integrated_lufs')
    return None if before is None or after is None else after - before


def _number(value: Any, unit: str) -> str:
    return '—' if value is None else f'{value:.1f}{unit}'


def _format(value: Any, unit: str) -> str:
    if value is None:
        return ''
    number = float(value)
    if unit in {' dB', ' ms', ' Hz'}:
        return f'{number:+.1f}{unit}' if unit == ' dB' else f'{number:.0f}{unit}'
    return f'{number:.2f}'
