"""The ledger's invariant: balance == sum of entries, never negative, each cause once."""

import contextlib
import threading

import pytest

from chalicelib.core import web
from chalicelib.core.models import Account, AppliedCause, LedgerEntry
from chalicelib.money import credits
from tests.support.payments import parallel_debits


def make_account(account_id="acct-1", balance=0):
    import datetime

    Account(account_id, email="a@example.com", email_key="k" + account_id, balance=0,
            created_at=datetime.datetime.now(datetime.UTC)).save()
    if balance:
        credits.grant(account_id, balance, reason="adjustment", cause_key=f"seed:{account_id}")
    return account_id


def ledger_sum(account_id):
    return sum(int(e.delta) for e in LedgerEntry.query(account_id))


def assert_invariant(account_id):
    balance = credits.balance(account_id)
    assert balance >= 0
    assert balance == ledger_sum(account_id)
    return balance


def test_a_grant_and_a_debit_move_the_balance_and_write_entries():
    account = make_account()
    credits.grant(account, 30, reason="purchase", cause_key="checkout:cs_1")
    credits.debit(account, 4, reason="spend", cause_key="cartoon:c1")
    assert assert_invariant(account) == 26
    entries, more = credits.entries(account)
    assert [e.delta for e in entries] == [-4, 30] and more is None


def test_the_same_cause_applies_once():
    account = make_account()
    credits.grant(account, 10, reason="purchase", cause_key="checkout:cs_1")
    with pytest.raises(credits.AlreadyApplied):
        credits.grant(account, 10, reason="purchase", cause_key="checkout:cs_1")
    assert assert_invariant(account) == 10
    assert AppliedCause.count() == 1


def test_a_debit_beyond_the_balance_is_refused_with_the_shortfall_and_writes_nothing():
    account = make_account(balance=3)
    with pytest.raises(credits.InsufficientCredits) as raised:
        credits.debit(account, 5, reason="spend", cause_key="cartoon:c1")
    assert raised.value.shortfall == 2
    answer = web.domain_error_response(raised.value)  # what the API makes of it
    assert answer.status_code == 402 and answer.body["error"]["code"] == "insufficient_credits"
    assert assert_invariant(account) == 3
    assert credits.was_applied("cartoon:c1") is None


def test_a_change_for_a_missing_account_writes_nothing():
    with pytest.raises(credits.NoSuchAccount):
        credits.grant("ghost", 10, reason="purchase", cause_key="checkout:ghost")
    assert Account.count() == 0 and LedgerEntry.count() == 0


def test_fifty_parallel_debits_against_ten_credits_give_exactly_ten():
    account = make_account(balance=10)
    results = parallel_debits(account)
    assert results.count("ok") == 10 and results.count("refused") == 40
    assert assert_invariant(account) == 0


def test_twenty_parallel_grants_of_one_cause_grant_once():
    account = make_account()
    outcomes, barrier = [], threading.Barrier(20)

    def grant():
        barrier.wait()
        try:
            credits.grant(account, 30, reason="purchase", cause_key="checkout:cs_race")
            outcomes.append("granted")
        except credits.AlreadyApplied:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=grant) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("granted") == 1
    assert assert_invariant(account) == 30


def test_also_writes_share_the_transaction():
    account = make_account(balance=1)
    other = make_account("acct-2")

    def touch_other(write):
        write.update(Account(other), actions=[Account.balance.add(0)],
                     condition=Account.account_id.does_not_exist())  # always fails

    with pytest.raises(Exception):
        credits.debit(account, 1, reason="spend", cause_key="cartoon:x", also=touch_other)
    assert assert_invariant(account) == 1
    assert credits.was_applied("cartoon:x") is None


def test_entries_page_newest_first_with_a_cursor():
    account = make_account()
    for n in range(5):
        credits.grant(account, n + 1, reason="adjustment", cause_key=f"adj:{n}")
    first, cursor = credits.entries(account, limit=2)
    second, cursor2 = credits.entries(account, limit=2, after=cursor)
    third, cursor3 = credits.entries(account, limit=2, after=cursor2)
    seen = [e.delta for e in first + second + third]
    assert seen == [5, 4, 3, 2, 1]
    assert cursor3 is None


def test_a_clawback_takes_at_most_the_balance_and_records_the_rest():
    account = make_account(balance=4)
    result = credits.clawback(account, 10, cause_key="clawback:p1:10", note="refund")
    assert (result.taken, result.unrecovered) == (4, 6)
    assert (result.entry.delta, result.entry.unrecovered) == (-4, 6)
    assert assert_invariant(account) == 0
    nothing = credits.clawback(account, 3, cause_key="clawback:p2:3")
    assert (nothing.taken, nothing.unrecovered, nothing.entry.delta) == (0, 3, 0)
    assert assert_invariant(account) == 0
    with pytest.raises(credits.AlreadyApplied):
        credits.clawback(account, 10, cause_key="clawback:p1:10")


def test_a_clawback_racing_debits_never_goes_negative():
    account = make_account(balance=20)
    barrier, taken = threading.Barrier(21), []

    def spend(n):
        barrier.wait()
        with contextlib.suppress(credits.InsufficientCredits):
            credits.debit(account, 1, reason="spend", cause_key=f"cartoon:c{n}")

    def claw():
        barrier.wait()
        taken.append(credits.clawback(account, 15, cause_key="clawback:race:15"))

    threads = [threading.Thread(target=spend, args=(n,)) for n in range(20)]
    threads.append(threading.Thread(target=claw))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (result,) = taken
    assert result.taken + result.unrecovered == 15
    assert assert_invariant(account) >= 0


def test_an_adjustment_needs_a_reason_and_moves_the_balance_once_each():
    account = make_account(balance=5)
    credits.adjust(account, 3, note="goodwill")
    credits.adjust(account, -2, note="duplicate grant")
    assert assert_invariant(account) == 6
    with pytest.raises(credits.InsufficientCredits):
        credits.adjust(account, -7, note="too much")
    for delta, note in ((0, "x"), (2, " "), (2.5, "x")):
        with pytest.raises(ValueError):
            credits.adjust(account, delta, note=note)
    notes = sorted(e.note for e in LedgerEntry.query(account) if e.cause_key.startswith("adj"))
    assert notes == ["duplicate grant", "goodwill"]
