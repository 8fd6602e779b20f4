"""Stripe Checkout behind the project's terms: create and retrieve a Checkout Session through
the official SDK (a `stripe.StripeClient` passed in), and Stripe's webhook signature scheme."""

import hashlib
import hmac
import logging

from chalicelib.core import clock, logs
from chalicelib.core.errors import ProviderFailed


class PaymentProviderError(ProviderFailed):
    code = "payment_provider_error"


class StripeCheckout:
    """Stripe Checkout through the official SDK (`client` is a `stripe.StripeClient`)."""

    def __init__(self, client, stripe_module):
        self.client = client
        self.stripe = stripe_module

    def create(self, params, *, idempotency_key):
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key})
        except self.stripe.StripeError as error:
            logs.event("stripe_error", level=logging.ERROR, call="create_session",
                       kind=type(error).__name__, http_status=error.http_status)
            raise PaymentProviderError(key="payments_down") from None
        return session.to_dict()

    def _get(self, service, object_id):
        """One object as a dict, or None if Stripe does not know it."""
        try:
            return service.retrieve(object_id).to_dict()
        except self.stripe.InvalidRequestError as error:
            if error.http_status == 404:
                return None
            raise PaymentProviderError(key="payments_down") from None
        except self.stripe.StripeError:
            raise PaymentProviderError(key="payments_down") from None

    def retrieve(self, session_id):
        return self._get(self.client.v1.checkout.sessions, session_id)

    def charge_payment_intent(self, charge_id):
        """The payment intent a charge belongs to (its id), or None for a charge Stripe does
        not know or one without an intent: a dispute may name only its charge."""
        charge = self._get(self.client.v1.charges, charge_id) or {}
        intent = charge.get("payment_intent")
        intent = intent.get("id") if isinstance(intent, dict) else intent
        return intent if isinstance(intent, str) and intent else None


def sign_payload(payload, secret, timestamp=None):
    """Stripe's webhook signature: t=<time>,v1=HMAC-SHA256(secret, "<time>.<payload>")."""
    stamp = int(clock.now() if timestamp is None else timestamp)
    mac = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"
