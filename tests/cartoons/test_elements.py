"""A scene's texts as lettering elements: submitted as elements or as the caption/dialogue
shorthand, staged, laid out, and refused with a 400 naming the element when they cannot be
lettered legibly; older scenes (no elements stored) read as their shorthand."""

from chalicelib.cartoons import specs
from chalicelib.comic import balloons, layouts, lettering, typeset
from chalicelib.core import vocabulary
from chalicelib.core.models import Scene
from devtools.cartoons import cartoon_body
from tests.support.cartoons import R, account_of, assert_ledger, give

ELEMENTS = [{"kind": "caption", "text": "Later, in the attic."},
            {"kind": "speech", "text": "Look, Bram!", "speaker": "ada"},
            {"kind": "thought", "text": "Not again.", "speaker": "Bram"}]


def test_the_engine_draws_exactly_the_vocabulary():
    """The comic engine imports nothing of ours: it draws the layouts and kinds the vocabulary
    names, within its limits (core/vocabulary.py), and no others."""
    assert specs.MAX_SCENES == vocabulary.MAX_SCENES == layouts.MAX_SCENES
    assert specs.LAYOUTS == tuple(vocabulary.LAYOUTS) == layouts.TEMPLATES
    assert (specs.KINDS, specs.SIDES) == (lettering.KINDS, lettering.SIDES)
    assert tuple(vocabulary.KINDS) == specs.KINDS
    drawn = {key: {"outline": style.outline, "tail": style.tail, "budget": style.budget,
                   "pad": [round(v, 4) for v in style.pad]}
             for key, style in balloons.STYLES.items()}
    assert drawn == {key: {name: kind[name] for name in ("outline", "tail", "budget", "pad")}
                     for key, kind in vocabulary.KINDS.items()}
    assert specs.MAX_ELEMENTS == lettering.MAX_ELEMENTS
    assert specs.LIMITS["text"] == lettering.MAX_TEXT
    assert vocabulary.BOX_WIDTH == (lettering.MIN_WIDTH, lettering.WIDEST)
    assert vocabulary.MAX_ANGLE == balloons.MAX_ANGLE
    assert typeset.EMPHASIS.pattern == vocabulary.EMPHASIS
    assert vocabulary.plain("Not *again*, *not* now * ok") == "Not again, not now * ok"


def test_elements_and_the_shorthand_are_both_stored_as_elements(signed_in):
    give(signed_in, 5 + R)
    body = cartoon_body(3, layout="grid")
    body["scenes"][2].pop("caption")
    body["scenes"][2]["elements"] = ELEMENTS
    body["scenes"][2]["staging"] = {"Bram": "left"}
    cartoon_id = signed_in.post("/api/cartoons", body).json["cartoon_id"]
    cartoon = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert cartoon["layout"] == "grid" and cartoon["pages"] == [] and cartoon["pdf"] is None
    first, third = cartoon["scenes"][0], cartoon["scenes"][2]
    assert first["elements"] == [
        {"kind": "caption", "text": "Caption 1", "speaker": ""},
        {"kind": "speech", "text": "What is this?", "speaker": "Ada"}]
    assert (first["caption"], first["dialogue"], first["speaker"]) == (
        "Caption 1", "What is this?", "Ada")
    assert first["staging"] == {"Ada": "centre"}
    assert [e["speaker"] for e in third["elements"]] == ["", "Ada", "Bram"]
    assert third["staging"] == {"Ada": "left", "Bram": "left"}  # Ada where the default puts her
    assert (third["caption"], third["dialogue"], third["speaker"]) == (
        "Later, in the attic.", "Look, Bram!", "Ada")


def _refused(signed_in, body, field, code="invalid_field"):
    account_id = account_of(signed_in)
    response = signed_in.post("/api/cartoons", body)
    assert response.status == 400, response
    assert response.json["error"]["code"] == code
    assert response.json["error"]["details"]["field"] == field
    assert Scene.count(account_id) == 0
    assert assert_ledger(account_id) == 5 + R


def test_text_that_cannot_be_lettered_is_refused_naming_the_element(signed_in):
    give(signed_in, 5 + R)
    body = cartoon_body(3)
    body["scenes"][1].pop("caption")
    body["scenes"][1]["elements"] = [ELEMENTS[0], {"kind": "caption", "text": "x" * 300}]
    _refused(signed_in, body, "scenes[1].elements[1].text", "text_does_not_fit")


def test_shorthand_that_cannot_be_lettered_is_refused_naming_its_field(signed_in):
    give(signed_in, 5 + R)
    body = cartoon_body(2)
    body["scenes"][0]["dialogue"] = "W" * 200
    _refused(signed_in, body, "scenes[0].dialogue", "text_does_not_fit")


