"""Steps shared by the payment tests."""

import threading

from chalicelib.core.models import LedgerEntry, Purchase
from chalicelib.money import credits
from devtools.client import ApiClient
from devtools.fakes.stripe_api import deliver, event


def start(client, pack="small"):
    response = client.post("/api/checkout", {"pack": pack})
    assert response.status == 201, response
    return response.json


def bought_locally(app, client, pack="medium"):
    """A purchase through the local checkout and the real webhook route."""
    session_id = start(client, pack)["session_id"]
    paid = client.post(f"/api/local-checkout/{session_id}/pay").json
    answer = deliver(ApiClient(app, ip="3.18.12.63"), None, raw=paid["event"].encode(),
                     signature=paid["signature"])
    assert answer.status == 200, answer


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


def parallel_debits(account_id, count=50):
    """`count` threads released at once, each debiting one credit for its own cause."""
    results, barrier = [], threading.Barrier(count)

    def spend(n):
        barrier.wait()
        try:
            credits.debit(account_id, 1, reason="spend", cause_key=f"cartoon:race{n}")
            results.append("ok")
        except credits.InsufficientCredits:
            results.append("refused")

    threads = [threading.Thread(target=spend, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def bought(stripe_api, stripe, client, pack="medium"):
    """A paid, granted purchase: the session as Stripe has it."""
    evt = paid_event(stripe_api, client, pack)
    assert deliver(stripe, evt).json["outcome"] == "granted"
    return evt["data"]["object"], client.get("/api/me").json["account_id"]


def refund(stripe, stripe_api, session, cumulative):
    return deliver(stripe, event("charge.refunded", stripe_api.charge(session,
                                                                      refunded=cumulative)))
