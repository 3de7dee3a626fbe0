import json
from datetime import date, timedelta

import pytest

from liab.analytics import charts, summary
from liab.analytics.figures import Point

START = date(2026, 3, 1)


@pytest.fixture
def points() -> list[Point]:
    """Two weeks of Spotify (the second week half as big again) and one week of Apple Music without saves."""
    found = []
    for offset in range(14):
        day = START + timedelta(days=offset)
        second = offset >= 7
        found.append(Point(day, 'spotify', streams=150 if second else 100, saves=12 if second else 5,
                           listeners=120 if second else 80, followers=200 + offset + 1, source='csv'))
        if second:
            found.append(Point(day, 'apple_music', streams=50, source='manual'))
    return found


def test_the_sums_changes_and_save_rate_of_a_known_input(points: list[Point]) -> None:
    made = summary.summarise(points)
    assert (made.as_of, made.first_day, made.days, made.platforms) == (date(2026, 3, 14), START, 14,
                                                                        ('spotify', 'apple_music'))
    streams = made.overall['streams']
    assert (streams.total, streams.week.current, streams.week.previous) == (2100, 1400, 700)
    assert streams.week.percent == pytest.approx(100)
    assert (streams.month.current, streams.month.previous, streams.month.percent) == (2100, None, None)
    saves = made.overall['saves']
    assert (saves.total, saves.week.current, saves.week.previous) == (119, 84, 35)
    listeners = made.overall['listeners']  # unique per day: the average day, not a sum
    assert (listeners.week.current, listeners.week.previous) == (120, 80)
    followers = made.overall['followers']  # a level: the latest day
    assert (followers.total, followers.week.current, followers.week.previous) == (214, 214, 207)
    assert followers.week.percent == pytest.approx(100 * 7 / 207)
    assert made.save_rate == pytest.approx(119 / 1750)  # Apple Music knows no saves: its streams do not count
    assert made.save_rate_week == pytest.approx(84 / 1050)
    assert made.save_rate_by_platform == {'spotify': pytest.approx(119 / 1750), 'apple_music': None}
    apple = made.by_platform['apple_music']['streams']
    assert (apple.total, apple.week.current, apple.week.percent) == (350, 350, None)


def test_nothing_to_compare_gives_no_percentage() -> None:
    assert summary.Change(7, 10, 0).percent is None
    assert summary.Change(7, None, 5).percent is None
    assert summary.Change(7, 5, 10).percent == -50
    empty = summary.summarise([])
    assert empty.empty and empty.overall['streams'].week.percent is None and empty.save_rate is None


def test_a_sum_is_not_compared_with_an_earlier_period_the_figures_only_partly_cover() -> None:
    days = [Point(START + timedelta(days=i), 'spotify', streams=100, followers=10 + i) for i in range(40)]
    made = summary.summarise(days).overall
    assert made['streams'].week.percent == 0  # 7 days against 7 full days: unchanged
    assert made['streams'].month.previous is None and made['streams'].month.percent is None  # 28 against 12 days
    assert made['followers'].month.percent == pytest.approx((49 - 21) / 21 * 100)  # a running total still compares


def test_pulse_sums_up_the_last_week(points: list[Point]) -> None:
    assert summary.pulse_line(summary.summarise(points)) == \
        'Week to 14 Mar: 1,400 streams, up 100%; save rate 8.0%.'
    followers_only = [Point(START, 'tiktok', followers=40), Point(START + timedelta(days=7), 'tiktok', followers=40)]
    assert summary.pulse_line(summary.summarise(followers_only)) == \
        'Week to 8 Mar: 40 followers, unchanged.'
    assert summary.pulse_line(summary.summarise([])).startswith('No figures yet')


