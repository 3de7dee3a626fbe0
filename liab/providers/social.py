"""Publishing scheduled posts through GetLate (getlate.dev) when GETLATE_API_KEY is set.

GetLate's REST API (https://getlate.dev/api/v1, a bearer key): `GET /v1/accounts` lists the artist's connected
accounts, `POST /v1/media/presign` gives an upload address for a video or image (PUT the bytes there, then use its
`publicUrl`), `POST /v1/posts` schedules a post for one account at `scheduledFor`, `GET /v1/posts/{id}` tells how it
went and `DELETE /v1/posts/{id}` withdraws it. TikTok, Instagram and YouTube posts need a video or an image.

Every failure raises ProviderUnavailable with a sentence a person can act on; the content service then keeps the post
in the local schedule and says why. LIAB_SOCIAL_PROVIDER=local keeps posts local even when a key is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from liab.config import get_settings
from liab.errors import ProviderUnavailable

DEFAULT_BASE_URL = 'https://getlate.dev/api'
UPLOAD_TIMEOUT_S = 300.0
# Our platform keys and GetLate's names for them.
PLATFORM_NAMES = {'tiktok': 'tiktok', 'youtube_shorts': 'youtube', 'instagram_reels': 'instagram'}
MEDIA_TYPES = {'.mp4': 'video/mp4', '.mov': 'video/quicktime', '.webm': 'video/webm', '.jpg': 'image/jpeg',
               '.jpeg': 'image/jpeg', '.png': 'image/png'}
# GetLate's post statuses and what we show: only GetLate's own word makes a post "published".
STATUS_MAP = {'scheduled': 'scheduled', 'pending': 'scheduled', 'publishing': 'scheduled', 'draft': 'scheduled',
              'published': 'published', 'partial': 'published', 'failed': 'failed', 'cancelled': 'cancelled'}


@dataclass(frozen=True)
class GetLate:
    api_key: str
    base_url: str
    timeout_s: float = 20.0


@dataclass(frozen=True)
class Scheduled:
    external_id: str
    status: str  # one of STATUS_MAP's values
    account: str  # the account's name at GetLate, for display


def getlate_service() -> GetLate | None:
    """The configured GetLate account, or None when no key is set or LIAB_SOCIAL_PROVIDER=local."""
    settings = get_settings()
    if settings.getlate_api_key is None or settings.social_provider == 'local':
        return None
    key = settings.getlate_api_key.get_secret_value().strip()
    return GetLate(key, (settings.getlate_base_url or DEFAULT_BASE_URL).rstrip('/'), settings.getlate_timeout_s) \
        if key else None


def schedule_post(service: GetLate, *, platform: str, when: datetime, caption: str, hashtags: tuple[str, ...],
                  media_file: Path | None, title: str = '') -> Scheduled:
    """Schedule one post at GetLate for the artist's connected account on `platform`."""
    name = PLATFORM_NAMES.get(platform)
    if name is None:
        raise ProviderUnavailable(f'GetLate cannot post to {platform}.')
    if media_file is None:
        raise ProviderUnavailable('GetLate needs a video or an image to post to TikTok, Shorts or Reels.')
    content_type = MEDIA_TYPES.get(media_file.suffix.lower())
    if content_type is None or not media_file.is_file():
        raise ProviderUnavailable('GetLate takes an MP4, MOV or WebM video, or a JPEG or PNG image.')
    with _reaching(service), _client(service) as client:
        account = _account(client, name)
        media_url = _upload(client, media_file, content_type)
        content = '\n\n'.join(part for part in (caption, ' '.join(hashtags)) if part)
        body: dict[str, Any] = {
            'content': content, 'scheduledFor': when.isoformat().replace('+00:00', 'Z'), 'timezone': 'UTC',
            'platforms': [{'platform': name, 'accountId': account['_id']}],
            'mediaItems': [{'type': content_type.split('/')[0], 'url': media_url}]}
        if name == 'youtube':
            body['title'] = (title or caption or 'New music')[:100]
        post = _json(client.post('/v1/posts', json=body)).get('post') or {}
    external_id = post.get('_id') or post.get('id')
    if not isinstance(external_id, str) or not external_id:
        raise ProviderUnavailable('GetLate did not confirm the post.')
    return Scheduled(external_id, STATUS_MAP.get(str(post.get('status')), 'scheduled'),
                     str(account.get('username') or account.get('displayName') or name))


