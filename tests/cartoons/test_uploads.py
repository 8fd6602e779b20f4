"""Uploads: a character started from the owner's own picture. The slot is a presigned POST that
S3 itself holds to its size and type; the worker decodes the picture safely, strips its
metadata, moderates it and draws the reference from it as an edit; the original goes once the
reference is approved, or after a day, and with the account."""

import io
import struct
import zlib

import pytest
import requests
import time_machine
from PIL import Image

from chalicelib import cleanup
from chalicelib.adapters import storage
from chalicelib.cartoons import uploads
from chalicelib.core import clock, vocabulary
from chalicelib.core.models import PendingErasure
from chalicelib.money import credits
from chalicelib.rights import erasure
from devtools.cartoons import cartoon_body
from tests.support.cartoons import drain, give
from tests.support.client import later
from tests.support.pictures import png


def slot(client, content_type="image/png", size=1000):
    response = client.post("/api/uploads", {"content_type": content_type, "size": size})
    assert response.status == 201, response
    return response.json


def send(answer, data, content_type="image/png"):
    """What the browser does: the slot's fields, then the file, straight to S3."""
    fields = {**answer["fields"], "Content-Type": content_type}
    return requests.post(answer["url"], data=fields,
                         files={"file": ("picture", data, content_type)}, timeout=30)


def uploaded(client, data, content_type="image/png"):
    answer = slot(client, content_type, len(data))
    assert send(answer, data, content_type).status_code == 204
    return answer["upload_id"]


def account_keys(account_id):
    return list(storage.keys_under(storage.upload_prefix(account_id)))


def submit_with(client, upload_id, approve=True):
    body = cartoon_body(1, approve_cast=approve)
    body["characters"] = [{"name": "Ada", "description": "", "upload": upload_id}]
    body["scenes"] = [{"action": "Ada waves at the sea.", "characters": ["Ada"],
                       "caption": "A fine day."}]
    response = client.post("/api/cartoons", body)
    assert response.status == 202, response
    return response.json["cartoon_id"]


