"""The data export: requested through the API, built by the worker through the real queue and
handler, streamed to (moto's) S3 in parts, downloaded and compared with what was stored."""

import datetime
import io
import json
import os
import threading
import time
import zipfile

import boto3
import pytest

import app as module
from chalicelib.adapters import jobs, multipart, storage
from chalicelib.adapters.jobs import WORKER_TIMEOUT_SECONDS
from chalicelib.cleanup import remove_expired
from chalicelib.core import clock
from chalicelib.core.models import Account, Cartoon, Export, LedgerEntry, Purchase, Scene
from chalicelib.core.settings import get_settings
from chalicelib.rights import export
from chalicelib.worker import export as export_job
from devtools.cartoons import cartoon_body, queue_arn
from devtools.client import ApiClient
from local.worker import sqs_event
from tests.support.cartoons import drain, fund_references, give, jobs_of, key_of, take_messages
from tests.support.payments import bought_locally

MIB = 1024 * 1024


def s3():
    return boto3.client("s3", region_name="eu-west-3")


def bucket():
    return get_settings().images_bucket


def keys_under(prefix):
    answer = s3().list_objects_v2(Bucket=bucket(), Prefix=prefix)
    return sorted(item["Key"] for item in answer.get("Contents", []))


def open_uploads():
    return s3().list_multipart_uploads(Bucket=bucket()).get("Uploads", [])


