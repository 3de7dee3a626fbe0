import dataclasses
from datetime import date, timedelta

import pytest

from liab.errors import BadInput
from liab.release.details import (
    Credit,
    FieldError,
    ReleaseDetails,
    ai_disclosure,
    check_isrc,
    check_upc,
    detail_checks,
    normalise_isrc,
    parse_details,
    suggest_release_date,
)

TODAY = date(2025, 3, 3)  # a Monday


def form(**changes: object) -> dict:
    values = {'title': 'Night Drive', 'artist': 'Nova Reyes', 'genre': 'pop', 'mood': 'dreamy',
              'release_date': '2025-03-21', 'explicit': False, 'language': 'en',
              'credits': [{'name': 'Nova Reyes', 'role': 'main', 'share': 60},
                          {'name': 'Kai Moreno', 'role': 'producer', 'share': 40},
                          {'name': 'Mo Lin', 'role': 'mixer', 'share': 0}]}
    return {**values, **changes}


def refused(field: str, **changes: object) -> str:
    with pytest.raises(FieldError) as caught:
        parse_details(form(**changes))
    assert caught.value.field == field
    assert isinstance(caught.value, BadInput) and caught.value.status == 400
    return caught.value.message


def rows(details: ReleaseDetails, today: date = TODAY) -> dict[str, tuple[str, str]]:
    return {name: (status, reason) for name, status, reason in detail_checks(details, today)}


def test_a_complete_form_parses_with_the_label_and_p_and_c_lines_defaulting_to_the_artist() -> None:
    details = parse_details(form(isrc='us-s1z-25-00001', upc='0360 0029 1452'))
    assert details.title == 'Night Drive' and details.release_date == date(2025, 3, 21)
    assert details.label == 'Nova Reyes'
    assert details.p_line == details.c_line == '2025 Nova Reyes'
    assert details.isrc == 'USS1Z2500001' and details.upc == '036000291452'
    assert details.credits[1] == Credit('Kai Moreno', 'producer', 40.0)
    assert [c.name for c in details.owners()] == ['Nova Reyes', 'Kai Moreno']
    assert parse_details(details.to_json()) == details


def test_given_label_and_lines_are_kept_and_typed_symbols_are_dropped() -> None:
    details = parse_details(form(label='Moonlit Records', p_line='\u2117 2025 Moonlit Records',
                                 c_line='(C) 2024 Nova Reyes', version='Radio Edit'))
    assert details.label == 'Moonlit Records'
    assert details.p_line == '2025 Moonlit Records' and details.c_line == '2024 Nova Reyes'
    assert details.version == 'Radio Edit'


@pytest.mark.parametrize('field', ['title', 'artist', 'genre'])
def test_required_text_cannot_be_empty_or_blank(field: str) -> None:
    assert 'cannot be empty' in refused(field, **{field: '   '})
    refused(field, **{field: None})


def test_overlong_titles_and_names_are_refused_with_the_limit() -> None:
    assert parse_details(form(title='a' * 200)).title == 'a' * 200
    assert '200 characters' in refused('title', title='a' * 201)
    assert '100 characters' in refused('artist', artist='b' * 101)
    assert '100 characters' in refused('label', label='c' * 101)
    refused('credits', credits=[{'name': 'd' * 101, 'role': 'main', 'share': 100}])


@pytest.mark.parametrize('hostile', ['Night\x00Drive', 'Night\nDrive', 'Night\u202eevirD', 'Night\u200fDrive',
                                     '\ufeffNight Drive', 'Night\u2028Drive', 'Night\ue000Drive'])
def test_control_format_and_direction_characters_are_refused(hostile: str) -> None:
    assert 'U+' in refused('title', title=hostile)
    refused('artist', artist=hostile)


def test_markup_emoji_and_other_scripts_are_kept_as_text() -> None:
    details = parse_details(form(title='<b>Ночь</b> & Νύχτα \U0001f525 \U0001f469\u200d\U0001f3a4', artist='Zoë'))
    assert details.title == '<b>Ночь</b> & Νύχτα \U0001f525 \U0001f469\u200d\U0001f3a4'
    assert rows(details)['Title'][0] == 'warn' and 'Emoji' in rows(details)['Title'][1]
    assert parse_details(form(title='  Night    Drive ')).title == 'Night Drive'


