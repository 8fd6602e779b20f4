"""The look step: the real openai SDK speaks the Responses API to the stand-in (as strict about
the request and its schema as the real endpoint), and an answer that cannot be trusted
(malformed, out of range, a name not in the panel, a refusal) falls back to the staging, the
panel still done and charged once. Offline, the look is the renderer's own geometry."""

import base64
import dataclasses
import io
import json
import re
import time

import pytest
from PIL import Image

from chalicelib.adapters import look
from chalicelib.cartoons import scenes
from chalicelib.core import settings as settings_module
from chalicelib.core.models import Cartoon
from chalicelib.core.settings import get_settings
from devtools.cartoons import cartoon_body
from devtools.fakes.openai_api import API_KEY
from devtools.fakes.structured_outputs import strict_problem
from tests.support.cartoons import R, assert_ledger, drain, fund_references, give


def png(side=64):
    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 220, 240)).save(out, "PNG")
    return out.getvalue()


def looker(fake):
    settings = dataclasses.replace(get_settings(), openai_api_key=API_KEY,
                                   openai_base_url=fake.base_url)
    return look.looker_for(settings)


def request(names=("Ada", "Bram")):
    return look.LookRequest(image=png(), names=names, number=3, user="u" * 32)


def box(left, top, right, bottom):
    return {"left": left, "top": top, "right": right, "bottom": bottom}


def answer(*figures, empty=()):
    return {"figures": [{"name": name, "head": box(*head), "mouth": {"x": m[0], "y": m[1]}}
                        for name, head, m in figures], "empty": [box(*b) for b in empty]}


def test_a_good_answer_is_the_look_with_its_cost(openai_fake):
    openai_fake.on("responses", behaviours=[answer(
        ("Ada", (0.1, 0.2, 0.3, 0.45), (0.2, 0.4)), ("Bram", (0.6, 0.5, 0.8, 0.7), (0.7, 0.65)),
        empty=[(0, 0, 1, 0.18)])])
    seen = looker(openai_fake).look(request(), time.monotonic() + 30)
    assert seen.look.source == "look"
    assert seen.look.figure("Ada").head == (0.1, 0.2, 0.3, 0.45)
    assert seen.look.figure("Bram").mouth == (0.7, 0.65)
    assert seen.look.empty == ((0.0, 0.0, 1.0, 0.18),)
    (call,) = openai_fake.calls_to("responses")
    body = call.fields
    # a dated snapshot, not stored at OpenAI, the account named only by its keyed hash
    assert re.fullmatch(r"gpt-[\w.-]+-\d{4}-\d{2}-\d{2}", body["model"])
    assert body["store"] is False and body["safety_identifier"] == "u" * 32
    parts = body["input"][0]["content"]
    image = next(p for p in parts if p["type"] == "input_image")
    assert image["image_url"] == "data:image/png;base64," + base64.b64encode(png()).decode()
    assert "Ada, Bram" in next(p["text"] for p in parts if p["type"] == "input_text")
    form = body["text"]["format"]
    assert form["strict"] is True and form["type"] == "json_schema"
    names = form["schema"]["properties"]["figures"]["items"]["properties"]["name"]["enum"]
    assert names == ["Ada", "Bram"]
    # priced with OPENAI_LOOK_PRICE: (400 + a quarter of the prompt) in, 900 out
    given = 400 + len(call.prompt) // 4
    assert seen.usage == {"input_tokens": given, "output_tokens": 900}
    assert seen.cost == round(given * 0.75 + 900 * 4.5)


def test_the_stand_in_finds_everyone_by_default_and_the_schema_is_strict(openai_fake):
    seen = looker(openai_fake).look(request(("Ada", "Bram", "Cleo")), time.monotonic() + 30)
    assert [f.name for f in seen.look.figures] == ["Ada", "Bram", "Cleo"]
    assert strict_problem(look.schema(("Ada",))) is None


