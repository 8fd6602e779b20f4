"""The Stripe webhook: signed raw bytes only, and a paid checkout grants exactly once."""

import base64
import json
import threading
import time

import pytest
import stripe as stripe_sdk

from chalicelib.core.models import AppliedCause, LedgerEntry, Purchase
from devtools.fakes.stripe_api import WEBHOOK_SECRET, deliver, event, sign
from local.gateway import cloudfront_headers
from tests.support.payments import balance, ledger_sum, paid_event, purchase_of, start


def account_id(client):
    return client.get("/api/me").json["account_id"]


def nothing_written():
    return AppliedCause.count() == 0 and LedgerEntry.count() == 0


# --- signatures --------------------------------------------------------------------------

def test_our_signing_helper_is_stripes_scheme():
    payload = '{"id": "evt_1", "object": "event"}'
    assert sign(payload, timestamp=1700000000) == \
        stripe_sdk.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET,
                                                              timestamp=1700000000)


def test_a_signed_paid_checkout_grants_its_pack(buyer, stripe, stripe_api):
    evt = paid_event(stripe_api, buyer, "medium")
    response = deliver(stripe, evt)
    assert response.status == 200, response
    assert response.json == {"received": True, "handled": True, "outcome": "granted"}
    assert balance(buyer) == 30
    purchase = purchase_of(account_id(buyer))
    assert purchase.status == "paid" and purchase.payment_intent.startswith("pi_")
    (entry,) = LedgerEntry.query(account_id(buyer))
    assert (entry.delta, entry.reason, entry.cause_key) == (
        30, "purchase", f"checkout:{evt['data']['object']['id']}")


@pytest.mark.parametrize("how", ["wrong secret", "tampered body", "no header", "garbage header",
                                 "stale", "v0 scheme only"])
def test_a_bad_or_stale_signature_is_a_400_and_changes_nothing(buyer, stripe, stripe_api, how):
    evt = paid_event(stripe_api, buyer)
    payload = json.dumps(evt).encode()
    kwargs = {
        "wrong secret": {"secret": "whsec_not_the_right_one"},
        "tampered body": {"raw": payload.replace(b'"amount_total": 500', b'"amount_total": 5'),
                          "signature": sign(payload)},
        "no header": {"signature": ""},
        "garbage header": {"signature": "t=abc,v1=zz"},
        "stale": {"timestamp": time.time() - 301},
        "v0 scheme only": {"signature": sign(payload).replace("v1=", "v0=")},
    }[how]
    kwargs.setdefault("raw", payload)
    response = deliver(stripe, evt, **kwargs)
    assert response.status == 400 and response.error_code == "invalid_signature", response
    assert nothing_written() and balance(buyer) == 0
    assert purchase_of(account_id(buyer)).status == "open"


def test_a_signature_just_inside_the_tolerance_is_accepted(buyer, stripe, stripe_api):
    response = deliver(stripe, paid_event(stripe_api, buyer), timestamp=time.time() - 290)
    assert response.status == 200 and balance(buyer) == 10


def test_with_no_webhook_secret_the_webhook_fails_closed(buyer, stripe, stripe_api,
                                                         override_settings):
    override_settings(stripe_webhook_secret="")
    evt = paid_event(stripe_api, buyer)
    for secret in (WEBHOOK_SECRET, ""):  # properly signed, or signed with an empty key
        response = deliver(stripe, evt, secret=secret)
        assert response.status == 400 and response.error_code == "invalid_signature"
    assert nothing_written() and balance(buyer) == 0


def test_the_signature_covers_the_exact_bytes_stripe_sent(buyer, stripe, stripe_api):
    evt = paid_event(stripe_api, buyer)
    evt["data"]["object"]["customer_details"] = {"name": "Zoë Ångström 漫画 🎨"}
    raw = json.dumps(evt, ensure_ascii=False, indent=3).encode()  # non-ASCII, odd spacing
    response = deliver(stripe, evt, raw=raw)
    assert response.status == 200 and balance(buyer) == 10


