"""Steps shared by the payment tests."""

from chalicelib.core.models import LedgerEntry, Purchase
from tests.fakes.stripe_api import event


def start(client, pack="small"):
    response = client.post("/api/checkout", {"pack": pack})
    assert response.status == 201, response
    return response.json


def paid_event(stripe_api, client, pack="small"):
    """Start a checkout through the API, pay it on 'Stripe': the completed event."""
    session = stripe_api.complete(start(client, pack)["session_id"])
    return event("checkout.session.completed", session)


def balance(client):
    return client.get("/api/me").json["balance"]


def ledger_sum(account_id):
    return sum(int(e.delta) for e in LedgerEntry.query(account_id))


def purchase_of(account_id):
    (purchase,) = list(Purchase.query(account_id))
    return purchase
