"""Access and portability: an account's data as one zip, built by the worker, streamed to S3.

`POST /api/me/export` records an Export (queued) and queues an `export` job. The worker claims
it (queued -> building, a conditional write; a building export older than the worker's timeout
belongs to a worker that died and is taken over), writes the zip through an S3 multipart upload
part by part, reading one image at a time, so memory stays bounded whatever the size of the
gallery, and marks it ready. A failure aborts the upload and marks the export failed.

The zip holds `account.json` (the account, its ledger, its purchases and every cartoon's texts
with the zip paths of their images) and every panel, character reference and strip as stored.

One export at a time per account: the Account item holds a claim (`export_active`, lapsing at
`export_busy_until`) taken in the same transaction that records the export.
"""

import datetime
import json
import posixpath
import re
import secrets
import time
import zipfile
from collections import defaultdict

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.accounts import limits
from chalicelib.adapters import jobs, storage
from chalicelib.adapters.resources import (
    MAX_RECEIVES,
    QUEUE_VISIBILITY_SECONDS,
    WORKER_TIMEOUT_SECONDS,
)
from chalicelib.core import clock, logs
from chalicelib.core.errors import ApiError, Conflict, NotFound
from chalicelib.core.models import (
    Account,
    Cartoon,
    Export,
    LedgerEntry,
    Purchase,
    Scene,
    transaction,
)
from chalicelib.core.settings import get_settings
from chalicelib.money import credits, payments

MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # S3's minimum for every part but the last
PART_SIZE = 8 * MIB
QUEUED, BUILDING, READY, FAILED = "queued", "building", "ready", "failed"
IN_FLIGHT = (QUEUED, BUILDING)
# A claim lapses once every delivery of the job could have run and died.
CLAIM_SECONDS = QUEUE_VISIBILITY_SECONDS * MAX_RECEIVES
EXPORT_ID = re.compile(r"^[0-9]{13}[0-9a-f]{8}$")
FORMAT_VERSION = 1
FAILED_REASON = "We could not prepare your export. Please try again."


class MultipartWriter:
    """A write-only file for zipfile: it uploads a part whenever `part_size` bytes are buffered,
    so it holds at most one part plus the write in hand (and a copy while uploading).

    It has tell() and no seek(), so zipfile writes a streaming archive (data descriptors)."""

    def __init__(self, s3, bucket, key, *, part_size=PART_SIZE):
        if part_size < MIN_PART_SIZE:
            raise ValueError("S3 parts are at least 5 MiB")
        self.s3, self.bucket, self.key, self.part_size = s3, bucket, key, part_size
        self.upload_id = s3.create_multipart_upload(
            Bucket=bucket, Key=key, ContentType="application/zip")["UploadId"]
        self.parts, self.buffer, self.position, self.peak_buffered = [], bytearray(), 0, 0

    def write(self, data):
        self.buffer += data
        self.position += len(data)
        self.peak_buffered = max(self.peak_buffered, len(self.buffer))
        if len(self.buffer) >= self.part_size:
            self._upload()
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def _upload(self):
        chunk, self.buffer = bytes(self.buffer), bytearray()
        number = len(self.parts) + 1
        answer = self.s3.upload_part(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id,
                                     PartNumber=number, Body=chunk)
        self.parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    def complete(self):
        if self.buffer or not self.parts:
            self._upload()
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key=self.key,
                                          UploadId=self.upload_id,
                                          MultipartUpload={"Parts": self.parts})

    def abort(self):
        self.buffer = bytearray()
        try:
            self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key,
                                           UploadId=self.upload_id)
        except Exception as error:  # the original failure matters more; S3's rule cleans up
            logs.event("export_abort_failed", error=type(error).__name__)


# --- the API's side ------------------------------------------------------------------------

def _iso(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).isoformat()


def new_export_id(now):
    return f"{int(now * 1000):013d}{secrets.token_hex(4)}"


def _busy(account, now):
    return bool(account.export_active) and int(account.export_busy_until or 0) >= now


