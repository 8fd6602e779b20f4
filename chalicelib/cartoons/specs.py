"""What a cartoon request may hold, and its validation into clean data: one definition of the
fields and their limits, used for submissions, quotes and text edits. A 400 names the exact
field at fault (`scenes[2].speaker`)."""

import unicodedata

from chalicelib.core.errors import Invalid
from chalicelib.core.fields import Field, check_object
from chalicelib.core.settings import get_settings

MAX_CHARACTERS, MAX_SCENES = 6, 8

# The drawing styles offered on the create page: (key, label, what the model is told).
STYLE_PRESETS = (
    ("newspaper", "Newspaper strip", "a classic newspaper comic strip, clean ink lines, flat "
     "colours"),
    ("manga", "Manga", "black-and-white manga with screentones and expressive faces"),
    ("watercolour", "Watercolour", "soft watercolour illustration with gentle washes"),
    ("ligne-claire", "Ligne claire", "Franco-Belgian ligne claire: uniform clean lines, flat "
     "bright colours, no hatching"),
    ("superhero", "Superhero comic", "American superhero comic, bold inks, dynamic shading"),
    ("childrens-book", "Children's book", "warm children's picture-book illustration"),
    ("pixel-art", "Pixel art", "retro 16-bit pixel art"),
    ("noir", "Noir", "high-contrast black-and-white noir comic with deep shadows"),
    ("pastel", "Pastel cute", "cute pastel cartoon with rounded shapes"),
    ("woodcut", "Woodcut", "bold woodcut print with rough carved lines"),
    ("anime", "Anime", "modern anime cel shading"),
    ("pencil", "Pencil sketch", "loose graphite pencil sketch on paper"),
)
LIMITS = {"title": 120, "context": 1000, "style": 300, "name": 60, "description": 500,
          "action": 600, "caption": 200}
QUALITY_LABELS = {"low": "Draft", "medium": "Standard", "high": "Fine"}
ALLOWED_CONTROLS = {"\n", "\t"}

CHARACTER_SPEC = {"name": Field(str, max_length=LIMITS["name"]),
                  "description": Field(str, max_length=LIMITS["description"])}
SCENE_SPEC = {
    "action": Field(str, max_length=LIMITS["action"]),
    "characters": Field(list, required=False),
    "caption": Field(str, required=False, max_length=LIMITS["caption"]),
    "dialogue": Field(str, required=False, max_length=LIMITS["caption"]),
    "speaker": Field(str, required=False, max_length=LIMITS["name"]),
}
CARTOON_SPEC = {
    "title": Field(str, max_length=LIMITS["title"]),
    "context": Field(str, max_length=LIMITS["context"]),
    "style": Field(str, max_length=LIMITS["style"]),
    "quality": Field(str, max_length=20),
    "characters": Field(list, items=CHARACTER_SPEC),
    "scenes": Field(list, items=SCENE_SPEC),
}
TEXT_EDIT_SPEC = {name: SCENE_SPEC[name] for name in ("caption", "dialogue", "speaker")}
QUOTE_SPEC = {"quality": Field(str, max_length=20), "scenes": Field(int)}


def bad(field, message, code="invalid_field"):
    return Invalid(message, code=code, details={"field": field})


def text(value, field, *, required=True):
    """Trimmed text without control characters; a required text must not be blank."""
    value = unicodedata.normalize("NFC", (value or "").strip())
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in value):
        raise bad(field, f"The field {field} contains control characters.")
    if required and not value:
        raise bad(field, f"The field {field} is empty.", code="missing_field")
    return value


def quality_credits(quality, field="quality"):
    levels = get_settings().quality_credits
    if quality not in levels:
        raise bad(field, f"The field {field} must be one of: {', '.join(levels)}.")
    return levels[quality]


def style_prompt(style):
    for key, _label, prompt in STYLE_PRESETS:
        if style == key:
            return prompt
    return style


def count(items, field, low, high, noun):
    if not low <= len(items) <= high:
        raise bad(field, f"A cartoon has {low} to {high} {noun} ({field} has {len(items)}).",
                   code="wrong_count")


def parse_cartoon(body):
    """The request as clean data, or a 400 naming the first wrong field."""
    data = check_object(body, CARTOON_SPEC)
    cartoon = {name: text(data[name], name) for name in ("title", "context", "style")}
    cartoon["quality"] = data["quality"]
    quality_credits(data["quality"])
    count(data["characters"], "characters", 1, MAX_CHARACTERS, "characters")
    count(data["scenes"], "scenes", 1, MAX_SCENES, "scenes")
    cartoon["characters"] = _parse_characters(data["characters"])
    names = {c["name"].casefold(): c["name"] for c in cartoon["characters"]}
    cartoon["scenes"] = [_parse_scene(raw, f"scenes[{i}]", names)
                         for i, raw in enumerate(data["scenes"])]
    return cartoon


def _parse_characters(raw_characters):
    characters, seen = [], set()
    for i, raw in enumerate(raw_characters):
        path = f"characters[{i}]"
        item = check_object(raw, CHARACTER_SPEC, f"{path}.")
        name = text(item["name"], f"{path}.name")
        if name.casefold() in seen:
            raise bad(f"{path}.name", f"Two characters are called {name}: names must differ.",
                       code="duplicate_name")
        seen.add(name.casefold())
        characters.append({"name": name,
                           "description": text(item["description"], f"{path}.description")})
    return characters


def _parse_scene(raw, path, names):
    item = check_object(raw, SCENE_SPEC, f"{path}.")
    cast = []
    for j, name in enumerate(item.get("characters") or []):
        field = f"{path}.characters[{j}]"
        if not isinstance(name, str):
            raise bad(field, f"The field {field} must be a character's name.", "wrong_type")
        known = names.get(text(name, field).casefold())
        if known is None:
            raise bad(field, f"{field} names {name.strip()!r}, who is not one of the "
                              "characters.", code="unknown_character")
        if known in cast:
            raise bad(field, f"{field} lists {known} twice.", code="duplicate_name")
        cast.append(known)
    scene = {"action": text(item["action"], f"{path}.action"), "characters": cast}
    scene.update(parse_texts(item, path, cast))
    return scene


def parse_texts(item, path, cast):
    texts = {name: text(item.get(name), f"{path}.{name}", required=False)
             for name in ("caption", "dialogue", "speaker")}
    if texts["speaker"]:
        match = [name for name in cast if name.casefold() == texts["speaker"].casefold()]
        if not match:
            raise bad(f"{path}.speaker", f"The speaker of {path} must be one of the "
                                          "characters in that scene.", "unknown_character")
        if not texts["dialogue"]:
            raise bad(f"{path}.speaker", f"{path} has a speaker but no dialogue.")
        texts["speaker"] = match[0]
    return texts
