"""The worker writes only for what still exists: its S3 puts against erasure and deletion.

An erasure marks the account (`deleting_since`), and deleting a cartoon marks the cartoon, before
either lists and removes the objects. So the worker checks the owner of what it writes before
each put (consistent reads), and again after it:

- the re-check finds the owner alive: the put landed before any mark, hence before the listing
  that follows the mark, which removes it if an erasure or a deletion comes;
- the re-check finds it marked or gone: the put may have landed after the listing, so the
  worker deletes what it wrote itself and stops the job (`Gone`).

Marks never go away and ids are never reused, so separate reads are as good as one snapshot.
Only a worker that dies between its put and its re-check escapes this; the erasure's final sweep
(rights/erasure.py) is the backstop for that.
"""

from chalicelib.adapters import storage
from chalicelib.core import logs
from chalicelib.core.models import Account, Cartoon, Export


class Gone(Exception):
    """What the job writes for was erased or deleted: it stops, and nothing it wrote stays."""


def account_alive(account_id):
    try:
        account = Account.get(account_id, consistent_read=True,
                              attributes_to_get=["account_id", "deleting_since"])
    except Account.DoesNotExist:
        return False
    return account.deleting_since is None


def cartoon_alive(account_id, cartoon_id):
    try:
        cartoon = Cartoon.get(account_id, cartoon_id, consistent_read=True,
                              attributes_to_get=["cartoon_id", "deleting_since"])
    except Cartoon.DoesNotExist:
        return False
    return cartoon.deleting_since is None and account_alive(account_id)


def export_alive(account_id, export_id):
    try:
        Export.get(account_id, export_id, consistent_read=True,
                   attributes_to_get=["export_id"])
    except Export.DoesNotExist:
        return False
    return account_alive(account_id)


def check(alive, *keys):
    """Raise Gone (after deleting `keys`, which this job wrote) unless `alive()` holds."""
    if not alive():
        withdraw(*keys)


def withdraw(*keys):
    """Delete what this job wrote for an owner that went, and stop the job."""
    storage.delete(*keys)
    logs.event("worker_write_withdrawn", objects=len(keys))
    raise Gone()


def put_all(alive, objects):
    """Put (key, data, content type) objects, each after a check and all re-checked after:
    if the owner went meanwhile, what was written is deleted and Gone raised."""
    written = []
    for key, data, content_type in objects:
        check(alive, *written)
        storage.put(key, data, content_type)
        written.append(key)
    check(alive, *written)


def for_cartoon(account_id, cartoon_id):
    return lambda: cartoon_alive(account_id, cartoon_id)


def for_export(account_id, export_id):
    return lambda: export_alive(account_id, export_id)
