"""Fixtures for buying credits: the real `stripe` SDK pointed at a local Stripe stand-in."""

import dataclasses

import pytest

from chalicelib.core.settings import get_settings
from chalicelib.money import payments
from tests.client import ApiClient
from tests.fakes.stripe_api import API_KEY, FakeStripe


@pytest.fixture
def stripe_api(monkeypatch):
    """Stripe Checkout through the official SDK, against the stand-in (as with a real key)."""
    with FakeStripe() as fake:
        settings = dataclasses.replace(get_settings(), stripe_secret_key=API_KEY,
                                       stripe_api_base=fake.url)
        checkout = payments.build_checkout(settings)
        assert isinstance(checkout, payments.StripeCheckout)
        monkeypatch.setattr(payments, "get_checkout", lambda: checkout)
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
