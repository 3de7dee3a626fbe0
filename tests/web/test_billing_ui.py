import asyncio

from nicegui.testing import User

from liab import db
from liab.models import User as Account
from tests.fakes.stripe_server import FakeStripe
from tests.web.test_billing_api import make_pro
from tests.web.test_billing_api import signup as api_signup

pytest_plugins = ['tests.fakes.stripe_server']

PASSWORD = 'night-drive-42-echo'
EMAIL = 'vee@example.com'


def _capture_redirects(user: User) -> list[str]:
    """The simulated browser cannot follow a link to Stripe's site: record where the page sent it instead."""
    targets: list[str] = []
    user.navigate.to = lambda target, new_tab=False: targets.append(str(target))  # type: ignore[method-assign]
    return targets


async def _log_in(user: User) -> None:
    await user.open('/')
    user.find(marker='account-login').click()
    user.find(marker='login-email').type(EMAIL)
    user.find(marker='login-password').type(PASSWORD)
    user.find(marker='login-submit').click()
    await user.should_see(marker='account-avatar', retries=100)


async def _until(condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)


def _account() -> Account:
    from sqlmodel import select

    with db.session_scope() as session:
        return session.exec(select(Account).where(Account.email == EMAIL)).one()


async def test_upgrade_to_pro_sends_the_artist_to_stripe_checkout(fake_stripe: FakeStripe, user: User) -> None:
    await api_signup(user, EMAIL)
    await _log_in(user)
    targets = _capture_redirects(user)
    user.find(marker='account-avatar').click()
    user.find(marker='menu-upgrade').click()
    await user.should_see(marker='upgrade-dialog')
    await user.should_not_see(marker='billing-not-set-up')
    user.find(marker='upgrade-checkout').click()
    await _until(lambda: targets)
    assert targets and targets[0].startswith('https://checkout.stripe.test/c/pay/cs_')
    [checkout] = fake_stripe.seen('POST', '/v1/checkout/sessions')
    assert checkout.params['client_reference_id'] == _account().id


async def test_a_pro_subscriber_manages_the_subscription_in_the_portal(fake_stripe: FakeStripe, user: User) -> None:
    person = await api_signup(user, EMAIL)
    await make_pro(user, fake_stripe, person['user_id'])
    await _log_in(user)
    targets = _capture_redirects(user)
    user.find(marker='account-avatar').click()
    await user.should_see('Pro plan')
    await user.should_not_see(marker='menu-upgrade')
    user.find(marker='menu-subscription').click()
    await _until(lambda: targets)
    assert targets and targets[0].startswith('https://billing.stripe.test/p/session/bps_')
    [portal] = fake_stripe.seen('POST', '/v1/billing_portal/sessions')
    assert portal.params['customer'] == _account().stripe_customer_id


async def test_a_failed_payment_shows_a_notice_on_the_timeline(fake_stripe: FakeStripe, user: User) -> None:
    person = await api_signup(user, EMAIL)
    await make_pro(user, fake_stripe, person['user_id'])
    with db.session_scope(write=True) as session:
        account = session.get(Account, person['user_id'])
        assert account is not None
        account.billing_notice = 'Your last payment for Pro failed. Update your card under Manage subscription.'
        session.add(account)
    await _log_in(user)
    await user.should_see('Your last payment for Pro failed.', marker='billing-notice')


async def test_the_return_pages_say_what_happened_and_change_nothing(fake_stripe: FakeStripe, user: User) -> None:
    await api_signup(user, EMAIL)
    await _log_in(user)
    await user.open('/billing/success?session_id=cs_test_forged')
    await user.should_see('Thank you!')
    await user.should_see('Your plan now: Free.', marker='billing-plan')
    assert _account().plan == 'free'
    await user.open('/billing/cancel')
    await user.should_see('Nothing was charged and nothing changed.')
    await user.should_see('Your plan now: Free.', marker='billing-plan')


async def test_without_stripe_the_upgrade_dialog_explains_how_the_admin_grants_pro(user: User) -> None:
    await user.open('/')
    user.find(marker='account-login').click()
    user.find(marker='signup-email').type(EMAIL)
    user.find(marker='signup-password').type(PASSWORD)
    user.find(marker='signup-submit').click()
    await user.should_see(marker='account-avatar', retries=100)
    user.find(marker='account-avatar').click()
    user.find(marker='menu-upgrade').click()
    await user.should_see('python -m liab set-plan', marker='billing-not-set-up')
    await user.should_not_see(marker='upgrade-checkout')
