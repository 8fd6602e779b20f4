"""A spec of fields as a strict Structured Outputs schema, and back: one definition for what a
submission may hold and what a drafting model must write."""


import pytest

from chalicelib.cartoons import drafting, specs
from chalicelib.core.errors import Invalid
from chalicelib.core.fields import Field
from chalicelib.core.structured import from_strict, strict_schema
from devtools.cartoons import cartoon_body


def objects(schema, where="$"):
    """Every object schema inside `schema`, with where it is."""
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "object" in types:
        yield where, schema
        for name, sub in schema["properties"].items():
            yield from objects(sub, f"{where}.{name}")
    if "array" in types:
        yield from objects(schema["items"], f"{where}[]")


def test_every_object_is_closed_and_requires_all_its_properties():
    schema = drafting.draft_schema()
    found = list(objects(schema))
    assert len(found) >= 5  # the cartoon, a character, a scene, an element, a staging pair
    for where, obj in found:
        assert obj["additionalProperties"] is False, where
        assert obj["required"] == list(obj["properties"]), where


def test_optional_fields_become_nullable_and_omitted_ones_are_absent():
    schema = strict_schema({"a": Field(str), "b": Field(str, required=False, choices=("x", "y")),
                            "c": Field(int, required=False)}, omit=("c",))
    assert schema["properties"]["a"]["type"] == "string"
    assert schema["properties"]["b"] == {"type": ["string", "null"], "enum": ["x", "y", None]}
    assert "c" not in schema["properties"] and schema["required"] == ["a", "b"]


def test_the_draft_schema_is_the_cartoon_spec_less_what_the_model_does_not_choose():
    schema = drafting.draft_schema()
    top = schema["properties"]
    # the price and the person's own choices (a saved character, stopping for the cast, the
    # name on the book's title page) are not the model's to make
    assert set(top) == set(specs.CARTOON_SPEC) - {"quality", "approve_cast", "author"}
    assert set(top["characters"]["items"]["properties"]) == {"name", "description"}
    scene = top["scenes"]["items"]["properties"]
    assert set(scene) == {"action", "characters", "elements", "staging"}
    element = scene["elements"]["items"]["properties"]
    assert set(element) == {"kind", "text", "speaker"}  # no position, no sound effect's turn
    assert element["kind"]["enum"] == list(specs.KINDS)
    assert element["speaker"]["type"] == ["string", "null"]  # a caption has none
    assert top["layout"]["enum"] == list(specs.LAYOUTS)  # required in a draft: not nullable
    staging = scene["staging"]["items"]["properties"]
    assert staging["value"]["enum"] == list(specs.SIDES)
    assert top["characters"]["maxItems"] == specs.MAX_CHARACTERS
    assert top["scenes"]["maxItems"] == specs.MAX_SCENES
    assert scene["elements"]["maxItems"] == specs.MAX_ELEMENTS
    assert "maxLength" not in str(schema)  # strict mode refuses it: limits go in descriptions
    assert "At most 600 characters" in scene["action"]["description"]


def test_asking_for_a_number_of_scenes_pins_the_count():
    scenes = drafting.draft_schema(5)["properties"]["scenes"]
    assert (scenes["minItems"], scenes["maxItems"]) == (5, 5)
    assert drafting.draft_schema()["properties"]["scenes"]["minItems"] == 1


@pytest.mark.parametrize("field, change, check", [
    ("scenes", {"max_length": 7},
     lambda s: s["properties"]["scenes"]["maxItems"] == 7),
    ("title", {"max_length": 50},
     lambda s: "At most 50 characters" in s["properties"]["title"]["description"]),
    ("layout", {"choices": ("auto", "strip")},
     lambda s: s["properties"]["layout"]["enum"] == ["auto", "strip"]),
])
def test_changing_a_limit_of_the_spec_changes_the_schema_and_the_validation(
        monkeypatch, field, change, check):
    before = drafting.draft_schema()
    assert not check(before)
    monkeypatch.setitem(specs.CARTOON_SPEC, field,
                        specs.CARTOON_SPEC[field]._replace(**change))
    assert check(drafting.draft_schema())
    if field == "scenes":  # the same definition now refuses an 8-scene submission
        with pytest.raises(Invalid) as refused:
            specs.parse_cartoon(cartoon_body(8))
        assert refused.value.details == {"field": "scenes"}
    if field == "title":
        with pytest.raises(Invalid) as refused:
            specs.parse_cartoon(cartoon_body(2, title="t" * 51))
        assert refused.value.code == "too_long"


def test_a_nested_limit_reaches_the_schema_too(monkeypatch):
    element = dict(specs.ELEMENT_SPEC, text=specs.ELEMENT_SPEC["text"]._replace(max_length=77))
    monkeypatch.setitem(specs.SCENE_SPEC, "elements",
                        specs.SCENE_SPEC["elements"]._replace(items=element))
    text = (drafting.draft_schema()["properties"]["scenes"]["items"]["properties"]["elements"]
            ["items"]["properties"]["text"])
    assert "At most 77 characters" in text["description"]


def test_from_strict_drops_nulls_and_turns_pairs_back_into_a_map():
    answer = {"title": "T", "layout": None, "scenes": [
        {"action": "a", "characters": ["Ada"], "staging": [{"key": "Ada", "value": "left"}],
         "elements": [{"kind": "caption", "text": "c", "speaker": None}]}]}
    body = from_strict(answer, specs.CARTOON_SPEC)
    assert body == {"title": "T", "scenes": [
        {"action": "a", "characters": ["Ada"], "staging": {"Ada": "left"},
         "elements": [{"kind": "caption", "text": "c"}]}]}


def test_a_spec_the_schema_cannot_express_is_refused_loudly():
    with pytest.raises(ValueError):
        strict_schema({"free": Field(dict)})
    with pytest.raises(ValueError):
        strict_schema({"anything": Field(list)})
