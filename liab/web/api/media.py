"""GET /media/{project_id}/{path}: project files, only for the browser (or, later, the user) that owns them.

Nothing under the data dir is reachable any other way: routes derived from project files (peaks.py) go through
owned_file() here too. Only sound, pictures and video are shown in the browser, each under its own type; any other
file (an uploaded or planted .html, .svg or .js among them) is a download, never a page.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse, JSONResponse, Response
from nicegui import app

from liab import media
from liab.errors import LiabError
from liab.services import auth, projects
from liab.web.api.common import bearer_token
from liab.web.bridge import in_session

# Types by suffix, not by the system's mime.types: the only files a browser may show in place. No SVG (it runs
# scripts) and no playlists (they point elsewhere).
INLINE_TYPES = {
    '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.flac': 'audio/flac', '.aif': 'audio/aiff', '.aiff': 'audio/aiff',
    '.m4a': 'audio/mp4', '.ogg': 'audio/ogg', '.opus': 'audio/ogg', '.mp4': 'video/mp4', '.m4v': 'video/mp4',
    '.mov': 'video/quicktime', '.webm': 'video/webm', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
    '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif',
}
# Files the app makes for the artist to save; they are downloads under their own type, anything else is bytes.
DOWNLOAD_TYPES = {
    '.zip': 'application/zip', '.pdf': 'application/pdf', '.csv': 'text/csv', '.json': 'application/json',
    '.txt': 'text/plain', '.ics': 'text/calendar',
}
# Project files are the artist's own uploads too: never let a browser run them as a page.
HEADERS = {
    'Cache-Control': 'private, max-age=0, must-revalidate',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Content-Type-Options': 'nosniff',
}


def register() -> None:
    app.add_api_route('/media/{project_id}/{path:path}', serve, methods=['GET', 'HEAD'], include_in_schema=False)


async def serve(request: Request, project_id: str, path: str) -> Response:
    file = await owned_file(request, project_id, path)
    if file is None:
        return not_found()
    suffix = file.suffix.lower()
    inline = INLINE_TYPES.get(suffix)
    # A Download button (download=1), or a file that is not sound, a picture or video: save it, named after the file.
    if inline is None or request.query_params.get('download') == '1':
        kind = inline or DOWNLOAD_TYPES.get(suffix, 'application/octet-stream')
        return FileResponse(file, media_type=kind, headers=HEADERS, filename=file.name)
    return FileResponse(file, media_type=inline, headers=HEADERS)


async def owned_file(request: Request, project_id: str, path: str) -> Path | None:
    """The project file `path` names when this browser (or the bearer token's user) owns the project, else None.

    Every refusal looks the same (a missing project, someone else's, a bad token, a hidden or outside path), so
    callers answer them all with not_found() and nobody learns which projects exist.
    """
    browser_id = request.session.get('id') if 'session' in request.scope else None
    try:
        user_id = None
        if 'authorization' in request.headers:  # an API client; a bad token is refused like everything else here
            user = await in_session(auth.user_from_token, token=bearer_token(request))
            user_id = user.id
        await in_session(projects.get_owned_project, project_id=project_id, browser_id=browser_id, user_id=user_id)
        return media.resolve(project_id, path)
    except LiabError:
        return None


def not_found() -> JSONResponse:
    return JSONResponse({'ok': False, 'error': 'Not found.'}, status_code=404, headers=HEADERS)
