from datetime import date
from pathlib import Path

import pypdf
import pytest

from liab.release.details import Credit, parse_details
from liab.release.documents import lyrics_pdf, split_sheet_pdf

LYRICS = """[Verse 1]
Café au lait, naïve résumé, señor Zoë
Νύχτα στην πόλη, τα φώτα σβήνουν
Ночь в городе, огни горят до утра
Crème brûlée on a Łódź afternoon

[Chorus]
Hold on to the night, we ride till the light
Never let it go \U0001f525 tonight

Verse 2:
Second verse, the river runs slow
<b>Tags</b> & <script>alert(1)</script> stay as words

[Chorus]
"""
CREDITS = [Credit('Nova Reyes', 'main', 60), Credit('Kai Moreno', 'producer', 40), Credit('Mo Lin', 'mixer', 0),
           Credit('Nova Reyes', 'lyricist', 0)]


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def lines_of(pages: list[str]) -> list[str]:
    return [line.strip() for page in pages for line in page.splitlines() if line.strip()]


@pytest.fixture(scope='module')
def lyric_sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp('lyrics')
    return lyrics_pdf(folder / 'lyrics.pdf', title='Night Drive', artist='Nova Reyes', lyrics_text=LYRICS,
                      credits=CREDITS)


def test_the_lyric_sheet_has_the_title_artist_and_every_line_as_real_text(lyric_sheet: Path) -> None:
    found = lines_of(pdf_text(lyric_sheet))
    assert found[:2] == ['Night Drive', 'Nova Reyes']
    for line in LYRICS.splitlines():
        if line.strip() and not line.startswith('[') and not line.endswith(':') and 'Tags' not in line:
            assert line.replace(' \U0001f525', '') in found
    assert '<b>Tags</b> & <script>alert(1)</script> stay as words' in found


def test_section_headers_become_headings_and_a_bare_chorus_repeats_it(lyric_sheet: Path) -> None:
    found = lines_of(pdf_text(lyric_sheet))
    assert {'Verse 1', 'Chorus', 'Verse 2'} <= set(found)
    assert '[Chorus]' not in found and 'Verse 2:' not in found
    assert found.count('Chorus') == 2
    assert found.count('Hold on to the night, we ride till the light') == 2


def test_the_lyric_sheet_lists_the_credits_and_numbers_its_pages(lyric_sheet: Path) -> None:
    pages = pdf_text(lyric_sheet)
    found = lines_of(pages)
    assert 'Credits' in found
    for role, name in (('Main artist', 'Nova Reyes'), ('Producer', 'Kai Moreno'), ('Mixing engineer', 'Mo Lin'),
                       ('Lyricist', 'Nova Reyes')):
        assert role in found and name in found
    assert 'Page 1 of 1' in pages[0]


def test_the_lyric_sheet_embeds_a_truetype_font_with_metadata(lyric_sheet: Path) -> None:
    reader = pypdf.PdfReader(lyric_sheet)
    assert b'/FontFile2' in lyric_sheet.read_bytes()  # an embedded TrueType subset, not a base-14 font
    assert reader.metadata.title == 'Night Drive - lyrics' and reader.metadata.author == 'Nova Reyes'


def test_long_lyrics_run_over_pages_numbered_n_of_m_and_hostile_titles_are_text(tmp_path: Path) -> None:
    text = '\n\n'.join(f'[Verse {n}]\n' + '\n'.join(f'Line {n}.{i} of a long song' for i in range(8))
                       for n in range(1, 13))
    title = '<para>Night</para> & <font size=80>Drive</font> \u202e\x00'
    path = lyrics_pdf(tmp_path / 'long.pdf', title=title, artist='Ana & <Ben>', lyrics_text=text, credits=[])
    pages = pdf_text(path)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert f'Page {number} of {len(pages)}' in page
    found = lines_of(pages)
    heading = ' '.join(found[:3])  # the title is long enough to wrap
    assert heading == '<para>Night</para> & <font size=80>Drive</font> Ana & <Ben>'
    assert all(f'Line {n}.{i} of a long song' in found for n in range(1, 13) for i in range(8))
    assert 'Credits' not in found
    assert [p.name for p in tmp_path.iterdir()] == ['long.pdf']  # written atomically: no part files left


def test_empty_lyrics_still_make_a_sheet(tmp_path: Path) -> None:
    path = lyrics_pdf(tmp_path / 'empty.pdf', title='Instrumental Piece', artist='Nova Reyes', lyrics_text='',
                      credits=CREDITS[:1])
    assert 'No lyrics yet.' in pdf_text(path)[0]


def test_the_split_sheet_lists_each_owner_and_writer_with_roles_shares_total_and_signatures(tmp_path: Path) -> None:
    details = parse_details({
        'title': 'Night Drive', 'artist': 'Nova Reyes', 'genre': 'pop', 'release_date': '2025-03-21',
        'language': 'en', 'isrc': 'USS1Z2500001', 'version': 'Radio Edit',
        'credits': [{'name': 'Nova Reyes', 'role': 'main', 'share': 33.33},
                    {'name': 'Nova Reyes', 'role': 'composer', 'share': 16.67},
                    {'name': 'Kai Moreno', 'role': 'producer', 'share': 50},
                    {'name': 'Zoë Ψ', 'role': 'lyricist', 'share': 0},
                    {'name': 'Mo Lin', 'role': 'mixer', 'share': 0}]})
    path = split_sheet_pdf(tmp_path / 'split_sheet.pdf', details=details, prepared=date(2025, 3, 3))
    pages = pdf_text(path)
    text, found = '\n'.join(pages), lines_of(pages)
    assert found[:2] == ['Split sheet', 'Night Drive (Radio Edit) \u00b7 Nova Reyes']
    assert 'Night Drive (Radio Edit)' in found
    assert 'USS1Z2500001' in text and '21 March 2025' in text and 'Not assigned yet' in text
    assert '\u2117 2025 Nova Reyes' in text and '\u00a9 2025 Nova Reyes' in text
    for name, roles, share in (('Nova Reyes', 'Main artist, Composer', '50%'), ('Kai Moreno', 'Producer', '50%'),
                               ('Zoë Ψ', 'Lyricist', '0%')):
        assert name in found and roles in found and share in found
    assert 'Mo Lin' not in text  # a mixer with no share neither writes nor owns
    assert 'Total' in found and '100%' in found
    assert text.count(': signature') == 3 and 'Nova Reyes: signature' in text
    assert 'Prepared on 3 March 2025' in text
    assert 'Page 1 of 1' in pages[-1]
