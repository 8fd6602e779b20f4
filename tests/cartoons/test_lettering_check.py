"""POST /api/cartoons/lettering-check: the create page's warning as the person types. It runs the
submission's own lettering check (specs.lettering_problems) on the scenes as they stand and
answers every problem by field path, charging and storing nothing."""

import time

from chalicelib.comic import budget
from chalicelib.core import clock
from chalicelib.core.models import Cartoon, Scene
from devtools.cartoons import cartoon_body
from tests.support.cartoons import account_of, assert_ledger, fund_references, give

TOO_LONG = "x" * 300  # one word, no break: it cannot be wrapped into any panel
ROUTE = "/api/cartoons/lettering-check"


def _scene(elements, characters=("Ada", "Bram"), **more):
    return {"characters": list(characters), "elements": elements, **more}


def _body(*scenes, layout="grid"):
    return {"layout": layout, "scenes": list(scenes)}


def test_texts_that_fit_answer_fits_and_nothing_is_charged_or_stored(signed_in):
    account_id = give(signed_in, 5)
    body = _body(_scene([{"kind": "caption", "text": "Later, in the attic."},
                         {"kind": "speech", "text": "Look, Bram!", "speaker": "Ada"},
                         {"kind": "thought", "text": "Not again.", "speaker": "Bram"}],
                        staging={"Ada": "left", "Bram": "right"}),
                 {"action": "", "characters": []})
    response = signed_in.post(ROUTE, body)
    assert response.status == 200, response
    answer = response.json
    assert (answer["fits"], answer["problems"]) == (True, [])
    # three short texts: the least room kept, a quarter or so of it taken; an empty scene none
    assert [s["room"] for s in answer["scenes"]] == [budget.FLOOR, budget.FLOOR]
    assert 0.1 < answer["scenes"][0]["fullness"] < 0.5 and answer["scenes"][1]["fullness"] == 0
    assert assert_ledger(account_id) == 5
    assert Cartoon.count(account_id) == 0 and Scene.count(account_id) == 0


def test_every_text_that_does_not_fit_is_named_at_the_index_it_was_sent(signed_in):
    body = _body(
        _scene([{"kind": "caption", "text": "Fine."}]),
        # a blank text (still being typed) is skipped, yet the next one keeps its own index
        _scene([{"kind": "speech", "text": "  ", "speaker": "Ada"},
                {"kind": "speech", "text": TOO_LONG, "speaker": "Bram"}]),
        _scene([{"kind": "caption", "text": TOO_LONG}]), layout="strip")
    answer = signed_in.post(ROUTE, body).json
    assert answer["fits"] is False
    assert [(p["field"], p["code"]) for p in answer["problems"]] == [
        ("scenes[1].elements[1].text", "does_not_fit"),
        ("scenes[2].elements[0].text", "does_not_fit")]
    assert answer["problems"][0]["message"] == (
        "This text is too long for its panel: shorten it or split it into two balloons.")


def test_the_check_and_the_submission_name_the_same_field(signed_in):
    """One definition: what the check warns about is what the submission refuses."""
    account_id = give(signed_in, 5)
    body = cartoon_body(3, layout="tiers")
    body["scenes"][2].pop("caption")
    body["scenes"][2]["elements"] = [
        {"kind": "speech", "text": "Hello!", "speaker": "Ada"},
        {"kind": "speech", "text": "Hey " + TOO_LONG, "speaker": "Bram"}]
    check = signed_in.post(ROUTE, {"layout": "tiers", "scenes": [
        {k: v for k, v in s.items() if k != "action"} for s in body["scenes"]]}).json
    refused = signed_in.post("/api/cartoons", body)
    assert refused.status == 400 and refused.error_code == "text_does_not_fit"
    assert [p["field"] for p in check["problems"]] == [refused.json["error"]["details"]["field"]]
    assert check["problems"][0]["field"] == "scenes[2].elements[1].text"
    assert assert_ledger(account_id) == 5
    # and once the text is shortened, both agree it fits
    body["scenes"][2]["elements"][1]["text"] = "Hey!"
    assert signed_in.post(ROUTE, {"layout": "tiers", "scenes": body["scenes"]}).json["fits"]
    fund_references(signed_in)
    assert signed_in.post("/api/cartoons", body).status == 202