@pytest.mark.parametrize("encoding", ["text", "base64"])
def test_api_gateway_events_verify_over_the_same_bytes(buyer, stripe_api, app, encoding):
    """In AWS, API Gateway hands Lambda a JSON body as UTF-8 text (base64 only for binary
    media types); Chalice's raw_body must give back the bytes Stripe signed."""
    evt = paid_event(stripe_api, buyer)
    evt["data"]["object"]["customer_details"] = {"name": "Zoë 漫画"}
    raw = json.dumps(evt, ensure_ascii=False).encode()
    body = raw.decode() if encoding == "text" else base64.b64encode(raw).decode()
    lambda_event = {
        "resource": "/api/stripe/webhook", "path": "/api/stripe/webhook", "httpMethod": "POST",
        "headers": {"Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": sign(raw), **cloudfront_headers({}, "3.18.12.63")},
        "multiValueQueryStringParameters": None, "pathParameters": None,
        "stageVariables": None, "isBase64Encoded": encoding == "base64", "body": body,
        "requestContext": {"httpMethod": "POST", "resourcePath": "/api/stripe/webhook",
                           "path": "/api/stripe/webhook", "identity": {"sourceIp": "3.18.1.1"}},
    }
    response = app(lambda_event, None)
    assert response["statusCode"] == 200, response
    assert balance(buyer) == 10


def test_unhandled_events_get_a_quick_2xx(stripe):
    for kind in ("customer.created", "payment_intent.succeeded", "invoice.paid"):
        response = deliver(stripe, event(kind, {"id": "x", "object": "thing"}))
        assert response.status == 200 and response.json == {"received": True,
                                                             "handled": False}
    assert nothing_written()


def test_signed_but_malformed_events_are_a_400(stripe):
    response = deliver(stripe, None, raw=b"not json at all")
    assert response.status == 400 and response.error_code == "invalid_event"
    response = deliver(stripe, event("checkout.session.completed", "nope"))
    assert response.status == 400
    assert nothing_written()


# --- what grants and what does not ---------------------------------------------------------

def test_an_unpaid_completed_session_grants_nothing_and_waits(buyer, stripe, stripe_api):
    session = stripe_api.complete(start(buyer)["session_id"], paid=False)
    response = deliver(stripe, event("checkout.session.completed", session))
    assert response.json["outcome"] == "pending"
    assert balance(buyer) == 0 and purchase_of(account_id(buyer)).status == "pending"


def test_an_async_payment_that_succeeds_grants_once(buyer, stripe, stripe_api):
    session = stripe_api.complete(start(buyer)["session_id"], paid=False)
    deliver(stripe, event("checkout.session.completed", session))
    settled = stripe_api.settle(session["id"])
    succeeded = event("checkout.session.async_payment_succeeded", settled)
    assert deliver(stripe, succeeded).json["outcome"] == "granted"
    assert deliver(stripe, succeeded).json["outcome"] == "already_granted"
    # A late, out-of-order copy of the first event neither grants nor moves the status back.
    assert deliver(stripe, event("checkout.session.completed", session)).json["outcome"] == \
        "unchanged"
    assert balance(buyer) == 10 and purchase_of(account_id(buyer)).status == "paid"


def test_an_async_payment_that_fails_is_recorded_and_grants_nothing(buyer, stripe, stripe_api):
    session = stripe_api.complete(start(buyer)["session_id"], paid=False)
    deliver(stripe, event("checkout.session.completed", session))
    response = deliver(stripe, event("checkout.session.async_payment_failed", session))
    assert response.json["outcome"] == "failed"
    assert balance(buyer) == 0 and purchase_of(account_id(buyer)).status == "failed"


def test_an_expired_session_is_recorded(buyer, stripe, stripe_api):
    session = dict(stripe_api.sessions[start(buyer)["session_id"]], status="expired")
    assert deliver(stripe, event("checkout.session.expired", session)).json["outcome"] == \
        "expired"
    assert purchase_of(account_id(buyer)).status == "expired" and balance(buyer) == 0


