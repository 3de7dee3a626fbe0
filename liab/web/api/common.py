"""What every JSON route shares: the bearer token, the current user, request bodies, and errors in our shape.

Every answer, good or bad, is `{'ok': ...}` JSON: a LiabError becomes its own status and `to_json()`, and a body
that is not JSON or does not fit its model becomes 400 naming the field (never FastAPI's 422 shape, never a 500).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, ParamSpec, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from liab.errors import BadInput, LiabError
from liab.models import ProjectPublic, User
from liab.security import Unauthorized
from liab.services import auth, library, projects
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


@asynccontextmanager
async def read_form(request: Request, *, max_files: int = 1, max_fields: int = 10) -> AsyncIterator[FormData]:
    """The multipart form, closed (its temporary files removed) afterwards; BadInput when it cannot be read."""
    try:
        form = await request.form(max_files=max_files, max_fields=max_fields)
    except (MultiPartException, HTTPException) as exc:
        reason = getattr(exc, 'message', None) or getattr(exc, 'detail', None) or 'malformed'
        raise BadInput(f'The upload could not be read ({reason}).') from None
    try:
        yield form
    finally:
        await form.close()


def form_session_id(form: FormData) -> str | None:
    """A form's optional `session_id` field (a file sent in its place is a BadInput)."""
    session_id = form.get('session_id')
    if session_id is not None and not isinstance(session_id, str):
        raise BadInput('session_id must be a project id.')
    return session_id


async def owned_project(user: User, session_id: str | None) -> ProjectPublic:
    """The caller's project that `session_id` names; a missing id is a BadInput, another's project a NotFound."""
    project_id = (session_id or '').strip()
    if not project_id:
        raise BadInput('session_id: the project id is required.')
    return await in_session(projects.get_owned_project, project_id=project_id, user_id=user.id)


async def session_project(user: User, session_id: str | None) -> ProjectPublic:
    """The caller's project that `session_id` names or, with no id, the caller's working project (made if need be)."""
    if session_id and session_id.strip():
        return await owned_project(user, session_id)
    return await in_session(library.ensure_working_project, write=True, browser_id='', user_id=user.id)


async def run_job(project_id: str, label: str, fn: Callable[..., Any], /, *args: Any) -> Any:
    """Run `fn` as the project's one heavy job in a worker process (JobBusy, a BadInput, if one is running)."""
    from liab import jobs, media

    job = jobs.runner.start(project_id, label, media.project_dir(project_id, create=True))
    return await jobs.runner.run(job, fn, *args)


def validation_message(exc: ValidationError) -> str:
    first = exc.errors(include_url=False, include_context=False, include_input=False)[0]
    field = '.'.join(str(part) for part in first['loc'])
    return f'{field}: {first["msg"]}' if field else first['msg']


# OpenAPI -----------------------------------------------------------------------------------------------------------
# Routes read their bodies themselves (read_body), so FastAPI cannot see them: `docs()` describes each route's body,
# its bearer token and our one answer shape for the schema at /openapi.json (and the pages at /api/docs).

_COMPONENTS: dict[str, Any] = {
    'Ok': {'type': 'object', 'required': ['ok'], 'additionalProperties': True,
           'properties': {'ok': {'type': 'boolean', 'const': True}}},
    'Error': {'type': 'object', 'required': ['ok', 'error'], 'additionalProperties': True,
              'properties': {'ok': {'type': 'boolean', 'const': False}, 'error': {'type': 'string'},
                             'feature': {'type': ['string', 'null']}}},
}
_ERRORS = {400: 'Bad input: the message names the field', 401: 'Missing, expired or revoked token',
           402: 'A Pro feature (`feature` names it)', 403: 'Not allowed', 404: 'No such thing (or not yours)',
           409: 'Changed meanwhile, or already exists', 413: 'Body over the limit', 429: 'Too many requests',
           503: 'An outside service or the job pool is unavailable'}


def docs(body: type[BaseModel] | None = None, *, form: dict[str, Any] | None = None, auth: bool = True,
         summary: str | None = None, answer: dict[str, Any] | None = None,
         produces: str | None = None) -> dict[str, Any]:
    """Keyword arguments for `app.add_api_route`: the JSON body (`body`) or multipart fields (`form`: name ->
    JSON schema; a file is {'type': 'string', 'format': 'binary'}), the bearer token, and the answers (`answer`
    replaces our usual `{'ok': ...}` shapes with one schema for every status; `produces` is the media type of a
    successful answer that is a file)."""
    extra: dict[str, Any] = {}
    if body is not None:
        schema = body.model_json_schema(ref_template='#/components/schemas/{model}')
        _COMPONENTS.update(schema.pop('$defs', {}))
        _COMPONENTS[body.__name__] = schema
        extra['requestBody'] = {'required': True, 'content': {
            'application/json': {'schema': {'$ref': f'#/components/schemas/{body.__name__}'}}}}
    elif form is not None:
        required = [name for name, field in form.items() if field.get('format') == 'binary']
        extra['requestBody'] = {'required': True, 'content': {'multipart/form-data': {'schema': {
            'type': 'object', 'properties': form, 'required': required}}}}
    if auth:
        extra['security'] = [{'bearer': []}]
    error = {'content': {'application/json': {'schema': {'$ref': '#/components/schemas/Error'}}}}
    responses: dict[int | str, Any] = {
        200: {'description': 'Done', 'content': {'application/json': {'schema': {'$ref': '#/components/schemas/Ok'}}}}}
    responses.update({status: {'description': text, **error} for status, text in _ERRORS.items()})
    if answer is not None:
        responses = {status: {'description': item['description'], 'content': {'application/json': {'schema': answer}}}
                     for status, item in responses.items()}
    if produces is not None:  # a file, not JSON, when all goes well
        responses[200] = {'description': 'The file', 'content': {produces: {'schema': {'type': 'string'}}}}
    return {'openapi_extra': extra, 'responses': responses, 'summary': summary}


def install_openapi(app: Any, *, version: str) -> None:
    """Serve our schema: FastAPI's, with the bodies, the bearer scheme and the answer shapes `docs()` collected."""
    from fastapi.openapi.utils import get_openapi

    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            routes = [route for route in app.routes if getattr(route, 'path', '').startswith('/api/')]
            made = get_openapi(title='Label-in-a-Box API', version=version, routes=routes, description=(
                'The JSON API of Label-in-a-Box. Every answer is `{"ok": true, ...}` or `{"ok": false, "error": '
                '"...", "feature": ...}`. Get a token from `/api/auth/signup` or `/api/auth/login` and send it as '
                '`Authorization: Bearer <token>`.'))
            components = made.setdefault('components', {})
            components.setdefault('schemas', {}).update(_COMPONENTS)
            components['securitySchemes'] = {'bearer': {'type': 'http', 'scheme': 'bearer', 'bearerFormat': 'JWT'}}
            for path in made.get('paths', {}).values():  # FastAPI adds its own 422 shape: we answer 400
                for operation in path.values():
                    operation.get('responses', {}).pop('422', None)
            app.openapi_schema = made
        return app.openapi_schema

    app.openapi = schema
