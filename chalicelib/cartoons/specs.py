"""What a cartoon request may hold, and its validation into clean data: one definition of the
fields and their limits, used for submissions, quotes and text edits. A 400 names the exact
field at fault (`scenes[2].speaker`, `scenes[3].elements[1].text`).

A scene's texts are its lettering elements (comic/lettering.py), in reading order, or the
shorthand `caption`, `dialogue`, `speaker`, read as one caption and one speech element. Whether
they fit their panel at a legible size is checked here too (`check_lettering`)."""

import math
import unicodedata

from chalicelib.accounts import limits
from chalicelib.core import ids, vocabulary
from chalicelib.core.answers import (
    BODY_ERRORS,
    BOOLEAN,
    COUNT,
    NUMBER,
    SIGNED_IN,
    TEXT,
    array,
    obj,
    ok,
)
from chalicelib.core.errors import Invalid
from chalicelib.core.fields import Field, check_object
from chalicelib.core.openapi import object_schema
from chalicelib.core.settings import get_settings

SAVED_ID = ids.ID  # a saved character's id (time-sortable)
# The vocabulary (core/vocabulary.py) under the names the specs have always used.
MAX_CHARACTERS, MAX_SCENES, MAX_ELEMENTS = (vocabulary.MAX_CHARACTERS, vocabulary.MAX_SCENES,
                                            vocabulary.MAX_ELEMENTS)
LAYOUTS, KINDS, SIDES = vocabulary.LAYOUT_KEYS, vocabulary.KIND_KEYS, vocabulary.SIDES
STYLE_PRESETS, QUALITY_LABELS = vocabulary.STYLE_PRESETS, vocabulary.QUALITY_LABELS
LIMITS = vocabulary.TEXT_LIMITS
ALLOWED_CONTROLS = {"\n", "\t"}



def qualities():
    """The quality tiers one may choose (the settings price them): what `quality_credits`
    accepts, and the API document's values for a quality."""
    return tuple(get_settings().quality_credits)