@pytest.mark.parametrize("tamper", [
    {"amount_total": 5}, {"amount_total": 50000}, {"currency": "usd"},
    {"metadata": {"pack": "large"}}, {"metadata": {"pack": "platinum"}},
    {"metadata": {"purchase_id": "1700000000000#0123456789ab", "pack": "small"}},
    {"metadata": {}}, {"client_reference_id": "0" * 32}, {"client_reference_id": None},
    {"mode": "subscription"}, {"id": "cs_test_another_session"},
])
def test_a_tampered_or_unknown_checkout_grants_nothing(buyer, stripe, stripe_api, tamper):
    evt = paid_event(stripe_api, buyer)
    session = evt["data"]["object"]
    for key, value in tamper.items():
        if key == "metadata" and value:
            session["metadata"] = {**session["metadata"], **value}
        else:
            session[key] = value
    response = deliver(stripe, evt)  # properly signed: as if Stripe itself said so
    assert response.status == 200 and response.json["outcome"] == "rejected"
    assert nothing_written() and balance(buyer) == 0


def test_a_checkout_for_an_unknown_pack_grants_nothing_even_for_a_fresh_account(
        buyer, stripe, stripe_api):
    session = {"id": "cs_test_forged", "object": "checkout.session", "mode": "payment",
               "client_reference_id": account_id(buyer), "amount_total": 100000,
               "currency": "eur", "payment_status": "paid", "payment_intent": "pi_forged",
               "metadata": {"pack": "everything", "purchase_id": "1700000000000#aaaaaaaaaaaa"}}
    assert deliver(stripe, event("checkout.session.completed", session)).json["outcome"] == \
        "rejected"
    assert nothing_written() and Purchase.count() == 0


# --- exactly once, whatever the order and concurrency ---------------------------------------

def test_redelivering_the_same_event_grants_once(buyer, stripe, stripe_api):
    evt = paid_event(stripe_api, buyer)
    outcomes = [deliver(stripe, evt).json["outcome"] for _ in range(3)]
    assert outcomes == ["granted", "already_granted", "already_granted"]
    assert balance(buyer) == 10 == ledger_sum(account_id(buyer))


def test_twenty_parallel_deliveries_of_one_event_grant_once(buyer, stripe, stripe_api):
    evt = paid_event(stripe_api, buyer, "large")
    payload = json.dumps(evt).encode()
    barrier, statuses, outcomes = threading.Barrier(20), [], []

    def deliver_one():
        barrier.wait()
        response = deliver(stripe, evt, raw=payload)
        statuses.append(response.status)
        outcomes.append(response.json.get("outcome"))

    threads = [threading.Thread(target=deliver_one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 20
    assert outcomes.count("granted") == 1 and outcomes.count("already_granted") == 19
    assert balance(buyer) == 100 == ledger_sum(account_id(buyer))
    assert LedgerEntry.count(account_id(buyer)) == 1


def race_once(buyer, stripe, evt):
    """The webhook and the success page, released together."""
    barrier, results = threading.Barrier(2), {}

    def webhook():
        barrier.wait()
        results["webhook"] = deliver(stripe, evt)

    def success_page():
        barrier.wait()
        results["page"] = buyer.post("/api/checkout/confirm",
                                     {"session_id": evt["data"]["object"]["id"]})

    threads = [threading.Thread(target=webhook), threading.Thread(target=success_page)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_success_page_and_the_webhook_racing_grant_once(buyer, stripe, stripe_api):
    for _ in range(5):  # a few rounds: either side may win
        results = race_once(buyer, stripe, paid_event(stripe_api, buyer))
        assert results["webhook"].status == 200 and results["page"].status == 200
        assert results["page"].json["purchase"]["status"] == "paid"
        assert {results["webhook"].json["outcome"]} <= {"granted", "already_granted"}
    assert balance(buyer) == 50 == ledger_sum(account_id(buyer))
    assert LedgerEntry.count(account_id(buyer)) == 5


def test_a_grant_cancelled_by_a_colliding_transaction_is_tried_again(
        buyer, stripe, stripe_api, monkeypatch):
    """Real DynamoDB cancels a transaction that collides with one in flight on the same items
    (moto serialises them, so the collision is staged here once)."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.money import credits

    real_grant, calls = credits.grant, []

    def collide_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise TransactWriteError("Transaction cancelled: TransactionConflict")
        return real_grant(*args, **kwargs)

    monkeypatch.setattr(credits, "grant", collide_once)
    assert deliver(stripe, paid_event(stripe_api, buyer)).json["outcome"] == "granted"
    assert len(calls) == 2 and balance(buyer) == 10
