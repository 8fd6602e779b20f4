"""What the history says of each entry: the particulars stored when it was written (kind,
title, counts, panel, character, pack), a link while the cartoon exists, the title kept after
it is deleted, and older entries without particulars read from their cause."""

import datetime

from chalicelib.core import clock, ids
from chalicelib.core.models import LedgerEntry
from chalicelib.money import credits
from devtools.cartoons import ACTIONS, cartoon_body
from tests.support.cartoons import drain, give
from tests.support.payments import bought, refund

TITLE = "The attic machine"


def history(client):
    return [e["what"] for e in client.get("/api/credits").json["entries"]]


def by_kind(whats):
    return {w["kind"]: w for w in whats}


def test_a_purchase_and_its_refund_name_the_credits_and_the_pack(buyer, stripe, stripe_api):
    session, _ = bought(stripe_api, stripe, buyer, pack="small")
    assert refund(stripe, stripe_api, session, 500).json["outcome"] == "clawed_back"
    whats = history(buyer)
    assert whats == [{"kind": "clawback", "credits": 10, "pack": "small"},
                     {"kind": "purchase", "credits": 10, "pack": "small"}]


def test_every_cartoon_entry_keeps_its_title_and_links_while_the_cartoon_exists(
        signed_in, aws, openai_fake):
    give(signed_in, 100)
    openai_fake.on("edits", contains=ACTIONS[1], behaviours=["moderation_blocked"])
    body = cartoon_body(3, approve_cast=True)
    cartoon_id = signed_in.post("/api/cartoons", body).json["cartoon_id"]
    drain(aws["queue_url"])
    # A reference redrawn and refused by the provider: its redraw and its refund.
    openai_fake.on("generations", behaviours=["moderation_blocked"])
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/1/redraw", {}).status == 202
    drain(aws["queue_url"])
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/1/redraw", {}).status == 202
    drain(aws["queue_url"])
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/approve", {}).status == 200
    drain(aws["queue_url"])  # scene 2 is refused: refunded
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/3/redraw", {}).status == 202
    drain(aws["queue_url"])

    link = f"/cartoon.html?id={cartoon_id}"
    live = by_kind(history(signed_in))
    assert live["cartoon"] == {"kind": "cartoon", "title": TITLE, "scenes": 3,
                               "characters": 3, "url": link}
    assert live["scene_redraw"] == {"kind": "scene_redraw", "title": TITLE, "panel": 3,
                                    "url": link}
    assert live["scene_refund"] == {"kind": "scene_refund", "title": TITLE, "panel": 2,
                                    "url": link}
    name = body["characters"][1]["name"]
    assert live["reference_redraw"] == {"kind": "reference_redraw", "title": TITLE,
                                        "name": name, "url": link}
    assert live["reference_refund"] == {"kind": "reference_refund", "title": TITLE,
                                        "name": name, "url": link}

    assert signed_in.delete(f"/api/cartoons/{cartoon_id}").status == 200
    gone = history(signed_in)
    assert all("url" not in w for w in gone)  # no link to a cartoon that is gone
    assert {w["kind"]: w.get("title") for w in gone if w["kind"] != "other"} == {
        kind: TITLE for kind in live if kind != "other"}


def old_entry(account_id, cause_key, delta, reason="spend"):
    """An entry as written before entries kept their particulars."""
    LedgerEntry(account_id, ids.new_ledger_id(clock.now() - 3600), delta=delta, reason=reason,
                cause_key=cause_key, note=f"{reason} {cause_key}",
                created_at=datetime.datetime.now(datetime.UTC)).save()


def test_an_older_entry_is_read_from_its_cause_and_its_cartoon_while_it_exists(
        signed_in, aws):
    account_id = give(signed_in, 20)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(1)).json["cartoon_id"]
    drain(aws["queue_url"])
    for cause, delta, reason in (
            (f"cartoon:{cartoon_id}", -1, "spend"), (f"redraw:{cartoon_id}:1:1", -1, "spend"),
            (f"refund:{cartoon_id}:1:1", 1, "refund"),
            (f"refund:{cartoon_id}:r0:0", 1, "refund"),
            (f"reference:{cartoon_id}:0:1", -1, "spend"), ("checkout:cs_old", 10, "purchase"),
            ("adjustment:x", 5, "adjustment")):
        old_entry(account_id, cause, delta, reason)
    link = f"/cartoon.html?id={cartoon_id}"
    olds = sorted(history(signed_in)[-7:], key=lambda w: w["kind"])
    assert olds == sorted([
        {"kind": "cartoon", "title": TITLE, "url": link},
        {"kind": "scene_redraw", "panel": 1, "title": TITLE, "url": link},
        {"kind": "scene_refund", "panel": 1, "title": TITLE, "url": link},
        {"kind": "reference_refund", "title": TITLE, "url": link},
        {"kind": "reference_redraw", "title": TITLE, "url": link},
        {"kind": "purchase", "credits": 10}, {"kind": "adjustment"}],
        key=lambda w: w["kind"])
    assert signed_in.delete(f"/api/cartoons/{cartoon_id}").status == 200
    gone = [w for w in history(signed_in) if w["kind"] == "scene_redraw"]
    assert gone == [{"kind": "scene_redraw", "panel": 1}]  # no title was kept: none shown


def test_an_operators_adjustment_and_a_seed_have_their_kinds():
    assert credits.from_cause("adjustment:abc", 5) == {"kind": "adjustment"}
    assert credits.from_cause("test-seed:abc", 5) == {"kind": "other"}
    assert credits._particulars({"kind": "nope", "title": 3, "panel": True}) == {
        "kind": "other"}
