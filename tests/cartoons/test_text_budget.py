"""The text budget (comic/budget.py) as the API applies it: a text that needs more of its panel
than the cap is a 400 naming its field, at submit, on an edit and when a draft is accepted,
before anything is charged; the lettering check answers how full each panel is; the scene
prompt keeps the budgeted room plain."""

import json

from chalicelib.comic import budget
from chalicelib.core.models import Cartoon, Scene
from devtools.cartoons import CASTS, cartoon_body
from tests.support.cartoons import R, assert_ledger, drain, give, take_messages

CHECK = "/api/cartoons/lettering-check"
# The line: long, in French, every word a short one (it wraps; it is just too much).
LINE = ("Je ne sais pas ce que tu veux dire par là, mais je crois que nous devrions partir "
        "avant que la marée ne monte et que le phare ne s'éteigne pour de bon, parce que "
        "personne ne viendra nous chercher ici, pas même ton oncle, qui a promis tant de fois "
        "de venir et qui n'est jamais venu, pas une seule fois en dix ans, tu le sais bien. "
        "Alors viens, prends ton manteau, et partons maintenant.")[:398]


def test_a_398_character_line_in_a_one_panel_strip_is_refused_naming_it_and_not_charged(
        signed_in, aws):
    account_id = give(signed_in, 10 + R)
    body = cartoon_body(1, layout="strip")
    del body["scenes"][0]["caption"], body["scenes"][0]["dialogue"], body["scenes"][0]["speaker"]
    body["scenes"][0]["elements"] = [{"kind": "speech", "text": LINE, "speaker": "Ada"}]
    response = signed_in.post("/api/cartoons", body)
    assert response.status == 400 and response.error_code == "text_does_not_fit", response
    assert response.json["error"]["details"] == {"field": "scenes[0].elements[0].text"}
    assert "split the scene" in response.json["error"]["message"]
    assert assert_ledger(account_id) == 10 + R  # nothing charged, nothing stored or queued
    assert Cartoon.count(account_id) == 0 and Scene.count(account_id) == 0
    assert take_messages(aws["queue_url"]) == []
    body["scenes"][0]["elements"][0]["text"] = LINE[:150]  # shortened, it goes through
    assert signed_in.post("/api/cartoons", body).status == 202


def test_the_element_named_is_the_one_past_the_cap(signed_in):
    account_id = give(signed_in, 10 + R)
    body = cartoon_body(4, layout="grid")
    body["scenes"][2].pop("caption")
    body["scenes"][2]["elements"] = [
        {"kind": "caption", "text": "Le soir, au port."},
        {"kind": "speech", "text": "Tu viens ?", "speaker": "Ada"},
        {"kind": "speech", "text": LINE[:300], "speaker": "Bram"}]
    response = signed_in.post("/api/cartoons", body)
    assert response.status == 400, response
    assert response.json["error"]["details"] == {"field": "scenes[2].elements[2].text"}
    assert assert_ledger(account_id) == 10 + R


def test_an_edit_past_the_cap_is_refused_naming_it_and_the_scene_keeps_its_texts(
        signed_in, aws):
    account_id = give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(2)).json["cartoon_id"]
    drain(aws["queue_url"])
    balance = assert_ledger(account_id)
    elements = [{"kind": "caption", "text": "Fine."},
                {"kind": "speech", "text": LINE[:280], "speaker": "Bram"}]
    answer = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2", {"elements": elements})
    assert answer.status == 400 and answer.error_code == "text_does_not_fit", answer
    assert answer.json["error"]["details"]["field"] == "scenes[1].elements[1].text"
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["status"] == "done" and state["scenes"][1]["caption"] == "Caption 2"
    assert assert_ledger(account_id) == balance and take_messages(aws["queue_url"]) == []
    # the shorthand names its own field: a long caption, and a long line that goes past the cap
    answer = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2", {
        "caption": LINE[:200], "dialogue": LINE[-200:], "speaker": "Bram"})
    assert answer.json["error"]["details"]["field"] == "scenes[1].dialogue"
    elements[1]["text"] = LINE[:120]
    assert signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2",
                           {"elements": elements}).status == 200