def post_status(service: GetLate, external_id: str) -> str:
    """What GetLate says of a post now: scheduled, published, failed or cancelled."""
    with _reaching(service), _client(service) as client:
        post = _json(client.get(f'/v1/posts/{_checked_id(external_id)}')).get('post') or {}
    return STATUS_MAP.get(str(post.get('status')), 'scheduled')


def cancel_post(service: GetLate, external_id: str) -> None:
    """Withdraw a scheduled post at GetLate; a post GetLate no longer has counts as withdrawn."""
    with _reaching(service), _client(service) as client:
        response = client.delete(f'/v1/posts/{_checked_id(external_id)}')
        if response.status_code != 404:
            _json(response)


def _client(service: GetLate) -> httpx.Client:
    return httpx.Client(base_url=service.base_url, headers={'Authorization': f'Bearer {service.api_key}'},
                        timeout=httpx.Timeout(service.timeout_s), follow_redirects=False)


def _account(client: httpx.Client, platform: str) -> dict[str, Any]:
    accounts = _json(client.get('/v1/accounts')).get('accounts') or []
    for account in accounts:
        if isinstance(account, dict) and account.get('platform') == platform and account.get('isActive', True) \
                and isinstance(account.get('_id'), str):
            return account
    label = {'tiktok': 'TikTok', 'youtube': 'YouTube', 'instagram': 'Instagram'}[platform]
    raise ProviderUnavailable(f'No {label} account is connected at GetLate: connect one there first.')


def _upload(client: httpx.Client, path: Path, content_type: str) -> str:
    signed = _json(client.post('/v1/media/presign', json={
        'filename': f'post{path.suffix.lower()}', 'contentType': content_type, 'size': path.stat().st_size}))
    upload_url, public_url = signed.get('uploadUrl'), signed.get('publicUrl')
    if not isinstance(upload_url, str) or not isinstance(public_url, str) \
            or not upload_url.startswith(('https://', 'http://')):
        raise ProviderUnavailable('GetLate did not give an upload address for the media.')
    with path.open('rb') as handle:  # a presigned address takes no key: a bare client, never ours
        response = httpx.put(upload_url, content=handle.read(), headers={'Content-Type': content_type},
                             timeout=UPLOAD_TIMEOUT_S)
    if response.status_code >= 300:
        raise ProviderUnavailable(f'Uploading the media to GetLate failed (HTTP {response.status_code}).')
    return public_url


def _json(response: httpx.Response) -> dict[str, Any]:
    if response.status_code in (401, 403):
        raise ProviderUnavailable('GetLate refused the API key: check GETLATE_API_KEY.')
    if response.status_code == 429:
        raise ProviderUnavailable('GetLate is rate-limiting requests: try again in a minute.')
    if response.status_code >= 400:
        detail = ''
        try:
            detail = str(response.json().get('error') or '')[:200]
        except ValueError:
            pass
        raise ProviderUnavailable(f'GetLate answered HTTP {response.status_code}' + (f': {detail}' if detail else '.'))
    try:
        answer = response.json()
    except ValueError:
        raise ProviderUnavailable('GetLate sent an answer that is not JSON.') from None
    if not isinstance(answer, dict):
        raise ProviderUnavailable('GetLate sent an unexpected answer.')
    return answer


def _checked_id(external_id: str) -> str:
    if not external_id.replace('-', '').replace('_', '').isalnum() or len(external_id) > 64:
        raise ProviderUnavailable("That post id is not GetLate's.")
    return external_id


@contextmanager
def _reaching(service: GetLate) -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException:
        raise ProviderUnavailable(f'GetLate did not answer within {service.timeout_s:g} s.') from None
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f'GetLate could not be reached ({type(exc).__name__}).') from None
