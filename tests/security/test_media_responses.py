import io
import zipfile

from PIL import Image

from tests.security.conftest import LiveApp, project_with_file, sign_up

SCRIPT = b'<html><body><script>alert(document.domain)</script></body></html>'
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
NEVER = ('text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/xml', 'javascript',
         'ecmascript', 'text/vtt', 'mpegurl')


def test_media_is_nosniff_and_only_sound_pictures_video_or_a_download(server: LiveApp, take_wav: bytes) -> None:
    account = sign_up(server, 'types@example.com')
    project_id, take_url = project_with_file(server, account, 'stems/take.wav', take_wav)
    folder = server.media_dir / project_id / 'notes'
    folder.mkdir(parents=True)
    planted = {'page.html': SCRIPT, 'page.htm': SCRIPT, 'page.xhtml': SCRIPT, 'page.shtml': SCRIPT,
               'picture.svg': SVG, 'picture.svgz': SVG, 'code.js': SCRIPT, 'code.mjs': SCRIPT, 'feed.xml': SCRIPT,
               'list.m3u8': b'#EXTM3U\n', 'captions.vtt': b'WEBVTT\n', 'noname': SCRIPT, 'song.mp3.html': SCRIPT,
               'pack.zip': _zip(), 'sheet.pdf': b'%PDF-1.4\n%%EOF\n', 'figures.csv': b'date,streams\n',
               'report.json': b'{"lufs": -14}', 'tagline.txt': b'Hold the summer', 'schedule.ics': b'BEGIN:VCALENDAR',
               'cover.png': _png()}
    for name, content in planted.items():
        (folder / name).write_bytes(content)
    urls = [take_url, *(f'/media/{project_id}/notes/{name}' for name in planted)]
    with server.client(account.token) as client:
        for url in urls:
            for query in ('', '?download=1'):
                response = client.get(url + query)
                assert response.status_code == 200, url
                assert response.headers['x-content-type-options'] == 'nosniff', url
                kind = response.headers['content-type'].split(';')[0].strip().lower()
                download = response.headers.get('content-disposition', '').startswith('attachment')
                assert not any(bad in kind for bad in NEVER), (url, kind)
                assert kind.startswith(('audio/', 'image/', 'video/')) or download, (url, kind)
                assert 'sandbox' in response.headers['content-security-policy'], url
        assert client.get(take_url).headers['content-type'] in ('audio/wav', 'audio/x-wav')
        assert client.get(f'/media/{project_id}/notes/cover.png').headers['content-type'] == 'image/png'
        assert client.get(f'/media/{project_id}/notes/sheet.pdf').headers['content-disposition'].startswith(
            'attachment')
        missing = client.get(f'/media/{project_id}/notes/absent.html')
        assert missing.status_code == 404 and missing.headers['x-content-type-options'] == 'nosniff'


def test_a_byte_range_of_a_take_is_206_and_an_unsatisfiable_one_is_416(server: LiveApp, take_wav: bytes) -> None:
    account = sign_up(server, 'ranges@example.com')
    _, url = project_with_file(server, account, 'stems/take.wav', take_wav)
    size = len(take_wav)
    with server.client(account.token) as client:
        part = client.get(url, headers={'Range': 'bytes=0-99'})
        assert part.status_code == 206
        assert part.headers['content-range'] == f'bytes 0-99/{size}'
        assert part.content == take_wav[:100] and part.headers['content-length'] == '100'
        assert part.headers['x-content-type-options'] == 'nosniff'
        tail = client.get(url, headers={'Range': f'bytes={size - 10}-'})
        assert (tail.status_code, tail.content) == (206, take_wav[-10:])
        for unsatisfiable in (f'bytes={size}-', f'bytes={size + 100}-{size + 200}', 'bytes=999999999-'):
            refused = client.get(url, headers={'Range': unsatisfiable})
            assert refused.status_code == 416, unsatisfiable
            assert refused.headers['content-range'] == f'bytes */{size}'
            assert take_wav[40:100] not in refused.content
        stranger = client.get(url, headers={'Range': 'bytes=0-99', 'Authorization': 'Bearer x'})
        assert stranger.status_code == 404  # a range is no way around the owner check


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr('readme.txt', 'hello')
    return buffer.getvalue()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new('RGB', (4, 4), (200, 40, 90)).save(buffer, 'PNG')
    return buffer.getvalue()
