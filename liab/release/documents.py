"""The release's PDFs: the lyric sheet and the split sheet.

Built with reportlab's platypus in a TrueType font that covers Latin with accents, Greek and Cyrillic, so the text is
real, selectable and searchable. All user text is escaped before it reaches platypus's paragraph markup, and
characters the font has no glyph for (emoji) are left out rather than printed as empty boxes.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from liab import media
from liab.errors import LiabError
from liab.release.details import ROLE_LABELS, ROLES, Credit, ReleaseDetails

# NOTE: static/ is the folder liab.web serves as /static (liab.web.STATIC_DIR); not imported, that loads NiceGUI.
FONT_DIRS = (Path(__file__).resolve().parents[2] / 'static' / 'fonts', Path('/usr/share/fonts/truetype/dejavu'))
REGULAR_FILES = ('DejaVuSans.ttf',)
BOLD_FILES = ('DejaVuSans-Bold.ttf', 'DejaVuSansCondensed-Bold.ttf')
REGULAR, BOLD = 'LiabSans', 'LiabSans-Bold'
INK, MUTED, ACCENT, RULE = '#1d1d24', '#6b6b78', '#6a32b0', '#d9d6e0'
WIDTH_MM = 161  # A4 less the margins and the frame's padding
MARGIN_PT = 68  # the page margin plus the frame's padding: where the text starts
_LOCK = threading.Lock()


def lyrics_pdf(path: Path, *, title: str, artist: str, lyrics_text: str, credits: Sequence[Credit]) -> Path:
    """A lyric sheet: title and artist, each section under its heading ('[Chorus]' -> Chorus), the credits, and
    'Page n of m' at the foot of every page. Written atomically."""
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

    styles = _styles()
    story: list[Any] = [Paragraph(_markup(title) or 'Untitled', styles['title']),
                        Paragraph(_markup(artist), styles['artist']), _rule()]
    stanzas = _stanzas(lyrics_text)
    if not stanzas:
        story.append(Paragraph('No lyrics yet.', styles['note']))
    for heading, lines in stanzas:
        block = [Paragraph(_markup(heading), styles['heading'])] if heading else [Spacer(1, 6)]
        block += [Paragraph(_markup(line), styles['line']) for line in lines]
        story.append(KeepTogether(block))
    rows = _credit_rows(credits)
    if rows:
        story += [Spacer(1, 14), CondPageBreak(40 + 16 * len(rows)), _rule(),
                  Paragraph('Credits', styles['heading']), _table(rows, (40, WIDTH_MM - 40), styles)]
    footer = f'{_plain(title)} \u00b7 {_plain(artist)}'
    return _build(path, story, footer=footer, meta_title=f'{_plain(title)} - lyrics', author=_plain(artist))


def split_sheet_pdf(path: Path, *, details: ReleaseDetails, prepared: date | None = None) -> Path:
    """A split sheet: the song's identifiers, each writer and owner with their roles and share, the total, and a
    signature and date line for each of them. Written atomically."""
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    styles = _styles()
    title = details.title + (f' ({details.version})' if details.version else '')
    facts = [('Song', title), ('Artist', details.artist), ('ISRC', details.isrc or 'Not assigned yet'),
             ('UPC/EAN', details.upc or 'Not assigned yet'), ('Release date', _long_date(details.release_date)),
             ('Label', details.label), ('(P) line', f'\u2117 {details.p_line}'),
             ('(C) line', f'\u00a9 {details.c_line}')]
    people = _people(details.credits)
    total = sum(share for _, _, share in people)
    splits = [('Name', 'Roles', 'Share'), *((name, roles, _percent(share)) for name, roles, share in people),
              ('Total', '', _percent(total))]
    story: list[Any] = [
        Paragraph('Split sheet', styles['title']),
        Paragraph(f'{_markup(title)} \u00b7 {_markup(details.artist)}', styles['artist']), _rule(),
        _table(facts, (30, WIDTH_MM - 30), styles), Spacer(1, 16), Paragraph('Writers and owners', styles['heading']),
        _table(splits, (WIDTH_MM - 84, 62, 22), styles, header=True, total=True), Spacer(1, 12),
        Paragraph('By signing below, each person confirms the roles and ownership shares shown above for this '
                  'song, and that the shares add up to 100%.', styles['note']), Spacer(1, 8)]
    for name, _roles, _share in people:
        story.append(KeepTogether(_signature(name, styles)))
    prepared_on = _long_date(prepared or date.today())
    story += [Spacer(1, 10), Paragraph(f'Prepared on {prepared_on} with Label-in-a-Box.', styles['small'])]
    footer = f'Split sheet \u00b7 {_plain(title)} \u00b7 {_plain(details.artist)}'
    return _build(path, story, footer=footer, meta_title=f'{_plain(title)} - split sheet',
                  author=_plain(details.artist))


def _build(path: Path, story: list[Any], *, footer: str, meta_title: str, author: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    with media.atomic_path(path) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                                bottomMargin=22 * mm, title=meta_title, author=author, creator='Label-in-a-Box',
                                subject=meta_title)
        doc.build(story, canvasmaker=functools.partial(_numbered_canvas(), footer=footer))
    return path


@functools.cache
def _numbered_canvas() -> type:
    """A canvas that holds its pages until the end, so each can say 'Page n of m'."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, footer: str = '', **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._footer = footer
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for page in self._pages:
                self.__dict__.update(page)
                self._draw_footer(len(self._pages))
                super().showPage()
            super().save()

        def _draw_footer(self, count: int) -> None:
            width, _height = self._pagesize
            self.setFont(REGULAR, 8)
            self.setFillColor(MUTED)
            self.drawString(MARGIN_PT, 34, _fitted(self._footer, width - 2 * MARGIN_PT - 80))
            self.drawRightString(width - MARGIN_PT, 34, f'Page {self._pageNumber} of {count}')

    return NumberedCanvas


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    _register_fonts()
    base = ParagraphStyle('base', fontName=REGULAR, fontSize=11, leading=15.5, textColor=INK)
    return {
        'title': ParagraphStyle('title', base, fontName=BOLD, fontSize=24, leading=29, spaceAfter=2),
        'artist': ParagraphStyle('artist', base, fontSize=13, leading=17, textColor=MUTED, spaceAfter=10),
        'heading': ParagraphStyle('heading', base, fontName=BOLD, fontSize=10, leading=13, textColor=ACCENT,
                                  spaceBefore=12, spaceAfter=3),
        'line': ParagraphStyle('line', base, leftIndent=14, firstLineIndent=-14),  # wrapped lines hang
        'cell': ParagraphStyle('cell', base, fontSize=10, leading=13),
        'cell_bold': ParagraphStyle('cell_bold', base, fontName=BOLD, fontSize=10, leading=13),
        'cell_right': ParagraphStyle('cell_right', base, fontSize=10, leading=13, alignment=TA_RIGHT),
        'cell_bold_right': ParagraphStyle('cell_bold_right', base, fontName=BOLD, fontSize=10, leading=13,
                                          alignment=TA_RIGHT),
        'note': ParagraphStyle('note', base, fontSize=10, leading=14, textColor=MUTED),
        'small': ParagraphStyle('small', base, fontSize=8.5, leading=11, textColor=MUTED),
    }


