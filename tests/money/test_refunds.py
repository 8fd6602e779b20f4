"""Refunds and disputes claw back credits, only the new difference, never below zero."""

import threading

from chalicelib.core.models import LedgerEntry
from chalicelib.money import credits
from devtools.fakes.stripe_api import deliver, event
from tests.support.payments import bought, ledger_sum, paid_event, purchase_of, refund


def invariant(account_id):
    value = credits.balance(account_id)
    assert value >= 0 and value == ledger_sum(account_id)
    return value


def test_a_refund_claws_back_only_the_new_difference(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)  # 30 credits for 12.00 EUR
    assert refund(stripe, stripe_api, session, 400).json["outcome"] == "clawed_back"
    assert invariant(account) == 20  # a third refunded: 10 credits back
    assert refund(stripe, stripe_api, session, 400).json["outcome"] == "unchanged"
    assert refund(stripe, stripe_api, session, 800).json["outcome"] == "clawed_back"
    assert invariant(account) == 10  # cumulative 8.00: only 10 more
    # An older, smaller total arriving late changes nothing.
    assert refund(stripe, stripe_api, session, 400).json["outcome"] == "unchanged"
    assert refund(stripe, stripe_api, session, 1200).json["outcome"] == "clawed_back"
    assert invariant(account) == 0
    purchase = purchase_of(account)
    assert (purchase.status, purchase.amount_refunded, purchase.credits_clawed_back,
            purchase.credits_unrecovered) == ("refunded", 1200, 30, 0)
    clawbacks = [e.delta for e in LedgerEntry.query(account) if e.reason == "clawback"]
    assert sorted(clawbacks) == [-10, -10, -10]


def test_a_partial_refund_rounds_in_the_operators_favour(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    refund(stripe, stripe_api, session, 1)  # one cent of 12.00 EUR
    assert invariant(account) == 29
    assert purchase_of(account).status == "partially_refunded"


def test_a_refund_never_makes_the_balance_negative_and_records_the_shortfall(
        buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    credits.debit(account, 25, reason="spend", cause_key="cartoon:c1")
    assert refund(stripe, stripe_api, session, 1200).json["outcome"] == "clawed_back"
    assert invariant(account) == 0
    purchase = purchase_of(account)
    assert (purchase.credits_clawed_back, purchase.credits_unrecovered) == (5, 25)
    (entry,) = [e for e in LedgerEntry.query(account) if e.reason == "clawback"]
    assert (entry.delta, entry.unrecovered) == (-5, 25)
    statement = buyer.get("/api/credits").json
    assert statement["entries"][0]["unrecovered"] == 25


def test_a_refund_with_nothing_left_to_take_still_records_it(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer, "small")
    credits.debit(account, 10, reason="spend", cause_key="cartoon:all")
    refund(stripe, stripe_api, session, 500)
    assert invariant(account) == 0
    (entry,) = [e for e in LedgerEntry.query(account) if e.reason == "clawback"]
    assert (entry.delta, entry.unrecovered) == (0, 10)
    assert purchase_of(account).credits_unrecovered == 10


def test_twenty_parallel_deliveries_of_a_refund_claw_back_once(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    evt = event("charge.refunded", stripe_api.charge(session, refunded=600))
    barrier, statuses = threading.Barrier(20), []

    def deliver_one():
        barrier.wait()
        statuses.append(deliver(stripe, evt).status)

    threads = [threading.Thread(target=deliver_one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 20
    assert invariant(account) == 15
    assert purchase_of(account).credits_clawed_back == 15


def test_refunds_racing_spends_never_go_negative(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)  # 30 credits
    barrier, spent, refunded = threading.Barrier(31), [], []

    def spend(n):
        barrier.wait()
        try:
            credits.debit(account, 1, reason="spend", cause_key=f"cartoon:r{n}")
            spent.append(1)
        except credits.InsufficientCredits:
            pass

    def refund_all():
        barrier.wait()
        refunded.append(refund(stripe, stripe_api, session, 1200).status)

    threads = [threading.Thread(target=spend, args=(n,)) for n in range(30)]
    threads.append(threading.Thread(target=refund_all))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refunded == [200]
    assert invariant(account) == 0
    purchase = purchase_of(account)
    assert purchase.credits_clawed_back + purchase.credits_unrecovered == 30
    assert purchase.credits_clawed_back + len(spent) == 30


def test_a_refund_before_the_purchase_is_recorded_asks_stripe_to_retry(
        buyer, stripe, stripe_api):
    evt = paid_event(stripe_api, buyer)
    session = evt["data"]["object"]
    early = refund(stripe, stripe_api, session, 1200)
    assert early.status == 409 and early.error_code == "purchase_not_recorded"
    deliver(stripe, evt)
    assert refund(stripe, stripe_api, session, 1200).json["outcome"] == "clawed_back"
    account = buyer.get("/api/me").json["account_id"]
    assert invariant(account) == 0


def test_a_dispute_is_recorded_and_a_lost_one_claws_back(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    opened = stripe_api.dispute(session)
    response = deliver(stripe, event("charge.dispute.created", opened))
    assert response.json["outcome"] == "dispute_needs_response"
    purchase = purchase_of(account)
    assert (purchase.dispute_id, purchase.dispute_status) == (opened["id"], "needs_response")
    assert invariant(account) == 30  # recorded; credits stay until the dispute is decided

    credits.debit(account, 28, reason="spend", cause_key="cartoon:d1")
    lost = dict(opened, status="lost")
    deliver(stripe, event("charge.dispute.closed", lost))
    assert invariant(account) == 0
    purchase = purchase_of(account)
    assert (purchase.dispute_status, purchase.credits_clawed_back,
            purchase.credits_unrecovered) == ("lost", 2, 28)
    # A late copy of the opening, and a redelivery of the loss, change nothing.
    assert deliver(stripe, event("charge.dispute.created", opened)).json["outcome"] == \
        "unchanged"
    deliver(stripe, event("charge.dispute.closed", lost))
    assert purchase_of(account).dispute_status == "lost"
    assert invariant(account) == 0 and purchase_of(account).credits_clawed_back == 2


def test_a_won_dispute_takes_nothing(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    opened = stripe_api.dispute(session)
    deliver(stripe, event("charge.dispute.created", opened))
    deliver(stripe, event("charge.dispute.closed", dict(opened, status="won")))
    assert invariant(account) == 30 and purchase_of(account).dispute_status == "won"


def test_a_refund_for_a_charge_in_another_currency_is_refused(buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    charge = dict(stripe_api.charge(session, refunded=1200), currency="usd")
    assert deliver(stripe, event("charge.refunded", charge)).json["outcome"] == "rejected"
    assert invariant(account) == 30


def test_refunds_and_disputes_of_payments_that_are_not_ours_are_acknowledged(
        buyer, stripe, stripe_api):
    session, account = bought(stripe_api, stripe, buyer)
    stranger = dict(session, payment_intent="pi_someone_else", metadata={})
    for kind, obj in (("charge.refunded", stripe_api.charge(stranger, refunded=1200)),
                      ("charge.refunded", dict(stripe_api.charge(stranger, refunded=1200),
                                               payment_intent=None)),
                      ("charge.dispute.created", stripe_api.dispute(stranger))):
        response = deliver(stripe, event(kind, obj))
        assert response.status == 200 and response.json["outcome"] == "ignored"
    assert invariant(account) == 30 and purchase_of(account).dispute_status is None
