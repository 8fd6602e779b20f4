"""The local checkout: without a Stripe key, a same-origin page completes a purchase by
delivering a signed `checkout.session.completed` event to the real webhook route."""

import dataclasses
import json
from urllib.parse import urlsplit

import pytest
import stripe as stripe_sdk

from chalicelib.core.settings import get_settings
from chalicelib.money import checkout
from devtools.client import ApiClient
from devtools.fakes.stripe_api import WEBHOOK_SECRET, deliver
from tests.support.payments import balance, start


def local_session_id(answer):
    url = urlsplit(answer["url"])
    assert (url.scheme, url.netloc, url.path) == ("https", "caaartoons.test",
                                                  "/local-checkout.html")
    assert url.query == f"session_id={answer['session_id']}"
    return answer["session_id"]


def test_buying_through_the_local_checkout_runs_the_webhook_path(buyer, stripe):
    session_id = local_session_id(start(buyer, "medium"))
    summary = buyer.get(f"/api/local-checkout/{session_id}")
    assert summary.status == 200
    assert (summary.json["amount"], summary.json["currency"], summary.json["email"],
            summary.json["status"]) == (1200, "eur", "buyer@example.com", "open")

    paid = buyer.post(f"/api/local-checkout/{session_id}/pay")
    assert paid.status == 200
    assert paid.json["webhook"] == "/api/stripe/webhook"
    assert paid.json["success_url"] == \
        f"https://caaartoons.test/credits-success.html?session_id={session_id}"
    assert balance(buyer) == 0  # paying delivers nothing by itself: the event does

    # The event is Stripe's shape and Stripe's signature: the SDK itself accepts it.
    verified = stripe_sdk.Webhook.construct_event(paid.json["event"], paid.json["signature"],
                                                  WEBHOOK_SECRET, tolerance=300)
    assert verified.type == "checkout.session.completed"
    assert verified.data.object.payment_status == "paid"

    response = deliver(stripe, None, raw=paid.json["event"].encode(),
                       signature=paid.json["signature"])
    assert response.status == 200 and response.json["outcome"] == "granted"
    assert balance(buyer) == 30

    confirmed = buyer.post("/api/checkout/confirm", {"session_id": session_id})
    assert confirmed.json["purchase"]["status"] == "paid" and confirmed.json["balance"] == 30
    again = buyer.post(f"/api/local-checkout/{session_id}/pay").json
    assert json.loads(again["event"])["id"] == json.loads(paid.json["event"])["id"]
    deliver(stripe, None, raw=again["event"].encode(), signature=again["signature"])
    assert balance(buyer) == 30  # paying twice is one payment, delivering twice one grant


def test_the_success_page_alone_completes_a_local_purchase(buyer):
    session_id = start(buyer)["session_id"]
    buyer.post(f"/api/local-checkout/{session_id}/pay")  # the page never delivered the event
    response = buyer.post("/api/checkout/confirm", {"session_id": session_id})
    assert response.json["balance"] == 10


def test_a_local_session_belongs_to_its_account(app, buyer):
    session_id = start(buyer)["session_id"]
    other = ApiClient(app, ip="198.51.100.88")
    other.sign_in("other@example.com")
    assert other.get(f"/api/local-checkout/{session_id}").status == 404
    assert other.post(f"/api/local-checkout/{session_id}/pay").status == 404
    assert other.post("/api/checkout/confirm", {"session_id": session_id}).status == 404
    assert buyer.get("/api/local-checkout/cs_local_unknown").status == 404
    assert ApiClient(app).get(f"/api/local-checkout/{session_id}").status == 401
    assert buyer.post(f"/api/local-checkout/{session_id}/pay", csrf=False).status == 403


def test_there_is_no_local_checkout_with_a_stripe_key(buyer, stripe_api):
    session_id = start(buyer)["session_id"]  # a (stand-in) Stripe session now
    assert buyer.get(f"/api/local-checkout/{session_id}").status == 404
    assert buyer.post(f"/api/local-checkout/{session_id}/pay").status == 404


def test_there_is_no_local_checkout_in_prod(buyer, override_settings):
    session_id = start(buyer)["session_id"]
    override_settings(stage="prod")
    assert buyer.get(f"/api/local-checkout/{session_id}").status == 404
    assert buyer.post(f"/api/local-checkout/{session_id}/pay").status == 404
    assert balance(buyer) == 0


def test_prod_never_builds_the_local_checkout():
    prod = dataclasses.replace(get_settings(), stage="prod", stripe_secret_key="")
    with pytest.raises(RuntimeError):
        checkout.build_checkout(prod)


def test_the_local_checkout_refuses_what_stripe_would():
    """Like Stripe (its published spec, local/provider_specs): an unknown key at any depth, a
    reference longer than 200 characters, an id longer than Stripe's path takes."""
    from chalicelib.adapters.stripe_checkout import PaymentProviderError
    from local.checkout import LocalCheckout

    stand_in = LocalCheckout("https://caaartoons.test", WEBHOOK_SECRET)
    params = {"mode": "payment", "client_reference_id": "a" * 32, "customer_email": "a@b.test",
              "line_items": [{"quantity": 1, "price_data": {
                  "currency": "eur", "unit_amount": 500, "product_data": {"name": "Credits"}}}],
              "metadata": {"pack": "small"}, "adaptive_pricing": {"enabled": False},
              "success_url": "https://x.test/ok", "cancel_url": "https://x.test/no"}
    assert stand_in.create(params, idempotency_key="k1")["amount_total"] == 500
    item = params["line_items"][0]
    for bad in ({**params, "colour": "red"}, {**params, "client_reference_id": "a" * 201},
                {**params, "line_items": [{**item, "price_data": {**item["price_data"],
                                                                   "colour": "red"}}]}):
        with pytest.raises(PaymentProviderError):
            stand_in.create(bad, idempotency_key="k2")
    assert stand_in.retrieve("cs_" + "a" * 63) is None
    with pytest.raises(PaymentProviderError):
        stand_in.retrieve("cs_" + "a" * 64)
