"""A redraw is an edit of the version shown: what the real openai SDK sends to the local
stand-in (the previous panel first, then the references of exactly the scene's characters, and
the note and changed action in the prompt)."""

import boto3

from chalicelib.core.models import Scene
from chalicelib.core.settings import get_settings
from devtools.cartoons import ACTIONS, cartoon_body
from tests.support.cartoons import assert_ledger, drain, fund_references, give, key_of


def stored(key):
    s3 = boto3.client("s3", region_name="eu-west-3")
    return s3.get_object(Bucket=get_settings().images_bucket, Key=key)["Body"].read()


def test_a_redraw_sends_the_previous_version_first_then_the_references(signed_in, aws,
                                                                       openai_fake):
    account_id = give(signed_in, 20)
    fund_references(signed_in)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(3)).json["cartoon_id"]
    drain(aws["queue_url"])
    before = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    shown = stored(key_of(before["scenes"][2]["image"]["url"]))  # scene 3: Ada and Bram
    first_draw = openai_fake.origin(shown)
    assert first_draw is not None and ACTIONS[2] in first_draw.prompt
    edits_before = len(openai_fake.calls_to("edits"))

    response = signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/3/redraw",
                              {"action": "Ada and Bram float over the harbour.",
                               "note": "Make Bram's scarf bigger."})
    assert response.status == 202, response
    drain(aws["queue_url"])

    edit = openai_fake.calls_to("edits")[edits_before]
    assert len(openai_fake.calls_to("edits")) == edits_before + 1
    assert len(edit.images) == 3  # the previous panel, then Ada's and Bram's references
    assert edit.images[0][3] == shown and openai_fake.origin(edit.images[0][3]) is first_draw
    origins = [openai_fake.origin(image[3]) for image in edit.images[1:]]
    assert "Draw Ada alone" in origins[0].prompt and "Draw Bram alone" in origins[1].prompt
    assert "Image 1 is the current version of this panel" in edit.prompt
    assert "- Image 2: Ada:" in edit.prompt and "- Image 3: Bram:" in edit.prompt
    assert "What to change from image 1: Make Bram's scarf bigger." in edit.prompt
    assert "Ada and Bram float over the harbour." in edit.prompt
    assert ACTIONS[2] not in edit.prompt
    # the scene model (and its quality) of the cartoon's quality level, "low"
    assert (edit.fields["model"], edit.fields["quality"]) == get_settings().scene_model("low")

    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json["scenes"][2]
    new_png = stored(key_of(after["image"]["url"]))
    assert openai_fake.origin(new_png) is edit and after["chosen_version"] == 2
    assert stored(key_of(after["versions"][0]["url"])) == shown  # version 1 is kept as it was
    assert assert_ledger(account_id) == 20 - 3 - 1


def test_a_redraw_of_a_scene_with_nobody_in_it_is_still_an_edit_of_its_panel(signed_in, aws,
                                                                           openai_fake):
    give(signed_in, 20)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(5)).json["cartoon_id"]
    drain(aws["queue_url"])  # scene 5 has no characters: drawn by the generations endpoint
    scene = Scene.get(signed_in.get("/api/me").json["account_id"], f"{cartoon_id}#05")
    shown = stored(scene.image_key)
    assert openai_fake.origin(shown).endpoint == "generations"
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/5/redraw",
                          {"note": "More sunflowers"}).status == 202
    drain(aws["queue_url"])
    edit = openai_fake.calls_to("edits")[-1]
    assert [image[3] for image in edit.images] == [shown]
    assert "More sunflowers" in edit.prompt


def test_a_first_drawing_that_failed_is_drawn_afresh_not_edited(signed_in, aws, openai_fake):
    give(signed_in, 20)
    openai_fake.on("edits", contains=ACTIONS[0], behaviours=["moderation_blocked"])
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(1)).json["cartoon_id"]
    drain(aws["queue_url"])
    scene = signed_in.get(f"/api/cartoons/{cartoon_id}").json["scenes"][0]
    assert scene["state"] == "failed" and scene["versions"] == [] and scene["image"] is None
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/scenes/1/redraw",
                          {"note": "A rainy day"}).status == 202
    drain(aws["queue_url"])
    edit = openai_fake.calls_to("edits")[-1]
    assert len(edit.images) == 1 and "Image 1 is the current version" not in edit.prompt
    assert "Also: A rainy day" in edit.prompt
    scene = signed_in.get(f"/api/cartoons/{cartoon_id}").json["scenes"][0]
    assert scene["state"] == "done" and [v["version"] for v in scene["versions"]] == [1]