def _register_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _LOCK:
        if REGULAR in pdfmetrics.getRegisteredFontNames():
            return
        regular, bold = _font_file(REGULAR_FILES), _font_file(BOLD_FILES)
        pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
        pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
        for italic in (0, 1):  # platypus asks for italics in <i>; we never write any, but map them all the same
            addMapping(REGULAR, 0, italic, REGULAR)
            addMapping(REGULAR, 1, italic, BOLD)


def _font_file(names: tuple[str, ...]) -> Path:
    for folder in FONT_DIRS:
        for name in names:
            if (folder / name).is_file():
                return folder / name
    raise LiabError(f'The PDF font is missing: put {names[0]} in static/fonts/.')


@functools.cache
def _glyphs() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    _register_fonts()
    return frozenset(pdfmetrics.getFont(REGULAR).face.charToGlyph)


def _plain(text: str) -> str:
    """One line of user text: NFC, no control or format characters, nothing the font cannot draw, spaces collapsed."""
    glyphs = _glyphs()
    kept = [' ' if char.isspace() else char for char in unicodedata.normalize('NFC', str(text or ''))
            if char.isspace() or (unicodedata.category(char)[0] != 'C' and ord(char) in glyphs)]
    return ' '.join(''.join(kept).split())


def _markup(text: str) -> str:
    return escape(_plain(text))