def test_wrong_elements_are_refused_naming_the_field(signed_in):
    give(signed_in, 5 + R)
    cases = [
        (lambda s: s.update(elements=[{"kind": "scream", "text": "Hey"}]),
         "scenes[2].elements[0].kind", "invalid_field"),
        (lambda s: s.update(elements=[{"kind": "sound", "text": "BANG", "angle": 45}]),
         "scenes[2].elements[0].angle", "invalid_field"),
        (lambda s: s.update(elements=[{"kind": "speech", "text": "Hey", "speaker": "Ada",
                                       "angle": 5}]),
         "scenes[2].elements[0].angle", "invalid_field"),
        (lambda s: s.update(elements=[{"kind": "sound", "text": "BANG", "speaker": "Ada"}]),
         "scenes[2].elements[0].speaker", "invalid_field"),
        (lambda s: s.update(elements=[{"kind": "speech", "text": "Hey", "speaker": "Cleo"}]),
         "scenes[2].elements[0].speaker", "unknown_character"),
        (lambda s: s.update(elements=[{"kind": "speech", "text": "Hey"}]),
         "scenes[2].elements[0].speaker", "unknown_character"),
        (lambda s: s.update(elements=[{"kind": "caption", "text": " "}]),
         "scenes[2].elements[0].text", "missing_field"),
        (lambda s: s.update(elements=[{"kind": "caption", "text": "Hi", "at": [0.5, 2]}]),
         "scenes[2].elements[0].at", "invalid_field"),
        (lambda s: s.update(elements=[{"kind": "caption", "text": "Hi", "width": 0.01}]),
         "scenes[2].elements[0].width", "out_of_range"),
        (lambda s: s.update(elements=[{"kind": "caption", "text": "Hi", "width": "wide"}]),
         "scenes[2].elements[0].width", "wrong_type"),
        (lambda s: s.update(elements=[ELEMENTS[0]] * 5), "scenes[2].elements", "wrong_count"),
        (lambda s: s.update(elements=[ELEMENTS[0]], caption="Both"), "scenes[2].caption",
         "invalid_field"),
        (lambda s: s.update(staging={"Ada": "above"}), "scenes[2].staging.Ada",
         "invalid_field"),
    ]
    for change, field, code in cases:
        body = cartoon_body(3)
        body["scenes"][2].pop("caption")
        change(body["scenes"][2])
        _refused(signed_in, body, field, code)
    _refused(signed_in, cartoon_body(2, layout="manga"), "layout")


def test_an_older_scene_without_elements_reads_as_its_shorthand(signed_in):
    account_id = give(signed_in, 5 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(1)).json["cartoon_id"]
    scene = Scene.get(account_id, f"{cartoon_id}#01")
    scene.update(actions=[Scene.elements.remove(), Scene.staging.remove()])
    shown = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert shown["layout"] == "auto"
    assert shown["scenes"][0]["elements"] == [
        {"kind": "caption", "text": "Caption 1", "speaker": ""},
        {"kind": "speech", "text": "What is this?", "speaker": "Ada"}]


def test_every_kind_is_taken_and_stored_with_a_sound_effects_angle(signed_in):
    """Each kind of the registry goes through the API as it was sent: whisper, shout, a voice
    from off panel, and a sound effect turned by its angle."""
    give(signed_in, 5 + R)
    body = cartoon_body(3, layout="grid")
    body["scenes"][1].pop("caption")
    body["scenes"][2].pop("caption")
    sent = [{"kind": "whisper", "text": "Psst.", "speaker": "Bram"},
            {"kind": "shout", "text": "WHAT?", "speaker": "Bram"},
            {"kind": "offpanel", "text": "Dinner!", "speaker": "Mum"},  # anyone: off panel
            {"kind": "sound", "text": "BANG", "angle": -12}]
    body["scenes"][1]["elements"] = sent[:2]
    body["scenes"][2]["elements"] = sent[2:]
    created = signed_in.post("/api/cartoons", body)
    assert created.status == 202, created.json
    cartoon_id = created.json["cartoon_id"]
    scenes = signed_in.get(f"/api/cartoons/{cartoon_id}").json["scenes"]
    stored = scenes[1]["elements"] + scenes[2]["elements"]
    assert stored == [{**e, "speaker": e.get("speaker", "")} for e in sent]
    assert {e["kind"] for e in stored} | {"caption", "speech", "thought"} == set(
        vocabulary.KINDS)
