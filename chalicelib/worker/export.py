"""The `export` job: an account's data as one zip, streamed to S3 in parts.

The worker claims the export (queued -> building, a conditional write; a building export older
than the worker's timeout belongs to a worker that died and is taken over), writes the zip
through an S3 multipart upload part by part, reading one image at a time, so memory stays
bounded whatever the size of the gallery, and marks it ready. A failure aborts the upload and
marks the export failed.

The zip holds `account.json` (the account, its ledger, its purchases, every cartoon's texts
with their lettering, layout and the zip paths of their files, and the character library) and
every panel (each kept version of it, with the action it was drawn for, the note its redraw
was asked with and what the look step found in it: heads, mouths, empty regions), character
reference, page, PDF, CBZ, EPUB and saved character's picture as stored.
"""

import datetime
import json
import posixpath
import time
import zipfile
from collections import defaultdict

from pynamodb.exceptions import UpdateError

from chalicelib.adapters import storage
from chalicelib.adapters.jobs import WORKER_TIMEOUT_SECONDS
from chalicelib.adapters.multipart import PART_SIZE, MultipartWriter
from chalicelib.cartoons import uploads
from chalicelib.cartoons.scenes import chosen_of, elements_of, versions_of
from chalicelib.cartoons.view import describe_share
from chalicelib.core import clock, logs
from chalicelib.core.conditions import lost_condition
from chalicelib.core.models import (
    Account,
    Cartoon,
    Export,
    LedgerEntry,
    Purchase,
    SavedCharacter,
    Scene,
)
from chalicelib.core.settings import get_settings
from chalicelib.money import credits, purchases
from chalicelib.rights.export import BUILDING, FAILED, QUEUED, READY, finish, get
from chalicelib.worker import guard

FORMAT_VERSION = 1


def _iso(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).isoformat()


def build(job, deadline, *, part_size=PART_SIZE):
    """The `export` job: claim, stream the zip, record the outcome. Returns the figures of a
    built export (for the tests and the benchmark), None when there was nothing to do."""
    item = claim(job["account_id"], job["export_id"])
    if item is None:
        return None
    started = time.monotonic()
    try:
        figures = write_zip(item, deadline, part_size=part_size)
    except guard.Gone:
        return None  # erased meanwhile: the zip was never completed, or deleted
    except Exception as error:
        logs.event("export_failed", account_id=item.account_id, export_id=item.export_id,
                   error=type(error).__name__)
        finish(item, FAILED, failure=type(error).__name__[:60])
        return None
    if not finish(item, READY, zip_key=figures["key"], size=figures["size"],
                   files=figures["files"]):
        if not guard.export_alive(item.account_id, item.export_id):  # erased meanwhile
            storage.delete(figures["key"])
        return None
    logs.event("export_ready", account_id=item.account_id, export_id=item.export_id,
               files=figures["files"], bytes=figures["size"], parts=figures["parts"],
               ms=int((time.monotonic() - started) * 1000))
    return figures


def claim(account_id, export_id, now=None):
    now = int(clock.now() if now is None else now)
    item = get(account_id, export_id)
    if item is None or item.expired(now):
        return None
    try:
        item.update(actions=[Export.state.set(BUILDING), Export.started_at.set(now)],
                    condition=(Export.state == QUEUED) | (
                        (Export.state == BUILDING)
                        & (Export.started_at < now - WORKER_TIMEOUT_SECONDS)))
    except UpdateError as error:
        if not lost_condition(error):
            raise
        logs.event("export_job_skipped", export_id=export_id, state=item.state)
        return None
    return item


def write_zip(item, deadline, *, part_size=PART_SIZE):
    key = storage.export_key(item.account_id, item.export_id)
    alive = guard.for_export(item.account_id, item.export_id)
    guard.check(alive)
    writer = MultipartWriter(storage.get_s3(), get_settings().images_bucket, key,
                             part_size=part_size)
    try:
        archive = Archive(writer, deadline)
        with zipfile.ZipFile(writer, "w") as archive.zip:
            document = account_document(item.account_id, archive)
            archive.add("account.json", json.dumps(document, ensure_ascii=False, indent=2)
                        .encode(), zipfile.ZIP_DEFLATED)
        guard.check(alive)  # erased while writing: abort rather than complete
        writer.complete()
    except BaseException:
        writer.abort()
        raise
    guard.check(alive, key)  # erased while completing: the zip goes
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
        "purchases": [purchases.describe_purchase(p)
                      for p in Purchase.query(account_id, consistent_read=True)],
        "cartoons": [cartoon_document(c, scenes_by_cartoon[c.cartoon_id], archive)
                     for c in Cartoon.query(account_id, consistent_read=True)],
        "saved_characters": [saved_character_document(c, archive) for c in
                             SavedCharacter.query(account_id, consistent_read=True)],
        "uploads": uploads_document(account_id, archive),
    }


