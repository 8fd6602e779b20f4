"""Refunds and disputes, as Stripe's webhook reports them: each claws back the credits its
cumulative amount calls for, beyond what was already taken, never below a zero balance; what
could not be taken is recorded on the ledger entry and the purchase."""

import logging

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.core import logs
from chalicelib.core.conditions import lost_condition
from chalicelib.core.errors import Conflict, Invalid
from chalicelib.core.models import ERASED_PREFIX, Purchase
from chalicelib.core.patterns import Pattern
from chalicelib.money import checkout, credits
from chalicelib.money.checkout import payment_intent_id

FINAL_DISPUTE_STATUSES = ("won", "lost", "warning_closed", "prevented")
CHARGE_ID = Pattern(r"^(ch|py)_[A-Za-z0-9_]{1,250}$")


def _purchase_by_payment(payment_intent, *, ours):
    """The purchase paid by a payment intent. One we know is ours but cannot find yet (its
    checkout event not processed) is a 409, so Stripe delivers the event again later."""
    payment_intent = payment_intent_id(payment_intent)
    if payment_intent is not None:
        for key in Purchase.by_payment.query(payment_intent, limit=1):
            return Purchase.get(key.account_id, key.purchase_id, consistent_read=True)
    if ours:
        raise Conflict(key="purchase_unrecorded", code="purchase_not_recorded")
    logs.event("payment_unmatched", level=logging.WARNING)
    return None


def _reversal_status(purchase, refunded):
    if refunded >= purchase.amount:
        return "refunded"
    return "partially_refunded" if refunded > 0 else purchase.status


def _reverse(purchase, *, refunded=0, lost=0, attempts=8):
    """Claw back what the cumulative refunds and lost disputes call for, beyond what was already
    taken for them; the balance never goes negative and any shortfall is recorded."""
    for _ in range(attempts):
        purchase.refresh(consistent_read=True)
        now_refunded = max(int(purchase.amount_refunded or 0), refunded)
        now_lost = max(int(purchase.dispute_lost_amount or 0), lost)
        reversed_amount = min(purchase.amount, max(now_refunded, now_lost))
        target = -(-int(purchase.credits) * reversed_amount // int(purchase.amount))  # ceil
        wanted = target - int(purchase.credits_reversed or 0)
        unchanged = ((Purchase.amount_refunded == purchase.amount_refunded)
                     & (Purchase.dispute_lost_amount == purchase.dispute_lost_amount)
                     & (Purchase.credits_reversed == purchase.credits_reversed))
        actions = [Purchase.amount_refunded.set(now_refunded),
                   Purchase.dispute_lost_amount.set(now_lost),
                   Purchase.status.set(_reversal_status(purchase, now_refunded))]
        if purchase.account_id.startswith(ERASED_PREFIX):
            wanted = 0  # the account is gone: record what Stripe reports, take nothing
        try:
            if wanted <= 0:
                if (now_refunded, now_lost) == (purchase.amount_refunded,
                                                purchase.dispute_lost_amount):
                    return "unchanged"
                purchase.update(actions=actions, condition=unchanged)
                return "recorded"
            credits.clawback(
                purchase.account_id, wanted, note=f"Refund of {purchase.credits} credits bought",
                what={"kind": "clawback", "credits": int(purchase.credits),
                      "pack": purchase.pack},
                cause_key=f"clawback:{purchase.purchase_id}:{target}",
                also=lambda write, taken, unrecovered, actions=actions, target=target,
                cond=unchanged: write.update(purchase, condition=cond, actions=[
                    *actions, Purchase.credits_reversed.set(target),
                    Purchase.credits_clawed_back.add(taken),
                    Purchase.credits_unrecovered.add(unrecovered)]))
        except credits.AlreadyApplied:
            return "unchanged"  # another delivery reached the same point first
        except (TransactWriteError, UpdateError):
            continue  # the purchase moved meanwhile: read it again
        logs.event("credits_clawed_back", account_id=purchase.account_id,
                   purchase_id=purchase.purchase_id, wanted=wanted)
        return "clawed_back"
    raise RuntimeError("the purchase kept changing; Stripe will deliver the event again")


def record_refund(charge):
    metadata = charge.get("metadata")
    ours = isinstance(metadata, dict) and bool(metadata.get("purchase_id"))  # from our checkout
    purchase = _purchase_by_payment(charge.get("payment_intent"), ours=ours)
    if purchase is None:
        return "ignored"
    refunded = charge.get("amount_refunded")
    if not isinstance(refunded, int) or refunded < 0 or \
            str(charge.get("currency") or "").lower() != purchase.currency:
        logs.event("refund_rejected", level=logging.WARNING, purchase_id=purchase.purchase_id)
        return "rejected"
    return _reverse(purchase, refunded=refunded)


def _dispute_payment(dispute):
    """A dispute's payment intent: its own, else its charge's. Stripe's dispute objects often
    carry `payment_intent: null` and only the charge, which Stripe is then asked about."""
    payment_intent = payment_intent_id(dispute.get("payment_intent"))
    charge = dispute.get("charge")
    if payment_intent is None and isinstance(charge, dict):  # an expanded charge
        payment_intent = payment_intent_id(charge.get("payment_intent"))
        charge = charge.get("id")
    if payment_intent is None and isinstance(charge, str) and CHARGE_ID.fullmatch(charge):
        payment_intent = checkout.get_checkout().charge_payment_intent(charge)
    return payment_intent


def record_dispute(dispute):
    """Record a dispute as it moves; a lost one claws back like a refund of its amount."""
    purchase = _purchase_by_payment(_dispute_payment(dispute), ours=False)
    if purchase is None:
        return "ignored"
    status, amount = dispute.get("status"), dispute.get("amount")
    if not isinstance(status, str) or not isinstance(amount, int) or amount < 0:
        raise Invalid(key="dispute_malformed", code="invalid_event")
    if str(dispute.get("currency") or "").lower() != purchase.currency:
        logs.event("dispute_rejected", level=logging.WARNING, purchase_id=purchase.purchase_id)
        return "rejected"
    settled = Purchase.dispute_status.is_in(*FINAL_DISPUTE_STATUSES)
    try:
        purchase.update(actions=[Purchase.dispute_id.set(str(dispute.get("id"))[:100]),
                                 Purchase.dispute_status.set(status[:40]),
                                 Purchase.dispute_amount.set(amount)],
                        condition=None if status in FINAL_DISPUTE_STATUSES else ~settled)
    except UpdateError as error:
        if not lost_condition(error):
            raise
        return "unchanged"  # a late report of an earlier stage of a settled dispute
    logs.event("dispute_recorded", level=logging.WARNING, account_id=purchase.account_id,
               purchase_id=purchase.purchase_id, status=status[:40])
    if status == "lost":
        _reverse(purchase, lost=min(amount, int(purchase.amount)))
    return "dispute_" + status[:40]
