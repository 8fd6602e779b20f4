"""Checking plain data against a spec of fields: the generic reader that request bodies and
nested objects go through. Specs live with the feature that owns them; errors name the exact
field (`scenes[2].action`) in the message and in `details.field`.

Text is normalised to NFC before its length is checked, so a limit applies to what is stored
(some characters, such as U+FB2C, become three under NFC)."""

import unicodedata
from dataclasses import dataclass

from chalicelib.core.errors import Invalid


@dataclass(frozen=True)
class Field:
    kind: type
    required: bool = True
    max_length: int | None = None
    min_length: int = 0
    items: dict | None = None  # a list's items: the spec its owner checks each against


def check_object(data, spec, path=""):
    """A dict holding only the fields of `spec`, each of the right type; `path` (e.g.
    "scenes[2].") prefixes field names in the error messages and in `details.field`."""
    if not isinstance(data, dict):
        raise Invalid(f"The field {path.rstrip('.')} must be an object.", code="wrong_type",
                      details={"field": path.rstrip(".")})
    unknown = sorted(set(data) - set(spec))
    if unknown:
        raise Invalid(f"Unknown field: {path}{unknown[0]}.", code="unknown_field",
                      details={"field": f"{path}{unknown[0]}"})
    return {name: _check_field(name, field, data, path) for name, field in spec.items()
            if name in data or field.required}


def _check_field(name, field, data, path=""):
    if name not in data or data[name] is None:
        if field.required:
            raise Invalid(f"The field {path}{name} is required.", code="missing_field",
                          details={"field": f"{path}{name}"})
        return None
    value = data[name]
    name = f"{path}{name}"
    where = {"field": name}
    if not isinstance(value, field.kind) or (field.kind is int and isinstance(value, bool)):
        raise Invalid(f"The field {name} must be a {field.kind.__name__}.", code="wrong_type",
                      details=where)
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
    if field.max_length is not None and len(value) > field.max_length:
        raise Invalid(f"The field {name} is longer than {field.max_length}.",
                      code="too_long", details=where)
    if isinstance(value, (str, list)) and len(value) < field.min_length:
        raise Invalid(f"The field {name} is too short.", code="too_short", details=where)
    return value