@pytest.mark.parametrize('value', ['14/03/2025', '2025-3-14', '2025-02-30', '20250314', 'soon', 20250314, None,
                                   '1800-01-01'])
def test_release_dates_must_be_real_iso_days(value: object) -> None:
    refused('release_date', release_date=value)


def test_a_date_object_is_accepted() -> None:
    assert parse_details(form(release_date=date(2025, 4, 4))).release_date == date(2025, 4, 4)


@pytest.mark.parametrize(('given', 'expected'), [(True, True), ('yes', True), ('true', True), (1, True),
                                                 (False, False), ('no', False), ('', False), (None, False)])
def test_the_explicit_flag_reads_yes_and_no(given: object, expected: bool) -> None:
    assert parse_details(form(explicit=given)).explicit is expected


def test_an_unclear_explicit_flag_is_refused() -> None:
    refused('explicit', explicit='maybe')
    refused('explicit', explicit=2)


def test_languages_are_iso_639_1_codes_or_zxx_for_instrumentals() -> None:
    assert parse_details(form(language='EL')).language == 'el'
    assert parse_details(form(language='zxx')).language == 'zxx'
    assert 'ISO 639-1' in refused('language', language='eng')
    refused('language', language='')


def test_roles_are_checked_and_common_names_for_them_understood() -> None:
    details = parse_details(form(credits=[{'name': 'Nova Reyes', 'role': 'Main Artist', 'share': 100},
                                          {'name': 'Ada', 'role': 'mastering engineer', 'share': 0},
                                          {'name': 'Ben', 'role': 'feat', 'share': 0}]))
    assert [c.role for c in details.credits] == ['main', 'mastering', 'featured']
    assert 'must be one of' in refused('credits', credits=[{'name': 'Nova Reyes', 'role': 'drummer', 'share': 100}])


@pytest.mark.parametrize('share', ['abc', float('nan'), float('inf'), True, -5, 101, [50], '12,5'])
def test_shares_must_be_percentages(share: object) -> None:
    refused('credits', credits=[{'name': 'Nova Reyes', 'role': 'main', 'share': share}])


@pytest.mark.parametrize('shares', [(50, 49.98), (60, 50), (0, 0), (100, 0.02)])
def test_owner_splits_must_add_up_to_100(shares: tuple[float, float]) -> None:
    message = refused('credits', credits=[{'name': 'A', 'role': 'main', 'share': shares[0]},
                                          {'name': 'B', 'role': 'producer', 'share': shares[1]}])
    assert 'not 100%' in message


@pytest.mark.parametrize('shares', [(33.33, 33.33, 33.34), ('50%', '25', 25.0), (99.995, 0, 0)])
def test_splits_within_a_hundredth_of_100_pass(shares: tuple[object, ...]) -> None:
    credits = [{'name': name, 'role': 'composer', 'share': share} for name, share in zip('ABC', shares, strict=True)]
    details = parse_details(form(credits=[*credits, {'name': 'Nova Reyes', 'role': 'main', 'share': 0}]))
    assert rows(details)['Splits'][0] == 'pass'


def test_the_same_person_twice_in_the_same_role_is_refused_but_two_roles_are_fine() -> None:
    refused('credits', credits=[{'name': 'Ana', 'role': 'main', 'share': 50},
                                {'name': 'ana', 'role': 'main', 'share': 50}])
    details = parse_details(form(credits=[{'name': 'Ana', 'role': 'main', 'share': 50},
                                          {'name': 'Ana', 'role': 'composer', 'share': 50}]))
    assert len(details.credits) == 2


@pytest.mark.parametrize('good', ['USS1Z2500001', 'us-s1z-25-00001', 'GB AAA 99 12345', 'ISRC: USRC17607839',
                                  'FR\u2010Z03\u201014\u201000123'])
def test_good_isrcs_pass_and_are_normalised(good: str) -> None:
    check_isrc(good)
    assert len(normalise_isrc(good)) == 12 and normalise_isrc(good).isupper()


