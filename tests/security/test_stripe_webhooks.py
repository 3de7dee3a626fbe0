import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from liab import db
from liab.models import StripeEvent
from liab.models import User as Account
from tests.fakes.stripe_server import PRICE, SECRET_KEY, WEBHOOK_SECRET, FakeStripe, event, signed
from tests.security.conftest import LiveApp, bearer, running_app, sign_up

TOLERANCE_S = 300  # Stripe's default, which the app keeps


@pytest.fixture
def stripe_fake() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def billing_app(tmp_path: Path, stripe_fake: FakeStripe) -> Iterator[LiveApp]:
    with running_app(tmp_path, STRIPE_SECRET=SECRET_KEY, PRICE_PRO_MONTHLY=PRICE, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                     LIAB_STRIPE_BASE_URL=stripe_fake.url) as live:
        yield live


def test_a_replayed_event_changes_nothing_and_stale_signatures_are_refused(billing_app: LiveApp,
                                                                          stripe_fake: FakeStripe) -> None:
    person = sign_up(billing_app, 'pro@example.com')
    customer = _account(person.user_id).stripe_customer_id
    assert customer is not None
    stripe_fake.subscription('sub_1', customer=customer, status='active')
    completed = event('checkout.session.completed', {
        'id': 'cs_test_1', 'object': 'checkout.session', 'mode': 'subscription', 'status': 'complete',
        'client_reference_id': person.user_id, 'customer': customer, 'subscription': 'sub_1'})
    deleted = event('customer.subscription.deleted', {'id': 'sub_1', 'object': 'subscription', 'customer': customer,
                                                      'status': 'canceled', 'cancel_at_period_end': False})
    with billing_app.client() as client:
        assert _deliver(client, completed).status_code == 200
        assert _plan(client, person.token) == 'pro'
        # Were the replay applied, the plan would follow Stripe's state, which is now cancelled.
        stripe_fake.subscriptions['sub_1']['status'] = 'canceled'
        replay = _deliver(client, completed)
        assert replay.status_code == 200 and replay.json()['ok'] is True  # acknowledged, so Stripe stops sending
        assert _plan(client, person.token) == 'pro'
        assert _event_ids() == [completed['id']]
        fetches = len(stripe_fake.seen('GET', '/v1/subscriptions/sub_1'))
        stale_at = int(time.time()) - TOLERANCE_S - 5
        for payload in (deleted, completed):  # a new event and the old one, each signed over five minutes ago
            refused = _deliver(client, payload, timestamp=stale_at)
            assert refused.status_code == 400, refused.text
            assert refused.json() == {'ok': False, 'error': 'The webhook signature does not match.', 'feature': None}
        assert _plan(client, person.token) == 'pro'
        assert _event_ids() == [completed['id']]
        assert len(stripe_fake.seen('GET', '/v1/subscriptions/sub_1')) == fetches  # refused before asking Stripe
        fresh = _deliver(client, deleted)  # the same cancellation, signed now, is taken
        assert fresh.status_code == 200
        assert _plan(client, person.token) == 'free'


def _deliver(client: httpx.Client, payload: dict, timestamp: int | None = None) -> httpx.Response:
    body, signature = signed(payload, timestamp=timestamp)
    return client.post('/api/billing/webhook', content=body, headers={'Stripe-Signature': signature,
                                                                       'Content-Type': 'application/json'})


def _plan(client: httpx.Client, token: str) -> str:
    return client.get('/api/auth/me', headers=bearer(token)).json()['plan']


def _account(user_id: str) -> Account:
    with db.session_scope() as session:
        found = session.get(Account, user_id)
    assert found is not None
    return found


def _event_ids() -> list[str]:
    with db.session_scope() as session:
        return [row.id for row in session.exec(select(StripeEvent)).all()]
