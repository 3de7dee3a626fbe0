"""What every JSON route shares: the bearer token, the current user, request bodies, and errors in our shape.

Every answer, good or bad, is `{'ok': ...}` JSON: a LiabError becomes its own status and `to_json()`, and a body
that is not JSON or does not fit its model becomes 400 naming the field (never FastAPI's 422 shape, never a 500).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from liab.errors import BadInput, LiabError
from liab.models import User
from liab.security import Unauthorized
from liab.services import auth
from liab.web.bridge import in_session

P = ParamSpec('P')
M = TypeVar('M', bound=BaseModel)

NOT_JSON = 'The request body is not valid JSON.'
NOT_OBJECT = 'The request body must be a JSON object.'
# Answers carry tokens and private project data: no cache may keep them.
_HEADERS = {'Cache-Control': 'no-store'}


def api(handler: Callable[P, Awaitable[JSONResponse]]) -> Callable[P, Awaitable[JSONResponse]]:
    """Wrap a route so a LiabError (including a bad request body, see read_body) answers in our shape."""

    @functools.wraps(handler)  # FastAPI reads the handler's own signature through __wrapped__
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> JSONResponse:
        try:
            return await handler(*args, **kwargs)
        except LiabError as exc:
            return error_response(exc)

    return wrapper


def ok(**body: Any) -> JSONResponse:
    return JSONResponse({'ok': True, **body}, headers=_HEADERS)


def error_response(exc: LiabError) -> JSONResponse:
    headers = dict(_HEADERS)
    if isinstance(exc, Unauthorized):
        headers['WWW-Authenticate'] = 'Bearer'
    return JSONResponse(exc.to_json(), status_code=exc.status, headers=headers)


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None for a missing header or any other form."""
    scheme, _, token = request.headers.get('authorization', '').strip().partition(' ')
    token = token.strip()
    if scheme.lower() != 'bearer' or not token or any(char.isspace() for char in token):
        return None
    return token


async def current_user(request: Request) -> User:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized('Please log in.')
    return await in_session(auth.user_from_token, token=token)


async def read_body(request: Request, model: type[M]) -> M:
    """The JSON body checked against `model`; BadInput ('<field>: <message>') when it does not fit."""
    try:
        raw = await request.json()
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BadInput(NOT_JSON) from None
    if not isinstance(raw, dict):
        raise BadInput(NOT_OBJECT)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise BadInput(validation_message(exc)) from None


async def run_job(project_id: str, label: str, fn: Callable[..., Any], /, *args: Any) -> Any:
    """Run `fn` as the project's one heavy job in a worker process (JobBusy, a BadInput, if one is running)."""
    from liab import jobs, media

    job = jobs.runner.start(project_id, label, media.project_dir(project_id, create=True))
    return await jobs.runner.run(job, fn, *args)


def validation_message(exc: ValidationError) -> str:
    first = exc.errors(include_url=False, include_context=False, include_input=False)[0]
    field = '.'.join(str(part) for part in first['loc'])
    return f'{field}: {first["msg"]}' if field else first['msg']