# One definition of a cartoon's fields: it checks submissions (parse_cartoon), documents the
# API (core/openapi.py) and is the JSON schema a drafting model must fill (cartoons/drafting.py,
# through core/structured.py). `doc` tells the model what each field is for.
CHARACTER_SPEC = {
    "name": Field(str, max_length=LIMITS["name"], doc="A short first name, unique in the cast."),
    "description": Field(str, max_length=LIMITS["description"],
                         doc="What the character looks like, for the artist: build, face, hair, "
                             "clothes and colours, so every panel draws the same person."),
    # a character from the account's library: its picture is reused, not drawn
    "saved_id": Field(str, required=False, max_length=40,
                      doc="The id of a character saved in the account's library, or null."),
    # a picture the owner uploaded (POST /api/uploads): the reference is drawn from it
    "upload": Field(str, required=False, max_length=40,
                    doc="The id of a picture uploaded to start this character from, or null: "
                        "the reference is drawn from it, in the cartoon's style. The "
                        "description may then be empty."),
}
ELEMENT_SPEC = {
    "kind": Field(str, max_length=20, choices=KINDS,
                  doc="; ".join(f"{key}: {kind['doc']}"
                                for key, kind in vocabulary.KINDS.items()) + "."),
    "text": Field(str, max_length=LIMITS["text"], doc="The words, short enough for a panel."),
    "speaker": Field(str, required=False, max_length=LIMITS["name"],
                     doc="Who speaks, thinks, whispers or shouts: one of the scene's "
                         "characters (anyone for a voice from off panel); none for a caption "
                         "or a sound effect."),
    "at": Field(list, required=False),  # [x, y], 0..1: where the owner put the balloon
    "tail": Field(list, required=False),  # [x, y], 0..1: its tail's tip
    "width": Field(float, required=False, minimum=vocabulary.BOX_WIDTH[0],
                   maximum=vocabulary.BOX_WIDTH[1],
                   doc="The box's width the owner set, of the panel's: the text is wrapped to "
                       "it."),
    "angle": Field(int, required=False, minimum=-vocabulary.MAX_ANGLE,
                   maximum=vocabulary.MAX_ANGLE,
                   doc=f"A sound effect's turn, in degrees (-{vocabulary.MAX_ANGLE} to "
                       f"{vocabulary.MAX_ANGLE}, counter-clockwise), or null for a slight "
                       "tilt; only for a sound effect."),
}
SHORTHAND = ("caption", "dialogue", "speaker")
SCENE_SPEC = {
    "action": Field(str, max_length=LIMITS["action"],
                    doc="What the panel shows: who does what, where, and the framing."),
    "characters": Field(list, required=False, max_length=MAX_CHARACTERS,
                        items=Field(str, max_length=LIMITS["name"]),
                        doc="The names of the characters seen in this panel."),
    "caption": Field(str, required=False, max_length=LIMITS["caption"]),
    "dialogue": Field(str, required=False, max_length=LIMITS["caption"]),
    "speaker": Field(str, required=False, max_length=LIMITS["name"]),
    "elements": Field(list, required=False, max_length=MAX_ELEMENTS, items=ELEMENT_SPEC,
                      doc="The panel's texts in reading order."),
    "staging": Field(dict, required=False, values=Field(str, choices=SIDES),
                     doc="Where each character of the panel stands, by name."),
}
CARTOON_SPEC = {
    "title": Field(str, max_length=LIMITS["title"], doc="The cartoon's title."),
    "context": Field(str, max_length=LIMITS["context"],
                     doc="The setting, the era and the mood shared by every panel."),
    "style": Field(str, max_length=LIMITS["style"], doc="The drawing style."),
    "quality": Field(str, max_length=20, choices=qualities),
    "characters": Field(list, min_length=1, max_length=MAX_CHARACTERS, items=CHARACTER_SPEC,
                        doc="The cast."),
    "scenes": Field(list, min_length=1, max_length=MAX_SCENES, items=SCENE_SPEC,
                    doc="The panels, in reading order."),
    "layout": Field(str, required=False, max_length=20, choices=LAYOUTS,
                    doc="How the panels are laid out; auto lets the page choose."),
    # true: stop once the references are drawn, until the owner approves the cast. Absent or
    # false: the scenes follow at once (what API clients that never sent it keep getting).
    "approve_cast": Field(bool, required=False),
    "author": Field(str, required=False, max_length=LIMITS["name"],
                    doc="The name to print on the book's title page, if the owner wishes."),
}
TEXT_EDIT_SPEC = {name: SCENE_SPEC[name] for name in (*SHORTHAND, "elements")}
QUOTE_SPEC = {"quality": Field(str, max_length=20, choices=qualities),
              "scenes": Field(int, minimum=1, maximum=MAX_SCENES),
              # how many reference pictures are drawn (characters not from the library)
              "references": Field(int, required=False, minimum=0, maximum=MAX_CHARACTERS)}
REDRAW_REFERENCE_SPEC = {"note": Field(str, required=False, max_length=LIMITS["note"])}
SAVE_CHARACTER_SPEC = {"cartoon_id": Field(str, max_length=40), "index": Field(int, minimum=0)}
REFERENCE_SIZE = vocabulary.REFERENCE_SIZE


def bad(field, *, key, code="invalid_field", **values):
    """A 400 naming `field`, worded from the template `error.<key>` (core/words) filled with the
    field and `values`."""
    return Invalid(code=code, key=key, details={"field": field}, field=field, **values)


def text(value, field, *, required=True):
    """Trimmed text without control characters; a required text must not be blank."""
    value = unicodedata.normalize("NFC", (value or "").strip())
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in value):
        raise bad(field, key="field_control")
    if required and not value:
        raise bad(field, key="field_empty", code="missing_field")
    return value


def quality_credits(quality, field="quality"):
    levels = get_settings().quality_credits
    if quality not in levels:
        raise bad(field, key="field_choice", choices=", ".join(levels))
    return levels[quality]


def reference_quality(quality):
    """The level a reference of a `quality` cartoon is drawn at (never below the floor)."""
    return vocabulary.reference_tier(quality, get_settings().quality_credits)


def reference_credits(quality):
    """What one reference picture of a `quality` cartoon costs: one of its scenes."""
    return quality_credits(quality)