@pytest.mark.parametrize('bad', ['US-S1Z-25-0001', 'USS1Z25000012', 'U1S1Z2500001', 'USS1Z2A00001',
                                 'USS1Z25000A1', 'US_S1Z_25_00001', 'us\u0131xx2500001', '', 'US-S1Z-25-0000\u0661'])
def test_bad_isrcs_are_refused_with_the_format(bad: str) -> None:
    with pytest.raises(BadInput, match='CC-XXX-YY-NNNNN'):
        check_isrc(bad)
    if bad:
        assert 'ISRC' in refused('isrc', isrc=bad)


@pytest.mark.parametrize('good', ['036000291452', '0 36000 29145 2', '4006381333931', '5901234123457',
                                  '012345678905'])
def test_upc_and_ean_codes_with_the_right_check_digit_pass(good: str) -> None:
    check_upc(good)


@pytest.mark.parametrize(('bad', 'reason'), [('036000291453', 'check'), ('4006381333932', 'check'),
                                             ('5901234123450', 'check'), ('12345', '12 digits'),
                                             ('03600029145A', '12 digits'), ('03600029145\u0662', '12 digits')])
def test_upc_and_ean_codes_with_a_wrong_length_or_check_digit_are_refused(bad: str, reason: str) -> None:
    with pytest.raises(BadInput, match=reason):
        check_upc(bad)
    refused('upc', upc=bad)


def test_the_wrong_check_digit_message_gives_the_right_one() -> None:
    with pytest.raises(BadInput, match='should be 2'):
        check_upc('036000291453')


@pytest.mark.parametrize('title', ['Night Drive feat. Ben', 'Night Drive (ft. Ben)', 'Night Drive featuring Ben',
                                   'Night Drive (with Ben)', 'Night Drive (prod. Kai)'])
def test_credits_in_the_title_are_refused(title: str) -> None:
    assert 'credits, not the title' in refused('title', title=title)


@pytest.mark.parametrize('title', ['Night Drive (Radio Edit)', 'Night Drive - Live at Wembley',
                                   'Night Drive [Club Mix]', 'Night Drive (Instrumental)', 'Night Drive - Remastered',
                                   'Night Drive (Acoustic Version)'])
def test_version_words_in_the_title_belong_in_the_version_field(title: str) -> None:
    assert 'version field' in refused('title', title=title)


@pytest.mark.parametrize('title', ['Nova Reyes - Night Drive', 'Night Drive (Nova Reyes)', 'Night Drive by Nova Reyes',
                                   'NOVA REYES: Night Drive'])
def test_the_artist_name_set_apart_in_the_title_is_refused(title: str) -> None:
    assert 'artist name "Nova Reyes"' in refused('title', title=title)


def test_a_featured_artist_named_in_the_title_is_refused() -> None:
    credits = [*form()['credits'], {'name': 'Ben Ode', 'role': 'featured', 'share': 0}]
    assert 'Ben Ode' in refused('title', title='Ben Ode Knows', credits=credits)


@pytest.mark.parametrize('title', ['Nova Reyes', 'Love (Live Forever)', 'Remix Culture', 'Mixtape Memories',
                                   'Live Wire'])
def test_titles_that_only_look_like_credits_or_versions_pass(title: str) -> None:
    assert parse_details(form(title=title)).title == title


def test_the_artist_name_inside_a_title_is_a_warning_not_a_refusal() -> None:
    details = parse_details(form(title='Letters to Nova Reyes'))
    assert rows(details)['Title'][0] == 'warn'
    assert rows(parse_details(form(title='Nova Reyes')))['Title'][0] == 'pass'  # self-titled


def test_suggest_release_date_is_the_first_friday_at_least_a_week_out_for_every_day_of_a_week() -> None:
    expected = {0: 11, 1: 10, 2: 9, 3: 8, 4: 7, 5: 13, 6: 12}  # weekday -> days ahead
    for offset in range(7):
        today = TODAY + timedelta(days=offset)
        suggested = suggest_release_date(today)
        assert suggested.weekday() == 4
        assert 7 <= (suggested - today).days < 14
        assert (suggested - today).days == expected[today.weekday()]


