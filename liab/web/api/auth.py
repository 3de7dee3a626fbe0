"""Spec 9.1: sign-up, log-in, the current user and log-out, for API clients holding a bearer token."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app
from pydantic import BaseModel, ConfigDict, Field

from liab.services import auth, billing
from liab.web.api.common import api, current_user, docs, ok, read_body
from liab.web.bridge import in_session


class Credentials(BaseModel):
    model_config = ConfigDict(extra='ignore')

    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)  # the service's own rule (128) gives the message people see


def register() -> None:
    app.add_api_route('/api/auth/signup', signup, methods=['POST'], tags=['auth'], **docs(Credentials, auth=False))
    app.add_api_route('/api/auth/login', login, methods=['POST'], tags=['auth'], **docs(Credentials, auth=False))
    app.add_api_route('/api/auth/me', me, methods=['GET'], tags=['auth'], **docs())
    app.add_api_route('/api/auth/logout', logout, methods=['POST'], tags=['auth'], **docs())


@api
async def signup(request: Request) -> JSONResponse:
    body = await read_body(request, Credentials)
    result = await in_session(auth.sign_up, write=True, email=body.email, password=body.password)
    await in_session(billing.after_sign_up, write=True, user_id=result.user.id)
    return ok(token=result.token, user_id=result.user.id)


@api
async def login(request: Request) -> JSONResponse:
    body = await read_body(request, Credentials)
    result = await in_session(auth.log_in, write=True, email=body.email, password=body.password)
    return ok(token=result.token, user_id=result.user.id)


@api
async def me(request: Request) -> JSONResponse:
    user = await current_user(request)
    return ok(user_id=user.id, email=user.email, plan=user.plan)


@api
async def logout() -> JSONResponse:
    # Tokens are stateless: the client forgets its token. Ending every session is auth.log_out_everywhere.
    return ok(message='Logged out.')
