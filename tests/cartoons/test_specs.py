"""Every field of a cartoon is validated with a 400 that names it; nothing is charged or
written for a refused request."""

import pytest

from chalicelib.core.models import Cartoon, Scene
from devtools.cartoons import cartoon_body
from tests.support.cartoons import R, assert_ledger, give, references_cost, take_messages


def without(name):
    return lambda body: body.pop(name)


def set_field(path, value):
    """Set body[a][i][b] for a path like ("scenes", 0, "action")."""
    def change(body):
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


def drop(path):
    def change(body):
        target = body
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return change


CASES = [
    # field missing, wrong type, too long, blank
    (without("title"), "title", "missing_field"),
    (without("context"), "context", "missing_field"),
    (without("style"), "style", "missing_field"),
    (without("quality"), "quality", "missing_field"),
    (without("characters"), "characters", "missing_field"),
    (without("scenes"), "scenes", "missing_field"),
    (set_field(("title",), 42), "title", "wrong_type"),
    (set_field(("title",), "t" * 121), "title", "too_long"),
    (set_field(("title",), "   "), "title", "missing_field"),
    (set_field(("title",), "Bell\x07"), "title", "invalid_field"),
    (set_field(("context",), "c" * 1001), "context", "too_long"),
    (set_field(("context",), ["a list"]), "context", "wrong_type"),
    (set_field(("context",), ""), "context", "missing_field"),
    (set_field(("style",), "s" * 301), "style", "too_long"),
    (set_field(("style",), "\n "), "style", "missing_field"),
    (set_field(("quality",), "ultra"), "quality", "invalid_field"),
    (set_field(("quality",), 2), "quality", "wrong_type"),
    (set_field(("characters",), "Ada"), "characters", "wrong_type"),
    (set_field(("characters",), []), "characters", "wrong_count"),
    (set_field(("characters",), [{"name": f"N{i}", "description": "d"} for i in range(7)]),
     "characters", "wrong_count"),
    (set_field(("characters", 1), "Bram"), "characters[1]", "wrong_type"),
    (set_field(("characters", 1, "age"), 9), "characters[1].age", "unknown_field"),
    (drop(("characters", 1, "name")), "characters[1].name", "missing_field"),
    (drop(("characters", 2, "description")), "characters[2].description", "missing_field"),
    (set_field(("characters", 0, "name"), "n" * 61), "characters[0].name", "too_long"),
    (set_field(("characters", 0, "name"), " "), "characters[0].name", "missing_field"),
    (set_field(("characters", 2, "name"), "ada"), "characters[2].name", "duplicate_name"),
    (set_field(("characters", 0, "description"), "d" * 501), "characters[0].description",
     "too_long"),
    (set_field(("characters", 0, "description"), None), "characters[0].description",
     "missing_field"),
    (set_field(("scenes",), []), "scenes", "wrong_count"),
    (set_field(("scenes",), [{"action": f"Scene {i}"} for i in range(25)]), "scenes",
     "wrong_count"),
    (set_field(("scenes", 1), ["not", "an", "object"]), "scenes[1]", "wrong_type"),
    (set_field(("scenes", 1, "mood"), "sad"), "scenes[1].mood", "unknown_field"),
    (drop(("scenes", 2, "action")), "scenes[2].action", "missing_field"),
    (set_field(("scenes", 2, "action"), "a" * 601), "scenes[2].action", "too_long"),
    (set_field(("scenes", 2, "action"), ""), "scenes[2].action", "missing_field"),
    (set_field(("scenes", 0, "characters"), "Ada"), "scenes[0].characters", "wrong_type"),
    (set_field(("scenes", 0, "characters"), ["Ada", 3]), "scenes[0].characters[1]",
     "wrong_type"),
    (set_field(("scenes", 1, "characters"), ["Zed"]), "scenes[1].characters[0]",
     "unknown_character"),
    (set_field(("scenes", 1, "characters"), ["Bram", "bram"]), "scenes[1].characters[1]",
     "duplicate_name"),
    (set_field(("scenes", 1, "caption"), "c" * 201), "scenes[1].caption", "too_long"),
    (set_field(("scenes", 1, "caption"), 5), "scenes[1].caption", "wrong_type"),
    (set_field(("scenes", 1, "dialogue"), "d" * 201), "scenes[1].dialogue", "too_long"),
    (set_field(("scenes", 0, "speaker"), "Bram"), "scenes[0].speaker", "unknown_character"),
    (drop(("scenes", 0, "dialogue")), "scenes[0].speaker", "invalid_field"),
    (set_field(("colour",), "blue"), "colour", "unknown_field"),
]


@pytest.mark.parametrize(("change", "field", "code"), CASES,
                         ids=[f"{field}:{code}" for _, field, code in CASES])
def test_each_wrong_field_gets_a_400_naming_it_and_costs_nothing(signed_in, aws, change,
                                                                 field, code):
    account_id = give(signed_in, 50)
    body = cartoon_body(3)
    change(body)
    response = signed_in.post("/api/cartoons", body)
    assert response.status == 400, response
    error = response.json["error"]
    assert error["code"] == code, error
    assert error["details"]["field"] == field
    assert field.split(".")[-1].split("[")[0] in error["message"] or field in error["message"]
    assert Cartoon.count() == 0 and Scene.count() == 0
    assert take_messages(aws["queue_url"]) == []
    assert assert_ledger(account_id) == 50


def test_names_in_scenes_match_characters_whatever_their_case_and_spacing(signed_in):
    give(signed_in, 5 + R)
    body = cartoon_body(1)
    body["scenes"][0].update({"characters": [" ada ", "BRAM"], "speaker": "bram"})
    response = signed_in.post("/api/cartoons", body)
    assert response.status == 202, response
    scene = signed_in.get(f"/api/cartoons/{response.json['cartoon_id']}").json["scenes"][0]
    assert scene["characters"] == ["Ada", "Bram"] and scene["speaker"] == "Bram"


def test_a_free_text_style_is_kept_as_written(signed_in):
    give(signed_in, 5 + R)
    body = cartoon_body(1, style="  Risograph print in two inks  ")
    cartoon_id = signed_in.post("/api/cartoons", body).json["cartoon_id"]
    cartoon = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert cartoon["style"] == "Risograph print in two inks" and cartoon["style_label"] is None


def test_the_largest_cartoon_is_accepted(signed_in):
    give(signed_in, 100 + references_cost(6, "high"))  # six characters, six references
    body = cartoon_body(8, quality="high", title="t" * 120, context="c" * 1000)
    body["scenes"] *= 3
    body["characters"] = [{"name": f"{'n' * 58}{i:02d}", "description": "d" * 500}
                          for i in range(6)]
    for scene in body["scenes"]:
        scene.update({"action": "a" * 600, "characters": [c["name"] for c in
                                                         body["characters"]],
                      "caption": "Meanwhile, far away. " * 3, "dialogue": "Look at that! " * 3,
                      "speaker": body["characters"][5]["name"]})
    response = signed_in.post("/api/cartoons", body)
    assert response.status == 202, response
    assert response.json["balance"] == 100 - 24 * 4
