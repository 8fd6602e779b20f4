"""The character library: saving a drawn reference, listing (one Query, signed cursors),
deleting, reusing a saved character in a new cartoon (copied, not redrawn, not charged),
isolation between accounts, and the library in the data export and the erasure."""

import io
import json
import zipfile

import boto3

from chalicelib.core.models import LedgerEntry, PendingErasure, SavedCharacter
from chalicelib.core.settings import get_settings
from devtools.cartoons import cartoon_body
from devtools.client import ApiClient
from tests.support.cartoons import assert_ledger, drain, give, key_of
from tests.support.leftovers import (
    dump_everything,
    objects_of_account,
    objects_of_library,
    saved_characters_of,
)

REF = 1  # a reference of a low cartoon: one scene's price


def read_object(url):
    s3 = boto3.client("s3", region_name="eu-west-3")
    return s3.get_object(Bucket=get_settings().images_bucket, Key=key_of(url))["Body"].read()


def drawn_cartoon(client, aws, **changes):
    response = client.post("/api/cartoons", cartoon_body(2, approve_cast=True, **changes))
    assert response.status == 202, response
    drain(aws["queue_url"])
    return response.json["cartoon_id"]


def save(client, cartoon_id, index):
    return client.post("/api/characters", {"cartoon_id": cartoon_id, "index": index})


def test_a_drawn_reference_is_saved_listed_and_deleted(signed_in, aws):
    account_id = give(signed_in, 100)
    cartoon_id = drawn_cartoon(signed_in, aws)
    reference = signed_in.get(f"/api/cartoons/{cartoon_id}").json["cast"][1]
    saved = save(signed_in, cartoon_id, 1)
    assert saved.status == 201, saved
    assert saved.json["name"] == "Bram" and saved.json["source_cartoon_id"] == cartoon_id
    assert read_object(saved.json["url"]) == read_object(reference["image"]["url"])
    assert key_of(saved.json["url"]).startswith(f"users/{account_id}/library/")
    listed = signed_in.get("/api/characters").json
    assert [c["id"] for c in listed["characters"]] == [saved.json["id"]]
    assert listed["next_cursor"] is None
    assert signed_in.get(f"/api/characters/{saved.json['id']}").json["name"] == "Bram"

    assert signed_in.delete(f"/api/characters/{saved.json['id']}").status == 200
    assert signed_in.get("/api/characters").json["characters"] == []
    assert signed_in.get(f"/api/characters/{saved.json['id']}").status == 404
    assert objects_of_library(account_id) == []
    # the cartoon keeps its own reference
    assert read_object(signed_in.get(f"/api/cartoons/{cartoon_id}").json["cast"][1]["image"][
        "url"])


