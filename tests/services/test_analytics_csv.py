from datetime import date
from pathlib import Path

import pytest

from liab.analytics import csvfile
from liab.analytics.figures import Point, check_point
from liab.errors import BadInput

TODAY = date(2026, 3, 20)
EXAMPLE = Path(__file__).resolve().parents[1] / 'data' / 'analytics-example.csv'


def _refused(text: str) -> str:
    with pytest.raises(BadInput) as caught:
        csvfile.parse_csv(text, today=TODAY)
    return caught.value.message


def test_the_readme_example_is_read_with_blanks_as_unknown() -> None:
    parsed = csvfile.parse_csv(EXAMPLE.read_text(encoding='utf-8'), today=TODAY)
    assert parsed.kind == 'ours' and len(parsed.points) == 5
    first, apple = parsed.points[0], parsed.points[1]
    assert first == Point(date(2026, 3, 6), 'spotify', 1200, 84, 950, 310, 12, source='csv')
    assert (apple.platform, apple.streams, apple.saves, apple.followers) == ('apple_music', 340, None, None)
    assert parsed.points[-1].figures() == {'streams': None, 'saves': None, 'listeners': None, 'followers': 1250,
                                           'playlist_adds': None}


def test_a_bom_semicolons_spacing_platform_names_and_thousands_are_tolerated() -> None:
    text = ('\ufeffDate ; Platform ; Streams ; Playlist adds\r\n'
            '2026-03-01;Apple Music;"1,204";3\r\n'
            '\r\n'
            '2026-03-01; YouTube ;77;\r\n')
    parsed = csvfile.parse_csv(text, today=TODAY)
    assert [(p.platform, p.streams, p.playlist_adds) for p in parsed.points] == [('apple_music', 1204, 3),
                                                                                ('youtube', 77, None)]


def test_a_spotify_for_artists_song_timeline_is_recognised_by_its_header() -> None:
    parsed = csvfile.parse_csv('\ufeffdate,streams\n2026-03-01,120\n2026-03-02,131\n', today=TODAY)
    assert parsed.kind == 'spotify'
    assert [(p.day.day, p.platform, p.streams, p.source) for p in parsed.points] == [
        (1, 'spotify', 120, 'spotify_csv'), (2, 'spotify', 131, 'spotify_csv')]


def test_the_spotify_audience_timeline_brings_listeners_and_followers() -> None:
    parsed = csvfile.parse_csv('date,listeners,streams,followers\n2026-03-01,10,120,3\n', today=TODAY)
    assert parsed.kind == 'spotify'
    assert parsed.points[0].figures() == {'streams': 120, 'saves': None, 'listeners': 10, 'followers': 3,
                                          'playlist_adds': None}


def test_bad_rows_are_named_by_line_and_refuse_the_whole_file() -> None:
    message = _refused('date,platform,streams,saves\n'
                       '2026-03-01,spotify,100,4\n'
                       '2026-03-02,spotify,-5,1\n'
                       '2026-03-03,spotify,lots,\n'
                       '\n'
                       '2026-03-01,spotify,90,\n'
                       '2026-04-01,spotify,9,\n'
                       '03/05/2026,spotify,9,\n'
                       '2026-03-04,myspace,1,\n'
                       '2026-03-05,spotify,,\n'
                       '2026-03-06,spotify,1\n')
    assert message.startswith('Nothing was imported. line 3: streams cannot be negative (-5); '
                              "line 4: streams 'lots' is not a whole number; "
                              'line 6: 2026-03-01 on Spotify is already on line 2; '
                              'line 7: date 2026-04-01 is in the future; '
                              "line 8: date '03/05/2026' is not a date written as YYYY-MM-DD; "
                              'and 3 more bad lines.')


def test_a_fraction_a_wrong_header_and_an_unknown_column_are_refused() -> None:
    assert "saves '2.5' is not a whole number" in _refused('date,platform,saves\n2026-03-01,tiktok,2.5\n')
    assert 'neither our analytics CSV' in _refused('day,plays\n2026-03-01,4\n')
    assert "line 1: unknown column 'stream'" in _refused('date,platform,stream\n2026-03-01,tiktok,4\n')
    assert "the column 'streams' is there twice" in _refused('date,platform,streams,streams\n')
    assert _refused('date,platform,streams\n') == 'That file has a header but no figures.'
    assert _refused('\n\n') == 'That file is empty.'
    assert 'not valid CSV' in _refused('date,streams\n"2026-03-01,4\n')


def test_size_and_row_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BadInput, match='larger than 2 MB'):
        csvfile.decode(b'date,streams\n' + b'2026-03-01,1\n' * 200_000)
    with pytest.raises(BadInput, match='not a CSV text file'):
        csvfile.decode(b'PK\x03\x04\x00\x00binary')
    assert csvfile.decode('\ufeffdate;streams\n'.encode()) == 'date;streams\n'
    assert csvfile.decode('date,platform\n2026-03-01,caf\xe9\n'.encode('cp1252')).endswith('caf\xe9\n')
    monkeypatch.setattr(csvfile, 'MAX_ROWS', 3)
    rows = ''.join(f'2026-03-0{day},{day}\n' for day in range(1, 5))
    with pytest.raises(BadInput, match='more than 3 rows'):
        csvfile.parse_csv('date,streams\n' + rows, today=TODAY)


def test_the_export_reads_back_as_it_was() -> None:
    points = [Point(date(2026, 3, 2), 'tiktok', followers=5, source='manual'),
              Point(date(2026, 3, 1), 'apple_music', 10, 1, source='csv'),
              Point(date(2026, 3, 1), 'spotify', 20, 2, 15, 7, 1, source='spotify_csv')]
    text = csvfile.to_csv(points)
    assert text.splitlines() == ['date,platform,streams,saves,listeners,followers,playlist_adds',
                                 '2026-03-01,spotify,20,2,15,7,1', '2026-03-01,apple_music,10,1,,,',
                                 '2026-03-02,tiktok,,,,5,']
    again = csvfile.parse_csv(text, today=TODAY).points
    assert {(p.day, p.platform): p.figures() for p in again} == {(p.day, p.platform): p.figures() for p in points}


def test_hand_entry_values_are_checked_like_a_row() -> None:
    point = check_point({'date': '2026-03-01', 'platform': 'Spotify', 'streams': 12.0, 'saves': None,
                         'listeners': ''}, today=TODAY)
    assert (point.streams, point.saves, point.listeners, point.source) == (12, None, None, 'manual')
    with pytest.raises(BadInput, match='no figures'):
        check_point({'date': '2026-03-01', 'platform': 'spotify'}, today=TODAY)
    with pytest.raises(BadInput, match='platform is missing'):
        check_point({'date': '2026-03-01', 'streams': 3}, today=TODAY)
    with pytest.raises(BadInput, match='is more than any platform counts'):
        check_point({'date': '2026-03-01', 'platform': 'spotify', 'streams': 10 ** 13}, today=TODAY)
