"""Spec 9.10: Checkout, the billing portal, and the Stripe webhook. The user comes from the token, the price from
settings: whatever `userId` or `priceId` a body carries is ignored."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run

from liab import logs
from liab.services import billing
from liab.web.api.common import api, current_user, docs, ok
from liab.web.bridge import in_session

_log = logging.getLogger('liab.billing')


def register() -> None:
    app.add_api_route('/api/billing/create-checkout-session', create_checkout_session, methods=['POST'],
                      tags=['billing'], **docs())
    app.add_api_route('/api/billing/portal', portal, methods=['POST'], tags=['billing'], **docs())
    app.add_api_route('/api/billing/webhook', webhook, methods=['POST'], tags=['billing'],
                      **docs(form=None, auth=False, summary='Stripe events, checked by their Stripe-Signature header'))


@api
async def create_checkout_session(request: Request) -> JSONResponse:
    user = await current_user(request)
    url = await in_session(billing.checkout_url, write=True, user_id=user.id)
    return ok(url=url)


@api
async def portal(request: Request) -> JSONResponse:
    user = await current_user(request)
    return ok(url=await in_session(billing.portal_url, user_id=user.id))


@api
async def webhook(request: Request) -> JSONResponse:
    payload = await request.body()
    with logs.action('stripe_webhook') as record:
        facts = await run.io_bound(billing.read_event, payload, request.headers.get('stripe-signature'))
        record.outcome = await in_session(billing.apply_event, write=True, facts=facts)
    _log.info('stripe event %s %s: %s', facts.id, facts.type, record.outcome)
    return ok(received=True)