def request_export(session):
    """Record a queued export, take the account's claim, queue the job: 409 while another
    export is in flight, 429 beyond a few an hour."""
    account_id, now = session.account_id, int(clock.now())
    in_flight = Conflict("An export is already being prepared. Wait for it to finish.",
                         code="export_in_progress")
    if _busy(session.account, now):
        raise in_flight
    limits.hit("export-account-hour", account_id,
               message="You asked for several exports this hour. Please wait and try again.")
    item = Export(account_id, new_export_id(clock.now()), state=QUEUED, created_at=now)
    item.set_expiry(now + get_settings().export_retention_hours * 3600)
    try:
        with transaction() as write:
            write.save(item, condition=Export.export_id.does_not_exist())
            write.update(Account(account_id), actions=[
                Account.export_active.set(item.export_id),
                Account.export_busy_until.set(now + CLAIM_SECONDS)],
                condition=Account.account_id.exists() & Account.deleting_since.does_not_exist()
                & (Account.export_active.does_not_exist() | (Account.export_busy_until < now)))
    except TransactWriteError:
        raise in_flight from None
    try:
        jobs.send(jobs.export_job(account_id, item.export_id))
    except Exception as error:
        logs.event("enqueue_failed", export_id=item.export_id, error=type(error).__name__)
        _finish(item, FAILED, expected=QUEUED, failure="not_started")
        raise ApiError("We could not start your export just now. Please try again.",
                       status=503, code="service_unavailable") from None
    logs.event("export_requested", account_id=account_id, export_id=item.export_id)
    return describe(item, now)


def latest(session):
    items = list(Export.query(session.account_id, scan_index_forward=False, limit=1,
                              consistent_read=True))
    now = clock.now()
    if not items or items[0].expired(now):
        raise NotFound("You have no export yet.", code="no_export")
    return describe(items[0], now)


def view(session, export_id):
    """The account's own export, or 404: another account's export does not exist here."""
    now = clock.now()
    item = _get(session.account_id, export_id) if isinstance(export_id, str) and \
        EXPORT_ID.fullmatch(export_id) else None
    if item is None or item.expired(now):
        raise NotFound("No such export.")
    return describe(item, now)


def describe(item, now):
    state = item.state
    if state in IN_FLIGHT and now > int(item.created_at) + CLAIM_SECONDS:
        state = FAILED  # its job never finished: the claim has lapsed
    out = {"export_id": item.export_id, "state": state, "created_at": _iso(item.created_at),
           "expires_at": _iso(item.expires_at)}
    if state == READY:
        name = f"caaartoons-export-{_iso(item.created_at)[:10]}.zip"
        out.update(size=int(item.size), files=int(item.files),
                   download_url=storage.presign(item.zip_key, download_name=name),
                   link_expires_in=get_settings().image_url_seconds)
    elif state == FAILED:
        out["reason"] = FAILED_REASON
    return out


def _get(account_id, export_id):
    try:
        return Export.get(account_id, export_id, consistent_read=True)
    except Export.DoesNotExist:
        return None


# --- the worker's side ---------------------------------------------------------------------

def build(job, deadline, *, part_size=PART_SIZE):
    """The `export` job: claim, stream the zip, record the outcome. Returns the figures of a
    built export (for the tests and the benchmark), None when there was nothing to do."""
    item = claim(job["account_id"], job["export_id"])
    if item is None:
        return None
    started = time.monotonic()
    try:
        figures = write_zip(item, deadline, part_size=part_size)
    except Exception as error:
        logs.event("export_failed", account_id=item.account_id, export_id=item.export_id,
                   error=type(error).__name__)
        _finish(item, FAILED, failure=type(error).__name__[:60])
        return None
    if not _finish(item, READY, zip_key=figures["key"], size=figures["size"],
                   files=figures["files"]):
        if _get(item.account_id, item.export_id) is None:  # erased meanwhile
            storage.delete(figures["key"])
        return None
    logs.event("export_ready", account_id=item.account_id, export_id=item.export_id,
               files=figures["files"], bytes=figures["size"], parts=figures["parts"],
               ms=int((time.monotonic() - started) * 1000))
    return figures


def claim(account_id, export_id, now=None):
    now = int(clock.now() if now is None else now)
    item = _get(account_id, export_id)
    if item is None or item.expired(now):
        return None
    try:
        item.update(actions=[Export.state.set(BUILDING), Export.started_at.set(now)],
                    condition=(Export.state == QUEUED) | (
                        (Export.state == BUILDING)
                        & (Export.started_at < now - WORKER_TIMEOUT_SECONDS)))
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        logs.event("export_job_skipped", export_id=export_id, state=item.state)
        return None
    return item


def _finish(item, state, *, expected=BUILDING, **values):
    """Move a claimed export to its outcome, only if this worker still holds it and the
    account is not being erased; then release the account's claim."""
    now = int(clock.now())
    actions = [Export.state.set(state), Export.finished_at.set(now)]
    actions += [getattr(Export, name).set(value) for name, value in values.items()]
    condition = Export.state == expected
    if expected == BUILDING:
        condition &= Export.started_at == item.started_at
    try:
        with transaction() as write:
            write.update(item, actions=actions, condition=condition)
            write.condition_check(Account, item.account_id, condition=(
                Account.account_id.exists() & Account.deleting_since.does_not_exist()))
    except TransactWriteError:
        logs.event("export_outcome_lost", export_id=item.export_id, state=state)
        return False
    _release(item.account_id, item.export_id)
    return True


