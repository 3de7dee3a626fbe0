import asyncio
import logging
import time
from typing import Any

import pytest
from nicegui.testing import User
from sqlmodel import select

from liab import db
from liab.errors import ProviderUnavailable
from liab.models import StripeEvent
from liab.models import User as Account
from liab.services import billing
from tests.fakes.stripe_server import PRICE, SECRET_KEY, FakeStripe, Seen, event, signed

pytest_plugins = ['tests.fakes.stripe_server']

PASSWORD = 'night-drive-42-echo'
X_EMAIL = 'x@example.com'


async def test_sign_up_creates_a_stripe_customer_and_stores_it(fake_stripe: FakeStripe, user: User) -> None:
    created = await signup(user, X_EMAIL)
    [customer] = fake_stripe.seen('POST', '/v1/customers')
    assert customer.params['email'] == X_EMAIL
    assert customer.params['metadata[user_id]'] == created['user_id']
    assert customer.authorization == f'Bearer {SECRET_KEY}'
    assert account(created['user_id']).stripe_customer_id == 'cus_1'


async def test_sign_up_succeeds_while_stripe_fails_and_checkout_creates_the_customer(fake_stripe: FakeStripe,
                                                                                     user: User) -> None:
    fake_stripe.customer_failures = 1
    created = await signup(user, X_EMAIL)
    assert created['token']
    assert account(created['user_id']).stripe_customer_id is None
    response = await user.http_client.post('/api/billing/create-checkout-session', headers=bearer(created['token']))
    assert response.status_code == 200, response.text
    assert len(fake_stripe.seen('POST', '/v1/customers')) == 2
    stored = account(created['user_id']).stripe_customer_id
    assert stored is not None
    assert last(fake_stripe, 'POST', '/v1/checkout/sessions').params['customer'] == stored


