"""The real openai SDK against a local server speaking the Images and Moderations APIs: what is
sent, and what each kind of failure does to the scene, the refund and the ledger."""

import json
import threading
import time

import pytest

from chalicelib.adapters import images
from chalicelib.comic import layouts, lettering
from chalicelib.core.models import Cartoon, LedgerEntry, Scene
from chalicelib.money import credits
from chalicelib.worker import entry
from devtools.cartoons import ACTIONS, CHARACTERS, cartoon_body
from tests.support.cartoons import R, assert_ledger, deliver, drain, give, jobs_of, take_messages
from tests.support.openai_stand_in import use_openai


def submit(client, body, **kwargs):
    response = client.post("/api/cartoons", body, **kwargs)
    assert response.status == 202, response
    return response.json["cartoon_id"]


def view(client, cartoon_id):
    return client.get(f"/api/cartoons/{cartoon_id}").json


def scene(client, cartoon_id, number):
    return view(client, cartoon_id)["scenes"][number - 1]


def refunds(account_id):
    return [e for e in LedgerEntry.query(account_id) if e.reason == "refund"]


def test_references_come_first_then_each_scene_is_an_edit_with_exactly_its_characters(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 20 + R)
    cartoon_id = submit(signed_in, cartoon_body(8))
    drain(aws["queue_url"])

    state = view(signed_in, cartoon_id)
    assert state["status"] == "done", state
    references = openai_fake.calls_to("generations")
    # One reference per character, then the scene without anybody (scene 5) as a generation.
    prompts = [call.prompt for call in references]
    for character in CHARACTERS:
        assert sum(f"Draw {character['name']} alone" in p for p in prompts) == 1
        assert any(character["description"] in p for p in prompts)
    edits = openai_fake.calls_to("edits")
    assert len(edits) == 7 and len(references) == 4
    from devtools.cartoons import CASTS

    for call in edits:
        number = next(i for i, action in enumerate(ACTIONS) if action in call.prompt) + 1
        cast = CASTS[number - 1]
        carried = [openai_fake.origin(data) for _, _, _, data in call.images]
        assert all(origin is not None and origin.endpoint == "generations"
                   for origin in carried), "an edit carried an image that is no reference"
        carried_names = [next(c["name"] for c in CHARACTERS
                              if f"Draw {c['name']} alone" in origin.prompt)
                         for origin in carried]
        assert carried_names == cast, (number, carried_names)
        assert [name for name, *_ in call.images] == ["image[]"] * len(cast)
        for name in cast:  # the same written descriptions travel with the references
            assert next(c["description"] for c in CHARACTERS if c["name"] == name) in call.prompt
        assert "sleepy seaside town" in call.prompt and "Ligne claire" not in call.prompt
        assert "Franco-Belgian ligne claire" in call.prompt
        # Drawn at its page cell's shape, staged as its balloons will point.
        width, height = layouts.drawing_sizes("auto", 8)[number - 1]
        assert call.fields["model"] == "gpt-image-2.5-sunburst-2026-09-08"
        assert "input_fidelity" not in call.fields  # the model takes none
        assert call.fields["size"] == f"{width}x{height}"
        staged = ", ".join(f"{name} on the {side}" for name, side in
                           lettering.default_staging(cast).items())
        assert f"Stage the characters: {staged}." in call.prompt
        assert call.fields["quality"] == "low" and call.fields["n"] == "1"
        assert account_id not in json.dumps(call.fields)  # a keyed hash, never the account
        assert call.fields["safety_identifier"]
    sheets = [call for call in references if " alone, full body" in call.prompt]
    # references: portrait, at no less than medium, whatever the scenes' quality
    assert len(sheets) == 3 and {call.fields["size"] for call in sheets} == {"1024x1536"}
    assert {call.fields["quality"] for call in sheets} == {"medium"}
    assert {call.fields["size"] for call in edits} == {"1008x960"}  # rows of two
    # Each reference was drawn before any scene needed it.
    first_edit = openai_fake.calls.index(edits[0])
    assert all(openai_fake.calls.index(call) < first_edit for call in references[:3])
    assert assert_ledger(account_id) == 12