def style_prompt(style):
    for key, _label, prompt in STYLE_PRESETS:
        if style == key:
            return prompt
    return style


def parse_cartoon(body):
    """The request as clean data, or a 400 naming the first wrong field."""
    data = check_object(body, CARTOON_SPEC)
    cartoon = {name: text(data[name], name) for name in ("title", "context", "style")}
    cartoon["quality"] = data["quality"]
    quality_credits(data["quality"])
    cartoon["characters"] = _parse_characters(data["characters"])
    names = {c["name"].casefold(): c["name"] for c in cartoon["characters"]}
    cartoon["layout"] = _layout(data.get("layout"))
    cartoon["scenes"] = [_parse_scene(raw, f"scenes[{i}]", names)
                         for i, raw in enumerate(data["scenes"])]
    check_lettering(cartoon["layout"], cartoon["scenes"])
    cartoon["approve_cast"] = bool(data.get("approve_cast"))
    cartoon["author"] = text(data.get("author"), "author", required=False) or None
    return cartoon


def _parse_characters(raw_characters):
    characters, seen = [], set()
    for i, raw in enumerate(raw_characters):
        path = f"characters[{i}]"
        item = check_object(raw, CHARACTER_SPEC, f"{path}.")
        name = text(item["name"], f"{path}.name")
        if name.casefold() in seen:
            raise bad(f"{path}.name", key="names_differ", code="duplicate_name", name=name)
        seen.add(name.casefold())
        upload = item.get("upload")
        character = {"name": name,
                     "description": text(item["description"], f"{path}.description",
                                         required=upload is None)}
        if upload is not None:
            if not SAVED_ID.fullmatch(upload) or item.get("saved_id") is not None:
                raise bad(f"{path}.upload", key="upload_not_yours", code="unknown_upload")
            character["upload"] = upload
        if item.get("saved_id") is not None:
            if not SAVED_ID.fullmatch(item["saved_id"]):
                raise bad(f"{path}.saved_id", key="saved_not_yours",
                          code="unknown_saved_character")
            character["saved_id"] = item["saved_id"]
        characters.append(character)
    return characters


def _scene_cast(item, path, names=None):
    """The scene's characters, each named once: by their names in the cast (`names`, folded
    case -> name), or as written where there is no cast to check against (a draft's check)."""
    cast = []
    for j, name in enumerate(item.get("characters") or []):
        field = f"{path}.characters[{j}]"
        if not isinstance(name, str):
            raise bad(field, key="field_name", code="wrong_type")
        written = text(name, field)
        known = written if names is None else names.get(written.casefold())
        if known is None:
            raise bad(field, key="not_a_character", code="unknown_character",
                      name=repr(name.strip()))
        if known.casefold() in {c.casefold() for c in cast}:
            raise bad(field, key="listed_twice", code="duplicate_name", name=known)
        cast.append(known)
    return cast


def _parse_scene(raw, path, names):
    item = check_object(raw, SCENE_SPEC, f"{path}.")
    cast = _scene_cast(item, path, names)
    scene = {"action": text(item["action"], f"{path}.action"), "characters": cast}
    scene.update(parse_lettering(item, path, cast))
    scene["staging"] = _staging(item.get("staging"), f"{path}.staging", cast,
                                scene["elements"])
    return scene


def parse_lettering(item, path, cast):
    """The scene's elements and the shorthand fields that mirror them (what older readers of a
    scene show), from either form; both at once is refused."""
    if item.get("elements") is None:
        texts = parse_texts(item, path, cast)
        return {**texts, "elements": shorthand_elements(**texts), "shorthand": True}
    given = [name for name in SHORTHAND if item.get(name) is not None]
    if given:
        raise bad(f"{path}.{given[0]}", key="elements_or_shorthand", path=path,
                  shorthand=", ".join(SHORTHAND))
    elements = parse_elements(item["elements"], f"{path}.elements", cast)
    return {**mirror(elements), "elements": elements, "shorthand": False}


