"""Payments against the payloads Stripe really sends: disputes that name only their charge,
disputes in another currency, and Checkout Sessions that never convert the currency."""

from chalicelib.money import credits
from devtools.fakes.stripe_api import deliver, event, parse_form
from tests.support.payments import bought, ledger_sum, purchase_of, start


def invariant(account_id):
    value = credits.balance(account_id)
    assert value >= 0 and value == ledger_sum(account_id)
    return value


def charge_lookups(stripe_api):
    return [r.path for r in stripe_api.server.requests if r.path.startswith("/v1/charges/")]


def test_a_dispute_without_a_payment_intent_is_matched_through_its_charge(
        buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    opened = stripe_api.dispute(session)
    assert opened["payment_intent"] is None  # as in Stripe's fixtures
    response = deliver(stripe, event("charge.dispute.created", opened))
    assert response.json["outcome"] == "dispute_needs_response"
    assert charge_lookups(stripe_api) == [f"/v1/charges/{opened['charge']}"]
    deliver(stripe, event("charge.dispute.closed", dict(opened, status="lost")))
    assert purchase_of(account).dispute_status == "lost" and invariant(account) == 0


def test_a_dispute_with_an_expanded_charge_needs_no_lookup(buyer, stripe, stripe_api):
    session, _account = bought(stripe_api, stripe, buyer)
    opened = stripe_api.dispute(session)
    opened["charge"] = stripe_api.charge(session)
    response = deliver(stripe, event("charge.dispute.created", opened))
    assert response.json["outcome"] == "dispute_needs_response"
    assert charge_lookups(stripe_api) == []


def test_a_dispute_with_its_payment_intent_needs_no_lookup(buyer, stripe, stripe_api):
    session, _account = bought(stripe_api, stripe, buyer)
    opened = stripe_api.dispute(session, with_payment_intent=True)
    assert deliver(stripe, event("charge.dispute.created", opened)).json["outcome"] == \
        "dispute_needs_response"
    assert charge_lookups(stripe_api) == []


def test_a_dispute_of_a_charge_stripe_does_not_know_is_ignored(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    for charge in ("ch_unknown000000000000000", "not a charge id", None, 42):
        opened = dict(stripe_api.dispute(session), charge=charge)
        response = deliver(stripe, event("charge.dispute.created", opened))
        assert response.status == 200 and response.json["outcome"] == "ignored"
    assert charge_lookups(stripe_api) == ["/v1/charges/ch_unknown000000000000000"]
    assert purchase_of(account).dispute_status is None


def test_a_dispute_in_another_currency_is_refused_and_takes_nothing(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    for status in ("needs_response", "lost"):
        disputed = dict(stripe_api.dispute(session, status=status), currency="usd")
        response = deliver(stripe, event("charge.dispute.closed", disputed))
        assert response.status == 200 and response.json["outcome"] == "rejected"
    purchase = purchase_of(account)
    assert purchase.dispute_status is None and purchase.credits_clawed_back == 0
    assert invariant(account) == 30


def test_checkout_sessions_turn_adaptive_pricing_off(buyer, stripe_api):
    answer = start(buyer, "medium")
    (request,) = stripe_api.server.requests
    assert parse_form(request.body)["adaptive_pricing"] == {"enabled": "false"}
    assert stripe_api.sessions[answer["session_id"]]["adaptive_pricing"] == {"enabled": False}
