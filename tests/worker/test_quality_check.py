"""The letterer's quality check: when the look cannot find a character who speaks in a panel,
the panel is drawn once more at the service's cost (the ledger never sees it; the costs report
counts it as a free redraw) and looked at again; a speaker still missing letters the panel by
its staging, with a note the owner sees. Never two free redraws. The looks are kept with the
versions they describe, and choosing a version brings its look back."""

import io

import boto3

from chalicelib.cartoons import scenes
from chalicelib.core.models import Cartoon, LedgerEntry
from chalicelib.core.settings import get_settings
from chalicelib.money import admin
from devtools.cartoons import cartoon_body
from tests.support.cartoons import R, assert_ledger, drain, fund_references, give, key_of

NOBODY = {"figures": [], "empty": []}
ONLY_BRAM = {"figures": [{"name": "Bram", "head": {"left": 0.6, "top": 0.4, "right": 0.8,
                                                   "bottom": 0.6},
                          "mouth": {"x": 0.7, "y": 0.55}}], "empty": []}


def stored(key):
    s3 = boto3.client("s3", region_name="eu-west-3")
    return s3.get_object(Bucket=get_settings().images_bucket, Key=key)["Body"].read()


def submit(signed_in, aws, body):
    account_id = give(signed_in, len(body["scenes"]))
    fund_references(signed_in)
    cartoon_id = signed_in.post("/api/cartoons", body).json["cartoon_id"]
    drain(aws["queue_url"])
    return account_id, cartoon_id


def ledger_causes(account_id):
    return sorted(entry.cause_key.split(":")[0] for entry in LedgerEntry.query(account_id))


def test_a_speaker_still_missing_gets_one_free_redraw_never_two_and_a_note(
        signed_in, aws, openai_fake):
    # Ada speaks in scene 1; the look never finds her (a third answer is left unused).
    openai_fake.on("responses", contains="Panel 1.", behaviours=[NOBODY, NOBODY, NOBODY])
    account_id, cartoon_id = submit(signed_in, aws, cartoon_body(1))

    edits = openai_fake.calls_to("edits")
    assert len(edits) == 2  # the drawing and one free redraw, never a second
    assert "Show Ada clearly in the picture" in edits[1].prompt
    assert len(openai_fake.calls_to("responses")) == 2
    scene = scenes.load(account_id, cartoon_id, 1)
    assert scene.state == "done" and int(scene.attempt) == 0 and len(scene.versions) == 1
    assert openai_fake.origin(stored(scene.image_key)) is edits[1]  # the redrawn panel shown
    assert scene.look == {"figures": [], "empty": [], "source": "staging",
                          "notes": ["speaker_missing:Ada"]}
    # The customer paid for one scene (and the references), once: nothing for the redraw.
    assert assert_ledger(account_id) == 0
    assert ledger_causes(account_id).count("cartoon") == 1
    assert not [c for c in ledger_causes(account_id) if c in ("redraw", "refund")]
    view = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert view["spent"] == 1 + R
    assert view["scenes"][0]["look"]["notes"] == ["speaker_missing:Ada"]
    # The service's cost: both drawings and both looks, the redraw counted as free.
    cartoon = Cartoon.get(account_id, cartoon_id)
    assert int(cartoon.free_redraws) == 1 and int(cartoon.look_calls) == 2
    assert int(cartoon.image_calls) == 3 + 2  # three references, the panel twice
    report, _ = admin.cost_report()
    assert report["low"]["free_redraws"] == 1 and report["low"]["looks"] == 2
    out = io.StringIO()
    admin.main(["costs"], out=out)
    header, low = out.getvalue().splitlines()[1:3]
    assert header.split()[-2:] == ["looks", "free-redraws"] and low.split()[-2:] == ["2", "1"]


def test_a_speaker_found_after_the_free_redraw_is_the_look_of_the_redrawn_panel(
        signed_in, aws, openai_fake):
    openai_fake.on("responses", contains="Panel 1.", behaviours=[NOBODY])
    account_id, cartoon_id = submit(signed_in, aws, cartoon_body(1))
    scene = scenes.load(account_id, cartoon_id, 1)
    assert len(openai_fake.calls_to("edits")) == 2
    assert scene.look["source"] == "look" and scene.look["notes"] == []
    assert [f["name"] for f in scene.look["figures"]] == ["Ada"]
    assert assert_ledger(account_id) == 0


def test_a_silent_character_missing_is_no_reason_to_redraw(signed_in, aws, openai_fake):
    # Scene 3 holds Ada and Bram with only a caption: nobody speaks, nothing to check.
    body = cartoon_body(3)
    openai_fake.on("responses", contains="Panel 3.", behaviours=[ONLY_BRAM])
    account_id, cartoon_id = submit(signed_in, aws, body)
    assert len(openai_fake.calls_to("edits")) == 3  # one drawing per scene, no redraw
    scene = scenes.load(account_id, cartoon_id, 3)
    assert scene.look["source"] == "look"
    assert [f["name"] for f in scene.look["figures"]] == ["Bram"]
    assert not Cartoon.get(account_id, cartoon_id).free_redraws


def test_a_paid_redraw_is_looked_at_and_choosing_a_version_brings_its_look_back(
        signed_in, aws, openai_fake):
    account_id, cartoon_id = submit(signed_in, aws, cartoon_body(1))
    first = scenes.load(account_id, cartoon_id, 1).look
    give(signed_in, 1, cause="redraw-seed")
    moved = {"figures": [{"name": "Ada", "head": {"left": 0.05, "top": 0.1, "right": 0.25,
                                                  "bottom": 0.3},
                          "mouth": {"x": 0.15, "y": 0.25}}], "empty": []}
    openai_fake.on("responses", contains="Panel 1.", behaviours=[moved])
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/1/redraw",
                          {"note": "Ada on the left."}).status == 202
    drain(aws["queue_url"])
    scene = scenes.load(account_id, cartoon_id, 1)
    assert scene.look["figures"][0]["head"] == [0.05, 0.1, 0.25, 0.3]
    assert [v.get("look") for v in scene.versions] == [first, scene.look]
    view = signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/1/version", {"version": 1})
    assert view.status == 200, view
    assert scenes.load(account_id, cartoon_id, 1).look == first
    shown = signed_in.get(f"/api/cartoons/{cartoon_id}").json["scenes"][0]
    assert shown["look"] == first and key_of(shown["image"]["url"])
    assert assert_ledger(account_id) == 0