def test_detail_checks_pass_for_a_complete_release() -> None:
    details = parse_details(form(isrc='USS1Z2500001', upc='036000291452'))
    assert {name: status for name, (status, _) in rows(details).items()} == {
        'Required fields': 'pass', 'ISRC': 'pass', 'UPC/EAN': 'pass', 'Splits': 'pass',
        'Main artist credit': 'pass', 'Release date': 'pass', 'Title': 'pass', 'Language': 'pass',
        '(P) and (C) lines': 'pass'}
    assert '2 to 4 weeks' in rows(details)['Release date'][1]


def test_missing_codes_are_warnings_because_they_are_optional() -> None:
    checked = rows(parse_details(form()))
    assert checked['ISRC'][0] == checked['UPC/EAN'][0] == 'warn'
    assert 'optional' in checked['ISRC'][1]


@pytest.mark.parametrize(('days', 'status', 'words'), [(-1, 'fail', 'has passed'), (0, 'warn', '7 days'),
                                                       (6, 'warn', 'Only 6 days'), (7, 'pass', '2 to 4 weeks'),
                                                       (28, 'pass', '28 days')])
def test_the_release_date_row(days: int, status: str, words: str) -> None:
    details = parse_details(form(release_date=TODAY + timedelta(days=days)))
    assert rows(details)['Release date'][0] == status
    assert words in rows(details)['Release date'][1]


def test_a_release_date_that_is_not_a_friday_says_so() -> None:
    assert 'Friday' in rows(parse_details(form(release_date='2025-03-20')))['Release date'][1]


def test_detail_checks_catch_details_that_did_not_come_through_parse() -> None:
    good = parse_details(form())
    broken = dataclasses.replace(good, label='', isrc='US-123', upc='036000291453', language='english',
                                 p_line='Nova Reyes', credits=(Credit('Kai', 'producer', 50),))
    checked = rows(broken)
    assert checked['Required fields'] == ('fail', 'Missing: label.')
    assert checked['ISRC'][0] == checked['UPC/EAN'][0] == 'fail'
    assert checked['Splits'] == ('fail', 'The ownership shares add up to 50%, not 100%.')
    assert checked['Main artist credit'][0] == 'fail'
    assert checked['Language'][0] == 'fail'
    assert checked['(P) and (C) lines'][0] == 'warn'
    assert rows(dataclasses.replace(good, credits=()))['Splits'][0] == 'fail'
    assert rows(dataclasses.replace(good, title='NIGHT DRIVE'))['Title'][0] == 'warn'


def test_ai_disclosure_for_each_source_kind_and_a_missing_part() -> None:
    assets = {'beat': {'source': {'kind': 'local', 'name': 'beat engine'}},
              'vocal': {'source': {'kind': 'uploaded', 'name': None}},
              'lyrics': {'source': {'kind': 'service', 'name': 'openai'}},
              'mix': {'source': {'kind': 'local', 'name': 'mix engine'}}}
    assert ai_disclosure(assets) == {
        'music': {'made_by': 'local generator', 'tool': 'beat engine'},
        'vocals': {'made_by': 'person', 'tool': None},
        'lyrics': {'made_by': 'outside AI service', 'tool': 'openai'},
        'artwork': {'made_by': 'not in this release', 'tool': None},
        'mastering': {'made_by': 'local generator', 'tool': 'mix engine'}}
    assert ai_disclosure({'beat': {'source': {'kind': 'service', 'name': 'beatoven'}}})['music'] == {
        'made_by': 'outside AI service', 'tool': 'beatoven'}
    assert all(part['made_by'] == 'not in this release' for part in ai_disclosure({}).values())


@pytest.mark.parametrize('asset', [{'path': 'beat.wav'}, {'source': {'kind': 'robot', 'name': 'x'}},
                                   {'source': 'local'}])
def test_an_unrecorded_origin_is_refused_rather_than_guessed(asset: dict) -> None:
    with pytest.raises(BadInput, match='origin of the music'):
        ai_disclosure({'beat': asset})