def jpeg_with_gps():
    image = Image.new("RGB", (320, 240), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bomb(side=12000):
    """A real decompression bomb: a small file that decodes to `side` x `side` grey pixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    packer, row, parts = zlib.compressobj(9), b"\0" * (side + 1), []
    for _ in range(side):
        parts.append(packer.compress(row))
    parts.append(packer.flush())
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0,
                                                               0, 0))
            + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))


# --- the slot: S3's own policy ------------------------------------------------------------

def test_a_slot_takes_one_picture_of_the_type_asked_within_the_size(signed_in):
    account_id = signed_in.get("/api/me").json["account_id"]
    answer = slot(signed_in)
    assert answer["fields"]["key"] == storage.upload_key(account_id, answer["upload_id"],
                                                         "original")
    assert answer["max_bytes"] == vocabulary.MAX_UPLOAD_BYTES

    too_big = send(answer, b"\0" * (vocabulary.MAX_UPLOAD_BYTES + 1))
    assert too_big.status_code == 400 and b"EntityTooLarge" in too_big.content
    wrong_type = send(answer, png(), content_type="text/html")
    assert wrong_type.status_code == 403 and b"Policy Condition failed" in wrong_type.content
    forged = send({**answer, "fields": {**answer["fields"],
                                        "key": f"users/{account_id}/cartoons/x.png"}}, png())
    assert forged.status_code == 403
    assert account_keys(account_id) == []  # S3 refused all three

    assert send(answer, png()).status_code == 204
    assert account_keys(account_id) == [answer["fields"]["key"]]


def test_a_slot_is_asked_for_a_known_type_and_size_signed_in(signed_in, client):
    assert signed_in.post("/api/uploads", {"content_type": "image/gif", "size": 10}).status == 400
    too_big = signed_in.post("/api/uploads", {"content_type": "image/png",
                                              "size": vocabulary.MAX_UPLOAD_BYTES + 1})
    assert too_big.status == 400 and too_big.json["error"]["code"] == "upload_too_large"
    assert client.post("/api/uploads", {"content_type": "image/png", "size": 10}).status in (
        401, 403)


def test_the_limits_are_served_with_the_options(client):
    options = client.get("/api/cartoons/options").json
    assert options["limits"]["upload_bytes"] == vocabulary.MAX_UPLOAD_BYTES
    assert options["limits"]["upload_pixels"] == vocabulary.MAX_UPLOAD_PIXELS
    assert options["upload_types"] == ["image/png", "image/jpeg", "image/webp"]


def test_a_slot_expires_before_an_erasures_final_sweep():
    assert uploads.SLOT_SECONDS < erasure.SWEEP_AFTER_SECONDS


def test_a_submission_names_only_its_own_live_upload(app, signed_in):
    from devtools.client import ApiClient

    give(signed_in, 50)
    other = ApiClient(app, ip="198.51.100.9")
    other.sign_in("bob@example.com")
    theirs = uploaded(other, png())
    body = cartoon_body(1)
    body["characters"] = [{"name": "Ada", "description": "", "upload": theirs}]
    body["scenes"] = [{"action": "Ada waves.", "characters": ["Ada"]}]
    refused = signed_in.post("/api/cartoons", body)
    assert refused.status == 400 and refused.json["error"]["code"] == "unknown_upload"
    assert refused.json["error"]["details"]["field"] == "characters[0].upload"


# --- the worker's check, and the reference drawn from the picture -------------------------

def test_a_photo_is_stripped_drawn_from_as_an_edit_approved_then_deleted(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 50)
    upload_id = uploaded(signed_in, jpeg_with_gps(), "image/jpeg")
    cartoon_id = submit_with(signed_in, upload_id)
    drain(aws["queue_url"])

    kept = storage.read(storage.upload_key(account_id, upload_id, "picture.png"))
    with Image.open(io.BytesIO(kept)) as picture:
        assert picture.format == "PNG" and picture.size == (320, 240)
        assert dict(picture.getexif()) == {} and not picture.info.get("exif")
    assert storage.read(storage.upload_key(account_id, upload_id, "original")) is None

    moderated = [c for c in openai_fake.calls_to("moderations")
                 if any(isinstance(i, dict) for i in c.fields["input"])]
    assert len(moderated) == 1
    assert moderated[0].fields["input"][0]["image_url"]["url"].startswith(
        "data:image/png;base64,")
    edits = openai_fake.calls_to("edits")
    assert len(edits) == 1 and len(edits[0].images) == 1  # the reference: an edit of it
    assert edits[0].images[0][3] == kept
    assert "attached picture" in edits[0].prompt

    view = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert view["cast_state"] == "waiting" and view["cast"][0]["state"] == "done"
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {}).status == 200
    assert account_keys(account_id) == []  # approved: the picture goes


def test_a_decompression_bomb_is_refused_and_costs_nothing(signed_in, aws, openai_fake):
    account_id = give(signed_in, 50)
    bomb = png_bomb()
    assert len(bomb) < vocabulary.MAX_UPLOAD_BYTES
    upload_id = uploaded(signed_in, bomb)
    cartoon_id = submit_with(signed_in, upload_id, approve=False)
    drain(aws["queue_url"])

    character = signed_in.get(f"/api/cartoons/{cartoon_id}").json["cast"][0]
    assert character["state"] == "failed"
    assert character["failure"] == "upload_unreadable"
    assert "could not be read" in character["reason"]
    assert credits.balance(account_id) == 50  # refunded, and its scene: it cost nothing
    assert openai_fake.calls_to("edits") == [] and account_keys(account_id) == []


def test_a_flagged_picture_is_refused_and_costs_nothing(signed_in, aws, openai_fake):
    account_id = give(signed_in, 50)
    red = png(colour=(250, 10, 10))
    openai_fake.flags_image = lambda data: Image.open(io.BytesIO(data)).getpixel((0, 0)) == (
        250, 10, 10)
    upload_id = uploaded(signed_in, red)
    cartoon_id = submit_with(signed_in, upload_id, approve=False)
    drain(aws["queue_url"])

    character = signed_in.get(f"/api/cartoons/{cartoon_id}").json["cast"][0]
    assert character["state"] == "failed"
    assert character["failure"] == "upload_flagged"
    assert "content check refused its picture" in character["reason"]
    assert credits.balance(account_id) == 50
    assert openai_fake.calls_to("edits") == [] and account_keys(account_id) == []


def test_offline_the_reference_takes_the_pictures_colour(signed_in, aws):
    account_id = give(signed_in, 50)
    upload_id = uploaded(signed_in, png(colour=(20, 200, 30)))
    cartoon_id = submit_with(signed_in, upload_id, approve=False)
    drain(aws["queue_url"])
    cartoon = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert cartoon["cast"][0]["state"] == "done"
    from chalicelib.core.models import Cartoon

    key = Cartoon.get(account_id, cartoon_id).characters[0].image_key
    with Image.open(io.BytesIO(storage.read(key))) as reference:
        r, g, b = reference.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert g > r and g > b  # tinted green by the picture it was drawn from
    assert account_keys(account_id) == []  # released at once: the picture goes


# --- lifetime: a day at most, and the erasure ----------------------------------------------

def test_an_upload_never_used_is_gone_after_a_day(signed_in):
    account_id = signed_in.get("/api/me").json["account_id"]
    upload_id = uploaded(signed_in, png())
    with time_machine.travel(later(23 * 60), tick=False):
        assert cleanup.run()["uploads_expired"] == 0
    assert len(account_keys(account_id)) == 1
    with time_machine.travel(later(24 * 60 + 1), tick=False):
        assert cleanup.run()["uploads_expired"] == 1
        assert not uploads.received(account_id, upload_id)
    assert account_keys(account_id) == []


def test_an_erasure_while_an_upload_is_in_flight_leaves_nothing(signed_in):
    account_id = signed_in.get("/api/me").json["account_id"]
    uploaded(signed_in, png())  # one already there
    answer = slot(signed_in)  # one the browser is still sending
    assert signed_in.delete("/api/me", {"confirm": "ada@example.com"}).status == 200
    assert account_keys(account_id) == []
    assert send(answer, png()).status_code == 204  # landed after the erasure's listing
    pending = PendingErasure.get(account_id)
    assert erasure.resume_pending(now=pending.expires_at + 1) == 1  # the final sweep
    assert list(storage.keys_under(storage.UPLOADS_PREFIX)) == []
    assert clock.now() < uploads.created_at(answer["upload_id"]) + uploads.SLOT_SECONDS + 60


def test_the_export_holds_the_uploads_still_kept(signed_in, aws):
    import json
    import zipfile
    from urllib.parse import unquote, urlsplit

    upload_id = uploaded(signed_in, png())
    assert signed_in.post("/api/me/export").status == 202
    drain(aws["queue_url"])
    ready = signed_in.get("/api/me/export").json
    assert ready["state"] == "ready", ready
    key = unquote(urlsplit(ready["download_url"]).path).split("/", 1)[1]
    with zipfile.ZipFile(io.BytesIO(storage.read(key))) as archive:
        document = json.loads(archive.read("account.json"))
        assert [u["upload_id"] for u in document["uploads"]] == [upload_id]
        assert archive.read(document["uploads"][0]["image"]) == png()


def test_a_redraw_before_approval_draws_from_the_same_checked_picture(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 50)
    upload_id = uploaded(signed_in, png((600, 300), (90, 60, 200)))
    cartoon_id = submit_with(signed_in, upload_id)
    drain(aws["queue_url"])
    redrawn = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/0/redraw", {"note": "Smile."})
    assert redrawn.status == 202, redrawn
    drain(aws["queue_url"])
    kept = storage.read(storage.upload_key(account_id, upload_id, "picture.png"))
    edits = openai_fake.calls_to("edits")
    assert [call.images[0][3] for call in edits] == [kept, kept]
    images_moderated = [c for c in openai_fake.calls_to("moderations")
                        if any(isinstance(i, dict) for i in c.fields["input"])]
    assert len(images_moderated) == 1  # checked once, then reused
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {}).status == 200
    assert account_keys(account_id) == []


def test_a_large_picture_is_kept_at_a_bounded_size_with_its_transparency():
    from chalicelib.comic import pictures

    image = Image.new("RGBA", (4000, 1000), (10, 20, 30, 0))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=None)
    with Image.open(io.BytesIO(pictures.clean(out.getvalue(), max_pixels=uploads.MAX_PIXELS))
                    ) as kept:
        assert kept.size == (pictures.MAX_SIDE, pictures.MAX_SIDE // 4)
        assert kept.mode == "RGBA" and kept.getpixel((0, 0))[3] == 0
    for junk in (b"", b"GIF89a....", b"\x89PNG\r\n\x1a\n" + b"\0" * 40):
        with pytest.raises(pictures.Unreadable):
            pictures.clean(junk, max_pixels=uploads.MAX_PIXELS)