def exported(client, aws):
    """Ask for an export, run the worker, and open the zip behind the download link."""
    asked = client.post("/api/me/export")
    assert asked.status == 202, asked
    assert asked.json["state"] == "queued"
    drain(aws["queue_url"])
    ready = client.get("/api/me/export").json
    assert ready["state"] == "ready", ready
    assert ready["export_id"] == asked.json["export_id"]
    url = ready["download_url"]
    assert "response-content-disposition=attachment" in url and "X-Amz-Signature=" in url
    key = key_of(url)
    assert key == f"exports/{client.get('/api/me').json['account_id']}/{ready['export_id']}.zip"
    data = s3().get_object(Bucket=bucket(), Key=key)["Body"].read()
    assert len(data) == ready["size"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert len(archive.namelist()) == ready["files"]
    return archive, ready


# --- what is in it ---------------------------------------------------------------------------

def test_export_contents_match_what_was_stored(app, signed_in, aws):
    bought_locally(app, signed_in)
    fund_references(signed_in)
    fund_references(signed_in)
    first = signed_in.post("/api/cartoons", cartoon_body(3)).json["cartoon_id"]
    second = signed_in.post("/api/cartoons", cartoon_body(
        2, title="Été à la plage", style="my own style, ink and watercolour")).json["cartoon_id"]
    drain(aws["queue_url"])
    signed_in.patch(f"/api/cartoons/{first}/scenes/2", {"caption": "Later, a new caption"})
    signed_in.post(f"/api/cartoons/{second}/scenes/1/redraw",
                   {"action": "Ada builds a sandcastle.", "note": "Add a lighthouse"})
    drain(aws["queue_url"])
    shared = signed_in.post(f"/api/cartoons/{first}/share", {"expires_in_days": 3}).json
    me = signed_in.get("/api/me").json
    account_id = me["account_id"]

    archive, _ = exported(signed_in, aws)
    document = json.loads(archive.read("account.json"))
    assert archive.getinfo("account.json").compress_type == zipfile.ZIP_DEFLATED

    account = Account.get(account_id)
    assert document["account"] == {"account_id": account_id, "email": "ada@example.com",
                                   "created_at": account.created_at.isoformat(),
                                   "balance": me["balance"]}
    assert me["balance"] == 30 - 3 - 2 - 1
    for cartoon in document["cartoons"]:  # the usage records the privacy page describes
        stored = Cartoon.get(account_id, cartoon["cartoon_id"])
        assert cartoon["image_usage"] == {"images": int(stored.image_calls),
                                          "tokens": int(stored.provider_tokens)}
        assert cartoon["image_usage"]["images"] > 0
    ledger = {e.entry_id: e for e in LedgerEntry.query(account_id)}
    assert [e["id"] for e in document["ledger"]] == sorted(ledger)
    for entry in document["ledger"]:
        stored = ledger[entry["id"]]
        assert (entry["delta"], entry["reason"], entry["cause"], entry["note"]) == (
            int(stored.delta), stored.reason, stored.cause_key, stored.note)
    assert sum(e["delta"] for e in document["ledger"]) == me["balance"]
    (purchase,) = Purchase.query(account_id)
    (listed,) = document["purchases"]
    assert (listed["id"], listed["pack"], listed["credits"], listed["amount"],
            listed["currency"], listed["status"]) == (
        purchase.purchase_id, "medium", 30, int(purchase.amount), purchase.currency, "paid")

    assert [c["cartoon_id"] for c in document["cartoons"]] == [first, second]
    assert document["cartoons"][0]["share_link"] == shared["share"]
    assert document["cartoons"][1]["share_link"] is None
    images = 0
    for described in document["cartoons"]:
        cartoon = Cartoon.get(account_id, described["cartoon_id"])
        for name in ("title", "context", "style", "quality", "style_prompt"):
            assert described[name] == getattr(cartoon, name), name
        assert described["created_at"] == cartoon.created_at.isoformat()
        for index, character in enumerate(described["characters"]):
            stored = cartoon.characters[index]
            assert (character["name"], character["description"]) == (
                stored.name, stored.description)
            reference = storage.read(stored.image_key)
            assert character["reference_state"] == stored.state == "done"
            if reference is None:  # never drawn
                assert character["image"] is None
                continue
            assert archive.read(character["image"]) == reference
            assert archive.getinfo(character["image"]).compress_type == zipfile.ZIP_STORED
            images += 1
        scene_items = sorted(Scene.query(account_id, Scene.scene_key.startswith(
            f"{cartoon.cartoon_id}#")), key=lambda s: s.number)
        assert len(described["scenes"]) == len(scene_items) == int(cartoon.scene_count)
        for scene, item in zip(described["scenes"], scene_items, strict=True):
            for name in ("action", "caption", "dialogue", "speaker", "state", "elements",
                         "staging"):
                assert scene[name] == getattr(item, name), name
            assert (scene["number"], scene["characters"], scene["attempt"]) == (
                int(item.number), list(item.characters), int(item.attempt))
            assert scene["state"] == "done"
            assert scene["image"] == f"cartoons/{cartoon.cartoon_id}/scenes/" \
                                     f"{int(item.number):02d}.png"
            assert archive.read(scene["image"]) == storage.read(item.image_key)
            assert archive.getinfo(scene["image"]).compress_type == zipfile.ZIP_STORED
            images += 1
            # Every kept version, with the action it was drawn for and its note.
            assert [v["version"] for v in scene["versions"]] == [
                int(v["version"]) for v in item.versions]
            assert scene["chosen_version"] == int(item.chosen)
            # What the look found in the panel shown and in each version (offline: the
            # renderer's own geometry of the characters it drew).
            assert scene["look"] == item.look and scene["look"]["source"] in (
                "offline", "staging")
            assert [f["name"] for f in scene["look"]["figures"]] == (
                list(item.characters) if item.characters else [])
            for version, kept in zip(scene["versions"], item.versions, strict=True):
                assert (version["action"], version["note"]) == (kept["action"], kept["note"])
                assert version["look"] == kept["look"] and version["look"]["figures"] is not None
                assert archive.read(version["image"]) == storage.read(kept["image_key"])
                if kept["image_key"] == item.image_key:  # the one shown is written once
                    assert version["image"] == scene["image"]
                    continue
                assert version["image"] == f"cartoons/{cartoon.cartoon_id}/scenes/" \
                                           f"{int(item.number):02d}-v{version['version']}.png"
                images += 1
        assert described["layout"] == "auto" and described["strip"] == described["pages"][0]
        assert len(described["pages"]) == len(cartoon.page_keys) == 1
        for path, key in [(described["pages"][0], cartoon.strip_key),
                          (described["pdf"], cartoon.pdf_key),
                          (described["pdf_letter"], cartoon.pdf_letter_key),
                          (described["cbz"], cartoon.cbz_key),
                          (described["pdf_bleed"], cartoon.pdf_bleed_key),
                          (described["pdf_letter_bleed"], cartoon.pdf_letter_bleed_key),
                          (described["epub"], cartoon.epub_key),
                          *zip(described["reader_panels"], cartoon.reader_keys, strict=True)]:
            assert path.startswith(f"cartoons/{cartoon.cartoon_id}/")
            assert archive.read(path) == storage.read(key)
            images += 1
        assert described["pdf"].endswith(".pdf") and described["cbz"].endswith(".cbz")
        assert described["epub"] == f"cartoons/{cartoon.cartoon_id}/comic.epub"
        assert described["pdf_letter"].endswith("comic-letter.pdf")
        assert described["pdf_bleed"].endswith("comic-print.pdf")
        assert described["webtoon"] is None  # the webtoon layout's only
        assert len(described["reader_panels"]) == len(scene_items)
        # Where each panel and balloon sits on the pages (the owner's moves included).
        assert described["geometry"] == cartoon.geometry
        assert [s["number"] for s in described["geometry"]["scenes"]] == [
            int(s.number) for s in scene_items]
    assert document["cartoons"][0]["scenes"][1]["caption"] == "Later, a new caption"
    assert document["cartoons"][0]["scenes"][1]["elements"] == [
        {"kind": "caption", "text": "Later, a new caption", "speaker": ""}]
    assert document["cartoons"][0]["scenes"][0]["staging"] == {"Ada": "centre"}
    assert document["cartoons"][1]["title"] == "Été à la plage"
    redrawn = document["cartoons"][1]["scenes"][0]
    assert redrawn["attempt"] == 1 and redrawn["chosen_version"] == 2  # the redrawn panel
    assert [(v["version"], v["note"]) for v in redrawn["versions"]] == [
        (1, ""), (2, "Add a lighthouse")]
    assert redrawn["action"] == redrawn["versions"][1]["action"] == "Ada builds a sandcastle."
    assert archive.read(redrawn["versions"][1]["image"]) == archive.read(redrawn["image"])
    # every character's reference is drawn first (Cleo's too: the cast is shown whole)
    assert [c["image"] is None for c in document["cartoons"][0]["characters"]] == [
        False, False, False]
    assert len(archive.namelist()) == images + 1  # every image, and account.json


def test_an_account_without_cartoons_exports_its_account(signed_in, aws):
    give(signed_in, 4)
    archive, ready = exported(signed_in, aws)
    assert archive.namelist() == ["account.json"] and ready["files"] == 1
    document = json.loads(archive.read("account.json"))
    assert document["account"]["balance"] == 4 and document["cartoons"] == []
    assert [e["delta"] for e in document["ledger"]] == [4]


# --- streaming -------------------------------------------------------------------------------

def test_the_writer_uploads_parts_and_never_holds_more_than_about_two(aws):
    writer = multipart.MultipartWriter(s3(), bucket(), "exports/test/writer.zip",
                                    part_size=multipart.MIN_PART_SIZE)
    chunks = [os.urandom(300 * 1024) for _ in range(41)]  # 12.0 MiB in writes of 300 KiB
    for chunk in chunks:
        writer.write(chunk)
        assert len(writer.buffer) < multipart.MIN_PART_SIZE
    writer.complete()
    assert len(writer.parts) == 3
    assert writer.peak_buffered <= 2 * multipart.MIN_PART_SIZE
    stored = s3().get_object(Bucket=bucket(), Key="exports/test/writer.zip")
    assert stored["Body"].read() == b"".join(chunks)
    assert stored["ContentType"] == "application/zip"
    assert open_uploads() == []


def test_the_writer_refuses_parts_smaller_than_s3_accepts(aws):
    with pytest.raises(ValueError):
        multipart.MultipartWriter(s3(), bucket(), "exports/x.zip", part_size=MIB)


def seed_gallery(account_id, cartoons, scenes_each, image_size):
    """Cartoons whose scenes are done, with small fake images under the account's prefix."""
    now = clock.now()
    created = []
    with Cartoon.batch_write() as cartoon_batch, Scene.batch_write() as scene_batch:
        for c in range(cartoons):
            cartoon_id = f"{int(now * 1000) + c:013d}{c:08x}"
            cartoon_batch.save(Cartoon(
                account_id, cartoon_id, title=f"Cartoon {c}", context="A context.",
                style="ligne-claire", style_prompt="clear lines", quality="low",
                credits_per_scene=1, scene_count=scenes_each, cost=scenes_each,
                characters=[], created_at=datetime.datetime.now(datetime.UTC)))
            for n in range(1, scenes_each + 1):
                key = storage.cartoon_key(account_id, cartoon_id, f"scenes/{n:02d}-0.png")
                storage.put(key, os.urandom(image_size), "image/png")
                scene_batch.save(Scene(
                    account_id, f"{cartoon_id}#{n:02d}", cartoon_id=cartoon_id, number=n,
                    action=f"Scene {n}", state="done", attempt=0, credits=1,
                    charge_key=f"cartoon:{cartoon_id}", image_key=key,
                    updated_at=int(now)))
                created.append(key)
    return created


def test_a_gallery_of_a_thousand_images_streams_in_parts(signed_in, aws):
    account_id = signed_in.get("/api/me").json["account_id"]
    seeded = seed_gallery(account_id, cartoons=125, scenes_each=8, image_size=12 * 1024)
    export_id = signed_in.post("/api/me/export").json["export_id"]
    (message,) = take_messages(aws["queue_url"])
    job = jobs.parse(message["Body"])
    assert job == jobs.export_job(account_id, export_id)

    figures = export_job.build(job, time.monotonic() + 600, part_size=multipart.MIN_PART_SIZE)
    assert figures["files"] == 1001
    assert figures["size"] > 1000 * 12 * 1024
    assert figures["parts"] >= 3
    # The images are read one at a time and each part leaves at once: never the whole zip.
    assert figures["peak_buffered"] <= multipart.MIN_PART_SIZE + 64 * 1024
    assert open_uploads() == []

    data = s3().get_object(Bucket=bucket(), Key=figures["key"])["Body"].read()
    archive = zipfile.ZipFile(io.BytesIO(data))
    document = json.loads(archive.read("account.json"))
    paths = [s["image"] for c in document["cartoons"] for s in c["scenes"]]
    assert len(paths) == len(set(paths)) == 1000
    for key, path in zip(seeded, paths, strict=True):
        assert archive.read(path) == storage.read(key)
    assert signed_in.get("/api/me/export").json["state"] == "ready"


# --- who may see it --------------------------------------------------------------------------

def test_another_account_cannot_see_or_download_an_export(app, signed_in, aws):
    _, ready = exported(signed_in, aws)
    other = ApiClient(app, ip="192.0.2.50")
    other.sign_in("bob@example.com")
    assert other.get("/api/me/export").status == 404
    answer = other.get(f"/api/me/exports/{ready['export_id']}")
    assert answer.status == 404 and answer.error_code == "not_found"
    assert signed_in.get(f"/api/me/exports/{ready['export_id']}").json["state"] == "ready"
    for bad in ("nope", "0" * 30, ready["export_id"][:-1] + "g"):
        assert signed_in.get(f"/api/me/exports/{bad}").status == 404


def test_the_export_routes_need_a_session_and_csrf(client, signed_in):
    assert client.get("/api/me/export").status == 401
    assert client.post("/api/me/export").status == 401
    assert signed_in.post("/api/me/export", csrf=False).status == 403
    assert Export.count() == 0


def test_no_export_yet_is_404(signed_in):
    answer = signed_in.get("/api/me/export")
    assert answer.status == 404 and answer.error_code == "no_export"


# --- limits ----------------------------------------------------------------------------------

def test_one_export_in_flight_at_a_time_even_when_asked_at_once(signed_in, aws):
    statuses, barrier = [], threading.Barrier(8)

    def ask():
        barrier.wait()
        statuses.append(signed_in.post("/api/me/export").status)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One wins; the others lose the claim (409) or, racing past the early check, the hour's
    # few tries (429).
    assert statuses.count(202) == 1 and statuses.count(409) >= 1
    assert set(statuses) <= {202, 409, 429} and len(statuses) == 8
    assert Export.count() == 1 and len(take_messages(aws["queue_url"])) == 1


def test_a_new_export_waits_for_the_last_then_a_few_an_hour(signed_in, aws, monkeypatch):
    now = (int(time.time()) // 3600) * 3600 + 60  # early in an hour: one limit window
    monkeypatch.setattr(clock, "now", lambda: now)
    assert signed_in.post("/api/me/export").status == 202
    busy = signed_in.post("/api/me/export")
    assert busy.status == 409 and busy.error_code == "export_in_progress"
    drain(aws["queue_url"])
    assert signed_in.post("/api/me/export").status == 202
    drain(aws["queue_url"])
    assert signed_in.post("/api/me/export").status == 202
    drain(aws["queue_url"])
    limited = signed_in.post("/api/me/export")
    assert limited.status == 429 and limited.headers["retry-after"]
    assert Export.count() == 3
    monkeypatch.setattr(clock, "now", lambda: now + 3600)
    assert signed_in.post("/api/me/export").status == 202


def test_a_claim_whose_job_was_lost_lapses(signed_in, aws, monkeypatch):
    asked = signed_in.post("/api/me/export").json
    take_messages(aws["queue_url"])  # the job is lost (dead-lettered)
    later = clock.now() + export.CLAIM_SECONDS + 1
    monkeypatch.setattr(clock, "now", lambda: later)
    assert signed_in.get(f"/api/me/exports/{asked['export_id']}").json["state"] == "failed"
    assert signed_in.post("/api/me/export").status == 202


# --- the worker: redelivery, takeover, failure -----------------------------------------------

def test_a_redelivered_job_builds_nothing_twice(signed_in, aws):
    give(signed_in, 1)
    signed_in.post("/api/me/export")
    (message,) = take_messages(aws["queue_url"])
    arn = queue_arn(aws["queue_url"])
    module.generation_worker(sqs_event([message], arn), None)
    first = Export.query(signed_in.get("/api/me").json["account_id"]).next()
    module.generation_worker(sqs_event([message], arn), None)
    again = Export.get(first.account_id, first.export_id)
    assert (again.state, again.finished_at, again.started_at) == (
        "ready", first.finished_at, first.started_at)
    assert Account.get(first.account_id).export_active is None


def test_a_building_export_abandoned_by_a_dead_worker_is_taken_over(signed_in, aws):
    export_id = signed_in.post("/api/me/export").json["export_id"]
    (message,) = take_messages(aws["queue_url"])
    account_id = signed_in.get("/api/me").json["account_id"]
    item = Export.get(account_id, export_id)
    recent = int(clock.now()) - 60
    item.update(actions=[Export.state.set("building"), Export.started_at.set(recent)])
    job = jobs_of([message])[0]
    assert export_job.build(job, time.monotonic() + 600) is None  # another worker is on it
    item.update(actions=[Export.started_at.set(recent - WORKER_TIMEOUT_SECONDS)])
    assert export_job.build(job, time.monotonic() + 600)["files"] == 1
    assert signed_in.get("/api/me/export").json["state"] == "ready"


class ShortContext:
    def get_remaining_time_in_millis(self):
        return 1000  # less than the worker's safety margin: out of time at the first image


def test_running_out_of_time_aborts_the_upload_and_fails_the_export(signed_in, aws):
    account_id = signed_in.get("/api/me").json["account_id"]
    seed_gallery(account_id, cartoons=1, scenes_each=2, image_size=1024)
    export_id = signed_in.post("/api/me/export").json["export_id"]
    (message,) = take_messages(aws["queue_url"])
    module.generation_worker(sqs_event([message], queue_arn(aws["queue_url"])), ShortContext())
    described = signed_in.get(f"/api/me/exports/{export_id}").json
    assert described["state"] == "failed" and "try again" in described["reason"]
    assert "download_url" not in described
    assert keys_under("exports/") == [] and open_uploads() == []
    assert Export.get(account_id, export_id).failure == "TimeoutError"
    assert signed_in.post("/api/me/export").status == 202  # the claim was released


def test_a_failure_after_parts_were_sent_aborts_the_upload(signed_in, aws, monkeypatch):
    account_id = signed_in.get("/api/me").json["account_id"]
    seed_gallery(account_id, cartoons=1, scenes_each=8, image_size=1024 * 1024)
    export_id = signed_in.post("/api/me/export").json["export_id"]
    (message,) = take_messages(aws["queue_url"])
    real_read, reads = storage.read, []

    def read_then_fail(key):
        reads.append(key)
        if len(reads) == 7:
            raise ConnectionError("S3 went away")
        return real_read(key)

    monkeypatch.setattr(storage, "read", read_then_fail)
    uploaded = []
    real_upload = multipart.MultipartWriter._upload
    monkeypatch.setattr(multipart.MultipartWriter, "_upload",
                        lambda self: (uploaded.append(1), real_upload(self)))
    assert export_job.build(jobs.parse(message["Body"]), time.monotonic() + 600,
                        part_size=multipart.MIN_PART_SIZE) is None
    assert uploaded  # a part had gone before the failure
    assert open_uploads() == [] and keys_under("exports/") == []
    assert signed_in.get(f"/api/me/exports/{export_id}").json["state"] == "failed"


# --- erasure, expiry, jobs ---------------------------------------------------------------------

def test_erasure_removes_exports_and_their_zips(signed_in, aws):
    give(signed_in, 2)
    account_id = signed_in.get("/api/me").json["account_id"]
    exported(signed_in, aws)
    assert keys_under(f"exports/{account_id}/")
    assert signed_in.delete("/api/me", {"confirm": "ada@example.com"}).status == 200
    assert keys_under("exports/") == []
    assert Export.count() == 0


@pytest.mark.parametrize("when", ["before writing", "while writing", "while completing"])
def test_an_export_written_during_erasure_leaves_no_zip(signed_in, aws, monkeypatch, when):
    """The worker checks the account before it writes, before it completes the upload and
    after: whenever the erasure begins, no zip and no open upload stays."""
    from chalicelib.rights import erasure
    from chalicelib.worker import guard

    account_id = signed_in.get("/api/me").json["account_id"]
    signed_in.post("/api/me/export")
    (message,) = take_messages(aws["queue_url"])
    item = export_job.claim(account_id, jobs.parse(message["Body"])["export_id"])
    if when == "before writing":
        erasure.start(account_id)
    elif when == "while writing":
        real = export_job.account_document
        monkeypatch.setattr(export_job, "account_document", lambda *args: (
            erasure.start(account_id), real(*args))[1])
    else:
        real = multipart.MultipartWriter.complete
        monkeypatch.setattr(multipart.MultipartWriter, "complete", lambda self: (
            real(self), erasure.start(account_id)))
    with pytest.raises(guard.Gone):
        export_job.write_zip(item, time.monotonic() + 600)
    assert keys_under("exports/") == [] and open_uploads() == []
    assert export.finish(item, "ready", size=1, files=1) is False
    erasure.erase(account_id)
    assert keys_under("exports/") == [] and Export.count() == 0


def test_the_cleanup_removes_expired_exports(signed_in, aws):
    signed_in.post("/api/me/export")
    drain(aws["queue_url"])
    hours = get_settings().export_retention_hours
    assert remove_expired(now=clock.now() + hours * 3600 - 60)[Export.Meta.table_name] == 0
    assert remove_expired(now=clock.now() + hours * 3600 + 60)[Export.Meta.table_name] == 1
    assert signed_in.get("/api/me/export").status == 404


@pytest.mark.parametrize("body", [
    {"kind": "export", "account_id": "a1"},
    {"kind": "export", "account_id": "a1", "export_id": "../etc"},
    {"kind": "export", "account_id": "a/1", "export_id": "e1"},
])
def test_a_malformed_export_job_is_refused(body):
    with pytest.raises(jobs.BadJob):
        jobs.parse(json.dumps(body))


def test_export_keys_stay_under_the_exports_prefix():
    assert storage.export_key("acc_1", "e1") == "exports/acc_1/e1.zip"
    for account_id, export_id in (("../users", "e1"), ("a", "x/y"), ("", "e1")):
        with pytest.raises(ValueError):
            storage.export_key(account_id, export_id)