def test_server_errors_are_retried_then_the_scene_is_done(signed_in, aws, openai_fake):
    account_id = give(signed_in, 5 + R)
    openai_fake.on("edits", contains=ACTIONS[1], behaviours=[500, 500])
    cartoon_id = submit(signed_in, cartoon_body(2))
    drain(aws["queue_url"])
    assert [s["state"] for s in view(signed_in, cartoon_id)["scenes"]] == ["done", "done"]
    assert len([c for c in openai_fake.calls_to("edits") if ACTIONS[1] in c.prompt]) == 3
    assert refunds(account_id) == [] and assert_ledger(account_id) == 3


def test_a_provider_that_keeps_failing_fails_the_scene_and_refunds_it_once(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5 + R)
    openai_fake.on("edits", contains=ACTIONS[1], behaviours=[500] * 10)
    cartoon_id = submit(signed_in, cartoon_body(3))
    drain(aws["queue_url"])

    state = view(signed_in, cartoon_id)
    failed = state["scenes"][1]
    assert failed["state"] == "failed" and failed["refunded"] == 1
    assert "error" in failed["reason"] and "500" not in failed["reason"]
    assert state["status"] == "incomplete" and state["strip"] is None
    assert [s["state"] for s in state["scenes"]] == ["done", "failed", "done"]
    assert len([c for c in openai_fake.calls_to("edits") if ACTIONS[1] in c.prompt]) == 3
    assert [e.cause_key for e in refunds(account_id)] == [f"refund:{cartoon_id}:2:0"]
    assert assert_ledger(account_id) == 5 - 3 + 1


def test_a_redelivered_failed_scene_job_is_not_drawn_or_refunded_again(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5 + R)
    openai_fake.on("edits", behaviours=[500] * 3)
    submit(signed_in, cartoon_body(1))
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))  # the references job
    scene_job = take_messages(aws["queue_url"])
    assert jobs_of(scene_job)[0]["kind"] == "scene"
    for _ in range(3):
        deliver(aws["queue_url"], *scene_job)
    assert len(openai_fake.calls_to("edits")) == 3  # one delivery's three attempts
    assert len(refunds(account_id)) == 1
    assert assert_ledger(account_id) == 5


def test_a_timeout_fails_the_scene_with_a_reason_and_a_refund(signed_in, aws, monkeypatch,
                                                              openai_fake):
    use_openai(monkeypatch, openai_fake, image_timeout_seconds=0.5, image_attempts=2)
    openai_fake.slow_seconds = 2
    account_id = give(signed_in, 5 + R)
    openai_fake.on("edits", behaviours=["timeout", "timeout"])
    cartoon_id = submit(signed_in, cartoon_body(1))
    drain(aws["queue_url"])
    failed = scene(signed_in, cartoon_id, 1)
    assert failed["state"] == "failed" and "too long" in failed["reason"]
    assert failed["refunded"] == 1 and assert_ledger(account_id) == 5
    assert len(openai_fake.calls_to("edits")) == 2


def test_an_image_blocked_by_the_safety_system_fails_at_once_with_its_reason(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5 + R)
    openai_fake.on("edits", contains=ACTIONS[0], behaviours=["moderation_blocked"])
    cartoon_id = submit(signed_in, cartoon_body(2))
    drain(aws["queue_url"])
    blocked = scene(signed_in, cartoon_id, 1)
    assert blocked["state"] == "failed" and "safety system" in blocked["reason"]
    assert len([c for c in openai_fake.calls_to("edits") if ACTIONS[0] in c.prompt]) == 1
    assert scene(signed_in, cartoon_id, 2)["state"] == "done"
    assert assert_ledger(account_id) == 5 - 2 + 1


def test_an_unreadable_image_fails_the_scene(signed_in, aws, openai_fake):
    account_id = give(signed_in, 5 + R)
    openai_fake.on("edits", behaviours=["bad_image"])
    cartoon_id = submit(signed_in, cartoon_body(1))
    drain(aws["queue_url"])
    assert "could not read" in scene(signed_in, cartoon_id, 1)["reason"]
    assert assert_ledger(account_id) == 5