def _stanzas(text: str) -> list[tuple[str | None, list[str]]]:
    """(heading or None, lines) per block. '[Chorus]', 'Chorus:', '## Verse 2' and the like become headings; a
    heading alone repeats the lines last given under it ('[Chorus]' for the chorus again)."""
    from liab.writers._parse import _header  # NOTE: the lyric reader's own header rules, so both read lyrics alike

    stanzas: list[tuple[str | None, list[str]]] = []
    heading: str | None = None
    lines: list[str] = []

    def close() -> None:
        nonlocal heading, lines
        if heading is not None and not lines:
            lines = next((list(body) for name, body in reversed(stanzas) if name == heading and body), [])
        if heading is not None or lines:
            stanzas.append((heading, lines))
        heading, lines = None, []

    for raw in (text or '').replace('\r\n', '\n').replace('\r', '\n').split('\n'):
        line = _plain(raw)
        found, rest = _header(line) if line else (None, '')
        if found is not None:
            close()
            heading = found
            lines = [rest] if rest else []
        elif line:
            lines.append(line)
        elif lines:
            close()
    close()
    return stanzas


def _credit_rows(credits: Sequence[Credit]) -> list[tuple[str, str]]:
    names: dict[str, list[str]] = {}
    for credit in credits:
        names.setdefault(credit.role, []).append(credit.name)
    return [(ROLE_LABELS[role], ', '.join(dict.fromkeys(names[role]))) for role in ROLES if role in names]


def _people(credits: Sequence[Credit]) -> list[tuple[str, str, float]]:
    """(name, roles, share) for each writer or owner: one row a person, their shares added up."""
    people: dict[str, tuple[str, list[str], float]] = {}
    for credit in credits:
        if credit.share <= 0 and credit.role not in ('composer', 'lyricist'):
            continue
        name, roles, share = people.get(credit.name.casefold(), (credit.name, [], 0.0))
        people[credit.name.casefold()] = (name, [*roles, ROLE_LABELS[credit.role]], share + credit.share)
    return [(name, ', '.join(roles), share) for name, roles, share in people.values()]


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], styles: dict[str, Any], *,
           header: bool = False, total: bool = False) -> Any:
    """A borderless table of text; with `header` and `total`, rules under the header, between rows and above the
    total, and the last column (the numbers) aligned right."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    def style(index: int, column: int) -> Any:
        bold = (column == 0 and not header) or (header and index == 0) or (total and index == len(rows) - 1)
        right = header and column == len(widths) - 1
        return styles[('cell_bold' if bold else 'cell') + ('_right' if right else '')]

    cells = [[Paragraph(_markup(value), style(index, column)) for column, value in enumerate(row)]
             for index, row in enumerate(rows)]
    table = Table(cells, colWidths=[w * mm for w in widths], hAlign='LEFT')
    commands: list[tuple[Any, ...]] = [('VALIGN', (0, 0), (-1, -1), 'TOP'), ('LEFTPADDING', (0, 0), (-1, -1), 0),
                                       ('TOPPADDING', (0, 0), (-1, -1), 3), ('BOTTOMPADDING', (0, 0), (-1, -1), 3),
                                       ('RIGHTPADDING', (0, 0), (-2, -1), 8), ('RIGHTPADDING', (-1, 0), (-1, -1), 0)]
    if header:
        commands.append(('LINEBELOW', (0, 0), (-1, 0), 0.8, INK))
    if total:
        commands.append(('LINEABOVE', (0, -1), (-1, -1), 0.8, INK))
    if header and total and len(rows) > 3:
        commands.append(('LINEBELOW', (0, 1), (-1, -3), 0.4, RULE))
    table.setStyle(TableStyle(commands))
    return table


def _signature(name: str, styles: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    labels = [Paragraph(f'{_markup(name)}: signature', styles['small']), '', Paragraph('Date', styles['small'])]
    table = Table([['', '', ''], labels], colWidths=[100 * mm, 12 * mm, 45 * mm], rowHeights=[12 * mm, None],
                  hAlign='LEFT')
    table.setStyle(TableStyle([('LINEBELOW', (0, 0), (0, 0), 0.7, INK), ('LINEBELOW', (2, 0), (2, 0), 0.7, INK),
                               ('LEFTPADDING', (0, 0), (-1, -1), 0), ('TOPPADDING', (0, 1), (-1, 1), 2)]))
    return [table, Spacer(1, 6)]


def _rule() -> Any:
    from reportlab.platypus.flowables import HRFlowable

    return HRFlowable(width='100%', thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=8)


def _fitted(text: str, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while text and stringWidth(text, REGULAR, 8) > width:
        text = text[:-2].rstrip() + '\u2026'
    return text


def _percent(share: float) -> str:
    return f'{share:.2f}'.rstrip('0').rstrip('.') + '%'


_MONTHS = ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
           'November', 'December')


def _long_date(day: date) -> str:
    return f'{day.day} {_MONTHS[day.month - 1]} {day.year}'