async def test_checkout_is_for_the_token_user_at_the_configured_price(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    y = await signup(user, 'y@example.com')
    response = await user.http_client.post('/api/billing/create-checkout-session', headers=bearer(x['token']),
                                           json={'userId': y['user_id'], 'priceId': 'price_evil'})
    assert response.status_code == 200, response.text
    [sent] = fake_stripe.seen('POST', '/v1/checkout/sessions')
    assert response.json() == {'ok': True, 'url': 'https://checkout.stripe.test/c/pay/cs_3'}
    assert sent.params['mode'] == 'subscription'
    assert sent.params['line_items[0][price]'] == PRICE
    assert sent.params['line_items[0][quantity]'] == '1'
    assert sent.params['client_reference_id'] == x['user_id']
    assert sent.params['customer'] == account(x['user_id']).stripe_customer_id
    assert sent.params['success_url'].startswith('http://localhost:8080/billing/success')
    assert sent.params['cancel_url'] == 'http://localhost:8080/billing/cancel'
    assert 'price_evil' not in sent.params.values()
    assert y['user_id'] not in sent.params.values()


async def test_a_pro_user_is_sent_to_the_portal_instead_of_checkout(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    await make_pro(user, fake_stripe, x['user_id'])
    response = await user.http_client.post('/api/billing/create-checkout-session', headers=bearer(x['token']))
    assert response.status_code == 400
    assert 'Manage subscription' in response.json()['error']
    assert not fake_stripe.seen('POST', '/v1/checkout/sessions')


@pytest.mark.parametrize('route', ['/api/billing/create-checkout-session', '/api/billing/portal'])
async def test_billing_routes_without_a_token_get_401(fake_stripe: FakeStripe, user: User, route: str) -> None:
    response = await user.http_client.post(route, json={'userId': 'someone'})
    assert response.status_code == 401
    assert response.json()['ok'] is False
    assert fake_stripe.requests == []


async def test_the_portal_opens_for_each_users_own_customer(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    y = await signup(user, 'y@example.com')
    for person in (x, y):
        response = await user.http_client.post('/api/billing/portal', headers=bearer(person['token']),
                                               json={'customer': 'cus_1'})
        assert response.status_code == 200, response.text
        sent = last(fake_stripe, 'POST', '/v1/billing_portal/sessions')
        assert response.json()['url'].startswith('https://billing.stripe.test/p/session/bps_')
        assert sent.params['customer'] == account(person['user_id']).stripe_customer_id
        assert sent.params['return_url'] == 'http://localhost:8080/'
    assert [r.params['customer'] for r in fake_stripe.seen('POST', '/v1/billing_portal/sessions')] == ['cus_1',
                                                                                                       'cus_2']


async def test_a_signed_checkout_completion_makes_only_that_user_pro(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    y = await signup(user, 'y@example.com')
    await make_pro(user, fake_stripe, x['user_id'])
    assert await plan(user, x) == 'pro'
    assert await plan(user, y) == 'free'
    stored = account(x['user_id'])
    assert (stored.stripe_subscription_id, stored.subscription_status) == ('sub_1', 'active')
    assert fake_stripe.seen('GET', '/v1/subscriptions/sub_1')


@pytest.mark.parametrize('forgery', ['tampered body', 'wrong secret', 'missing header', 'stale timestamp',
                                     'garbage header'])
async def test_webhooks_that_stripe_did_not_sign_just_now_get_400(fake_stripe: FakeStripe, user: User,
                                                                   forgery: str) -> None:
    x = await signup(user, X_EMAIL)
    y = await signup(user, 'y@example.com')
    fake_stripe.subscription('sub_1', customer=customer_of(x))
    body, signature = signed(completed(x))
    if forgery == 'tampered body':
        body = body.replace(x['user_id'].encode(), y['user_id'].encode())
    elif forgery == 'wrong secret':
        body, signature = signed(completed(x), secret='whsec_someone_else')
    elif forgery == 'stale timestamp':  # Stripe's default tolerance is 300 s
        body, signature = signed(completed(x), timestamp=int(time.time()) - 301)
    elif forgery == 'garbage header':
        signature = 'v1=abc'
    headers = {} if forgery == 'missing header' else {'Stripe-Signature': signature}
    response = await user.http_client.post('/api/billing/webhook', content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()['ok'] is False
    assert await plan(user, x) == 'free'
    assert await plan(user, y) == 'free'
    assert event_rows() == 0
    assert not fake_stripe.seen('GET', '/v1/subscriptions/sub_1')


async def test_the_same_event_twice_is_applied_once(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    fake_stripe.subscription('sub_1', customer=customer_of(x))
    payload = completed(x)
    assert (await post_event(user, payload)).status_code == 200
    fake_stripe.subscriptions['sub_1']['status'] = 'canceled'
    again = await post_event(user, payload)
    assert again.status_code == 200
    assert await plan(user, x) == 'pro'
    assert event_rows() == 1


async def test_the_same_event_twice_at_once_is_applied_once(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    fake_stripe.subscription('sub_1', customer=customer_of(x))
    payload = completed(x)
    first, second = await asyncio.gather(post_event(user, payload), post_event(user, payload))
    assert (first.status_code, second.status_code) == (200, 200)
    assert event_rows() == 1
    assert await plan(user, x) == 'pro'


async def test_events_out_of_order_end_in_stripes_current_state(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    cus = customer_of(x)
    fake_stripe.subscription('sub_1', customer=cus, status='active')
    assert (await post_event(user, event('customer.subscription.updated', sub_object('sub_1', cus, 'active')))) \
        .status_code == 200
    assert (await post_event(user, event('customer.subscription.created', sub_object('sub_1', cus, 'incomplete')))) \
        .status_code == 200
    assert await plan(user, x) == 'pro'
    fake_stripe.subscriptions['sub_1']['status'] = 'canceled'
    assert (await post_event(user, event('customer.subscription.deleted', sub_object('sub_1', cus, 'canceled')))) \
        .status_code == 200
    assert await plan(user, x) == 'free'
    assert account(x['user_id']).subscription_status == 'canceled'


async def test_a_late_event_about_an_old_subscription_leaves_the_new_one(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    cus = customer_of(x)
    fake_stripe.subscription('sub_1', customer=cus, status='canceled')
    fake_stripe.subscription('sub_2', customer=cus, status='active')
    await post_event(user, event('customer.subscription.created', sub_object('sub_2', cus, 'active')))
    response = await post_event(user, event('customer.subscription.deleted', sub_object('sub_1', cus, 'canceled')))
    assert response.status_code == 200
    assert await plan(user, x) == 'pro'
    assert account(x['user_id']).stripe_subscription_id == 'sub_2'


async def test_cancelling_at_period_end_keeps_pro_until_then(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    await make_pro(user, fake_stripe, x['user_id'])
    fake_stripe.subscriptions['sub_1']['cancel_at_period_end'] = True
    sub = {**sub_object('sub_1', customer_of(x), 'active'), 'cancel_at_period_end': True}
    assert (await post_event(user, event('customer.subscription.updated', sub))).status_code == 200
    assert await plan(user, x) == 'pro'


@pytest.mark.parametrize('invoice_shape', ['subscription field', 'parent.subscription_details'])
async def test_a_failed_payment_keeps_pro_with_a_notice_until_paid(fake_stripe: FakeStripe, user: User,
                                                                   invoice_shape: str) -> None:
    x = await signup(user, X_EMAIL)
    cus = customer_of(x)
    await make_pro(user, fake_stripe, x['user_id'])
    fake_stripe.subscriptions['sub_1']['status'] = 'past_due'
    invoice: dict[str, Any] = {'id': 'in_1', 'object': 'invoice', 'customer': cus}
    if invoice_shape == 'subscription field':
        invoice['subscription'] = 'sub_1'
    else:  # newer API versions
        invoice['parent'] = {'type': 'subscription_details', 'subscription_details': {'subscription': 'sub_1'}}
    assert (await post_event(user, event('invoice.payment_failed', invoice))).status_code == 200
    assert await plan(user, x) == 'pro'
    assert account(x['user_id']).billing_notice == billing.PAYMENT_FAILED
    fake_stripe.subscriptions['sub_1']['status'] = 'active'
    assert (await post_event(user, event('customer.subscription.updated', sub_object('sub_1', cus, 'active')))) \
        .status_code == 200
    assert await plan(user, x) == 'pro'
    assert account(x['user_id']).billing_notice is None


async def test_an_event_for_an_unknown_customer_is_acknowledged_and_logged(fake_stripe: FakeStripe, user: User,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    x = await signup(user, X_EMAIL)
    fake_stripe.subscription('sub_9', customer='cus_stranger')
    response = await post_event(user, event('customer.subscription.updated',
                                            sub_object('sub_9', 'cus_stranger', 'active')))
    assert response.status_code == 200
    assert await plan(user, x) == 'free'
    warnings = [r for r in caplog.records if r.name == 'liab.billing' and r.levelno == logging.WARNING]
    assert any('cus_stranger' in r.getMessage() for r in warnings)


async def test_stripe_down_while_fetching_the_subscription_gets_503_so_stripe_retries(fake_stripe: FakeStripe,
                                                                                      user: User) -> None:
    x = await signup(user, X_EMAIL)
    fake_stripe.subscription('sub_1', customer=customer_of(x))
    payload = completed(x)
    fake_stripe.fail_next = 1
    response = await post_event(user, payload)
    assert response.status_code == 503
    assert event_rows() == 0
    assert await plan(user, x) == 'free'
    retry = await post_event(user, payload)
    assert retry.status_code == 200
    assert await plan(user, x) == 'pro'


async def test_deleting_the_account_cancels_the_subscription_first(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    await make_pro(user, fake_stripe, x['user_id'])
    account_at_cancel: list[bool] = []

    def note_account(seen: Seen) -> None:
        if seen.method == 'DELETE':
            account_at_cancel.append(account_exists(x['user_id']))

    fake_stripe.on_request = note_account
    with db.session_scope(write=True) as session:
        billing.delete_account(session=session, user_id=x['user_id'], password=PASSWORD)
    assert account_at_cancel == [True]
    assert fake_stripe.seen('DELETE', '/v1/subscriptions/sub_1')
    assert fake_stripe.subscriptions['sub_1']['status'] == 'canceled'
    assert not account_exists(x['user_id'])


async def test_the_account_stays_when_stripe_cannot_cancel_the_subscription(fake_stripe: FakeStripe,
                                                                            user: User) -> None:
    x = await signup(user, X_EMAIL)
    await make_pro(user, fake_stripe, x['user_id'])
    fake_stripe.fail_next = 1
    with pytest.raises(ProviderUnavailable), db.session_scope(write=True) as session:
        billing.delete_account(session=session, user_id=x['user_id'], password=PASSWORD)
    assert account_exists(x['user_id'])
    assert await plan(user, x) == 'pro'
    assert fake_stripe.subscriptions['sub_1']['status'] == 'active'


async def test_an_account_whose_subscription_stripe_cancelled_already_can_be_deleted(fake_stripe: FakeStripe,
                                                                                    user: User) -> None:
    x = await signup(user, X_EMAIL)
    await make_pro(user, fake_stripe, x['user_id'])
    fake_stripe.subscriptions['sub_1']['status'] = 'canceled'  # e.g. cancelled in the portal; webhook not here yet
    with db.session_scope(write=True) as session:
        billing.delete_account(session=session, user_id=x['user_id'], password=PASSWORD)
    assert not account_exists(x['user_id'])


async def test_without_stripe_settings_billing_answers_503_with_a_clear_message(user: User) -> None:
    x = await signup(user, X_EMAIL)
    assert account(x['user_id']).stripe_customer_id is None
    for route in ('/api/billing/create-checkout-session', '/api/billing/portal'):
        response = await user.http_client.post(route, headers=bearer(x['token']))
        assert response.status_code == 503, route
        assert 'Billing is not set up' in response.json()['error']
    body, signature = signed(completed(x))
    webhook = await user.http_client.post('/api/billing/webhook', content=body,
                                          headers={'Stripe-Signature': signature})
    assert webhook.status_code == 503
    assert await plan(user, x) == 'free'


def bearer(token: str) -> dict[str, str]:
    return {'Authorization': f'Bearer {token}'}


async def signup(user: User, email: str) -> dict:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


async def plan(user: User, person: dict) -> str:
    response = await user.http_client.get('/api/auth/me', headers=bearer(person['token']))
    assert response.status_code == 200, response.text
    return response.json()['plan']


async def post_event(user: User, payload: dict) -> Any:
    body, signature = signed(payload)
    return await user.http_client.post('/api/billing/webhook', content=body, headers={'Stripe-Signature': signature})


async def make_pro(user: User, fake: FakeStripe, user_id: str) -> None:
    fake.subscription('sub_1', customer=account(user_id).stripe_customer_id or 'cus_none')
    response = await post_event(user, completed({'user_id': user_id}))
    assert response.status_code == 200, response.text


def completed(person: dict, subscription: str = 'sub_1') -> dict:
    return event('checkout.session.completed', {
        'id': 'cs_test_1', 'object': 'checkout.session', 'mode': 'subscription', 'status': 'complete',
        'client_reference_id': person['user_id'], 'customer': account(person['user_id']).stripe_customer_id,
        'subscription': subscription,
    })


def sub_object(sub_id: str, customer: str, status: str) -> dict:
    return {'id': sub_id, 'object': 'subscription', 'customer': customer, 'status': status,
            'cancel_at_period_end': False}


def customer_of(person: dict) -> str:
    customer = account(person['user_id']).stripe_customer_id
    assert customer is not None
    return customer


def account(user_id: str) -> Account:
    with db.session_scope() as session:
        found = session.get(Account, user_id)
    assert found is not None
    return found


def account_exists(user_id: str) -> bool:
    with db.session_scope() as session:
        return session.get(Account, user_id) is not None


def event_rows() -> int:
    with db.session_scope() as session:
        return len(session.exec(select(StripeEvent)).all())


def last(fake: FakeStripe, method: str, path: str) -> Seen:
    return fake.seen(method, path)[-1]


async def test_a_subscription_gone_at_stripe_ends_pro(fake_stripe: FakeStripe, user: User) -> None:
    x = await signup(user, X_EMAIL)
    await make_pro(user, fake_stripe, x['user_id'])
    del fake_stripe.subscriptions['sub_1']  # Stripe answers 404 for it now
    response = await post_event(user, event('customer.subscription.deleted',
                                            sub_object('sub_1', customer_of(x), 'canceled')))
    assert response.status_code == 200
    assert await plan(user, x) == 'free'
