"""Redraws with a changed action and a note, and the versions a scene keeps: validation, money,
the versions limit, choosing a version (free, composes the pages again), a failed redraw that
keeps showing the chosen version, isolation and CSRF. Drawn offline through the real queue."""

import pytest

from chalicelib.core.models import LedgerEntry, PendingErasure
from chalicelib.money import credits
from devtools.cartoons import ACTIONS, cartoon_body
from devtools.client import ApiClient
from tests.support.cartoons import (
    R,
    assert_ledger,
    drain,
    fund_references,
    give,
    jobs_of,
    key_of,
    take_messages,
)
from tests.support.leftovers import dump_everything, objects_of_account, objects_of_cartoon


def made(client, aws, scenes=2, **changes):
    """Submit and draw a cartoon; its references are funded just before, so the balances
    the tests read are about scenes and redraws only (the references' cost shows in spent)."""
    fund_references(client)
    response = client.post("/api/cartoons", cartoon_body(scenes, **changes))
    assert response.status == 202, response
    drain(aws["queue_url"])
    return response.json["cartoon_id"]


def redraw(client, cartoon_id, number=1, body=None, **kwargs):
    return client.post(f"/api/cartoons/{cartoon_id}/scenes/{number}/redraw", body, **kwargs)


def choose(client, cartoon_id, number, version, **kwargs):
    return client.post(f"/api/cartoons/{cartoon_id}/scenes/{number}/version",
                       {"version": version}, **kwargs)


def scene_of(client, cartoon_id, number=1):
    return client.get(f"/api/cartoons/{cartoon_id}").json["scenes"][number - 1]


def test_a_redraw_with_a_changed_action_and_a_note_stores_both(signed_in, aws):
    account_id = give(signed_in, 10)
    cartoon_id = made(signed_in, aws)
    response = redraw(signed_in, cartoon_id, 1, {"action": "  Ada opens the machine.  ",
                                                 "note": "Make the attic darker."})
    assert response.status == 202, response
    assert response.json["cost"] == 1 and response.json["balance"] == 7
    during = scene_of(signed_in, cartoon_id)
    assert during["state"] == "queued" and during["action"] == "Ada opens the machine."
    assert during["note"] == "Make the attic darker."
    assert during["image"] is not None  # the chosen version is shown while it is redrawn
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    versions = state["scenes"][0]["versions"]
    assert [(v["version"], v["chosen"], v["note"]) for v in versions] == [
        (1, False, ""), (2, True, "Make the attic darker.")]
    assert versions[0]["action"] == ACTIONS[0]
    assert versions[1]["action"] == "Ada opens the machine."
    assert state["scenes"][0]["chosen_version"] == 2 and "note" not in state["scenes"][0]
    assert key_of(state["scenes"][0]["image"]["url"]) == key_of(versions[1]["url"])
    assert state["status"] == "done" and state["spent"] == 3 + R and state["cost"] == 2 + R
    assert assert_ledger(account_id) == 7


def test_neither_action_nor_note_redraws_as_before(signed_in, aws):
    give(signed_in, 10)
    cartoon_id = made(signed_in, aws)
    assert redraw(signed_in, cartoon_id, 2, {}).status == 202
    assert redraw(signed_in, cartoon_id, 1, None).status == 202  # no body at all
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert [len(s["versions"]) for s in state["scenes"]] == [2, 2]
    assert state["scenes"][1]["action"] == ACTIONS[1] and state["spent"] == 4 + R


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"note": "n" * 301}, "note", "too_long"),
    ({"note": 5}, "note", "wrong_type"),
    ({"note": "bad\u0007bell"}, "note", "invalid_field"),
    ({"action": ""}, "action", "missing_field"),
    ({"action": "   "}, "action", "missing_field"),
    ({"action": "a" * 601}, "action", "too_long"),
    ({"action": ["x"]}, "action", "wrong_type"),
    ({"colour": "red"}, "colour", "unknown_field"),
])
def test_bad_redraw_bodies_are_400_naming_the_field_and_charge_nothing(signed_in, aws, body,
                                                                       field, code):
    account_id = give(signed_in, 10)
    cartoon_id = made(signed_in, aws)
    response = redraw(signed_in, cartoon_id, 1, body)
    assert response.status == 400, response
    assert response.error_code == code and response.json["error"]["details"]["field"] == field
    assert credits.balance(account_id) == 8 and take_messages(aws["queue_url"]) == []
    assert scene_of(signed_in, cartoon_id)["attempt"] == 0


