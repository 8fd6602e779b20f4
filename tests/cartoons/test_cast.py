"""Cast first: references drawn before any scene and shown as they come, the owner's approval,
redraws of one reference with a note (charged once, refunded at most once), and a cartoon
deleted while its cast waits refunding its undrawn scenes once."""

import threading

import pytest

from chalicelib.cartoons import cast, specs
from chalicelib.core.models import Cartoon, LedgerEntry, Scene
from chalicelib.money import credits
from devtools.cartoons import cartoon_body
from devtools.client import ApiClient
from tests.support.cartoons import assert_ledger, drain, give, jobs_of, take_messages

REF = 1  # one low scene's price: what each reference of a low cartoon costs by default
SCENES = 3  # cartoon_body(3) at low quality: 1 credit a scene


def submit(client, approve=True, **changes):
    response = client.post("/api/cartoons", cartoon_body(SCENES, approve_cast=approve,
                                                         **changes))
    assert response.status == 202, response
    return response.json["cartoon_id"]


def state_of(client, cartoon_id):
    return client.get(f"/api/cartoons/{cartoon_id}").json


def test_references_come_first_and_the_scenes_wait_for_approval(signed_in, aws):
    account_id = give(signed_in, 100)
    cartoon_id = submit(signed_in)
    cost = SCENES * 1 + 3 * REF
    assert assert_ledger(account_id) == 100 - cost
    spends = [(int(e.delta), e.cause_key) for e in LedgerEntry.query(account_id)
              if e.reason == "spend"]
    assert spends == [(-cost, f"cartoon:{cartoon_id}")]  # one debit: scenes and references
    first = state_of(signed_in, cartoon_id)
    assert first["status"] == "cast" and first["cast_state"] == "drawing"
    assert [(c["name"], c["state"], c["image"]) for c in first["cast"]] == [
        ("Ada", "queued", None), ("Bram", "queued", None), ("Cleo", "queued", None)]
    assert first["cost"] == cost

    drain(aws["queue_url"])
    waiting = state_of(signed_in, cartoon_id)
    assert waiting["status"] == "cast" and waiting["cast_state"] == "waiting"
    assert [c["state"] for c in waiting["cast"]] == ["done"] * 3
    assert all(c["image"]["url"] and c["image"]["thumbnail_url"] for c in waiting["cast"])
    assert [s["state"] for s in waiting["scenes"]] == ["queued"] * SCENES
    # held, not stuck: out of the cleanup's in-flight index
    assert all(s.inflight_hour is None for s in Scene.query(account_id))
    assert take_messages(aws["queue_url"]) == []

    approved = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {})
    assert approved.status == 200, approved
    assert approved.json["cast_state"] == "approved"
    assert all(s.inflight_hour for s in Scene.query(account_id))
    drain(aws["queue_url"])
    done = state_of(signed_in, cartoon_id)
    assert done["status"] == "done" and [s["state"] for s in done["scenes"]] == ["done"] * 3
    assert assert_ledger(account_id) == 100 - cost
    again = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {})
    assert again.status == 409 and again.json["error"]["code"] == "cast_approved"


@pytest.mark.parametrize(("quality", "drawn"), [
    ("low", "medium"), ("medium", "medium"), ("high", "high")])
def test_references_are_portrait_at_the_cartoons_tier_never_below_medium(
        signed_in, aws, openai_fake, quality, drawn):
    account_id = give(signed_in, 100)
    submit(signed_in, approve=False, quality=quality)
    drain(aws["queue_url"])
    generations = openai_fake.calls_to("generations")
    assert len(generations) == 3
    assert {(c.fields["size"], c.fields["quality"]) for c in generations} == {
        ("1024x1536", drawn)}
    assert specs.reference_quality(quality) == drawn
    # each reference cost one scene of the cartoon's quality
    each = specs.quality_credits(quality)
    assert assert_ledger(account_id) == 100 - (SCENES + 3) * each


def test_draw_everything_at_once_keeps_todays_flow(signed_in, aws):
    account_id = give(signed_in, 100)
    cartoon_id = submit(signed_in, approve=None)  # an API client that never sends it
    assert state_of(signed_in, cartoon_id)["cast_state"] == "auto"
    drain(aws["queue_url"])
    done = state_of(signed_in, cartoon_id)
    assert done["status"] == "done" and done["cast_state"] == "released"
    assert [c["state"] for c in done["cast"]] == ["done"] * 3
    assert assert_ledger(account_id) == 100 - SCENES - 3 * REF
    response = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/0/redraw", {})
    assert response.status == 409 and response.json["error"]["code"] == "cast_approved"


