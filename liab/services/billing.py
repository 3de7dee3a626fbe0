"""Stripe billing (spec 7): customers, Checkout, the billing portal, and webhooks that keep the plan true.

The plan follows the subscription's current state at Stripe, fetched on every event, so events that arrive late or
out of order still end right. Each event id is applied once, in the same transaction as the plan change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import stripe
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from liab.config import Settings, get_settings
from liab.errors import BadInput, NotFound, ProviderUnavailable
from liab.models import StripeEvent, User
from liab.services import auth

PRO_STATUSES = {'active', 'trialing', 'past_due'}  # past_due: Stripe is still retrying the payment
NOTICE_STATUSES = {'past_due', 'unpaid'}
ENDED_STATUSES = {'canceled', 'incomplete_expired'}  # anything else may still bill: cancelled with the account
PAYMENT_FAILED = 'Your last payment for Pro failed. Update your card under Manage subscription to keep Pro.'
NOT_SET_UP = ('Billing is not set up on this server yet. The admin can grant Pro with '
              '`python -m liab set-plan <your e-mail> pro`.')
STRIPE_TIMEOUT_S = 15
_log = logging.getLogger('liab.billing')


@dataclass(frozen=True)
class Subscription:
    id: str
    customer: str | None
    status: str
    cancel_at_period_end: bool


@dataclass(frozen=True)
class EventFacts:
    """What a webhook event says, plus the subscription as Stripe has it now."""

    id: str
    type: str
    customer: str | None
    user_ref: str | None  # checkout's client_reference_id: our user id
    subscription: Subscription | None


def configured(settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    return all((settings.stripe_secret, settings.price_pro_monthly, settings.stripe_webhook_secret))


def client(settings: Settings | None = None) -> stripe.StripeClient:
    settings = settings or get_settings()
    if not configured(settings):
        raise ProviderUnavailable(NOT_SET_UP)
    assert settings.stripe_secret is not None
    bases: Any = {'api': settings.stripe_base_url} if settings.stripe_base_url else None
    return stripe.StripeClient(settings.stripe_secret.get_secret_value(), base_addresses=bases,
                               max_network_retries=1, http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT_S))


def after_sign_up(*, session: Session, user_id: str) -> None:
    """Create the Stripe customer now if billing is set up; a failure never blocks sign-up (checkout retries)."""
    if not configured():
        return
    try:
        ensure_customer(session=session, user_id=user_id)
    except ProviderUnavailable as exc:
        _log.warning('stripe customer for user %s not created at sign-up: %s', user_id, exc.message)


def ensure_customer(*, session: Session, user_id: str) -> str:
    user = _user(session, user_id)
    if user.stripe_customer_id:
        return user.stripe_customer_id
    email = user.email
    session.rollback()  # no lock held while Stripe answers
    customer = _call(lambda c: c.v1.customers.create(params={'email': email, 'metadata': {'user_id': user_id}}))
    user = _user(session, user_id)
    if user.stripe_customer_id:  # another request got there first: keep theirs
        return user.stripe_customer_id
    user.stripe_customer_id = customer.id
    session.add(user)
    session.commit()
    return customer.id


def checkout_url(*, session: Session, user_id: str) -> str:
    """A Stripe Checkout page for Pro: always the configured price, never one from the request."""
    settings = get_settings()
    client(settings)  # says plainly when billing is not set up
    if _user(session, user_id).plan == 'pro':
        raise BadInput('You are on Pro already. Use Manage subscription to change it.')
    customer = ensure_customer(session=session, user_id=user_id)
    base = settings.public_url.rstrip('/')
    params: Any = {
        'mode': 'subscription',
        'customer': customer,
        'client_reference_id': user_id,
        'line_items': [{'price': settings.price_pro_monthly, 'quantity': 1}],
        'success_url': f'{base}/billing/success?session_id={{CHECKOUT_SESSION_ID}}',
        'cancel_url': f'{base}/billing/cancel',
        'metadata': {'user_id': user_id},
    }
    checkout = _call(lambda c: c.v1.checkout.sessions.create(params=params))
    return str(checkout.url)


def portal_url(*, session: Session, user_id: str) -> str:
    """The billing portal for this user's own stored customer."""
    settings = get_settings()
    client(settings)
    customer = _user(session, user_id).stripe_customer_id
    if not customer:
        raise BadInput('There is no subscription to manage yet.')
    params: Any = {'customer': customer, 'return_url': f'{settings.public_url.rstrip("/")}/'}
    return str(_call(lambda c: c.v1.billing_portal.sessions.create(params=params)).url)