def test_a_flagged_note_or_action_is_refused_before_any_charge(signed_in, aws, openai_fake):
    account_id = give(signed_in, 10)
    cartoon_id = made(signed_in, aws)
    for body, field in (({"note": "add FORBIDDEN-TOPIC"}, "note"),
                        ({"action": "Ada does FORBIDDEN-TOPIC"}, "action")):
        response = redraw(signed_in, cartoon_id, 1, body)
        assert response.status == 422 and response.error_code == "content_flagged"
        assert response.json["error"]["details"]["field"] == field
    assert credits.balance(account_id) == 8 and take_messages(aws["queue_url"]) == []
    assert scene_of(signed_in, cartoon_id)["action"] == ACTIONS[0]


def test_a_redraw_without_credits_is_402_and_changes_nothing(signed_in, aws):
    account_id = give(signed_in, 2)
    cartoon_id = made(signed_in, aws)
    response = redraw(signed_in, cartoon_id, 1, {"action": "Ada sleeps.", "note": "Night."})
    assert response.status == 402 and response.json["error"]["details"] == {"shortfall": 1}
    scene = scene_of(signed_in, cartoon_id)
    assert scene["action"] == ACTIONS[0] and scene["attempt"] == 0 and len(scene["versions"]) == 1
    assert take_messages(aws["queue_url"]) == [] and assert_ledger(account_id) == 0


def test_versions_beyond_the_limit_drop_the_oldest_not_chosen(signed_in, aws, override_settings):
    override_settings(scene_versions_kept=3)
    account_id = give(signed_in, 20)
    cartoon_id = made(signed_in, aws, 1)
    first = scene_of(signed_in, cartoon_id)["versions"][0]
    for n in range(2):
        assert redraw(signed_in, cartoon_id, 1, {"note": f"take {n + 2}"}).status == 202
        drain(aws["queue_url"])
    # Show version 1 again: it is the oldest, but chosen, so version 2 goes first.
    assert choose(signed_in, cartoon_id, 1, 1).status == 200
    drain(aws["queue_url"])
    assert redraw(signed_in, cartoon_id, 1, {"note": "take 4"}).status == 202
    drain(aws["queue_url"])
    scene = scene_of(signed_in, cartoon_id)
    assert [v["version"] for v in scene["versions"]] == [1, 3, 4]
    assert scene["chosen_version"] == 4
    assert redraw(signed_in, cartoon_id, 1, {"note": "take 5"}).status == 202
    drain(aws["queue_url"])
    scene = scene_of(signed_in, cartoon_id)
    assert [v["version"] for v in scene["versions"]] == [3, 4, 5]
    # The objects of the dropped versions are gone; the kept ones (and nothing else) stay.
    kept = {key_of(v[name]) for v in scene["versions"] for name in ("url", "thumbnail_url")}
    panels = {k for k in objects_of_cartoon(account_id, cartoon_id) if "/scenes/" in k}
    assert panels == kept and key_of(first["url"]) not in panels
    assert assert_ledger(account_id) == 20 - 1 - 4


def test_choosing_a_version_is_free_and_composes_the_pages_again(signed_in, aws):
    account_id = give(signed_in, 10)
    cartoon_id = made(signed_in, aws)
    before = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert redraw(signed_in, cartoon_id, 1, {"action": "Ada waves.", "note": "Smile"}).status \
        == 202
    drain(aws["queue_url"])
    redrawn = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    entries = LedgerEntry.count(account_id)

    response = choose(signed_in, cartoon_id, 1, 1)
    assert response.status == 200, response
    scene = response.json["scenes"][0]
    assert scene["chosen_version"] == 1 and scene["action"] == ACTIONS[0]
    assert response.json["status"] == "composing" and response.json["strip"] is None
    assert [jobs_of(take_messages(aws["queue_url"]))[0]["kind"]] == ["recompose"]
    assert choose(signed_in, cartoon_id, 1, 1).status == 200  # already shown: nothing queued
    assert take_messages(aws["queue_url"]) == []
    signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/1/version", {"version": 2})
    signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/1/version", {"version": 1})
    drain(aws["queue_url"])
    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert after["status"] == "done"
    # The pages show version 1 again: the same inputs as before the redraw.
    assert key_of(after["scenes"][0]["image"]["url"]) == key_of(
        before["scenes"][0]["image"]["url"])
    assert key_of(after["strip"]["url"]) != key_of(redrawn["strip"]["url"])
    assert LedgerEntry.count(account_id) == entries and credits.balance(account_id) == 7


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"version": 9}, 404, "no_such_version"),
    ({"version": "1"}, 400, "wrong_type"),
    ({}, 400, "missing_field"),
    ({"version": True}, 400, "wrong_type"),
])
def test_choosing_a_version_that_is_not_kept_is_refused(signed_in, aws, body, status, code):
    give(signed_in, 10)
    cartoon_id = made(signed_in, aws)
    response = signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/1/version", body)
    assert response.status == status and response.error_code == code
    assert take_messages(aws["queue_url"]) == []