def test_a_draft_past_the_cap_is_sent_back_once_naming_the_field(signed_in, openai_fake):
    from devtools.fakes.openai_api import sample_draft

    bad = sample_draft("The idea: a lighthouse", {})
    bad["scenes"][1]["elements"][1]["text"] = LINE
    openai_fake.on("responses", behaviours=[bad])
    response = signed_in.post("/api/cartoons/draft", {"idea": "A lighthouse keeper"})
    assert response.status == 200, response
    _first, second = openai_fake.calls_to("responses")
    assert "scenes[1].elements[1].text" in second.prompt and "split the scene" in second.prompt
    assert json.dumps(bad) in second.prompt
    assert LINE not in json.dumps(response.json)


def test_the_check_says_how_full_each_panel_gets_as_a_line_is_typed(signed_in):
    account_id = give(signed_in, 5)
    fullness, rooms = [], []
    for length in (20, 80, 140, 200, 280, 398):
        answer = signed_in.post(CHECK, {"layout": "strip", "scenes": [
            {"characters": ["Ada"], "elements": [
                {"kind": "speech", "text": LINE[:length], "speaker": "Ada"}]},
            {"characters": []}]}).json
        fullness.append(answer["scenes"][0]["fullness"])
        rooms.append(answer["scenes"][0]["room"])
        assert answer["scenes"][1] == {"room": budget.FLOOR, "fullness": 0}
        assert answer["fits"] == (fullness[-1] <= 1)
        if not answer["fits"]:
            assert answer["problems"] == [{
                "field": "scenes[0].elements[0].text", "code": "too_much_text",
                "message": "This scene has more text than its panel has room for above the "
                           "characters: shorten it or split the scene in two."}]
    assert fullness == sorted(fullness) and fullness[0] < 0.5 and fullness[-1] > 1
    assert rooms == sorted(rooms) and rooms[0] < budget.FLOOR + 0.05 and rooms[-1] == budget.CAP
    assert assert_ledger(account_id) == 5


def test_each_scene_is_drawn_keeping_its_budgeted_room_plain(signed_in, aws, openai_fake):
    give(signed_in, 10 + R)
    body = cartoon_body(3, layout="grid")
    body["scenes"][2]["dialogue"], body["scenes"][2]["speaker"] = LINE[:180], "Bram"
    cartoon_id = signed_in.post("/api/cartoons", body).json["cartoon_id"]
    drain(aws["queue_url"])
    assert signed_in.get(f"/api/cartoons/{cartoon_id}").json["status"] == "done"
    texts = [[{"kind": "caption", "text": f"Caption {i + 1}"}] for i in range(3)]
    texts[0].append({"kind": "speech", "text": "What is this?", "speaker": "Ada"})
    texts[2].append({"kind": "speech", "text": LINE[:180], "speaker": "Bram"})
    rooms = [round(b.room * 100) for b in budget.budgets("grid", texts)]
    assert rooms[0] < rooms[2]
    edits = openai_fake.calls_to("edits")
    for number, room in enumerate(rooms, start=1):
        [call] = [c for c in edits if f"What happens in panel {number}:" in c.prompt]
        assert f"Keep the top {room} % of the picture plain" in call.prompt
    [third] = [c for c in edits if "What happens in panel 3:" in c.prompt]
    assert "Bram's on the " in third.prompt and CASTS[2] == ["Ada", "Bram"]


def test_the_editor_checks_one_scene_among_empty_ones(signed_in):
    """The cartoon page's text editor sends the edited scene in its place, the others empty:
    the panel's size depends on the layout and the count."""
    edited = {"characters": ["Ada", "Bram"], "staging": {"Ada": "left", "Bram": "right"},
              "elements": [{"kind": "speech", "text": "Tu viens ?", "speaker": "Ada"},
                           {"kind": "speech", "text": LINE, "speaker": "Bram",
                            "at": [0.7, 0.2], "tail": [0.7, 0.6]}]}
    answer = signed_in.post(CHECK, {"layout": "auto", "scenes": [{}, edited, {}]})
    assert answer.status == 200, answer
    assert [p["field"] for p in answer.json["problems"]] == ["scenes[1].elements[1].text"]
    assert [s["fullness"] > 1 for s in answer.json["scenes"]] == [False, True, False]
