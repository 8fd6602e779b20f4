"""Checking plain data against a spec of fields: the generic reader that request bodies and
nested objects go through. Specs live with the feature that owns them; errors name the exact
field (`scenes[2].action`) in the message and in `details.field`.

Text is normalised to NFC before its length is checked, so a limit applies to what is stored
(some characters, such as U+FB2C, become three under NFC).

The same specs describe the API (core/openapi.py) and the drafts a model writes
(core/structured.py), so a limit changed here changes all three."""

import unicodedata
from typing import NamedTuple

from chalicelib.core.errors import Invalid


class Field(NamedTuple):
    kind: type
    required: bool = True
    max_length: int | None = None  # a text's characters, a list's items
    min_length: int = 0
    # A list's items: an object spec, or a Field for plain values; its owner checks each.
    items: "dict | Field | None" = None
    choices: tuple | None = None  # the values a text may take (its owner checks them)
    values: "Field | None" = None  # a dict's values, keyed by free text (its owner checks them)
    pattern: str | None = None  # the regex a text matches (its owner checks it)
    # The range a number takes, where it has one (its owner checks it, with its own words).
    minimum: float | None = None
    maximum: float | None = None
    # A list's items as the API document declares them, where its owner takes more than
    # `items` says (the lettering check skips an element whose text is blank).
    items_schema: dict | None = None
    doc: str = ""  # what the field holds, in a sentence (for the API document and the model)


def check_object(data, spec, path=""):
    """A dict holding only the fields of `spec`, each of the right type; `path` (e.g.
    "scenes[2].") prefixes field names in the error messages and in `details.field`."""
    if not isinstance(data, dict):
        raise Invalid(key="field_object", field=path.rstrip("."), code="wrong_type",
                      details={"field": path.rstrip(".")})
    unknown = sorted(set(data) - set(spec))
    if unknown:
        raise Invalid(key="field_unknown", field=f"{path}{unknown[0]}", code="unknown_field",
                      details={"field": f"{path}{unknown[0]}"})
    return {name: _check_field(name, field, data, path) for name, field in spec.items()
            if name in data or field.required}


def _check_field(name, field, data, path=""):
    if name not in data or data[name] is None:
        if field.required:
            raise Invalid(key="field_required", field=f"{path}{name}", code="missing_field",
                          details={"field": f"{path}{name}"})
        return None
    value = data[name]
    name = f"{path}{name}"
    where = {"field": name}
    if field.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # JSON has one kind of number: 1 is as good as 1.0
    if not isinstance(value, field.kind) or (field.kind is int and isinstance(value, bool)):
        raise Invalid(key="field_type", field=name, kind=field.kind.__name__, code="wrong_type",
                      details=where)
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
    if isinstance(value, list) and not (field.min_length <= len(value)
                                        <= (field.max_length or len(value))):
        raise Invalid(key="field_count_range" if field.max_length is not None
                      else "field_count_least", field=name, least=field.min_length,
                      most=field.max_length, count=len(value), code="wrong_count", details=where)
    if field.max_length is not None and len(value) > field.max_length:
        raise Invalid(key="field_too_long", field=name, most=field.max_length,
                      code="too_long", details=where)
    if isinstance(value, str) and len(value) < field.min_length:
        raise Invalid(key="field_too_short", field=name, code="too_short", details=where)
    return value
