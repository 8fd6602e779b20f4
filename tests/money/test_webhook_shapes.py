"""A signed event is not a well-formed one: wrong shapes and timestamps are 400s, never 5xx."""

import json
import time

import pytest

from chalicelib.core.models import AppliedCause, LedgerEntry
from devtools.fakes.stripe_api import deliver, event
from tests.support.payments import balance, paid_event, purchase_of


def nothing_written():
    return AppliedCause.count() == 0 and LedgerEntry.count() == 0


@pytest.mark.parametrize("payload", [
    b"[]", b"null", b"42", b'"checkout.session.completed"', b"{}",
    json.dumps(dict(event("checkout.session.completed", {}), data="x")).encode(),
    json.dumps(dict(event("checkout.session.completed", {}), data=None)).encode(),
    json.dumps(dict(event("checkout.session.completed", {}), data={"object": [1]})).encode(),
    json.dumps(dict(event("charge.refunded", {}), data={})).encode(),
    json.dumps(dict(event("x", {}), type=["checkout.session.completed"])).encode(),
    json.dumps(dict(event("x", {}), type={"a": 1})).encode(),
    json.dumps(dict(event("x", {}), type=None)).encode(),
    b'{"type": "charge.refunded", "data": {"object": ' + b"[" * 2000 + b"]" * 2000 + b"}}",
    b'{"type": "charge.refunded", "data": {"object": {"id": "\\ud800"}}}',
])
def test_a_signed_payload_of_the_wrong_shape_is_a_400(stripe, payload):
    response = deliver(stripe, None, raw=payload)
    assert response.status == 400, response
    assert response.error_code == "invalid_event"
    assert nothing_written()


@pytest.mark.parametrize("ahead", [301, 400, 3600])
def test_a_timestamp_beyond_the_tolerance_in_the_future_is_refused(
        buyer, stripe, stripe_api, ahead):
    response = deliver(stripe, paid_event(stripe_api, buyer), timestamp=time.time() + ahead)
    assert response.status == 400 and response.error_code == "invalid_signature", response
    assert nothing_written() and balance(buyer) == 0


def test_a_timestamp_a_little_ahead_is_clock_skew_and_accepted(buyer, stripe, stripe_api):
    response = deliver(stripe, paid_event(stripe_api, buyer), timestamp=time.time() + 290)
    assert response.status == 200 and response.json["outcome"] == "granted"
    assert purchase_of(buyer.get("/api/me").json["account_id"]).status == "paid"