def _release(account_id, export_id):
    try:
        Account(account_id).update(
            actions=[Account.export_active.remove(), Account.export_busy_until.remove()],
            condition=Account.export_active == export_id)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def write_zip(item, deadline, *, part_size=PART_SIZE):
    key = storage.export_key(item.account_id, item.export_id)
    writer = MultipartWriter(storage.get_s3(), get_settings().images_bucket, key,
                             part_size=part_size)
    try:
        archive = Archive(writer, deadline)
        with zipfile.ZipFile(writer, "w") as archive.zip:
            document = account_document(item.account_id, archive)
            archive.add("account.json", json.dumps(document, ensure_ascii=False, indent=2)
                        .encode(), zipfile.ZIP_DEFLATED)
        writer.complete()
    except BaseException:
        writer.abort()
        raise
    return {"key": key, "size": writer.position, "files": archive.files,
            "parts": len(writer.parts), "peak_buffered": writer.peak_buffered}


class Archive:
    """The zip being written: adds entries, and the stored images one at a time."""

    def __init__(self, writer, deadline):
        self.writer, self.deadline, self.zip, self.files = writer, deadline, None, 0
        self.stamp = time.gmtime(clock.now())[:6]

    def add(self, path, data, compression):
        info = zipfile.ZipInfo(path, date_time=self.stamp)
        info.compress_type = compression
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, data)
        self.files += 1

    def image(self, key, path):
        """Copy one stored image (already compressed: stored as is); its path, or None when
        it is not in the bucket."""
        if not key:
            return None
        if time.monotonic() > self.deadline:
            raise TimeoutError("the export ran out of time")
        data = storage.read(key)
        if data is None:
            return None
        path += posixpath.splitext(key)[1] or ".png"
        self.add(path, data, zipfile.ZIP_STORED)
        return path


def account_document(account_id, archive):
    """account.json, writing each cartoon's images into the archive as it goes."""
    account = Account.get(account_id, consistent_read=True)
    scenes_by_cartoon = defaultdict(list)
    for scene in Scene.query(account_id, consistent_read=True):
        scenes_by_cartoon[scene.cartoon_id].append(scene)
    return {
        "format": FORMAT_VERSION,
        "exported_at": _iso(clock.now()),
        "account": {"account_id": account.account_id, "email": account.email,
                    "created_at": account.created_at.isoformat(),
                    "balance": int(account.balance or 0)},
        "ledger": [credits.describe(e)
                   for e in LedgerEntry.query(account_id, consistent_read=True)],
        "purchases": [payments.describe_purchase(p)
                      for p in Purchase.query(account_id, consistent_read=True)],
        "cartoons": [cartoon_document(c, scenes_by_cartoon[c.cartoon_id], archive)
                     for c in Cartoon.query(account_id, consistent_read=True)],
    }


def cartoon_document(cartoon, scene_items, archive):
    folder = f"cartoons/{cartoon.cartoon_id}"
    characters = []
    for index, character in enumerate(cartoon.characters):
        key = storage.cartoon_key(cartoon.account_id, cartoon.cartoon_id,
                                  f"characters/{index + 1}.png")
        characters.append({"name": character.name, "description": character.description,
                           "image": archive.image(key, f"{folder}/characters/{index + 1}")})
    return {
        "cartoon_id": cartoon.cartoon_id, "title": cartoon.title, "context": cartoon.context,
        "style": cartoon.style, "style_prompt": cartoon.style_prompt,
        "quality": cartoon.quality, "credits_per_scene": int(cartoon.credits_per_scene),
        "cost": int(cartoon.cost), "created_at": cartoon.created_at.isoformat(),
        "characters": characters,
        "scenes": [scene_document(s, folder, archive)
                   for s in sorted(scene_items, key=lambda s: s.number)],
        "strip": archive.image(cartoon.strip_key, f"{folder}/strip"),
    }


def scene_document(scene, folder, archive):
    number = int(scene.number)
    return {"number": number, "action": scene.action,
            "characters": list(scene.characters or []), "caption": scene.caption,
            "dialogue": scene.dialogue, "speaker": scene.speaker, "state": scene.state,
            "attempt": int(scene.attempt), "credits": int(scene.credits),
            "failure": scene.failure, "reason": scene.reason,
            "refunded": int(scene.refunded) if scene.refunded is not None else None,
            "image": archive.image(scene.image_key if scene.state == "done" else None,
                                   f"{folder}/scenes/{number:02d}")}
