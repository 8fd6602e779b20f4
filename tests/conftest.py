"""Shared fixtures: moto in process (made atomic like DynamoDB), the app, signed-in clients."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Settings are read once, at import: fix the environment before anything imports chalicelib.
OUTBOX = tempfile.mkdtemp(prefix="caaartoons-outbox-")
os.environ.update({
    "STAGE": "test", "AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "eu-west-3",
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    "SITE_URL": "https://caaartoons.test", "OUTBOX_DIR": OUTBOX,
    "SESSION_KEYS": "test-session-key-newest-0123456789abcdef,test-session-key-old-0123456789",
    "HASH_KEY": "test-hash-key-0123456789abcdef0123456789",
    "STRIPE_WEBHOOK_SECRET": "whsec_test_0123456789abcdef0123456789abcdef",
    # CloudFront's origin secret, current then previous (the tests' ApiClient sends the first).
    "ORIGIN_SECRETS": "test-origin-secret-current-0123456789abcdef,"
                      "test-origin-secret-previous-0123456789abcdef",
})
for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "RESEND_API_KEY",
             "OPENAI_API_KEY", "STRIPE_SECRET_KEY", "STRIPE_API_BASE", "CREDIT_PACKS",
             "CHECKOUT_SUCCESS_URL", "CHECKOUT_CANCEL_URL", "SSM_PARAMETER_PREFIX",
             "SSM_SECRET_NAMES", "OFFLINE_DRAW_SECONDS", "RESEND_API_URL"):
    os.environ.pop(name, None)

CLOCK_AHEAD_DAYS = int(os.environ.get("CLOCK_AHEAD_DAYS") or 0)
if CLOCK_AHEAD_DAYS:  # the year-ahead run (tests/support/clock_shift.py)
    from tests.support.clock_shift import shift

    shift(CLOCK_AHEAD_DAYS)

import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from devtools.client import ApiClient  # noqa: E402
from devtools.fakes.stripe_api import API_KEY, FakeStripe  # noqa: E402
from local import moto_atomic, s3_post_policy  # noqa: E402
from tests.support.contract import contract_of  # noqa: E402

moto_atomic.install()
s3_post_policy.install()  # S3 holds a presigned POST to its policy; moto alone does not
ApiClient.contract_of = contract_of  # every answer the tests receive is checked against the API


def pytest_collection_modifyitems(config, items):
    """The year-ahead run keeps only the tests that touch the clock."""
    if not CLOCK_AHEAD_DAYS:
        return
    from tests.support.clock_shift import touches_the_clock

    kept, dropped = [], []
    for item in items:
        (kept if touches_the_clock(item.function) else dropped).append(item)
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


@pytest.fixture(scope="session")
def moto_session():
    """One moto for the session, with the tables, bucket and queues created once."""
    with mock_aws():
        from chalicelib.adapters import resources

        resources.create_all()
        yield


@pytest.fixture(autouse=True)
def aws(moto_session):
    """An empty AWS for every test: the session's moto put back to its just-created state
    (tests/support/moto_state.py), an empty outbox, no cached client."""
    from tests.support import moto_state

    for path in Path(OUTBOX).glob("*.json"):
        path.unlink()
    yield {"queue_url": moto_state.reset()}


@pytest.fixture
def override_settings(monkeypatch):
    """`override_settings(stage="prod", ...)`: the settings with those fields changed, wherever
    `get_settings` was imported, until the test ends. Getters built from the settings are
    rebuilt."""
    import dataclasses

    from chalicelib.core import settings as settings_module
    from tests.support import moto_state

    original = settings_module.get_settings

    def override(**changes):
        changed = dataclasses.replace(original(), **changes)
        for module in list(sys.modules.values()):
            if getattr(module, "get_settings", None) is original:
                monkeypatch.setattr(module, "get_settings", lambda: changed)
        moto_state.clear_cached_getters()
        return changed

    yield override
    moto_state.clear_cached_getters()


@pytest.fixture
def app():
    """The app as the local stack runs it: with the checkout stand-in's routes (no Stripe key)."""
    import app as module
    from local import checkout

    checkout.install(module.app)
    return module.app


@pytest.fixture
def client(app):
    return ApiClient(app)


@pytest.fixture
def signed_in(app):
    """A client signed in as a fresh account."""
    api = ApiClient(app)
    api.sign_in("ada@example.com")
    return api


@pytest.fixture
def outbox():
    return Path(OUTBOX)


@pytest.fixture
def openai_fake(monkeypatch):
    """The real openai SDK against a local stand-in of OpenAI's Images and Moderations APIs."""
    from tests.support.openai_stand_in import running_fake

    fake = running_fake(monkeypatch)
    yield fake
    fake.__exit__(None, None, None)


@pytest.fixture
def stripe_api(monkeypatch):
    """Stripe Checkout through the official SDK, against the stand-in (as with a real key)."""
    import dataclasses

    from chalicelib.adapters.stripe_checkout import StripeCheckout
    from chalicelib.core.settings import get_settings
    from chalicelib.money import checkout as checkout_module

    with FakeStripe() as fake:
        settings = dataclasses.replace(get_settings(), stripe_secret_key=API_KEY,
                                       stripe_api_base=fake.url)
        checkout = checkout_module.build_checkout(settings)
        assert isinstance(checkout, StripeCheckout)
        monkeypatch.setattr(checkout_module, "get_checkout", lambda: checkout)
        yield fake


@pytest.fixture
def stripe(app):
    """Stripe's side of the webhook: no cookie, no CSRF token, its own address."""
    return ApiClient(app, ip="3.18.12.63")


@pytest.fixture
def buyer(app):
    api = ApiClient(app, ip="198.51.100.20")
    api.sign_in("buyer@example.com")
    return api