def text_fields(scene, path):
    """(field, text) of each text of a parsed scene, named as it was sent."""
    if scene["shorthand"]:
        return [(f"{path}.{name}", scene[name]) for name in ("caption", "dialogue")
                if scene[name]]
    return [(f"{path}.elements[{j}].text", e["text"]) for j, e in enumerate(scene["elements"])]


def shorthand_elements(caption="", dialogue="", speaker=""):
    """The shorthand as elements: a caption, then the speaker's balloon."""
    out = [{"kind": "caption", "text": caption, "speaker": ""}] if caption else []
    if dialogue:
        out.append({"kind": "speech", "text": dialogue, "speaker": speaker or ""})
    return out


def mirror(elements):
    """The shorthand fields for elements: the first caption, the first speech and its speaker."""
    caption = next((e["text"] for e in elements if e["kind"] == "caption"), "")
    speech = next((e for e in elements if e["kind"] == "speech"), {})
    return {"caption": caption, "dialogue": speech.get("text", ""),
            "speaker": speech.get("speaker", "")}


def parse_elements(raw, path, cast):
    if len(raw) > MAX_ELEMENTS:
        raise bad(path, key="panel_texts", code="wrong_count", most=MAX_ELEMENTS, count=len(raw))
    return [_parse_element(item, f"{path}[{j}]", cast) for j, item in enumerate(raw)]


def _parse_element(raw, path, cast):
    item = check_object(raw, ELEMENT_SPEC, f"{path}.")
    if item["kind"] not in KINDS:
        raise bad(f"{path}.kind", key="field_choice", choices=", ".join(KINDS))
    element = {"kind": item["kind"], "text": text(item["text"], f"{path}.text"), "speaker": ""}
    speaker = text(item.get("speaker"), f"{path}.speaker", required=False)
    kind = vocabulary.KINDS[item["kind"]]
    if kind["speaker"]:  # a balloon: said or thought by someone
        match = [name for name in cast if name.casefold() == speaker.casefold()]
        if not match and (kind["in_scene"] or not speaker):
            raise bad(f"{path}.speaker", key="speaker_not_in_scene", code="unknown_character",
                      path=path)
        element["speaker"] = match[0] if match else speaker  # a voice off panel: anyone
    elif speaker:
        raise bad(f"{path}.speaker", key="no_speaker", path=path, kind=item["kind"])
    for name in ("at", "tail"):
        if item.get(name) is not None:
            element[name] = _point(item[name], f"{path}.{name}")
    if item.get("width") is not None:
        element["width"] = _box_width(item["width"], f"{path}.width")
    if item.get("angle") is not None:
        element["angle"] = _angle(item["angle"], item["kind"], f"{path}.angle")
    return element


def _box_width(value, field):
    least, most = vocabulary.BOX_WIDTH
    if not (math.isfinite(value) and least <= value <= most):
        raise bad(field, key="field_range", code="out_of_range", least=least, most=most)
    return round(value, 4)


def _angle(value, kind, field):
    """A sound effect's turn, within the registry's range; no other kind turns."""
    if vocabulary.KINDS[kind]["outline"] != "none":  # no outline: a sound effect
        raise bad(field, key="angle_not_sound")
    if abs(value) > vocabulary.MAX_ANGLE:
        raise bad(field, key="field_range", least=-vocabulary.MAX_ANGLE,
                  most=vocabulary.MAX_ANGLE)
    return value


def _point(value, field):
    if (len(value) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                   and 0 <= v <= 1 for v in value)):
        raise bad(field, key="field_point")
    return [float(v) for v in value]


def _staging(given, field, cast, elements=()):
    """Where each character stands: as given, the others where lettering puts them (the first
    to speak in `elements` on the left)."""
    # lettering loads Pillow, which an API cold start must not (tests/test_cold_start.py)
    from chalicelib.comic.lettering import default_staging

    given = given or {}
    for name, side in given.items():
        if name not in cast:
            raise bad(f"{field}.{name}", key="not_in_scene", code="unknown_character",
                      staging=field, name=repr(name))
        if side not in SIDES:
            raise bad(f"{field}.{name}", key="field_choice", choices=", ".join(SIDES))
    # those a tail points at, in the picture (not a voice from off panel)
    speakers = [e.get("speaker") for e in elements
                if vocabulary.KINDS.get(e.get("kind"), {}).get("in_scene")]
    return {**default_staging(cast, speakers), **given}


