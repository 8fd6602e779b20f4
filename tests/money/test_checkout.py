"""Starting a checkout: the real `stripe` SDK creates a Checkout Session on the stand-in."""

from freezegun import freeze_time

from chalicelib.core.models import Purchase
from devtools.client import ApiClient
from devtools.fakes.stripe_api import API_KEY
from tests.support.client import next_hour
from tests.support.payments import start


def test_packs_are_listed_with_euro_prices(client):
    response = client.get("/api/packs")
    assert response.status == 200
    packs = response.json["packs"]
    assert [(p["id"], p["credits"], p["amount"], p["currency"]) for p in packs] == [
        ("small", 10, 500, "eur"), ("medium", 30, 1200, "eur"), ("large", 100, 3500, "eur")]
    assert response.json["checkout"] == "local"  # no Stripe key in tests


def test_checkout_creates_a_stripe_session_through_the_sdk(buyer, stripe_api):
    me = buyer.get("/api/me").json
    answer = start(buyer, "medium")
    assert answer["url"] == f"https://checkout.stripe.com/c/pay/{answer['session_id']}"

    (request,) = stripe_api.server.requests
    assert request.method == "POST" and request.path == "/v1/checkout/sessions"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Idempotency-Key"] == f"checkout-{answer['purchase_id']}"
    assert "Stripe-Version" in request.headers
    from devtools.fakes.stripe_api import parse_form

    params = parse_form(request.body)
    assert params["mode"] == "payment"
    assert params["client_reference_id"] == me["account_id"]
    assert params["customer_email"] == "buyer@example.com"
    assert params["metadata"] == {"account_id": me["account_id"], "pack": "medium",
                                  "credits": "30", "purchase_id": answer["purchase_id"]}
    assert params["payment_intent_data"]["metadata"]["purchase_id"] == answer["purchase_id"]
    (item,) = params["line_items"]
    assert item["quantity"] == "1"
    assert item["price_data"]["currency"] == "eur"
    assert item["price_data"]["unit_amount"] == "1200"
    assert params["success_url"] == \
        "https://caaartoons.test/credits-success.html?session_id={CHECKOUT_SESSION_ID}"
    assert params["cancel_url"] == "https://caaartoons.test/credits-cancelled.html"

    purchase = Purchase.get(me["account_id"], answer["purchase_id"])
    assert (purchase.session_id, purchase.pack, purchase.credits, purchase.amount,
            purchase.currency, purchase.status) == (answer["session_id"], "medium", 30, 1200,
                                                    "eur", "open")
    assert buyer.get("/api/me").json["balance"] == 0  # starting a checkout grants nothing


def test_a_retried_request_reuses_the_idempotency_key_and_makes_one_session(buyer, stripe_api):
    stripe_api.fail_next = 500  # Stripe fails once; the SDK retries with the same key
    answer = start(buyer)
    first, second = stripe_api.server.requests
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert list(stripe_api.sessions) == [answer["session_id"]]


def test_an_unknown_pack_is_a_400_and_calls_nobody(buyer, stripe_api):
    for pack in ("huge", "", "SMALL"):
        response = buyer.post("/api/checkout", {"pack": pack})
        assert response.status == 400 and response.error_code == "unknown_pack"
    for body in ({"pack": 10}, {}, {"pack": "small", "credits": 1000}):
        assert buyer.post("/api/checkout", body).status == 400
    assert stripe_api.server.requests == [] and Purchase.count() == 0


def test_checkout_needs_a_session_and_a_csrf_token(client, buyer, stripe_api):
    assert client.post("/api/checkout", {"pack": "small"}).status == 401
    response = buyer.post("/api/checkout", {"pack": "small"}, csrf=False)
    assert response.status == 403 and response.error_code == "csrf_missing"
    assert stripe_api.server.requests == []


def test_stripe_refusing_is_a_502_json_error_and_records_nothing(buyer, stripe_api, monkeypatch):
    from chalicelib.money import checkout

    monkeypatch.setattr(checkout.get_checkout().client._requestor._options, "api_key",
                        "sk_test_revoked")
    response = buyer.post("/api/checkout", {"pack": "small"})
    assert response.status == 502 and response.error_code == "payment_provider_error"
    assert Purchase.count() == 0


def test_starting_checkouts_is_rate_limited_per_account(buyer, stripe_api):
    with freeze_time(next_hour()):  # all in one hour's window, however slow the machine
        for _ in range(30):
            start(buyer)
        response = buyer.post("/api/checkout", {"pack": "small"})
    assert response.status == 429 and int(response.headers["retry-after"]) > 0


def test_the_success_page_fulfils_a_paid_session_itself(buyer, stripe_api):
    answer = start(buyer)
    stripe_api.complete(answer["session_id"])
    response = buyer.post("/api/checkout/confirm", {"session_id": answer["session_id"]})
    assert response.status == 200, response
    assert response.json["purchase"]["status"] == "paid"
    assert response.json["balance"] == 10
    again = buyer.post("/api/checkout/confirm", {"session_id": answer["session_id"]})
    assert again.json["balance"] == 10  # reloading the page grants nothing more


def test_the_success_page_of_an_unpaid_session_grants_nothing(buyer, stripe_api):
    answer = start(buyer)
    response = buyer.post("/api/checkout/confirm", {"session_id": answer["session_id"]})
    assert response.status == 200
    assert response.json["purchase"]["status"] == "open" and response.json["balance"] == 0


def test_the_success_page_answers_404_for_sessions_of_others_or_unknown(app, buyer, stripe_api):
    answer = start(buyer)
    stripe_api.complete(answer["session_id"])
    other = ApiClient(app, ip="198.51.100.99")
    other.sign_in("other@example.com")
    response = other.post("/api/checkout/confirm", {"session_id": answer["session_id"]})
    assert response.status == 404
    assert other.get("/api/me").json["balance"] == 0
    assert buyer.get("/api/me").json["balance"] == 0  # and nothing was granted to anyone
    assert buyer.post("/api/checkout/confirm", {"session_id": "cs_test_nope"}).status == 404
    assert buyer.post("/api/checkout/confirm", {"session_id": "../etc"}).status == 400
