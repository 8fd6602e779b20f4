"""Stripe's webhook: verify the signature over the exact bytes, then act on the events that
move credits or record a purchase's fate. Anything else is acknowledged at once."""

import functools
import logging

from chalicelib.core import clock, logs
from chalicelib.core.answers import BOOLEAN, TEXT, obj, ok
from chalicelib.core.errors import Invalid, TooLarge
from chalicelib.core.settings import get_settings
from chalicelib.core.web import parse_json
from chalicelib.money.checkout import fulfil, mark
from chalicelib.money.refunds import record_dispute, record_refund

WEBHOOK_TOLERANCE_SECONDS = 300
MAX_WEBHOOK_BYTES = 512 * 1024


@functools.lru_cache(maxsize=1)
def _stripe():
    import stripe  # only for a webhook: the SDK is heavy for a cold start

    return stripe


def verify_event(raw_body, signature, stripe_module=None):
    """The event, as a dict, only if Stripe's signature over the exact bytes holds, its
    timestamp is within the tolerance either way, and it has the shape of an event."""
    secret = get_settings().stripe_webhook_secret
    if not secret:  # fail closed: never act on an unverifiable event
        logs.event("stripe_webhook_secret_missing", level=logging.ERROR)
        raise Invalid(key="webhook_unkeyed", code="invalid_signature")
    if len(raw_body or b"") > MAX_WEBHOOK_BYTES:
        raise TooLarge(key="event_too_large")
    stripe = stripe_module or _stripe()
    refused = Invalid(code="invalid_signature")
    try:
        # construct_event's own json.loads has no depth bound: verify, then use our reader.
        stripe.WebhookSignature.verify_header(raw_body or b"", signature, secret,
                                              tolerance=WEBHOOK_TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError:
        logs.event("stripe_signature_refused", level=logging.WARNING)
        raise refused from None
    except ValueError:  # signed, but not UTF-8
        raise Invalid(key="event_not_json", code="invalid_event") from None
    if _signed_at(signature) > clock.now() + WEBHOOK_TOLERANCE_SECONDS:  # Stripe checks the past
        logs.event("stripe_signature_refused", level=logging.WARNING, why="future")
        raise refused
    try:
        event = parse_json(raw_body, max_bytes=MAX_WEBHOOK_BYTES)
    except Invalid as error:
        raise Invalid(error.message, code="invalid_event") from None
    return _checked_shape(event)


def _signed_at(signature):
    """The `t=` of a header the SDK has verified (so it is there and a number); its first,
    as the SDK reads it."""
    stamps = [part[2:] for part in signature.split(",") if part.startswith("t=")]
    return int(stamps[0])


def _checked_shape(event):
    """Signed is not well-formed: an event is an object with a text `type` and an object
    under `data.object`. Anything else is a 400, never a 5xx that Stripe would retry."""
    data = event.get("data") if isinstance(event, dict) else None
    if not (isinstance(event, dict) and isinstance(event.get("type"), str)
            and isinstance(data, dict) and isinstance(data.get("object"), dict)):
        raise Invalid(key="event_shape", code="invalid_event")
    return event


def _session_completed(session):
    if session.get("payment_status") == "paid":
        return fulfil(session)
    return mark(session, "pending", only_from=("open",))  # an async method: wait for it


HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": lambda session: fulfil(session, paid=True),
    "checkout.session.async_payment_failed":
        lambda session: mark(session, "failed", only_from=("open", "pending")),
    "checkout.session.expired": lambda session: mark(session, "expired", only_from=("open",)),
    "charge.refunded": record_refund,
    "charge.dispute.created": record_dispute,
    "charge.dispute.updated": record_dispute,
    "charge.dispute.closed": record_dispute,
}


def handle_webhook(raw_body, signature):
    event = verify_event(raw_body, signature)
    kind = event["type"]
    handler = HANDLERS.get(kind)
    if handler is None:
        return {"received": True, "handled": False}
    outcome = handler(event["data"]["object"])
    logs.event("stripe_event", type=kind, outcome=outcome)
    return {"received": True, "handled": True, "outcome": outcome}


# POST /api/stripe/webhook: whether the event was one we act on, and what came of it.
RECEIVED = ok(obj({"received": BOOLEAN, "handled": BOOLEAN}, {"outcome": TEXT}),
              errors=(400, 409, 413))
SIGNATURE = {"name": "Stripe-Signature", "in": "header", "required": True,
             "description": "Stripe's signature over the exact body (t=..., v1=...).",
             "schema": {"type": "string"}}