# What each lettering problem means to the person typing, next to the field it names.
PLAIN_PROBLEMS = {
    "does_not_fit": "This text is too long for its panel: shorten it or split it into two "
                    "balloons.",
    "too_much_text": "This scene has more text than its panel has room for above the "
                     "characters: shorten it or split the scene in two.",
    "overlaps": "This text sits on top of another one: move one of them.",
    "too_many": f"A panel holds at most {MAX_ELEMENTS} texts: move one to another scene.",
    "invalid": "This text cannot be lettered: change it.",
}


def lettering_problems(layout, scenes):
    """Every element whose text cannot be lettered legibly in its panel, as
    `{"field", "code", "message", "plain"}` (the engine's words, and the person's), in reading
    order; [] when all fit. `scenes` holds every scene's {"elements", "staging"}, in order (a
    panel's size depends on the layout and the count); one left without elements is not
    checked. A scene's optional `positions` maps its elements back to the indices they were
    sent at (the check skips blank ones)."""
    return lettering_report(layout, scenes)[0]


def lettering_report(layout, scenes):
    """(problems, budgets): `lettering_problems`, and each scene's text budget (comic/budget.py:
    the room its texts need at the top of the picture, and how full that room is). A text is
    refused when it cannot be lettered legibly (the engine's `check_fit`) or when the panel's
    texts need more room than the budget's cap (`too_much_text`); one field is named once."""
    # pages and budget load Pillow, which an API cold start must not (tests/test_cold_start.py)
    from chalicelib.comic import budget, pages

    budgets = budget.budgets(layout, [scene.get("elements", []) for scene in scenes])
    found = pages.fit_problems(layout, scenes) + [
        {"scene": number, **problem}
        for number, panel in enumerate(budgets) for problem in budget.problems(panel)]
    out, named = [], set()
    for problem in sorted(found, key=lambda p: (p["scene"], p["index"])):
        field = _problem_field(scenes[problem["scene"]], problem)
        if field in named:
            continue  # the engine's own words come first: the budget's add nothing
        named.add(field)
        out.append({"field": field, "code": problem["code"],
                    "message": problem["message"],
                    "plain": PLAIN_PROBLEMS.get(problem["code"], PLAIN_PROBLEMS["invalid"])})
    return out, budgets


def _problem_field(scene, problem):
    """The field a problem of the lettering names, as the scene was sent."""
    index, field = problem["index"], f"scenes[{problem['scene']}].elements"
    if scene.get("shorthand"):
        kind = scene["elements"][min(index, len(scene["elements"]) - 1)]["kind"]
        return f"scenes[{problem['scene']}].{'caption' if kind == 'caption' else 'dialogue'}"
    if problem["code"] == "too_many":
        return field
    index = scene.get("positions", range(len(scene["elements"])))[index]
    return f"{field}[{index}].{'at' if problem['code'] == 'overlaps' else 'text'}"


def check_lettering(layout, scenes):
    """400 naming the first element whose text cannot be lettered legibly in its panel (see
    `lettering_problems`, the one definition the submission, the edits and the check share)."""
    problems = lettering_problems(layout, scenes)
    if problems:
        first = problems[0]
        raise bad(first["field"], key="lettering_problem", code="text_does_not_fit",
                  problem=first["message"])


# The check the create page runs as the person types: the scenes as they stand, where an action
# may still be empty and a blank text is skipped (it is not lettered yet).
# An element whose text is blank is skipped before it is checked (it is not typed yet); a name
# is not held to a character's length (the check has no cast to find it in).
UNTYPED_ELEMENT = {"type": "object", "required": ["text"],
                   "properties": {"text": {"type": "string", "pattern": r"^\s*$"}}}
CHECK_SCENE_SPEC = {**SCENE_SPEC, "action": Field(str, required=False,
                                                  max_length=LIMITS["action"]),
                    "characters": SCENE_SPEC["characters"]._replace(items=Field(str)),
                    "elements": SCENE_SPEC["elements"]._replace(items_schema={
                        "anyOf": [object_schema(ELEMENT_SPEC), UNTYPED_ELEMENT]})}
