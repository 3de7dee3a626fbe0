import io
import itertools
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from liab import art
from liab.art import _compose, _type
from liab.art._palette import contrast_ratio, luminance
from liab.errors import BadInput

SMALL = 400  # covers for the variety and determinism tests: the composition does not depend on the size
TITLE = 'Midnight Run'
ARTIST = 'Nova Reign'


def _thumb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert('RGB').resize((64, 64), Image.Resampling.BOX), np.float32) / 255


def _palette(image: Image.Image) -> np.ndarray:
    quantized = image.convert('RGB').resize((64, 64), Image.Resampling.BOX).quantize(6, Image.Quantize.MEDIANCUT)
    return np.array(quantized.getpalette()[:18], np.float32).reshape(6, 3) / 255


def _palette_distance(first: np.ndarray, second: np.ndarray) -> float:
    distances = np.linalg.norm(first[:, None] - second[None], axis=-1)
    return float((distances.min(axis=0).mean() + distances.min(axis=1).mean()) / 2)


def _png(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, 'PNG', **params)
    return buffer.getvalue()


def _jpeg(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', **params)
    return buffer.getvalue()


def _linear_rgb_profile() -> bytes:
    """A minimal ICC v2 display profile: sRGB's primaries with a straight (gamma 1.0) tone curve."""
    def xyz(x: float, y: float, z: float) -> bytes:
        return b'XYZ \0\0\0\0' + struct.pack('>3i', *(round(v * 65536) for v in (x, y, z)))

    description = b'Linear RGB\0'
    tags = [(b'desc', b'desc\0\0\0\0' + struct.pack('>I', len(description)) + description + bytes(12 + 67)),
            (b'wtpt', xyz(0.9642, 1.0, 0.8249)), (b'rXYZ', xyz(0.4361, 0.2225, 0.0139)),
            (b'gXYZ', xyz(0.3851, 0.7169, 0.0971)), (b'bXYZ', xyz(0.1431, 0.0606, 0.7141)),
            *((name, b'curv\0\0\0\0' + struct.pack('>IH', 1, 256) + b'\0\0') for name in (b'rTRC', b'gTRC', b'bTRC')),
            (b'cprt', b'text\0\0\0\0public domain\0\0\0')]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b'', b''
    for name, body in tags:
        table += name + struct.pack('>II', offset + len(data), len(body))
        data += body + bytes(-len(body) % 4)
    size = offset + len(data)
    header = (struct.pack('>I', size) + b'lcms' + struct.pack('>I', 0x02100000) + b'mntrRGB XYZ ' + bytes(12)
              + b'acsp' + bytes(24) + struct.pack('>I', 0) + struct.pack('>3i', 63190, 65536, 54061) + bytes(48))
    return header + struct.pack('>I', len(tags)) + table + data


def _bomb_png(side: int = 30_000) -> bytes:
    """A 1-bit PNG that claims side x side pixels and inflates to them: about 110 MB of zeros from a few hundred kB."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))

    row = bytes(1 + side // 8)
    packer = zlib.compressobj(9)
    compressed = b''.join(packer.compress(row * 1000) for _ in range(side // 1000)) + packer.flush()
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', side, side, 1, 0, 0, 0, 0))
            + chunk(b'IDAT', compressed) + chunk(b'IEND', b''))


@pytest.fixture(scope='module')
def cover_3000() -> Image.Image:
    return art.make_cover(title=TITLE, artist=ARTIST, genre='house', mood='dark', seed=7)


# -- the generator ------------------------------------------------------------------------------------------------


def test_a_cover_is_a_square_rgb_image_of_the_asked_size(cover_3000: Image.Image) -> None:
    assert cover_3000.size == (art.COVER_PX, art.COVER_PX) and cover_3000.mode == 'RGB'
    assert art.make_cover(title='a', artist='b', genre='pop', mood='happy', seed=1, size=SMALL).size == (SMALL, SMALL)


def test_the_same_seed_gives_the_same_cover_and_the_next_seed_another() -> None:
    def cover(seed: int) -> bytes:
        return art.make_cover(title=TITLE, artist=ARTIST, genre='trap', mood='energetic', seed=seed,
                              size=SMALL).tobytes()

    assert cover(11) == cover(11)
    assert cover(11) != cover(12)


@pytest.mark.parametrize(('genre', 'mood'), [('drill', 'dark'), ('lo-fi', 'dreamy'), ('afrobeats', 'happy')])
def test_twenty_seeds_give_twenty_visibly_different_covers(genre: str, mood: str) -> None:
    covers = [art.make_cover(title=TITLE, artist=ARTIST, genre=genre, mood=mood, seed=seed, size=256)
              for seed in range(20)]
    thumbs, palettes = [_thumb(cover) for cover in covers], [_palette(cover) for cover in covers]
    shifts = []
    for a, b in itertools.combinations(range(20), 2):
        difference = float(np.abs(thumbs[a] - thumbs[b]).mean())
        assert difference >= 0.045, (a, b, difference)  # about 11 levels of 255 on average, at thumbnail size
        shifts.append(_palette_distance(palettes[a], palettes[b]))
    assert np.median(shifts) >= 0.05  # and the colours move too, not just the shapes


def test_moods_change_the_palette_and_genres_the_picture() -> None:
    moods = {mood: [art.make_cover(title=TITLE, artist=ARTIST, genre='r&b', mood=mood, seed=seed, size=256)
                    for seed in range(3)] for mood in _compose.MOODS}
    for first, second in itertools.combinations(moods, 2):
        shift = np.mean([_palette_distance(_palette(a), _palette(b)) for a in moods[first] for b in moods[second]])
        assert shift >= 0.06, (first, second, shift)
    genres = {genre: art.make_cover(title=TITLE, artist=ARTIST, genre=genre, mood='chill', seed=3, size=256)
              for genre in _compose.GENRE_MOTIFS}
    for first, second in itertools.combinations(genres, 2):
        assert np.abs(_thumb(genres[first]) - _thumb(genres[second])).mean() >= 0.04, (first, second)


def test_the_generator_knows_every_genre_and_mood_of_the_beat_engine() -> None:
    from liab.audio import synth

    assert set(_compose.GENRE_MOTIFS) == set(synth.GENRES)
    assert set(_compose.MOODS) == set(synth.MOODS)


def test_an_unknown_genre_or_mood_still_gets_a_stable_cover() -> None:
    first = art.make_cover(title='x', artist='y', genre='Jazz Fusion', mood='wistful', seed=3, size=256)
    again = art.make_cover(title='x', artist='y', genre='jazz  fusion', mood='Wistful', seed=3, size=256)
    assert first.tobytes() == again.tobytes()


# -- the type -------------------------------------------------------------------------------------------------------


ACCENTED = 'ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿĀāĄąĆćČčĘęĞğİıŁłŃńŐőŒœŘřŚśŞşŠšŢţŮůŰűŹźŻżŽž'
GREEK = 'ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς'
CYRILLIC = 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяЇїІіЄєҐґЎўЈјЉљЊњЋћЏџ'


@pytest.mark.parametrize('style', sorted(_type.FONTS))
def test_the_shipped_fonts_have_a_real_glyph_for_every_accented_greek_and_cyrillic_letter(style: str) -> None:
    assert (_type.FONT_DIR / _type.FONTS[style]).is_file()
    assert _type.missing_glyphs(ACCENTED + GREEK + CYRILLIC, style) == ''
    assert _type.missing_glyphs('漢字', style) == '漢字'  # the check does see a missing glyph
    font = _type._font(style, 40)
    assert all(font.getmask(char).getbbox() for char in ACCENTED + GREEK + CYRILLIC)


def test_the_licence_of_the_shipped_fonts_is_beside_them() -> None:
    licence = (_type.FONT_DIR / 'LICENSE-DejaVu.txt').read_text(encoding='utf-8')
    assert 'Bitstream' in licence and 'Permission is hereby granted' in licence


@pytest.mark.parametrize(('title', 'artist', 'genre', 'mood'), [
    ('Καλοκαίρι στην Αθήνα', 'Δήμητρα', 'afrobeats', 'happy'),
    ('Ночной город', 'Ольга Смирнова', 'house', 'dreamy'),
    ('Café Señorita', 'Zoë Łukasiewicz', 'boom bap', 'chill'),
])
def test_title_and_artist_are_set_exactly_and_read_at_thumbnail_size(title: str, artist: str, genre: str,
                                                                     mood: str) -> None:
    rendered = _compose.render(title=title, artist=artist, genre=genre, mood=mood, seed=5, size=art.COVER_PX)
    block = rendered.block
    assert ' '.join(block.title_lines) == title and ' '.join(block.artist_lines) == artist
    # Downscale to a 150 px thumbnail (a factor of 20) and read the block's background from the plate under the type.
    factor = art.COVER_PX // 150
    left, top, right, bottom = block.box
    shrunk = ((right - left) // factor, (bottom - top) // factor)
    plate = np.asarray(block.plate.resize(shrunk, Image.Resampling.BOX), np.float32) / 255
    typed = np.asarray(rendered.image.crop(block.box).resize(shrunk, Image.Resampling.BOX), np.float32) / 255
    ink = float(luminance(np.asarray(block.colour, np.float32)))
    background = luminance(plate).ravel()
    worst = np.percentile(background, 95 if ink > 0.5 else 5)
    assert contrast_ratio(ink, worst) >= 4.5
    assert np.abs(typed - plate).mean() > 0.08  # the type is there, not lost in the art


def test_a_120_character_title_wraps_inside_the_margins_and_keeps_every_character() -> None:
    title = ('The Long Way Home Through Every City I Ever Loved, Every Street I Ever Lost, And Every Song That Found '
             'Me Again, Tonight')
    assert len(title) == 120
    rendered = _compose.render(title=title, artist='Émile Laurent', genre='pop', mood='romantic', seed=2, size=1500)
    block = rendered.block
    margin = round(1500 * _type.MARGIN)
    left, top, right, bottom = block.box
    assert left >= margin - 4 and top >= margin - 4 and right <= 1500 - margin + 4 and bottom <= 1500 - margin + 4
    assert 2 <= len(block.title_lines) <= 8 and ' '.join(block.title_lines) == title
    unbroken = 'Supercalifragilisticexpialidocious' * 3
    long_word = _compose.render(title=unbroken, artist='A', genre='trap', mood='dark', seed=2, size=1500).block
    assert ''.join(long_word.title_lines) == unbroken and long_word.box[2] <= 1500 - margin + 4


# -- the finals -----------------------------------------------------------------------------------------------------


def _meta_free_jpeg(path: Path) -> None:
    with Image.open(path) as image:
        assert image.format == 'JPEG' and image.mode == 'RGB'
        assert 'icc_profile' not in image.info and 'exif' not in image.info
        assert 0x0112 not in image.getexif()
    assert path.stat().st_size < 10_000_000


def test_the_finals_are_plain_rgb_jpegs_of_the_right_sizes(tmp_path: Path, cover_3000: Image.Image) -> None:
    source = tmp_path / 'chosen.png'
    exif = Image.Exif()
    exif[0x0112] = 6
    source.write_bytes(_png(cover_3000, icc_profile=_linear_rgb_profile(), exif=exif, compress_level=1))
    finals = art.finalize_cover(source, tmp_path / 'release', title=TITLE, artist=ARTIST)
    assert {path.name for path in finals.values()} == set(art.FINAL_NAMES.values())
    sizes = {'cover_3000': (3000, 3000), 'cover_1500': (1500, 1500), 'cover_vertical': (1080, 1920)}
    for key, path in finals.items():
        _meta_free_jpeg(path)
        with Image.open(path) as image:
            assert image.size == sizes[key]
    assert all(status == 'pass' for _, status, _ in art.check_cover(finals['cover_3000']))
    assert not [name for name in (tmp_path / 'release').iterdir() if name.name.startswith('.')]


def test_a_cover_that_compresses_badly_still_comes_out_under_10_mb() -> None:
    from liab.art._finals import encode_jpeg

    noise = Image.frombytes('RGB', (3000, 3000), np.random.default_rng(1).integers(0, 256, 27_000_000, np.uint8))
    assert len(_jpeg(noise, quality=95, subsampling=0)) > 10_000_000  # the best quality would not fit
    data = encode_jpeg(noise)
    assert len(data) < 10_000_000
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (3000, 3000) and image.mode == 'RGB' and 'icc_profile' not in image.info


def test_the_vertical_is_recomposed_around_the_whole_square_not_stretched(tmp_path: Path) -> None:
    square = Image.new('RGB', (3000, 3000), (40, 60, 90))
    ImageDraw.Draw(square).ellipse((900, 900, 2100, 2100), fill=(255, 0, 0))
    source = tmp_path / 'marker.png'
    square.save(source)
    vertical = Image.open(art.finalize_cover(source, tmp_path, title='Round', artist='Marker')['cover_vertical'])
    pixels = np.asarray(vertical.convert('RGB')).astype(int)
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)
    rows, cols = np.flatnonzero(red.any(axis=1)), np.flatnonzero(red.any(axis=0))
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    assert abs(height / width - 1) < 0.02  # a circle stays a circle
    assert 0.3 * 1080 < width < 0.4 * 1080  # the disc is 40 % of a square that spans most of the width
    # The whole square is there: the part of the vertical holding it matches the square scaled down.
    side = round(width / 0.4)
    left, top = (cols[0] + cols[-1]) // 2 - side // 2, (rows[0] + rows[-1]) // 2 - side // 2
    inset = np.asarray(vertical.crop((left + 4, top + 4, left + side - 4, top + side - 4)), np.float32)
    expected = np.asarray(square.resize((side, side), Image.Resampling.LANCZOS).crop((4, 4, side - 4, side - 4)),
                          np.float32)
    assert np.abs(inset - expected).mean() < 6


def test_the_preflight_names_each_cover_problem(tmp_path: Path) -> None:
    def statuses(path: Path) -> dict[str, str]:
        return {name: status for name, status, _ in art.check_cover(path)}

    good = Image.new('RGB', (3000, 3000), (200, 80, 40))
    (tmp_path / 'png.png').write_bytes(_png(good))
    assert statuses(tmp_path / 'png.png')['Cover format'] == 'fail'
    (tmp_path / 'small.jpg').write_bytes(_jpeg(good.resize((1400, 1400))))
    assert statuses(tmp_path / 'small.jpg')['Cover size'] == 'fail'
    (tmp_path / 'big.jpg').write_bytes(_jpeg(good.resize((3200, 3200))))
    assert statuses(tmp_path / 'big.jpg')['Cover size'] == 'warn'
    (tmp_path / 'cmyk.jpg').write_bytes(_jpeg(good.convert('CMYK')))
    assert statuses(tmp_path / 'cmyk.jpg')['Cover colour mode'] == 'fail'
    (tmp_path / 'icc.jpg').write_bytes(_jpeg(good, icc_profile=_linear_rgb_profile()))
    assert statuses(tmp_path / 'icc.jpg')['Cover colour profile'] == 'fail'
    exif = Image.Exif()
    exif[0x0112] = 1
    (tmp_path / 'exif.jpg').write_bytes(_jpeg(good, exif=exif))
    assert statuses(tmp_path / 'exif.jpg')['Cover orientation'] == 'fail'
    (tmp_path / 'heavy.jpg').write_bytes(_jpeg(good) + bytes(10_000_000))
    assert statuses(tmp_path / 'heavy.jpg')['Cover file size'] == 'fail'
    assert art.check_cover(tmp_path / 'missing.jpg')[0][1] == 'fail'
    (tmp_path / 'text.jpg').write_bytes(b'not a picture')
    assert art.check_cover(tmp_path / 'text.jpg')[0][1] == 'fail'


# -- the artist's own cover -----------------------------------------------------------------------------------------


def _refusal(tmp_path: Path, data: bytes, max_bytes: int = 50 * 1024 * 1024) -> str:
    dest = tmp_path / 'covers'
    with pytest.raises(BadInput) as caught:
        art.take_own_cover(io.BytesIO(data), dest_dir=dest, max_bytes=max_bytes)
    assert list(dest.iterdir()) == []  # nothing stored, not even a hidden part file
    return caught.value.message


def test_own_cover_refuses_what_is_not_a_usable_square_picture(tmp_path: Path) -> None:
    picture = Image.new('RGB', (3000, 3000), (10, 120, 200))
    assert 'JPEG or PNG' in _refusal(tmp_path, b'<html>this is a web page named cover.jpg</html>' * 50)
    assert 'JPEG or PNG' in _refusal(tmp_path, b'GIF89a' + bytes(100))
    assert 'damaged' in _refusal(tmp_path, _jpeg(picture)[:4000])
    assert 'damaged' in _refusal(tmp_path, _png(picture)[:3000])
    assert 'too large' in _refusal(tmp_path, _bomb_png())  # past Pillow's hard limit
    assert 'too large' in _refusal(tmp_path, _bomb_png(7000))  # past our limit, where Pillow only warns
    assert 'square' in _refusal(tmp_path, _jpeg(Image.new('RGB', (3000, 2400))))
    assert 'larger than' in _refusal(tmp_path, _jpeg(picture), max_bytes=10_000)
    assert 'CMYK' in _refusal(tmp_path, _jpeg(picture.convert('CMYK')))
    assert 'only 300x300' in _refusal(tmp_path, _png(picture.resize((300, 300))))


def test_own_cover_refuses_an_endless_stream_without_reading_it_all(tmp_path: Path) -> None:
    class Endless(io.RawIOBase):
        served = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:
            buffer[:] = b'\xff' * len(buffer)
            self.served += len(buffer)
            return len(buffer)

    stream = Endless()
    with pytest.raises(BadInput, match='larger than'):
        art.take_own_cover(stream, dest_dir=tmp_path, max_bytes=2 * 1024 * 1024)
    assert stream.served <= 2 * 1024 * 1024 + 1
    assert list(tmp_path.iterdir()) == []


def test_a_small_own_cover_is_enlarged_with_a_warning_and_its_profile_applied_then_dropped(tmp_path: Path) -> None:
    grey = Image.new('RGB', (1000, 1000), (128, 128, 128))
    own = art.take_own_cover(io.BytesIO(_png(grey, icc_profile=_linear_rgb_profile())), dest_dir=tmp_path,
                             max_bytes=50 * 1024 * 1024)
    assert (own.width, own.height) == (3000, 3000) and own.path.parent == tmp_path
    assert own.path.name.startswith('own_cover_') and own.path.suffix == '.jpg'
    assert any('enlarged' in warning for warning in own.warnings)
    _meta_free_jpeg(own.path)
    with Image.open(own.path) as stored:
        # Linear 50 % grey is sRGB ~188: the profile was honoured before it was dropped.
        assert abs(np.asarray(stored, np.float32).mean() - 188) < 4
    assert all(status == 'pass' for _, status, _ in art.check_cover(own.path))


def test_an_animated_or_nearly_square_or_transparent_cover_is_taken_with_warnings(tmp_path: Path) -> None:
    frames = [Image.new('RGBA', (1200, 1190), colour) for colour in ((255, 0, 0, 255), (0, 0, 255, 0))]
    data = io.BytesIO()
    frames[0].save(data, 'PNG', save_all=True, append_images=frames[1:])
    own = art.take_own_cover(io.BytesIO(data.getvalue()), dest_dir=tmp_path, max_bytes=50 * 1024 * 1024)
    assert any('first one' in warning for warning in own.warnings)
    assert any('trimmed' in warning for warning in own.warnings)
    with Image.open(own.path) as stored:
        red, green, blue = np.asarray(stored, np.float32).reshape(-1, 3).mean(axis=0)
        assert red > 240 and green < 15 and blue < 15  # the first frame, not the second


def test_an_own_cover_turned_by_its_exif_tag_is_stored_upright(tmp_path: Path) -> None:
    picture = Image.new('RGB', (3000, 3000), (255, 255, 255))
    ImageDraw.Draw(picture).rectangle((0, 0, 1499, 2999), fill=(0, 0, 0))  # left half black
    exif = Image.Exif()
    exif[0x0112] = 3  # rotate 180: the viewer sees the right half black
    own = art.take_own_cover(io.BytesIO(_jpeg(picture, exif=exif)), dest_dir=tmp_path, max_bytes=50 * 1024 * 1024)
    _meta_free_jpeg(own.path)
    with Image.open(own.path) as stored:
        pixels = np.asarray(stored.convert('L'), np.float32)
        assert pixels[:, :1400].mean() > 200 and pixels[:, 1600:].mean() < 50


# -- the candidates job ---------------------------------------------------------------------------------------------


def test_the_candidates_job_writes_three_distinct_covers_with_previews(tmp_path: Path) -> None:
    reports: list[tuple[float, str]] = []
    fields = {'title': 'Жёлтый свет', 'artist': 'Émile', 'genre': 'lo-fi', 'mood': 'dark', 'seed': 40, 'openai': None}
    results = art.candidates_job(fields, str(tmp_path), progress=lambda share, text: reports.append((share, text)))
    assert len(results) == 3
    thumbs = []
    for number, result in enumerate(results, start=1):
        path, preview = Path(result['path']), Path(result['preview'])
        assert path.name == f'candidate_{number}_{result["seed"]}.jpg'
        assert preview.name == f'candidate_{number}_{result["seed"]}_preview.jpg'
        assert result['source'] == {'kind': 'local', 'name': 'cover generator'} and result['notice'] is None
        _meta_free_jpeg(path)
        with Image.open(path) as cover, Image.open(preview) as small:
            assert cover.size == (3000, 3000) and small.size == (512, 512)
            thumbs.append(_thumb(cover))
    assert len({result['seed'] for result in results}) == 3
    assert all(np.abs(a - b).mean() >= 0.05 for a, b in itertools.combinations(thumbs, 2))
    assert not [path for path in tmp_path.iterdir() if path.name.startswith('.')]
    assert reports[0][1] == 'Generating cover art…' and reports[-1][0] == 1.0
