"""The worker through the real queue and handler, drawing offline: progress, storage under the
account's prefix, thumbnails, the strip, caption edits (free) and redraws (paid)."""

import io
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from PIL import Image

from chalicelib.core.models import LedgerEntry
from chalicelib.core.settings import get_settings
from chalicelib.money import credits
from devtools.cartoons import ACTIONS, cartoon_body
from tests.support.cartoons import (
    R,
    assert_ledger,
    deliver,
    drain,
    give,
    jobs_of,
    key_of,
    references_cost,
    take_messages,
)


def s3():
    return boto3.client("s3", region_name="eu-west-3")


def stored_keys(prefix=""):
    answer = s3().list_objects_v2(Bucket=get_settings().images_bucket, Prefix=prefix)
    return sorted(item["Key"] for item in answer.get("Contents", []))


def stored(key):
    return s3().get_object(Bucket=get_settings().images_bucket, Key=key)



def made(client, aws, scenes=3, **changes):
    cartoon_id = client.post("/api/cartoons", cartoon_body(scenes, **changes)).json["cartoon_id"]
    drain(aws["queue_url"])
    return cartoon_id, client.get(f"/api/cartoons/{cartoon_id}").json


def test_a_cartoon_is_drawn_stored_under_the_account_and_composed(signed_in, aws):
    account_id = give(signed_in, 10 + R)
    cartoon_id, state = made(signed_in, aws, 3)
    assert state["status"] == "done" and state["progress"]["done"] == 3
    prefix = f"users/{account_id}/cartoons/{cartoon_id}/"
    keys = stored_keys()
    assert keys and all(key.startswith(prefix) for key in keys)
    # every character's reference (Cleo's too: the cast is shown whole), and its thumbnail
    assert {f"{prefix}characters/{n}-0.{ext}" for n in (1, 2, 3) for ext in ("png", "webp")
            } <= set(keys)

    for scene in state["scenes"]:
        image = scene["image"]
        assert key_of(image["url"]).startswith(prefix)
        panel = stored(key_of(image["url"]))
        assert panel["ContentType"] == "image/png"
        thumb = stored(key_of(image["thumbnail_url"]))
        assert thumb["ContentType"] == "image/webp"
        small = Image.open(io.BytesIO(thumb["Body"].read()))
        assert small.format == "WEBP" and max(small.size) <= 320
        query = parse_qs(urlsplit(image["download_url"]).query)
        assert int(query["X-Amz-Expires"][0]) <= 900
        assert "attachment" in query["response-content-disposition"][0]
    strip = Image.open(io.BytesIO(stored(key_of(state["strip"]["url"]))["Body"].read()))
    assert strip.format == "PNG" and strip.width > strip.height  # three panels in a row
    assert stored(key_of(state["strip"]["thumbnail_url"]))["ContentType"] == "image/webp"
    assert assert_ledger(account_id) == 7


def test_progress_shows_each_scene_as_it_finishes(signed_in, aws):
    give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(3)).json["cartoon_id"]
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))  # references
    scene_jobs = take_messages(aws["queue_url"])
    assert sorted(job["scene"] for job in jobs_of(scene_jobs)) == [1, 2, 3]
    first = next(m for m in scene_jobs if jobs_of([m])[0]["scene"] == 2)
    deliver(aws["queue_url"], first)
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert [s["state"] for s in state["scenes"]] == ["queued", "done", "queued"]
    assert state["status"] == "drawing" and state["progress"]["done"] == 1
    assert state["scenes"][1]["image"] and state["scenes"][0]["image"] is None
    deliver(aws["queue_url"], *[m for m in scene_jobs if m is not first])
    assert signed_in.get(f"/api/cartoons/{cartoon_id}").json["status"] == "done"


def test_editing_a_caption_recomposes_the_strip_and_costs_nothing(signed_in, aws):
    account_id = give(signed_in, 10 + R)
    cartoon_id, before = made(signed_in, aws, 2)
    entries = LedgerEntry.count(account_id)
    response = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2",
                               {"caption": "  Later that day…  ", "dialogue": "Miaow!",
                                "speaker": "bram"})
    assert response.status == 200, response
    answer = response.json
    assert answer["scenes"][1]["caption"] == "Later that day…"
    assert answer["scenes"][1]["speaker"] == "Bram"
    # The API only saves the text and queues a recompose: the worker draws the strip.
    assert answer["status"] == "composing" and answer["strip"] is None
    assert drain(aws["queue_url"]) == 1
    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert after["status"] == "done"
    assert key_of(after["strip"]["url"]) != key_of(before["strip"]["url"])
    assert key_of(before["strip"]["url"]) not in stored_keys()  # the old strip is gone
    assert stored(key_of(after["strip"]["url"]))["ContentType"] == "image/png"
    assert credits.balance(account_id) == 8 and LedgerEntry.count(account_id) == entries

    cleared = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2", {"dialogue": ""}).json
    assert cleared["scenes"][1]["dialogue"] == "" and cleared["scenes"][1]["speaker"] == ""
    for body, field in (({"caption": "c" * 201}, "caption"), ({"speaker": "Cleo"}, "speaker"),
                        ({"action": "new"}, "action"), ({}, "caption")):
        response = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2", body)
        assert response.status == 400, body
        assert response.json["error"]["details"]["field"].endswith(field)


