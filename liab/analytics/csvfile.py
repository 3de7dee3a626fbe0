"""CSV in and out: our own columns, and Spotify for Artists timeline exports, recognised by their header.

Our columns (README, "Analytics CSV"): `date,platform,streams,saves,listeners,followers,playlist_adds`, dates as
YYYY-MM-DD, a blank cell for a figure not known. Only `date`, `platform` and at least one figure column are needed.

Spotify for Artists: the song timeline export (Songs > a song > download the timeline) has the header
`date,streams`; the audience timeline export has `date,listeners,streams,followers`. Spotify puts the song's title
only in the file name, never in the file, and counts days in UTC. We recognise a Spotify export by a header that
starts with `date` and names nothing but Spotify's own figures (streams, listeners, followers, saves, playlist
adds), with no platform column; every row is then a Spotify day. NOTE: these headers come from parsers written
against real exports, not from a document of Spotify's; a header Spotify renames is refused with a message naming
both formats, never read wrongly.

A file is taken whole or not at all: any bad row refuses the file, naming the first few bad lines.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from liab.analytics.figures import METRICS, PLATFORMS, Point, check_point
from liab.errors import BadInput

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000  # about 4.5 years of every platform, or 27 years of one
MAX_PROBLEMS = 5  # bad lines named in one message
OUR_COLUMNS: tuple[str, ...] = ('date', 'platform', *METRICS)
SPOTIFY_FIGURES = frozenset({'streams', 'listeners', 'followers', 'saves', 'playlist_adds'})
KINDS = {'ours': 'csv', 'spotify': 'spotify_csv'}  # kind of file -> the source its points are stored with

_DELIMITERS = (',', ';', '\t')


@dataclass(frozen=True)
class Parsed:
    points: list[Point]
    kind: str  # 'ours' or 'spotify'


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (with or without a BOM), or Windows-1252 as Excel saves it."""
    if len(data) > MAX_BYTES:
        raise BadInput(f'That file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files.')
    if b'\x00' in data:
        raise BadInput('That file is not a CSV text file.')
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError:
        pass
    try:
        return data.decode('cp1252')
    except UnicodeDecodeError:
        raise BadInput('That file is not a CSV text file.') from None


def parse_csv(text: str, *, today: date) -> Parsed:
    """Every row of the file as a Point; BadInput ('line N: ...') when any row is bad, so nothing is half-read."""
    if len(text) > MAX_BYTES:
        raise BadInput(f'That file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files.')
    text = text.removeprefix('\ufeff')
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=_delimiter(text), strict=True)
    try:
        header, header_line = _header(reader)
        kind, columns = _kind(header, header_line)
        points, problems = _rows(reader, kind, columns, today)
    except csv.Error as exc:
        raise BadInput(f'Nothing was imported. line {reader.line_num}: the file is not valid CSV ({exc}).') from None
    if problems:
        more = len(problems) - MAX_PROBLEMS
        shown = '; '.join(problems[:MAX_PROBLEMS]) + (f'; and {more} more bad line{"s" if more > 1 else ""}'
                                                     if more > 0 else '')
        raise BadInput(f'Nothing was imported. {shown}.')
    if not points:
        raise BadInput('That file has a header but no figures.')
    return Parsed(points, kind)


def to_csv(points: list[Point]) -> str:
    """Our own format, a day per platform per line, oldest first: a file `parse_csv` reads back as it was."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(OUR_COLUMNS)
    for point in sorted(points, key=lambda p: (p.day, list(PLATFORMS).index(p.platform))):
        writer.writerow([point.day.isoformat(), point.platform,
                         *('' if point.value(metric) is None else point.value(metric) for metric in METRICS)])
    return out.getvalue()


def _delimiter(text: str) -> str:
    """The header line's separator: a comma, or the semicolon (or tab) spreadsheets use where ',' is a decimal."""
    first = next((line for line in text.splitlines() if line.strip()), '')
    return max(_DELIMITERS, key=first.count) if any(mark in first for mark in _DELIMITERS) else ','


def _header(reader: Any) -> tuple[list[str], int]:
    for row in reader:
        if any(cell.strip() for cell in row):
            columns = [_column(cell) for cell in row]
            while columns and not columns[-1]:  # a trailing separator, as some spreadsheets write
                columns.pop()
            return columns, reader.line_num
    raise BadInput('That file is empty.')


def _kind(columns: list[str], line: int) -> tuple[str, list[str]]:
    where = f'Nothing was imported. line {line}:'
    if len(set(columns)) != len(columns):
        twice = next(name for name in columns if columns.count(name) > 1)
        raise BadInput(f'{where} the column {twice or "(blank)"!r} is there twice.')
    if 'platform' in columns:
        unknown = [name for name in columns if name not in OUR_COLUMNS]
        if unknown:
            raise BadInput(f'{where} unknown column {unknown[0] or "(blank)"!r}; the columns are '
                           f'{",".join(OUR_COLUMNS)}.')
        if 'date' not in columns or not set(METRICS) & set(columns):
            raise BadInput(f'{where} the header needs date, platform and at least one of {", ".join(METRICS)}.')
        return 'ours', columns
    if columns and columns[0] == 'date' and len(columns) > 1 and set(columns[1:]) <= SPOTIFY_FIGURES:
        return 'spotify', columns
    raise BadInput(f'{where} this is neither our analytics CSV (header {",".join(OUR_COLUMNS)}) nor a Spotify '
                   'for Artists timeline export (header date,streams).')


def _rows(reader: Any, kind: str, columns: list[str], today: date) -> tuple[list[Point], list[str]]:
    points: list[Point] = []
    problems: list[str] = []
    seen: dict[tuple[date, str], int] = {}
    rows = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        rows += 1
        if rows > MAX_ROWS:
            raise BadInput(f'Nothing was imported: the file has more than {MAX_ROWS:,} rows. Split it into smaller '
                           'files.')
        cells = row[:len(columns)] if not any(cell.strip() for cell in row[len(columns):]) else row
        if len(cells) != len(columns):
            problems.append(f'line {line}: {len(cells)} values where the header has {len(columns)}')
            continue
        values = dict(zip(columns, cells, strict=True))
        if kind == 'spotify':
            values['platform'] = 'spotify'
        try:
            point = check_point(values, today=today, source=KINDS[kind])
        except BadInput as exc:
            problems.append(f'line {line}: {exc.message.rstrip(".")}')
            continue
        key = (point.day, point.platform)
        if key in seen:
            problems.append(f'line {line}: {point.day.isoformat()} on {PLATFORMS[point.platform]} is already on '
                            f'line {seen[key]}')
            continue
        seen[key] = line
        points.append(point)
    return points, problems


def _column(name: str) -> str:
    return re.sub(r'[\s-]+', '_', name.replace('\ufeff', '').strip().strip('"').strip().lower())