def test_a_redraw_with_a_note_is_charged_once_and_reaches_the_prompt(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 100)
    cartoon_id = submit(signed_in)
    drain(aws["queue_url"])
    before = state_of(signed_in, cartoon_id)["cast"][1]
    response = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/1/redraw",
                              {"note": "Make the scarf blue, please."})
    assert response.status == 202, response
    assert response.json["cost"] == REF and response.json["attempt"] == 1
    assert response.json["balance"] == 100 - SCENES - 3 * REF - REF
    during = state_of(signed_in, cartoon_id)
    assert during["cast_state"] == "drawing" and during["cast"][1]["state"] == "queued"
    blocked = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {})
    assert blocked.status == 409 and blocked.json["error"]["code"] == "cast_drawing"
    again = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/1/redraw", {})
    assert again.status == 409 and again.json["error"]["code"] == "reference_in_progress"

    openai_fake.calls.clear()
    drain(aws["queue_url"])
    after = state_of(signed_in, cartoon_id)
    assert after["cast_state"] == "waiting" and after["cast"][1]["state"] == "done"
    assert after["cast"][1]["note"] == "Make the scarf blue, please."
    assert after["cast"][1]["image"]["url"] != before["image"]["url"]
    prompts = [c.prompt for c in openai_fake.calls_to("generations")]
    assert len(prompts) == 1 and "Make the scarf blue, please." in prompts[0]
    assert "Bram" in prompts[0]
    causes = [e.cause_key for e in LedgerEntry.query(account_id) if e.reason == "spend"]
    assert sorted(causes) == sorted([f"cartoon:{cartoon_id}", f"reference:{cartoon_id}:1:1"])
    assert assert_ledger(account_id) == 100 - SCENES - 4 * REF


def test_a_failed_reference_is_refunded_once_and_blocks_approval_until_redrawn(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 100)
    openai_fake.on("generations", behaviours=["moderation_blocked"] * 3)
    cartoon_id = submit(signed_in)
    drain(aws["queue_url"])
    waiting = state_of(signed_in, cartoon_id)
    assert waiting["cast_state"] == "waiting"
    failed = [c for c in waiting["cast"] if c["state"] == "failed"]
    assert len(failed) == 3 and all(c["refunded"] == REF for c in failed)
    assert assert_ledger(account_id) == 100 - SCENES
    blocked = signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {})
    assert blocked.status == 409 and blocked.json["error"]["code"] == "cast_incomplete"
    # the failure is not refunded twice, however often the worker tries
    cartoon = Cartoon.get(account_id, cartoon_id)
    assert cast.fail(cartoon, 0, 0, code="timeout", reason="again") is False
    for index in range(3):
        assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/{index}/redraw", {}).status \
            == 202
    drain(aws["queue_url"])
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {}).status == 200
    drain(aws["queue_url"])
    assert state_of(signed_in, cartoon_id)["status"] == "done"
    assert assert_ledger(account_id) == 100 - SCENES - 3 * REF


def test_deleting_a_cartoon_whose_cast_waits_refunds_its_undrawn_scenes_once(signed_in, aws):
    account_id = give(signed_in, 100)
    cartoon_id = submit(signed_in)
    drain(aws["queue_url"])
    response = signed_in.delete(f"/api/cartoons/{cartoon_id}")
    assert response.status == 200, response
    refunds = [(int(e.delta), e.cause_key) for e in LedgerEntry.query(account_id)
               if e.reason == "refund"]
    assert sorted(refunds) == [(1, f"refund:{cartoon_id}:{n}:0") for n in (1, 2, 3)]
    assert assert_ledger(account_id) == 100 - 3 * REF  # the drawn references stay paid
    assert signed_in.get(f"/api/cartoons/{cartoon_id}").status == 404
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {}).status == 404


def test_deletion_is_refused_while_the_references_are_drawn(signed_in, aws):
    give(signed_in, 100)
    cartoon_id = submit(signed_in)
    response = signed_in.delete(f"/api/cartoons/{cartoon_id}")
    assert response.status == 409