def test_the_timeline_chart_of_a_known_input(points: list[Point]) -> None:
    markers = [charts.Marker(date(2026, 3, 6), 'Release', 'release'),
               charts.Marker(date(2026, 3, 10), 'TikTok post: <b>{a}</b> & more', 'post'),
               charts.Marker(date(2026, 6, 1), 'TikTok post: much later', 'post')]
    option = charts.timeline_option(points, metric='streams', markers=markers)
    json.dumps(option)  # plain JSON: nothing NiceGUI would have to convert
    names = [series['name'] for series in option['series']]
    assert names == ['Spotify', 'Apple Music', 'All platforms', 'Release and posts']
    assert option['legend']['data'] == names
    spotify, apple, everything, marks = option['series']
    assert spotify['data'][0] == ['2026-03-01', 100] and spotify['data'][-1] == ['2026-03-14', 150]
    assert spotify['itemStyle']['color'] == charts.COLORS['spotify']
    assert apple['data'][0] == ['2026-03-08', 50] and len(apple['data']) == 7
    assert everything['data'] == [[f'2026-03-{day:02d}', 200] for day in range(8, 15)]  # both platforms' days
    lines = marks['markLine']['data']
    assert [line['xAxis'] for line in lines] == ['2026-03-06', '2026-03-10']  # June is too far from the figures
    assert lines[0]['lineStyle']['color'] == charts.GOLD and lines[0]['label']['show'] is True
    assert lines[1]['lineStyle']['type'] == 'dashed' and lines[1]['label']['show'] is False
    assert lines[1]['name'] == 'TikTok post: ba/b more'
    assert (option['xAxis']['type'], option['xAxis']['min'], option['xAxis']['max']) == ('time', '2026-03-01',
                                                                                         '2026-03-14')
    assert option['yAxis']['name'] == 'Streams per day'


def test_the_timeline_of_one_platform_has_no_sum_line_and_markers_widen_the_axis() -> None:
    points = [Point(date(2026, 3, 10), 'spotify', saves=3), Point(date(2026, 3, 11), 'spotify', saves=4)]
    option = charts.timeline_option(points, metric='saves', markers=[charts.Marker(date(2026, 3, 6), 'Release',
                                                                                   'release')])
    assert [series['name'] for series in option['series']] == ['Spotify', 'Release and posts']
    assert (option['xAxis']['min'], option['xAxis']['max']) == ('2026-03-06', '2026-03-11')
    assert option['yAxis']['name'] == 'Saves per day'


def test_the_platforms_chart_has_totals_and_save_rates(points: list[Point]) -> None:
    option = charts.platforms_option(summary.summarise(points), metric='streams')
    assert option['xAxis']['data'] == ['Spotify', 'Apple Music']
    bars, rates = option['series']
    assert [bar['value'] for bar in bars['data']] == [1750, 350]
    assert rates['data'] == [pytest.approx(6.8, abs=0.01), None] and rates['yAxisIndex'] == 1
    assert [axis['name'] for axis in option['yAxis']] == ['Streams, all days', 'Save rate (%)']


def test_the_sum_line_leaves_out_days_a_platform_skipped_and_lone_entries() -> None:
    points = [Point(START + timedelta(days=offset), 'spotify', followers=100 + offset) for offset in range(6)]
    points += [Point(START + timedelta(days=offset), 'tiktok', followers=500) for offset in range(0, 6, 2)]
    points.append(Point(START + timedelta(days=9), 'youtube', streams=40))  # no followers: not a platform here
    assert summary.daily_totals(points, 'followers') == [(START, 600), (START + timedelta(days=2), 602),
                                                         (START + timedelta(days=4), 604)]
    lone = [*points, Point(START + timedelta(days=9), 'youtube', followers=7)]  # after the others stopped
    assert summary.daily_totals(lone, 'followers') == summary.daily_totals(points, 'followers')
    assert [series['name'] for series in charts.timeline_option(lone, metric='followers')['series']] == \
        ['Spotify', 'YouTube', 'TikTok', 'All platforms']
    assert [series['name'] for series in charts.timeline_option(lone[:6] + lone[-1:], metric='followers')['series']] \
        == ['Spotify', 'YouTube']  # no day with two platforms: no sum line