BAD = {
    "malformed": ("text:{\"figures\": [", "bad_look"),
    "out_of_range": (answer(("Ada", (0.1, 0.2, 1.4, 0.5), (0.2, 0.4))), "bad_look"),
    "empty_box": (answer(("Ada", (0.5, 0.2, 0.3, 0.5), (0.2, 0.4))), "bad_look"),
    "unknown_name": (answer(("Zed", (0.1, 0.2, 0.3, 0.5), (0.2, 0.4))), "bad_look"),
    "twice": (answer(("Ada", (0.1, 0.2, 0.3, 0.5), (0.2, 0.4)),
                     ("Ada", (0.5, 0.2, 0.7, 0.5), (0.6, 0.4))), "bad_look"),
    "refused": ("refusal", "refused"),
    "content_filter": ("content_filter", "refused"),
    "server_error": (500, "provider_error"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_an_answer_that_cannot_be_trusted_is_a_failure_that_still_cost(openai_fake, name):
    behaviour, code = BAD[name]
    openai_fake.on("responses", behaviours=[behaviour])
    with pytest.raises(look.LookFailed) as failed:
        looker(openai_fake).look(request(), time.monotonic() + 30)
    assert failed.value.code == code
    if code != "provider_error":  # an answer came: it is paid for
        assert failed.value.seen.cost > 0


def test_no_time_left_asks_nothing(openai_fake):
    with pytest.raises(look.LookFailed) as failed:
        looker(openai_fake).look(request(), time.monotonic() + 1)
    assert failed.value.code == "timeout" and openai_fake.calls_to("responses") == []


def test_the_look_model_is_a_dated_snapshot_overridable_from_the_environment():
    assert re.fullmatch(r"gpt-[\w.-]+-\d{4}-\d{2}-\d{2}", settings_module.DEFAULT_LOOK_MODEL)
    changed = settings_module.load({"OPENAI_LOOK_MODEL": "gpt-5.5-mini-2026-09-01",
                                    "OPENAI_LOOK_PRICE": "1/8"})
    assert (changed.look_model, changed.look_price) == ("gpt-5.5-mini-2026-09-01", (1.0, 8.0))
    assert isinstance(look.looker_for(changed), look.OfflineLooker)  # no key: offline
    with pytest.raises(settings_module.SettingsError):
        settings_module.load({"OPENAI_LOOK_PRICE": "cheap"})


# --- through the worker: the panel is done and charged once, whatever the look answers -------


def one_scene(signed_in, aws):
    """A one-scene cartoon (Ada speaks), drawn; (account, cartoon, the scene, the view)."""
    account_id = give(signed_in, 1)
    fund_references(signed_in)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(1)).json["cartoon_id"]
    drain(aws["queue_url"])
    scene = scenes.load(account_id, cartoon_id, 1)
    view = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    return account_id, cartoon_id, scene, view


@pytest.mark.parametrize("name", ["malformed", "out_of_range", "unknown_name", "refused"])
def test_a_bad_look_retries_once_then_letters_by_staging_the_panel_done_and_charged_once(
        signed_in, aws, openai_fake, name):
    behaviour, code = BAD[name]
    openai_fake.on("responses", contains="Panel 1.", behaviours=[behaviour, behaviour])
    account_id, cartoon_id, scene, view = one_scene(signed_in, aws)
    assert scene.state == "done" and scene.image_key and not scene.failure
    assert len(openai_fake.calls_to("responses")) == 2  # tried once more, then no further
    assert scene.look == {"figures": [], "empty": [], "source": "staging",
                          "notes": [f"look_failed:{code}"]}
    assert scene.versions[-1]["look"] == scene.look  # kept with the version it describes
    assert len(openai_fake.calls_to("edits")) == 1  # a failed look is no reason to redraw
    assert view["status"] == "done" and view["spent"] == 1 + R
    assert view["scenes"][0]["look"]["notes"] == [f"look_failed:{code}"]
    assert assert_ledger(account_id) == 0  # charged once, nothing refunded
    cartoon = Cartoon.get(account_id, cartoon_id)
    assert int(cartoon.look_calls) == 2 and not cartoon.free_redraws  # both answers cost


def test_a_bad_look_then_a_good_one_is_the_look(signed_in, aws, openai_fake):
    openai_fake.on("responses", contains="Panel 1.", behaviours=["text:not json"])
    account_id, _, scene, view = one_scene(signed_in, aws)
    assert scene.look["source"] == "look" and scene.look["notes"] == []
    assert [f["name"] for f in scene.look["figures"]] == ["Ada"]
    assert view["scenes"][0]["look"]["figures"][0]["name"] == "Ada"
    assert assert_ledger(account_id) == 0


def test_offline_the_look_is_what_the_renderer_drew(signed_in, aws):
    account_id, _, scene, view = one_scene(signed_in, aws)
    assert scene.look["source"] == "offline"
    (ada,) = scene.look["figures"]
    assert ada["name"] == "Ada" and ada["head"][0] < ada["mouth"][0] < ada["head"][2]
    assert view["scenes"][0]["look"] == scene.look
    assert json.loads(json.dumps(view["scenes"][0]["look"])) == scene.look
    assert assert_ledger(account_id) == 0