def read_event(payload: bytes, signature: str | None) -> EventFacts:
    """Check the signature (Stripe's default 300 s tolerance) and gather the facts, fetching the subscription."""
    settings = get_settings()
    stripe_client = client(settings)
    assert settings.stripe_webhook_secret is not None
    if not signature:
        raise BadInput('Missing Stripe-Signature header.')
    try:
        event = stripe_client.construct_event(payload, signature, settings.stripe_webhook_secret.get_secret_value())
    except (ValueError, stripe.SignatureVerificationError):
        raise BadInput('The webhook signature does not match.') from None
    obj = event.data.object
    customer = _text(obj, 'customer')
    subscription_id = _subscription_id(event.type, obj)
    subscription = None
    if subscription_id:
        found = _call(lambda c: c.v1.subscriptions.retrieve(subscription_id), missing_ok=True)
        subscription = (Subscription(subscription_id, customer, 'canceled', False) if found is None else  # gone
                        Subscription(found.id, _text(found, 'customer'), str(found.status),
                                     bool(_field(found, 'cancel_at_period_end'))))
    return EventFacts(event.id, event.type, customer or (subscription.customer if subscription else None),
                      _text(obj, 'client_reference_id') if event.type == 'checkout.session.completed' else None,
                      subscription)


def apply_event(*, session: Session, facts: EventFacts) -> str:
    """Apply one event once; call in a write session so the event id and the plan change commit together."""
    if session.get(StripeEvent, facts.id) is not None:
        return 'duplicate'
    try:
        with session.begin_nested():  # on PostgreSQL a concurrent twin waits here, then fails on the key
            session.add(StripeEvent(id=facts.id, type=facts.type))
    except IntegrityError:
        return 'duplicate'
    user = _event_user(session, facts)
    if user is None:
        _log.warning('stripe event %s (%s) for unknown customer %s', facts.id, facts.type, facts.customer)
        return 'unknown_customer'
    if facts.customer and not user.stripe_customer_id:
        user.stripe_customer_id = facts.customer
    sub = facts.subscription
    if sub and user.stripe_subscription_id not in {None, sub.id} and sub.status not in PRO_STATUSES:
        _log.info('stripe event %s concerns old subscription %s; user %s keeps %s', facts.id, sub.id, user.id,
                  user.stripe_subscription_id)
        return 'old_subscription'
    if sub:
        user.stripe_subscription_id = sub.id
        user.subscription_status = sub.status
        user.plan = 'pro' if sub.status in PRO_STATUSES else 'free'
        user.billing_notice = PAYMENT_FAILED if sub.status in NOTICE_STATUSES else None
    if facts.type == 'invoice.payment_failed' and (sub is None or sub.status not in {'active', 'trialing'}):
        user.billing_notice = PAYMENT_FAILED
    session.add(user)
    return f'plan_{user.plan}'


def cancel_subscription(*, session: Session, user_id: str) -> None:
    user = _user(session, user_id)
    subscription_id = user.stripe_subscription_id
    if not subscription_id or user.subscription_status in ENDED_STATUSES:
        return
    if not configured():
        _log.warning('user %s has subscription %s but billing is not set up: not cancelled', user_id,
                     subscription_id)
        return
    session.rollback()
    _call(lambda c: c.v1.subscriptions.cancel(subscription_id), missing_ok=True)  # 404: cancelled at Stripe already
    user = _user(session, user_id)
    user.subscription_status = 'canceled'
    user.plan = 'free'
    session.add(user)
    session.commit()


def delete_account(*, session: Session, user_id: str, password: str) -> None:
    """Check the password, cancel the subscription at Stripe, then delete the account and everything in it."""
    auth.check_password(session=session, user_id=user_id, password=password,
                        wrong='That password is not right, so the account was not deleted.')
    try:
        cancel_subscription(session=session, user_id=user_id)
    except ProviderUnavailable:
        raise ProviderUnavailable('Your Pro subscription could not be cancelled at Stripe, so the account was not '
                                  'deleted. Try again in a moment.') from None
    auth.delete_account(session=session, user_id=user_id, password=password)


def _event_user(session: Session, facts: EventFacts) -> User | None:
    if facts.user_ref:
        user = session.get(User, facts.user_ref)
        if user is not None:
            return user
    if facts.customer:
        return session.exec(select(User).where(User.stripe_customer_id == facts.customer)).first()
    return None


def _subscription_id(event_type: str, obj: Any) -> str | None:
    if event_type.startswith('customer.subscription.'):
        return _text(obj, 'id')
    if event_type in {'checkout.session.completed', 'invoice.payment_failed'}:
        direct = _text(obj, 'subscription')
        if direct:
            return direct
        details = _field(_field(obj, 'parent'), 'subscription_details')  # newer API versions keep it here
        return _text(details, 'subscription')
    return None


def _field(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    try:
        return obj[name]
    except (KeyError, TypeError):
        return None


def _text(obj: Any, name: str) -> str | None:
    value = _field(obj, name)
    if isinstance(value, str):
        return value
    nested = _field(value, 'id')  # an expanded object
    return nested if isinstance(nested, str) else None


def _call(request: Any, *, missing_ok: bool = False) -> Any:
    """Run a Stripe request; with `missing_ok`, a 404 (the object is gone at Stripe) gives None."""
    try:
        return request(client())
    except stripe.InvalidRequestError as exc:
        if missing_ok and exc.http_status == 404:
            return None
        _log.warning('stripe call failed: %s', exc)
        raise ProviderUnavailable('Stripe could not be reached or refused the request. Try again in a moment.') \
            from exc
    except stripe.StripeError as exc:
        _log.warning('stripe call failed: %s', exc)
        raise ProviderUnavailable('Stripe could not be reached or refused the request. Try again in a moment.') \
            from exc


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound('No such account.')
    return user
