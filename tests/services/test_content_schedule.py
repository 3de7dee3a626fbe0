from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from liab.content.schedule import PLATFORMS, mark, parse_post, status_at, to_ics
from liab.errors import BadInput

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
FORM = {'platform': 'tiktok', 'date': '2025-03-28', 'time': '18:30', 'caption': 'New song out, sound on',
        'hashtags': '#HarbourLights #new music', 'media': 'video-1'}


def post(**changes: object):
    return parse_post({**FORM, **changes}, tz='Europe/Berlin', now=NOW)


def test_local_time_becomes_utc_across_the_spring_dst_change() -> None:
    assert post(date='2025-03-28').when == datetime(2025, 3, 28, 17, 30, tzinfo=UTC)  # CET, UTC+1
    assert post(date='2025-03-31').when == datetime(2025, 3, 31, 16, 30, tzinfo=UTC)  # CEST, UTC+2
    assert parse_post(FORM, tz='America/New_York', now=NOW).when == datetime(2025, 3, 28, 22, 30, tzinfo=UTC)


def test_a_time_that_does_not_exist_on_the_dst_night_is_refused() -> None:
    with pytest.raises(BadInput) as caught:
        post(date='2025-03-30', time='02:30')
    assert caught.value.feature == 'time' and 'clocks go forward' in caught.value.message


def test_past_times_are_refused_and_name_the_field() -> None:
    with pytest.raises(BadInput) as caught:
        post(date='2025-03-20', time='13:00')  # 12:00 UTC: exactly now in Berlin
    assert caught.value.feature == 'date'
    assert post(date='2025-03-20', time='13:01').when == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(('changes', 'tz', 'field'), [
    ({'platform': 'myspace'}, 'Europe/Berlin', 'platform'), ({}, 'Mars/Olympus', 'tz'), ({}, '', 'tz'),
    ({'date': '28/03/2025'}, 'Europe/Berlin', 'date'), ({'time': '25:00'}, 'Europe/Berlin', 'time'),
    ({'caption': 'x' * 2201}, 'Europe/Berlin', 'caption'),
    ({'hashtags': [f'#t{i}' for i in range(31)]}, 'Europe/Berlin', 'hashtags')])
def test_bad_values_are_refused_by_field(changes: dict, tz: str, field: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_post({**FORM, **changes}, tz=tz, now=NOW)
    assert caught.value.feature == field


def test_values_are_cleaned() -> None:
    made = post(platform='YouTube Shorts', caption='Line one\r\nline two\x00\u202e\x07 ', hashtags=['new music', '#a'])
    assert made.platform == 'youtube_shorts' and made.platform in PLATFORMS
    assert made.caption == 'Line one\nline two'
    assert made.hashtags == ('#NewMusic', '#a')
    assert made.status == 'scheduled' and made.media == 'video-1' and len(made.id) == 36
    assert len(post(caption='x' * 2200).caption) == 2200


def test_statuses_are_honest() -> None:
    made = post()
    assert status_at(made, NOW) == 'scheduled'
    assert status_at(made, made.when) == 'due' and status_at(made, made.when + timedelta(days=3)) == 'due'
    assert status_at(mark(made, 'posted'), NOW) == 'posted'
    assert status_at(mark(made, 'cancelled'), made.when + timedelta(hours=1)) == 'cancelled'
    with pytest.raises(BadInput):
        mark(made, 'published')


def test_the_calendar_parses_back_with_an_alarm_at_each_post_time() -> None:
    first = post(caption='Hold the summer; never let it go, \\ sound on\nsecond line', title='Harbour Lights')
    second = post(platform='instagram_reels', date='2025-04-02', time='09:00', caption='Morning clip')
    cancelled = mark(post(date='2025-04-03'), 'cancelled')
    text = to_ics([first, second, cancelled], calendar_name='Ama Lune, posts', stamp=NOW)
    calendar = Calendar.from_ical(text)
    events = list(calendar.walk('VEVENT'))
    assert len(events) == 2 and 'X-WR-CALNAME:Ama Lune\\, posts\r\n' in text  # a TEXT value, comma escaped
    event = events[0]
    assert event['DTSTART'].dt == first.when and str(event['UID']) == f'{first.id}@label-in-a-box'
    assert event['DTSTAMP'].dt == NOW
    assert str(event['SUMMARY']) == 'TikTok: Harbour Lights'
    assert str(event['DESCRIPTION']) == f'{first.caption}\n\n#HarbourLights #new #music'
    alarm = next(iter(event.walk('VALARM')))
    assert str(alarm['ACTION']) == 'DISPLAY' and alarm['TRIGGER'].dt == timedelta(0)
    assert str(events[1]['SUMMARY']) == 'Instagram Reels: Morning clip'
    assert events[1]['DTSTART'].dt == datetime(2025, 4, 2, 7, 0, tzinfo=UTC)


def test_the_calendar_text_is_escaped_folded_and_crlf() -> None:
    long_caption = '\u00e9t\u00e9 ' * 60 + 'end, with; a \\ backslash'
    text = to_ics([post(caption=long_caption)], calendar_name='Posts', stamp=NOW)
    assert text.endswith('\r\n') and '\n' not in text.replace('\r\n', '')
    lines = text.split('\r\n')[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(' ') for line in lines)
    unfolded = text.replace('\r\n ', '')
    assert 'end\\, with\\; a \\\\ backslash' in unfolded
    assert 'DTSTART:20250328T173000Z' in unfolded and 'TRIGGER;RELATED=START:PT0M' in unfolded
    assert text.encode().decode('utf-8')  # folding never splits a character
    description = str(next(iter(Calendar.from_ical(text).walk('VEVENT')))['DESCRIPTION'])
    assert description.startswith(long_caption)


def test_naive_times_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_post(FORM, tz='Europe/Berlin', now=datetime(2025, 3, 20, 12, 0))