@pytest.mark.parametrize("rounds", [6])
def test_approve_racing_a_redraw_or_a_deletion_ends_clean(app, aws, rounds):
    for n in range(rounds):
        client = ApiClient(app)
        client.sign_in(f"race{n}@example.com")
        account_id = give(client, 100)
        cartoon_id = submit(client)
        drain(aws["queue_url"])
        results = {}

        def call(name, method, path, client=client, results=results):
            results[name] = getattr(client, method)(path, {} if method == "post" else None)

        threads = [threading.Thread(target=call, args=a) for a in (
            ("approve", "post", f"/api/cartoons/{cartoon_id}/cast/approve"),
            ("redraw", "post", f"/api/cartoons/{cartoon_id}/cast/2/redraw"),
            ("redraw2", "post", f"/api/cartoons/{cartoon_id}/cast/2/redraw"),
            ("delete", "delete", f"/api/cartoons/{cartoon_id}"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = {name: r.status for name, r in results.items()}
        # at most one of the two redraws of the same reference is charged
        assert [statuses["redraw"], statuses["redraw2"]].count(202) <= 1
        # approval and redraw exclude each other
        assert not (statuses["approve"] == 200 and 202 in (statuses["redraw"],
                                                            statuses["redraw2"]))
        drain(aws["queue_url"])
        found = client.get(f"/api/cartoons/{cartoon_id}")
        if statuses["delete"] == 200:
            assert statuses["approve"] != 200
            assert found.status == 404
        elif found.json["cast_state"] == "waiting":  # the redraw won: approve now
            assert client.post(f"/api/cartoons/{cartoon_id}/cast/approve", {}).status == 200
            drain(aws["queue_url"])
        redraws = sum(1 for e in LedgerEntry.query(account_id)
                      if e.cause_key.startswith(f"reference:{cartoon_id}"))
        assert redraws == [statuses["redraw"], statuses["redraw2"]].count(202)
        refunds = [e.cause_key for e in LedgerEntry.query(account_id) if e.reason == "refund"]
        assert len(refunds) == len(set(refunds))
        expected = 100 - 3 * REF - REF * redraws
        if statuses["delete"] != 200:
            expected -= SCENES
            assert client.get(f"/api/cartoons/{cartoon_id}").json["status"] == "done"
        assert assert_ledger(account_id) == expected
        assert credits.balance(account_id) == expected


def test_another_account_cannot_approve_or_redraw_a_cast(app, signed_in, aws):
    give(signed_in, 100)
    cartoon_id = submit(signed_in)
    drain(aws["queue_url"])
    other = ApiClient(app)
    other.sign_in("other@example.com")
    give(other, 100)
    for path in (f"/api/cartoons/{cartoon_id}/cast/approve",
                 f"/api/cartoons/{cartoon_id}/cast/0/redraw"):
        response = other.post(path, {})
        assert response.status == 404, path
    assert jobs_of(take_messages(aws["queue_url"])) == []
    for bad in ("6", "-1", "x", "00000"):
        assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/{bad}/redraw", {}).status \
            == 404


def test_the_cost_shown_counts_every_charge_less_every_refund(signed_in, aws, openai_fake):
    """`spent` is what the cartoon took from the balance: its charge (scenes and references),
    a paid reference redraw, a scene redraw, and nothing for a reference redraw that failed
    and was refunded. The admin's per-cartoon credits read the same ledger the same way."""
    from chalicelib.money import admin

    account_id = give(signed_in, 100)
    cartoon_id = submit(signed_in)
    drain(aws["queue_url"])
    assert state_of(signed_in, cartoon_id)["spent"] == SCENES + 3 * REF
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/1/redraw",
                          {"note": "A blue scarf."}).status == 202
    drain(aws["queue_url"])
    assert state_of(signed_in, cartoon_id)["spent"] == SCENES + 4 * REF  # the paid redraw
    openai_fake.on("generations", behaviours=["moderation_blocked"])
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/2/redraw", {}).status == 202
    drain(aws["queue_url"])
    failed = state_of(signed_in, cartoon_id)
    assert failed["cast"][2]["state"] == "failed" and failed["cast"][2]["refunded"] == REF
    assert failed["spent"] == SCENES + 4 * REF  # charged, then refunded: nothing kept
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/2/redraw", {}).status == 202
    drain(aws["queue_url"])
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {}).status == 200
    drain(aws["queue_url"])
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/2/redraw",
                          {"note": "Closer."}).status == 202
    drain(aws["queue_url"])
    done = state_of(signed_in, cartoon_id)
    assert done["status"] == "done"
    assert done["spent"] == SCENES + 5 * REF + 1 == 100 - assert_ledger(account_id)
    causes = sorted(e.cause_key.split(":")[0] for e in LedgerEntry.query(account_id)
                    if e.cause_key.startswith(("cartoon:", "reference:", "redraw:", "refund:")))
    assert causes == ["cartoon", "redraw", "reference", "reference", "reference", "refund"]
    assert admin.credits_kept()[cartoon_id] == done["spent"]