def test_a_reference_that_fails_fails_the_scenes_it_is_in_and_no_other(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5 + R)
    openai_fake.on("generations", contains="Draw Bram alone",
                   behaviours=["moderation_blocked"])
    cartoon_id = submit(signed_in, cartoon_body(3))  # Ada; Bram; Ada and Bram
    drain(aws["queue_url"])
    states = view(signed_in, cartoon_id)["scenes"]
    assert [s["state"] for s in states] == ["done", "failed", "failed"]
    assert "Bram's reference" in states[1]["reason"]
    assert all("Bram" not in c.prompt for c in openai_fake.calls_to("edits"))
    assert view(signed_in, cartoon_id)["cast"][1]["refunded"] == R // 3  # the reference too
    assert len(refunds(account_id)) == 3 and assert_ledger(account_id) == 5 - 3 + 2 + R // 3


def test_the_same_scene_message_delivered_three_times_draws_one_image_and_charges_once(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5 + R)
    cartoon_id = submit(signed_in, cartoon_body(1))
    references_job = take_messages(aws["queue_url"])
    for _ in range(3):  # a redelivered references job draws each reference once
        deliver(aws["queue_url"], *references_job)
    assert len(openai_fake.calls_to("generations")) == 3  # one per character
    scene_jobs = take_messages(aws["queue_url"])
    assert len(scene_jobs) == 1  # the cast is released once, however often the job comes
    threads = [threading.Thread(target=deliver, args=(aws["queue_url"], scene_jobs[0]))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deliver(aws["queue_url"], scene_jobs[0])
    assert len(openai_fake.calls_to("edits")) == 1
    assert scene(signed_in, cartoon_id, 1)["state"] == "done"
    spends = [e for e in LedgerEntry.query(account_id) if e.reason == "spend"]
    assert [int(e.delta) for e in spends] == [-1 - R] and refunds(account_id) == []
    assert assert_ledger(account_id) == 4


def test_flagged_text_gets_422_and_costs_nothing(signed_in, aws, openai_fake):
    account_id = give(signed_in, 5 + R)
    body = cartoon_body(3)
    body["scenes"][2]["caption"] = "Something about a FORBIDDEN-TOPIC here."
    response = signed_in.post("/api/cartoons", body)
    assert response.status == 422 and response.error_code == "content_flagged"
    assert response.json["error"]["details"]["field"] == "scenes[2].caption"
    assert "nothing was charged" in response.json["error"]["message"]
    moderation = openai_fake.calls_to("moderations")
    assert len(moderation) == 1 and body["context"] in moderation[0].fields["input"]
    assert moderation[0].fields["model"] == "omni-moderation-latest"
    assert credits.balance(account_id) == 5 + R and assert_ledger(account_id) == 5 + R
    assert Cartoon.count() == 0 and Scene.count() == 0
    assert take_messages(aws["queue_url"]) == [] and openai_fake.calls_to("generations") == []


def test_moderation_that_cannot_answer_charges_nothing(signed_in, aws, openai_fake):
    account_id = give(signed_in, 5 + R)
    openai_fake.on("moderations", behaviours=[500, 500])
    response = signed_in.post("/api/cartoons", cartoon_body(1))
    assert response.status == 503 and "nothing was charged" in response.json["error"]["message"]
    assert assert_ledger(account_id) == 5 + R and Cartoon.count() == 0


def test_a_flagged_caption_edit_is_refused(signed_in, aws, openai_fake):
    give(signed_in, 5 + R)
    cartoon_id = submit(signed_in, cartoon_body(1))
    drain(aws["queue_url"])
    response = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/1",
                               {"caption": "FORBIDDEN-TOPIC"})
    assert response.status == 422
    assert scene(signed_in, cartoon_id, 1)["caption"] == "Caption 1"


def test_no_try_starts_that_the_deadline_cannot_let_finish(openai_fake):
    provider = images.get_image_provider()
    request = images.ReferenceRequest(images.Character("Ada", "An inventor"), "style",
                                         "ctx", "low", "user")
    with pytest.raises(images.DrawingFailed) as failed:
        provider.reference(request, deadline=time.monotonic() + 1)  # the timeout is 2 s
    assert failed.value.code == "timeout" and openai_fake.calls == []

    class LambdaContext:
        def get_remaining_time_in_millis(self):
            return 120_000

    left = entry.deadline_for(LambdaContext()) - time.monotonic()
    assert 120 - entry.SAFETY_SECONDS - 1 < left <= 120 - entry.SAFETY_SECONDS
