import resource
import struct
import time
import zlib

from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from liab import media
from tests.web.conftest import only_project

SIDE = 20_000


async def test_a_20000_px_square_png_as_own_cover_is_refused_without_decoding_it(user: User) -> None:
    png = _huge_png(SIDE)  # 400 million pixels: 1.2 GB as RGB if anything decoded it
    assert png[12:16] == b'IHDR' and struct.unpack('>II', png[16:24]) == (SIDE, SIDE) and len(png) < 200_000
    await user.open('/')
    user.find(marker='stage-release').click()
    await user.should_see('with Aria')
    upload = user.find(marker='release-own-cover-upload').elements.pop()
    peak_before = _peak_rss_mb()
    started = time.monotonic()

    await upload.handle_uploads([SmallFileUpload('cover.png', 'image/png', png)])

    await user.should_see('That picture is too large')
    assert user.notify.messages == ['That picture is too large: at most 40 million pixels.']
    assert time.monotonic() - started < 10
    assert _peak_rss_mb() - peak_before < 100  # the header was read, not the pixels
    own = media.project_dir(only_project().id) / 'release' / 'cover' / 'own'
    assert not own.exists() or [path.name for path in own.iterdir()] == []
    assert 'cover' not in (only_project().data.get('release') or {})
    await user.should_see('Use my own cover')  # the stage is still there and works


def _huge_png(side: int) -> bytes:
    """A 1-bit greyscale PNG, all black: each row is a filter byte and side/8 zero bytes, deflated to almost nothing."""
    row = b'\0' * (1 + side // 8)
    packer = zlib.compressobj(9)
    data = b''.join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack('>IIBBBBB', side, side, 1, 0, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', header) + _chunk(b'IDAT', data) + _chunk(b'IEND', b'')


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
