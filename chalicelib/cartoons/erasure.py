"""The cartoons package's part of erasing an account (rights/erasure.py runs the steps)."""

from chalicelib.adapters import storage
from chalicelib.cartoons import uploads
from chalicelib.core.models import Cartoon, SavedCharacter, Scene, SubmissionKey


def erase_cartoons(account):
    """Images first (the items name them: cartoons and the character library live under the
    account's prefix; its uploads under theirs), then every cartoon, scene, submission key
    and saved character."""
    storage.delete_prefix(storage.account_prefix(account.account_id))
    uploads.erase_uploads(account)
    for model in (Scene, Cartoon, SubmissionKey, SavedCharacter):
        with model.batch_write() as batch:
            for item in model.query(account.account_id, consistent_read=True):
                batch.delete(item)