LETTERING_CHECK_SPEC = {"layout": Field(str, required=False, max_length=20),
                        "scenes": Field(list, min_length=1, max_length=MAX_SCENES,
                                        items=CHECK_SCENE_SPEC)}


def check_draft_lettering(session, data):
    """`{"fits", "problems", "scenes"}` for a draft's scenes at its layout: what
    `check_lettering` would refuse on submit, every problem by field path, and each scene's
    budget (`room`, the top of the picture kept for its texts, and `fullness`, how full that
    room is, as a fraction of the most a panel keeps: over 1 is refused). Bad input (wrong
    types, an unknown layout or speaker, too many scenes or texts) is a 400 naming the field,
    as on submit."""
    limits.hit("lettering-account-minute", session.account_id)
    layout = _layout(data.get("layout"))
    scenes = [_draft_scene(raw, f"scenes[{i}]") for i, raw in enumerate(data["scenes"])]
    found, budgets = lettering_report(layout, scenes)
    problems = [{"field": p["field"], "code": p["code"], "message": p["plain"]} for p in found]
    return {"fits": not problems, "problems": problems,
            "scenes": [panel.to_json() for panel in budgets]}


def _draft_scene(raw, path):
    item = check_object(raw, CHECK_SCENE_SPEC, f"{path}.")
    cast = _scene_cast(item, path)
    staging = _staging(item.get("staging"), f"{path}.staging", cast)  # checked first
    if item.get("elements") is None:
        if any(item.get(name) is not None for name in SHORTHAND):
            texts = parse_texts(item, path, cast)
            elements = shorthand_elements(**texts)
            return {"elements": elements, "shorthand": True,
                    "staging": _staging(item.get("staging"), f"{path}.staging", cast, elements)}
        return {"elements": [], "staging": staging, "positions": []}
    raw_elements = item["elements"]
    if len(raw_elements) > MAX_ELEMENTS:
        parse_elements(raw_elements, f"{path}.elements", cast)  # the 400 it gives
    elements, positions = [], []
    for j, raw_element in enumerate(raw_elements):
        if (isinstance(raw_element, dict) and isinstance(raw_element.get("text"), str)
                and not raw_element["text"].strip()):
            continue  # not typed yet
        elements.append(_parse_element(raw_element, f"{path}.elements[{j}]", cast))
        positions.append(j)
    return {"elements": elements, "positions": positions,
            "staging": _staging(item.get("staging"), f"{path}.staging", cast, elements)}


def _layout(value):
    layout = value or "auto"
    if layout not in LAYOUTS:
        raise bad("layout", key="field_choice", choices=", ".join(LAYOUTS))
    return layout


def parse_texts(item, path, cast):
    texts = {name: text(item.get(name), f"{path}.{name}", required=False)
             for name in ("caption", "dialogue", "speaker")}
    if texts["speaker"]:
        match = [name for name in cast if name.casefold() == texts["speaker"].casefold()]
        if not match:
            raise bad(f"{path}.speaker", key="speaker_not_in_scene", code="unknown_character",
                      path=path)
        if not texts["dialogue"]:
            raise bad(f"{path}.speaker", key="speaker_without_dialogue", path=path)
        texts["speaker"] = match[0]
    return texts


# What the routes reading those specs answer, beside the service's own (submission.py,
# library.py): the lettering check and a reference's redraw.
LETTERING_CHECKED = ok(obj({"fits": BOOLEAN, "problems": array(obj(
    {"field": TEXT, "code": TEXT, "message": TEXT})), "scenes": array(obj(
        {"room": NUMBER, "fullness": NUMBER}))}), errors=(*BODY_ERRORS, SIGNED_IN, 429))
REFERENCE_REDRAWING = ok(obj({"cartoon_id": TEXT, "index": COUNT, "attempt": COUNT,
                              "cost": COUNT, "balance": COUNT}), 202,
                         errors=(*BODY_ERRORS, SIGNED_IN, 402, 404, 409, 422, 429, 503))