def test_the_same_text_can_fit_one_layout_and_not_another(signed_in):
    text = "A long line of narration that goes on and on. " * 9
    scenes = [_scene([{"kind": "caption", "text": text[:340]}]) for _ in range(4)]
    answers = {layout: signed_in.post(ROUTE, _body(*scenes, layout=layout)).json
               for layout in ("grid", "webtoon")}
    # a webtoon cell is taller than wide: the top of its picture holds more lines
    assert {layout: a["fits"] for layout, a in answers.items()} == {"grid": False,
                                                                    "webtoon": True}
    assert answers["grid"]["problems"][0]["code"] == "too_much_text"
    assert answers["webtoon"]["scenes"][0]["fullness"] <= 1 < answers["grid"]["scenes"][0][
        "fullness"]


def test_bad_input_is_a_400_naming_the_field(signed_in):
    cases = [
        ({"layout": "manga", "scenes": [_scene([])]}, "layout", "invalid_field"),
        ({"scenes": []}, "scenes", "wrong_count"),
        ({"scenes": [_scene([])] * 25}, "scenes", "wrong_count"),
        ({"scenes": [_scene([{"kind": "scream", "text": "Hey"}])]},
         "scenes[0].elements[0].kind", "invalid_field"),
        ({"scenes": [_scene([{"kind": "speech", "text": "Hey", "speaker": "Cleo"}])]},
         "scenes[0].elements[0].speaker", "unknown_character"),
        ({"scenes": [_scene([{"kind": "caption", "text": "Hi"}] * 5)]},
         "scenes[0].elements", "wrong_count"),
        ({"scenes": [_scene([], staging={"Cleo": "left"})]}, "scenes[0].staging.Cleo",
         "unknown_character"),
        ({"scenes": [_scene([], characters=["Ada", "ada"])]}, "scenes[0].characters[1]",
         "duplicate_name"),
        ({"scenes": [{"elements": "Hi"}]}, "scenes[0].elements", "wrong_type"),
        ({"scenes": [_scene([]) | {"price": 0}]}, "scenes[0].price", "unknown_field"),
        ({"scenes": [_scene([{"kind": "caption", "text": "x" * 401}])]},
         "scenes[0].elements[0].text", "too_long"),
    ]
    for body, field, code in cases:
        response = signed_in.post(ROUTE, body)
        assert response.status == 400, (body, response)
        assert (response.json["error"]["details"]["field"], response.error_code) == (field, code)


def test_the_check_needs_a_session_and_a_csrf_token(client, signed_in):
    body = _body(_scene([{"kind": "caption", "text": "Hi"}]))
    assert client.post(ROUTE, body).status == 401
    response = signed_in.post(ROUTE, body, csrf=False)
    assert response.status == 403 and response.error_code == "csrf_missing"


def test_the_check_is_rate_limited_per_account(app, signed_in, monkeypatch):
    from devtools.client import ApiClient

    start = (int(time.time()) // 60 + 1) * 60  # one whole window, whatever the wall clock
    monkeypatch.setattr(clock, "now", lambda: start + 1)
    body = _body(_scene([{"kind": "caption", "text": "Hi"}]))
    statuses = [signed_in.post(ROUTE, body).status for _ in range(61)]
    assert statuses == [200] * 60 + [429]
    other = ApiClient(app)
    other.sign_in("bram@example.com")
    assert other.post(ROUTE, body).status == 200  # another account has its own budget
    monkeypatch.setattr(clock, "now", lambda: start + 61)
    assert signed_in.post(ROUTE, body).status == 200
    assert account_of(signed_in) != account_of(other)