def test_the_library_is_paged_newest_first_with_signed_cursors(signed_in, aws):
    give(signed_in, 100)
    cartoons = [drawn_cartoon(signed_in, aws), drawn_cartoon(signed_in, aws)]
    ids = [save(signed_in, cartoons[i // 3], i % 3).json["id"] for i in range(5)]
    first = signed_in.get("/api/characters?limit=2").json
    assert [c["id"] for c in first["characters"]] == ids[::-1][:2]
    second = signed_in.get(f"/api/characters?limit=2&cursor={first['next_cursor']}").json
    third = signed_in.get(f"/api/characters?limit=2&cursor={second['next_cursor']}").json
    assert [c["id"] for c in second["characters"] + third["characters"]] == ids[::-1][2:]
    assert third["next_cursor"] is None
    forged = first["next_cursor"][:-2] + "00"
    assert signed_in.get(f"/api/characters?cursor={forged}").status == 400
    gallery_cursor = first["next_cursor"].split(".")[0] + ".abc"
    assert signed_in.get(f"/api/characters?cursor={gallery_cursor}").status == 400


def test_only_a_drawn_reference_of_ones_own_cartoon_can_be_saved(app, signed_in, aws):
    give(signed_in, 100)
    waiting = signed_in.post("/api/cartoons", cartoon_body(2, approve_cast=True)).json[
        "cartoon_id"]
    not_drawn = save(signed_in, waiting, 0)
    assert not_drawn.status == 409 and not_drawn.json["error"]["code"] == "reference_not_ready"
    drain(aws["queue_url"])
    for index in (3, -1):
        assert save(signed_in, waiting, index).status == 404
    assert signed_in.post("/api/characters", {"cartoon_id": waiting}).status == 400
    other = ApiClient(app)
    other.sign_in("bob@example.com")
    assert save(other, waiting, 0).status == 404
    assert saved_characters_of(other.get("/api/me").json["account_id"]) == []


def test_a_saved_character_is_reused_not_redrawn_and_not_charged(signed_in, aws, openai_fake):
    account_id = give(signed_in, 100)
    first = drawn_cartoon(signed_in, aws)
    saved = save(signed_in, first, 0).json
    picture = read_object(saved["url"])
    before = assert_ledger(account_id)
    openai_fake.calls.clear()

    body = cartoon_body(2, approve_cast=True)
    body["characters"][0]["saved_id"] = saved["id"]
    response = signed_in.post("/api/cartoons", body)
    assert response.status == 202, response
    second = response.json["cartoon_id"]
    cost = 2 * 1 + 2 * REF  # two scenes, and only Bram and Cleo are drawn
    assert assert_ledger(account_id) == before - cost
    state = signed_in.get(f"/api/cartoons/{second}").json
    assert state["cost"] == cost
    assert (state["cast"][0]["state"], state["cast"][0]["credits"],
            state["cast"][0]["saved_id"]) == ("done", 0, saved["id"])
    assert read_object(state["cast"][0]["image"]["url"]) == picture

    drain(aws["queue_url"])
    drawn = [c.prompt for c in openai_fake.calls_to("generations")]
    assert len(drawn) == 2 and not any("Ada:" in prompt for prompt in drawn)
    assert signed_in.post(f"/api/cartoons/{second}/cast/approve", {}).status == 200
    drain(aws["queue_url"])
    ada_scene = [c for c in openai_fake.calls_to("edits") if "Ada finds" in c.prompt]
    assert len(ada_scene) == 1 and ada_scene[0].images[0][3] == picture  # the saved picture
    assert signed_in.get(f"/api/cartoons/{second}").json["status"] == "done"
    spends = [e for e in LedgerEntry.query(account_id) if e.cause_key == f"cartoon:{second}"]
    assert [int(e.delta) for e in spends] == [-cost]


def test_another_accounts_saved_character_cannot_be_listed_read_deleted_or_used(
        app, signed_in, aws):
    give(signed_in, 100)
    cartoon_id = drawn_cartoon(signed_in, aws)
    saved = save(signed_in, cartoon_id, 0).json
    other = ApiClient(app)
    other.sign_in("bob@example.com")
    other_id = give(other, 100)
    assert other.get("/api/characters").json["characters"] == []
    assert other.get(f"/api/characters/{saved['id']}").status == 404
    assert other.delete(f"/api/characters/{saved['id']}").status == 404
    body = cartoon_body(2)
    body["characters"][0]["saved_id"] = saved["id"]
    refused = other.post("/api/cartoons", body)
    assert refused.status == 400, refused
    assert refused.json["error"]["details"]["field"] == "characters[0].saved_id"
    assert assert_ledger(other_id) == 100 and objects_of_account(other_id) == []
    for bad in ("nope", "1" * 30, "../x"):
        body["characters"][0]["saved_id"] = bad
        assert other.post("/api/cartoons", body).status == 400
    assert signed_in.get(f"/api/characters/{saved['id']}").status == 200  # still there


def test_the_library_is_exported_with_its_pictures(signed_in, aws):
    give(signed_in, 100)
    cartoon_id = drawn_cartoon(signed_in, aws)
    saved = save(signed_in, cartoon_id, 2).json
    assert signed_in.post("/api/me/export").status == 202
    drain(aws["queue_url"])
    ready = signed_in.get("/api/me/export").json
    archive = zipfile.ZipFile(io.BytesIO(read_object(ready["download_url"])))
    document = json.loads(archive.read("account.json"))
    (kept,) = document["saved_characters"]
    assert (kept["id"], kept["name"], kept["source_cartoon_id"]) == (saved["id"], "Cleo",
                                                                      cartoon_id)
    assert archive.read(kept["image"]) == read_object(saved["url"])
    characters = document["cartoons"][0]["characters"]
    assert [c["reference_state"] for c in characters] == ["done"] * 3
    assert all(archive.read(c["image"]) for c in characters)


def test_the_library_is_erased_with_the_account(signed_in, aws):
    account_id = give(signed_in, 100)
    cartoon_id = drawn_cartoon(signed_in, aws)
    saved = save(signed_in, cartoon_id, 0).json
    assert objects_of_library(account_id)
    assert signed_in.delete("/api/me", {"confirm": "ada@example.com"}).status == 200
    assert objects_of_library(account_id) == [] and objects_of_account(account_id) == []
    assert saved_characters_of(account_id) == []
    everything = dump_everything(but=[PendingErasure])
    assert saved["id"] not in everything and account_id not in everything
    assert list(SavedCharacter.scan()) == []


def test_saving_a_reference_twice_keeps_one_entry_and_says_so(signed_in, aws):
    account_id = give(signed_in, 100)
    cartoon_id = drawn_cartoon(signed_in, aws)
    first = save(signed_in, cartoon_id, 1)
    assert first.status == 201 and first.json["already_saved"] is False
    # the cartoon's character now names its entry: the page shows it in the library
    assert signed_in.get(f"/api/cartoons/{cartoon_id}").json["cast"][1]["saved_id"] == \
        first.json["id"]
    again = save(signed_in, cartoon_id, 1)
    assert again.status == 201 and again.json["already_saved"] is True
    assert again.json["id"] == first.json["id"]
    assert [c.character_id for c in saved_characters_of(account_id)] == [first.json["id"]]
    # once deleted from the library, it can be saved again, as a new entry
    assert signed_in.delete(f"/api/characters/{first.json['id']}").status == 200
    anew = save(signed_in, cartoon_id, 1)
    assert anew.json["already_saved"] is False and anew.json["id"] != first.json["id"]
    assert len(saved_characters_of(account_id)) == 1


def test_saving_a_character_that_came_from_the_library_answers_its_entry(signed_in, aws):
    account_id = give(signed_in, 100)
    saved = save(signed_in, drawn_cartoon(signed_in, aws), 0).json
    body = cartoon_body(2, approve_cast=True)
    body["characters"][0]["saved_id"] = saved["id"]
    second = signed_in.post("/api/cartoons", body).json["cartoon_id"]
    drain(aws["queue_url"])
    again = save(signed_in, second, 0)
    assert again.status == 201 and again.json["already_saved"] is True
    assert again.json["id"] == saved["id"]
    assert len(saved_characters_of(account_id)) == 1


def test_the_library_holds_at_most_its_cap(signed_in, aws, monkeypatch):
    from chalicelib.core import vocabulary

    monkeypatch.setattr(vocabulary, "MAX_SAVED_CHARACTERS", 2)
    account_id = give(signed_in, 100)
    cartoon_id = drawn_cartoon(signed_in, aws)
    assert [save(signed_in, cartoon_id, i).status for i in (0, 1)] == [201, 201]
    full = save(signed_in, cartoon_id, 2)
    assert full.status == 409 and full.json["error"]["code"] == "library_full"
    assert full.json["error"]["details"] == {"limit": 2}
    assert save(signed_in, cartoon_id, 0).json["already_saved"] is True  # not a new one
    assert len(saved_characters_of(account_id)) == 2
    assert len(objects_of_library(account_id)) == 4  # two pictures each, none left over


def test_a_saved_character_is_renamed_and_redescribed_by_its_owner_only(
        app, signed_in, aws):
    give(signed_in, 100)
    cartoon_id = drawn_cartoon(signed_in, aws)
    saved = save(signed_in, cartoon_id, 0).json
    path = f"/api/characters/{saved['id']}"
    renamed = signed_in.patch(path, {"name": "  Adela "})
    assert renamed.status == 200, renamed
    assert (renamed.json["name"], renamed.json["description"]) == ("Adela",
                                                                  saved["description"])
    described = signed_in.patch(path, {"description": "Tall, a red scarf."})
    assert described.json["name"] == "Adela"
    assert signed_in.get(path).json["description"] == "Tall, a red scarf."
    for bad in ({}, {"name": " "}, {"name": "n" * 61}, {"description": "d" * 501},
                {"name": "A", "colour": "red"}):
        assert signed_in.patch(path, bad).status == 400, bad
    # the cartoon keeps the words it was drawn with
    assert signed_in.get(f"/api/cartoons/{cartoon_id}").json["cast"][0]["name"] == "Ada"
    other = ApiClient(app)
    other.sign_in("bob@example.com")
    assert other.patch(path, {"name": "Mine"}).status == 404
    assert signed_in.get(path).json["name"] == "Adela"