def uploads_document(account_id, archive):
    """The pictures uploaded to start characters from that are still kept (at most a day)."""
    out = []
    for key in uploads.keys_of(account_id):
        upload_id, name = key.split("/")[-2:]
        out.append({"upload_id": upload_id, "checked": name == "picture.png",
                    "uploaded_at": _iso(uploads.created_at(upload_id)),
                    "image": archive.image(key, f"uploads/{upload_id}/{name.split('.')[0]}")})
    return out


def saved_character_document(item, archive):
    """A character of the library, with its reference picture."""
    return {"id": item.character_id, "name": item.name, "description": item.description,
            "created_at": item.created_at.isoformat(),
            "source_cartoon_id": item.source_cartoon_id,
            "image": archive.image(item.image_key, f"library/{item.character_id}")}


def cartoon_document(cartoon, scene_items, archive):
    folder = f"cartoons/{cartoon.cartoon_id}"
    characters = []
    for index, character in enumerate(cartoon.characters):
        key = character.image_key or storage.cartoon_key(
            cartoon.account_id, cartoon.cartoon_id, f"characters/{index + 1}.png")
        characters.append({"name": character.name, "description": character.description,
                           "reference_state": character.state,
                           "reference_attempt": int(character.attempt or 0),
                           "reference_note": character.note,
                           "saved_id": character.saved_id,
                           "upload_id": character.upload_id,
                           "image": archive.image(key, f"{folder}/characters/{index + 1}")})
    return {
        "cartoon_id": cartoon.cartoon_id, "title": cartoon.title, "author": cartoon.author,
        "context": cartoon.context,
        "style": cartoon.style, "style_prompt": cartoon.style_prompt,
        "quality": cartoon.quality, "credits_per_scene": int(cartoon.credits_per_scene),
        "cost": int(cartoon.cost), "created_at": cartoon.created_at.isoformat(),
        "layout": cartoon.layout or "auto", "cast_state": cartoon.cast_state,
        "characters": characters,
        "share_link": describe_share(cartoon),
        "image_usage": {"images": int(cartoon.image_calls or 0),
                        "tokens": int(cartoon.provider_tokens or 0)},
        "scenes": [scene_document(s, folder, archive)
                   for s in sorted(scene_items, key=lambda s: s.number)],
        **_composed(cartoon, folder, archive),
    }


def _composed(cartoon, folder, archive):
    """The pages, PDFs (A4, Letter, and their print editions with bleed), CBZ, EPUB, the
    webtoon episode (webtoon layout), each scene's reader panel and where everything sits
    on the pages (cells, text sizes, balloon positions); an older cartoon has only its strip.
    Page 1 is the strip: it goes in once."""
    pages = [archive.image(key, f"{folder}/pages/page-{n}")
             for n, key in enumerate(cartoon.page_keys or [], start=1)]
    return {"strip": pages[0] if pages else archive.image(cartoon.strip_key, f"{folder}/strip"),
            "pages": pages, "pdf": archive.image(cartoon.pdf_key, f"{folder}/comic"),
            "pdf_letter": archive.image(cartoon.pdf_letter_key, f"{folder}/comic-letter"),
            "cbz": archive.image(cartoon.cbz_key, f"{folder}/comic"),
            "pdf_bleed": archive.image(cartoon.pdf_bleed_key, f"{folder}/comic-print"),
            "pdf_letter_bleed": archive.image(cartoon.pdf_letter_bleed_key,
                                              f"{folder}/comic-letter-print"),
            "webtoon": archive.image(cartoon.webtoon_key, f"{folder}/webtoon"),
            "epub": archive.image(cartoon.epub_key, f"{folder}/comic"),
            "reader_panels": [archive.image(key, f"{folder}/reader/scene-{n:02d}")
                              for n, key in enumerate(cartoon.reader_keys or [], start=1)],
            "geometry": cartoon.geometry}


def scene_document(scene, folder, archive):
    number = int(scene.number)
    shown = scene.image_key if scene.state == "done" else None
    image = archive.image(shown, f"{folder}/scenes/{number:02d}")
    versions = []
    for v in versions_of(scene):  # the version shown is the scene's image: written once
        path = image if image and v["image_key"] == shown else archive.image(
            v["image_key"], f"{folder}/scenes/{number:02d}-v{int(v['version'])}")
        versions.append({"version": int(v["version"]), "attempt": int(v["attempt"]),
                         "action": v.get("action") or "", "note": v.get("note") or "",
                         "created_at": _iso(v["created_at"]), "image": path,
                         "look": v.get("look")})
    return {"number": number, "action": scene.action,
            "characters": list(scene.characters or []), "caption": scene.caption,
            "dialogue": scene.dialogue, "speaker": scene.speaker,
            "elements": elements_of(scene), "staging": scene.staging or {},
            "state": scene.state,
            "attempt": int(scene.attempt), "credits": int(scene.credits),
            "failure": scene.failure, "reason": scene.reason,
            "refunded": int(scene.refunded) if scene.refunded is not None else None,
            "redraw_note": scene.redraw_note, "image": image,
            "chosen_version": chosen_of(scene), "versions": versions, "look": scene.look}
