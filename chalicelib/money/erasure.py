"""The money package's part of erasing an account (rights/erasure.py runs the steps): its
purchase records kept under a pseudonym, as accounting law asks, then its ledger."""

import uuid

from chalicelib.core.models import ERASED_PREFIX, AppliedCause, LedgerEntry, Purchase, transaction


def erase_money(account):
    pseudonymise_purchases(account)
    for entry in LedgerEntry.query(account.account_id, consistent_read=True):
        AppliedCause(entry.cause_key).delete()
        entry.delete()


def pseudonymise_purchases(account):
    """Move each purchase record under a random pseudonym that nothing links back to the
    account (they never held the address)."""
    pseudonym = f"{ERASED_PREFIX}{uuid.uuid4().hex}"
    for purchase in Purchase.query(account.account_id, consistent_read=True):
        kept = Purchase(pseudonym, purchase.purchase_id, **{
            name: getattr(purchase, name) for name in Purchase.get_attributes()
            if name not in ("account_id", "purchase_id")})
        with transaction() as write:
            write.save(kept)
            write.delete(purchase)
