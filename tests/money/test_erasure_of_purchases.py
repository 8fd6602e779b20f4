"""Erasing an account keeps its purchase records for accounting, under a pseudonym only."""

from chalicelib.core.models import PendingErasure, Purchase
from tests.support.leftovers import dump_everything, pending_sweeps
from tests.support.payments import bought, refund


def test_purchases_outlive_the_account_without_anything_of_it(buyer, stripe, stripe_api):
    session, account_id = bought(stripe_api, stripe, buyer)
    assert buyer.delete("/api/me", {"confirm": "buyer@example.com"}).status == 200
    dump = dump_everything(but=[PendingErasure])  # the erasure's own record waits for its sweep
    assert pending_sweeps() == [account_id]
    assert account_id not in dump and "buyer@example.com" not in dump
    (kept,) = [p for p in Purchase.scan()]
    assert kept.account_id.startswith("erased-") and kept.status == "paid"
    assert kept.session_id == session["id"] and kept.amount == session["amount_total"]

    # A refund made later at Stripe is recorded on the kept record, and takes nothing.
    response = refund(stripe, stripe_api, session, 400)
    assert response.status == 200 and response.json["outcome"] == "recorded"
    assert Purchase.get(kept.account_id, kept.purchase_id).amount_refunded == 400
