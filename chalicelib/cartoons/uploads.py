"""Pictures people upload to start a character from (a drawing or a photo).

The API never streams a file: `start` hands out a slot, a presigned POST whose policy makes S3
itself refuse a file over MAX_UPLOAD_BYTES, another type than the one asked for, or a form sent
after SLOT_SECONDS. The picture lands at `uploads/<account>/<upload id>/original`
(adapters/storage.py). A submission names it in a character's `upload`; the worker then checks
it (decoded safely, metadata stripped, re-encoded as PNG, moderated) and draws the reference
from it (worker/uploads.py).

An upload lives until its reference is approved (the cast's approval, or the cast released at
once), and never more than LIFETIME_SECONDS: the scheduled cleanup deletes older ones, reading
each upload's age from its time-sortable id (`remove_expired`). It is in the data export
(`keys_of`) and the erasure (`erase_uploads`; SLOT_SECONDS is shorter than the erasure's final
sweep, so a file sent after an erasure began is swept too).
"""

from chalicelib.accounts import limits
from chalicelib.adapters import storage
from chalicelib.core import clock, ids, logs, vocabulary
from chalicelib.core.answers import BODY_ERRORS, COUNT, SIGNED_IN, TEXT, URL, mapping, obj, ok
from chalicelib.core.errors import Invalid
from chalicelib.core.fields import Field

# How long a slot's presigned POST is accepted: shorter than the erasure's final sweep waits
# (tests/cartoons/test_uploads.py), so a file sent after an erasure began is swept too.
SLOT_SECONDS = 300
LIFETIME_SECONDS = 24 * 3600  # an upload never outlives this
MAX_BYTES, MAX_PIXELS = vocabulary.MAX_UPLOAD_BYTES, vocabulary.MAX_UPLOAD_PIXELS
TYPES = vocabulary.UPLOAD_TYPES

UPLOAD_SPEC = {"content_type": Field(str, max_length=40, choices=TYPES),
               "size": Field(int)}


def start(session, body):
    """A slot for one picture: its id and the presigned POST that uploads it."""
    size, content_type = body["size"], body["content_type"]
    if content_type not in TYPES:
        raise Invalid(key="picture_types", code="upload_type",
                      details={"field": "content_type"})
    if not 0 < size <= MAX_BYTES:
        raise Invalid(key="picture_size", mb=MAX_BYTES // (1024 * 1024), code="upload_too_large",
                      details={"field": "size"})
    limits.hit("upload-account-hour", session.account_id)
    upload_id = ids.new_id()
    post = storage.presign_post(
        storage.upload_key(session.account_id, upload_id, "original"),
        content_type=content_type, max_bytes=MAX_BYTES, seconds=SLOT_SECONDS)
    logs.event("upload_slot", upload_id=upload_id, content_type=content_type)
    return {"upload_id": upload_id, "url": post["url"], "fields": post["fields"],
            "expires_in": SLOT_SECONDS, "max_bytes": MAX_BYTES}


def received(account_id, upload_id):
    """Whether the account's upload is there (as sent, or already checked) and still young."""
    if not isinstance(upload_id, str) or not ids.ID.fullmatch(upload_id):
        return False
    if created_at(upload_id) + LIFETIME_SECONDS <= clock.now():
        return False
    return any(storage.exists(storage.upload_key(account_id, upload_id, name))
               for name in storage.UPLOAD_NAMES)


def check_characters(account_id, characters):
    """A 400 naming the field when a character's `upload` is not one of the account's live
    uploads (another account's does not exist here)."""
    for index, character in enumerate(characters):
        upload_id = character.get("upload")
        if upload_id is not None and not received(account_id, upload_id):
            raise Invalid(key="upload_unknown", field=f"characters[{index}].upload",
                          code="unknown_upload",
                          details={"field": f"characters[{index}].upload"})


def created_at(upload_id):
    return int(upload_id[:13]) / 1000


def remove(account_id, *upload_ids):
    """Delete uploads, each as sent and as checked (the images bucket keeps no versions): once
    its reference is approved, or refused, or too old. The erasure removes the whole prefix."""
    keys = [storage.upload_key(account_id, upload_id, name)
            for upload_id in upload_ids if upload_id for name in storage.UPLOAD_NAMES]
    storage.delete(*keys)
    if keys:
        logs.event("upload_removed", uploads=len(keys) // len(storage.UPLOAD_NAMES))


def remove_expired(now=None):
    """The cleanup's move: delete every upload older than LIFETIME_SECONDS. Lists only the
    uploads prefix, whose objects live a day at most. Returns how many uploads went."""
    cutoff = (clock.now() if now is None else now) - LIFETIME_SECONDS
    doomed = set()
    for key in storage.keys_under(storage.UPLOADS_PREFIX):
        parts = key.split("/")
        if len(parts) == 4 and ids.ID.fullmatch(parts[2]) and created_at(parts[2]) <= cutoff:
            doomed.add((parts[1], parts[2]))
    for account_id, upload_id in sorted(doomed):
        remove(account_id, upload_id)
    return len(doomed)


def keys_of(account_id):
    """Every uploaded object the account still has (for its data export)."""
    return list(storage.keys_under(storage.upload_prefix(account_id)))


def erase_uploads(account):
    """The erasure's step: every upload of the account, in flight or checked."""
    storage.delete_prefix(storage.upload_prefix(account.account_id))


SLOT = ok(obj({"upload_id": TEXT, "url": URL, "fields": mapping({"type": "string"}),
               "expires_in": COUNT, "max_bytes": COUNT}), 201,
          errors=(*BODY_ERRORS, SIGNED_IN, 429),
          doc="A slot for one picture: POST `fields` then the file (last, as `file`) to "
              "`url` as multipart/form-data. S3 refuses a file over `max_bytes` or of another "
              "type than `content_type`.")