def test_a_caption_edited_while_drawing_is_in_the_strip_when_it_is_composed(signed_in, aws):
    give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(2)).json["cartoon_id"]
    response = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/1", {"caption": "Early"})
    assert response.status == 200 and response.json["strip"] is None
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["scenes"][0]["caption"] == "Early" and state["status"] == "done"


def test_a_redraw_costs_the_scenes_credits_and_draws_it_again(signed_in, aws):
    references = references_cost(3, "medium")  # one medium scene's price each
    account_id = give(signed_in, 10 + references)
    cartoon_id, before = made(signed_in, aws, 2, quality="medium")
    old_image = key_of(before["scenes"][0]["image"]["url"])
    response = signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/1/redraw")
    assert response.status == 202, response
    assert response.json == {"cartoon_id": cartoon_id, "scene": 1, "attempt": 1, "cost": 2,
                             "balance": 4}
    during = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert during["scenes"][0]["state"] == "queued" and during["strip"] is None
    assert during["status"] == "drawing"
    again = signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/1/redraw")
    assert again.status == 409 and again.error_code == "scene_in_progress"

    drain(aws["queue_url"])
    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert after["status"] == "done" and after["scenes"][0]["attempt"] == 1
    new_image = key_of(after["scenes"][0]["image"]["url"])
    assert new_image != old_image and old_image in stored_keys()  # kept as version 1
    assert [(v["version"], v["chosen"]) for v in after["scenes"][0]["versions"]] == [
        (1, False), (2, True)]
    assert after["spent"] == 4 + references + 2  # the cartoon (its references too), the redraw
    assert key_of(after["strip"]["url"]) != key_of(before["strip"]["url"])
    spends = sorted(e.cause_key for e in LedgerEntry.query(account_id) if e.reason == "spend")
    assert spends == [f"cartoon:{cartoon_id}", f"redraw:{cartoon_id}:1:1"]
    assert assert_ledger(account_id) == 4


def test_a_redraw_without_enough_credits_is_402_and_changes_nothing(signed_in, aws):
    account_id = give(signed_in, 2 + R)
    cartoon_id, _ = made(signed_in, aws, 2)
    response = signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/2/redraw", {})
    assert response.status == 402 and response.json["error"]["details"] == {"shortfall": 1}
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["scenes"][1]["attempt"] == 0 and state["status"] == "done"
    assert take_messages(aws["queue_url"]) == [] and assert_ledger(account_id) == 0


def test_a_failed_reference_is_redrawn_then_the_scene_it_spoiled(signed_in, aws, openai_fake):
    account_id = give(signed_in, 10 + 2 * R)
    openai_fake.on("generations", contains="Draw Bram alone", behaviours=[500] * 3)
    cartoon_id, state = made(signed_in, aws, 2)
    assert state["scenes"][1]["state"] == "failed" and state["scenes"][1]["refunded"] == 1
    assert state["cast"][1]["state"] == "failed" and state["cast"][1]["refunded"] == R // 3
    assert credits.balance(account_id) == 10 + 2 * R - (2 + R) + 1 + R // 3
    # a drawn reference stays once the scenes are released; a failed one may be redrawn
    drawn = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/0/redraw", {})
    assert drawn.status == 409 and drawn.error_code == "cast_approved"
    response = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/1/redraw", {})
    assert response.status == 202, response
    drain(aws["queue_url"])
    assert signed_in.get(f"/api/cartoons/{cartoon_id}").json["cast_state"] == "released"
    response = signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/2/redraw")
    assert response.status == 202
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["status"] == "done" and state["scenes"][1]["state"] == "done"
    assert "reason" not in state["scenes"][1]
    bram = [c for c in openai_fake.calls_to("generations") if "Draw Bram alone" in c.prompt]
    assert len(bram) == 4  # three failed tries, then the reference's redraw
    edit = next(c for c in openai_fake.calls_to("edits") if ACTIONS[1] in c.prompt)
    assert openai_fake.origin(edit.images[0][3]) is bram[-1]
    assert assert_ledger(account_id) == 10 + 2 * R - (2 + R) + 1 + R // 3 - R // 3 - 1


def test_a_malformed_job_is_dropped_without_retry(aws):
    import json

    from devtools.cartoons import sqs

    for body in ("not json", json.dumps({"kind": "paint"}),
                 json.dumps({"kind": "scene", "account_id": "a", "cartoon_id": "c"})):
        sqs().send_message(QueueUrl=aws["queue_url"], MessageBody=body)
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))  # does not raise


def test_a_strip_that_failed_to_compose_is_composed_when_the_job_is_retried(
        signed_in, aws, monkeypatch):
    from chalicelib.comic import pages

    give(signed_in, 5 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(1)).json["cartoon_id"]
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))
    scene_job = take_messages(aws["queue_url"])
    compose = pages.compose

    def broken(*args, **kwargs):
        raise OSError("the bucket hiccuped")

    monkeypatch.setattr(pages, "compose", broken)
    with pytest.raises(OSError):  # so that SQS delivers the job again
        deliver(aws["queue_url"], *scene_job)
    assert signed_in.get(f"/api/cartoons/{cartoon_id}").json["status"] == "composing"
    monkeypatch.setattr(pages, "compose", compose)
    deliver(aws["queue_url"], *scene_job)  # SQS delivers it again
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["status"] == "done" and state["strip"] is not None
    assert state["scenes"][0]["attempt"] == 0