def test_choosing_while_a_redraw_is_in_flight_is_409(signed_in, aws):
    give(signed_in, 10)
    cartoon_id = made(signed_in, aws)
    assert redraw(signed_in, cartoon_id, 1, {}).status == 202
    response = choose(signed_in, cartoon_id, 1, 1)
    assert response.status == 409 and response.error_code == "scene_in_progress"


def test_a_failed_redraw_refunds_once_and_keeps_showing_the_chosen_version(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 10)
    cartoon_id = made(signed_in, aws)
    before = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    openai_fake.on("edits", contains="Make it rain", behaviours=["moderation_blocked"])
    assert redraw(signed_in, cartoon_id, 1, {"note": "Make it rain"}).status == 202
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    scene = state["scenes"][0]
    assert scene["state"] == "done" and scene["redraw_failed"] is True
    assert "safety system" in scene["reason"] and scene["refunded"] == 1
    assert scene["failure"] == "moderation_blocked"  # the code the site words in French
    assert key_of(scene["image"]["url"]) == key_of(before["scenes"][0]["image"]["url"])
    assert len(scene["versions"]) == 1 and scene["chosen_version"] == 1
    # Its pages are still current: nothing to compose, and the cartoon reads done.
    assert state["status"] == "done" and key_of(state["strip"]["url"]) == key_of(
        before["strip"]["url"])
    assert state["spent"] == 2 + R and assert_ledger(account_id) == 8
    refunds = [e for e in LedgerEntry.query(account_id) if e.reason == "refund"]
    assert [e.cause_key for e in refunds] == [f"refund:{cartoon_id}:1:1"]
    # A later redraw that succeeds clears the failure.
    assert redraw(signed_in, cartoon_id, 1, {"note": "Sunny"}).status == 202
    drain(aws["queue_url"])
    scene = scene_of(signed_in, cartoon_id)
    assert "reason" not in scene and scene["chosen_version"] == 2
    assert assert_ledger(account_id) == 7


VERSION_ROUTES = [("POST", "/api/cartoons/{id}/scenes/1/redraw", {"note": "Mine"}),
                  ("POST", "/api/cartoons/{id}/scenes/1/version", {"version": 1})]


@pytest.mark.parametrize(("method", "path", "body"), VERSION_ROUTES)
def test_another_accounts_scene_is_not_found(app, aws, method, path, body):
    owner = ApiClient(app, ip="198.51.100.30")
    owner.sign_in("owner@example.com")
    owner_id = give(owner, 5)
    cartoon_id = made(owner, aws, 1)
    stranger = ApiClient(app, ip="198.51.100.31")
    stranger.sign_in("stranger@example.com")
    stranger_id = give(stranger, 5)
    response = stranger.request(method, path.format(id=cartoon_id), body)
    assert response.status == 404 and "users/" not in response.body.decode()
    assert credits.balance(owner_id) == 4 and credits.balance(stranger_id) == 5
    assert take_messages(aws["queue_url"]) == []
    assert scene_of(owner, cartoon_id)["attempt"] == 0


@pytest.mark.parametrize(("method", "path", "body"), VERSION_ROUTES)
def test_the_redraw_and_version_routes_need_the_csrf_token(signed_in, aws, method, path, body):
    account_id = give(signed_in, 5)
    cartoon_id = made(signed_in, aws, 1)
    missing = signed_in.request(method, path.format(id=cartoon_id), body, csrf=False)
    assert missing.status == 403 and missing.error_code == "csrf_missing"
    wrong = signed_in.request(method, path.format(id=cartoon_id), body,
                              headers={"x-csrf-token": "0" * 64})
    assert wrong.status == 403 and wrong.error_code == "csrf_invalid"
    assert credits.balance(account_id) == 4 and take_messages(aws["queue_url"]) == []


def test_deleting_the_cartoon_or_the_account_removes_every_version(signed_in, aws, app):
    account_id = give(signed_in, 20)
    doomed, kept = made(signed_in, aws, 1), made(signed_in, aws, 1)
    for cartoon_id in (doomed, kept, kept):
        assert redraw(signed_in, cartoon_id, 1, {"note": "again"}).status == 202
        drain(aws["queue_url"])
    assert len(scene_of(signed_in, kept)["versions"]) == 3
    versions = [k for k in objects_of_cartoon(account_id, doomed) if "/scenes/" in k]
    assert len(versions) == 4  # two versions, each a panel and a thumbnail
    assert signed_in.delete(f"/api/cartoons/{doomed}").status == 200
    assert objects_of_cartoon(account_id, doomed) == []
    # A redraw in flight (its note stored) when the account is erased: nothing stays.
    assert redraw(signed_in, kept, 1, {"note": "a note to erase"}).status == 202
    assert signed_in.delete("/api/me", {"confirm": "ada@example.com"}).status == 200
    drain(aws["queue_url"])
    assert objects_of_account(account_id) == []
    assert account_id not in dump_everything(but=[PendingErasure])
    assert "a note to erase" not in dump_everything()
