"""The accounts package's part of erasing an account (rights/erasure.py runs the steps): the
sign-in links to its address, the address-change links it asked for, and the limit windows of
every address involved. The account item and its address index go last, with the erasure."""

from chalicelib.accounts import limits
from chalicelib.accounts.links import ADDRESS_SCOPES, canonical_email
from chalicelib.core.models import SignInLink


def erase_links_and_windows(account):
    addresses = {account.email}
    for key in SignInLink.by_account.query(account.account_id):
        try:
            link = SignInLink.get(key.token_hash, consistent_read=True)
        except SignInLink.DoesNotExist:
            continue
        addresses.add(link.email)
        link.delete()
    for key in SignInLink.by_email.query(account.email_key):
        key.delete()
    for address in {canonical_email(address) for address in addresses}:
        limits.forget(address, ADDRESS_SCOPES)  # limits count the lower-case form
