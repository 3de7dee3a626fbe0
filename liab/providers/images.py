"""Images: OpenAI (or any OpenAI-compatible server) when configured; the local cover generator otherwise.

The service paints the art only. It never sees the title or artist and is told to leave out lettering: the stores
allow no text on a cover but the artist and title, matching the metadata (REFERENCE.md), so we set those ourselves on
top. Its answer is checked like an upload (magic bytes, size, decompression bombs, a full decode); any failure means
the local generator stands in, with a notice that says why.

Model: LIAB_OPENAI_IMAGE_MODEL (default gpt-image-1; dall-e-3 and dall-e-2 work too). The key, base URL, timeout and
retries are the text provider's (OPENAI_API_KEY, OPENAI_BASE_URL, LIAB_OPENAI_TIMEOUT_S, LIAB_OPENAI_RETRIES);
LIAB_IMAGES_PROVIDER=local keeps covers local even when a key is set.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses

from PIL import Image, ImageFilter

from liab import art
from liab.config import get_settings
from liab.errors import BadInput, ProviderUnavailable
from liab.providers.text import OpenAIService, Written, openai_service

DEFAULT_IMAGE_MODEL = 'gpt-image-1'
MAX_IMAGE_BYTES = 30 * 1024 * 1024  # a 1024 px PNG is 1 to 3 MB; anything far bigger is not a cover
IMAGE_SIZE = '1024x1024'
_B64_MODELS = ('dall-e-2', 'dall-e-3')  # the models that take response_format; gpt-image-* always answer base64

__all__ = ['DEFAULT_IMAGE_MODEL', 'OpenAIService', 'Written', 'artwork', 'generate_art', 'image_service', 'prompt']


def image_service() -> OpenAIService | None:
    """The configured image service (the text provider's OpenAI settings with the image model), or None."""
    settings = get_settings()
    service = openai_service()
    if service is None or settings.images_provider == 'local':
        return None
    return dataclasses.replace(service, model=settings.openai_image_model or DEFAULT_IMAGE_MODEL)


def artwork(service: OpenAIService | None, *, title: str, artist: str, genre: str, mood: str, seed: int,
            size: int = art.COVER_PX) -> Written[Image.Image]:
    """A finished square cover (art plus type): the service's art when it delivers, the local generator's if not."""
    if service is not None:
        try:
            painted = generate_art(service, genre=genre, mood=mood, seed=seed)
            painted = painted.resize((size, size), Image.Resampling.LANCZOS)
            painted = painted.filter(ImageFilter.UnsharpMask(radius=2, percent=60, threshold=2))
            return Written(art.letter(painted, title=title, artist=artist, genre=genre, mood=mood, seed=seed),
                           'openai')
        except ProviderUnavailable as exc:
            notice = f'{exc.message} The local cover generator painted this instead.'
            return Written(_local(title=title, artist=artist, genre=genre, mood=mood, seed=seed, size=size), 'local',
                           notice)
    return Written(_local(title=title, artist=artist, genre=genre, mood=mood, seed=seed, size=size), 'local')


def generate_art(service: OpenAIService, *, genre: str, mood: str, seed: int) -> Image.Image:
    """One square picture from the service, checked and decoded; ProviderUnavailable on any failure."""
    import openai  # the SDK takes ~0.3 s to import; only deployments that use it pay for it

    client = openai.OpenAI(api_key=service.api_key, base_url=service.base_url, timeout=service.timeout_s,
                           max_retries=service.retries)
    extra = {'response_format': 'b64_json'} if service.model.startswith(_B64_MODELS) else {}
    try:
        answer = client.images.generate(model=service.model, prompt=prompt(genre, mood, seed), n=1, size=IMAGE_SIZE,
                                        **extra)
    except openai.APITimeoutError:
        raise ProviderUnavailable('The image service did not answer in time.') from None
    except openai.APIConnectionError:
        raise ProviderUnavailable('The image service could not be reached.') from None
    except openai.APIStatusError as exc:
        raise ProviderUnavailable(f'The image service answered HTTP {exc.status_code}.') from None
    except (openai.OpenAIError, ValueError):
        raise ProviderUnavailable('The image service answered with something we could not read.') from None
    finally:
        client.close()
    try:
        encoded = answer.data[0].b64_json or ''
    except (IndexError, AttributeError, TypeError):
        raise ProviderUnavailable('The image service answered in an unexpected shape.') from None
    if not encoded or len(encoded) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise ProviderUnavailable('The image service answered without a picture we can use.')
    try:
        raw = base64.b64decode(encoded, validate=True)
        picture, _ = art.read_image(raw)
    except (binascii.Error, ValueError, BadInput):
        raise ProviderUnavailable('The image service answered with something that is not a usable picture.') from None
    side = min(picture.size)
    left, top = (picture.width - side) // 2, (picture.height - side) // 2
    return picture.crop((left, top, left + side, top + side))


def prompt(genre: str, mood: str, seed: int) -> str:
    return (f'Artwork for a music single cover: {mood} {genre}. An abstract, bold composition with a clear focal '
            'point, rich texture and considered lighting; leave calm space near one edge. Absolutely no text, '
            f'letters, numbers, words, logos, signatures or watermarks anywhere. Square. Variation {seed % 10_000}.')


def _local(*, title: str, artist: str, genre: str, mood: str, seed: int, size: int) -> Image.Image:
    return art.make_cover(title=title, artist=artist, genre=genre, mood=mood, seed=seed, size=size)
