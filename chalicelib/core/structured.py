"""A spec of fields (core/fields.py) as the JSON Schema of OpenAI's Structured Outputs in strict
mode, and a model's answer to that schema back into the shape `check_object` reads.

Strict mode takes a subset of JSON Schema: every object lists all its properties as required
and sets `additionalProperties: false`; a map with free keys cannot be written; `minItems`,
`maxItems`, `enum` and `description` are honoured, but text lengths (`maxLength`) are not
keywords it accepts, so a text's limit is stated in its description (and checked afterwards,
when the answer is validated like any submission). Hence:

- an optional field becomes nullable (`["string", "null"]`) unless its path is in `require`;
  a null is dropped on the way back, which is what `check_object` reads as "not given";
- a field whose path is in `omit` is left out altogether (each caller says why);
- a dict with `values` (a map keyed by free text) becomes a list of `{key, value}` pairs, turned
  back into a dict by `from_strict`.

Paths are the field names joined by dots, through lists: `scenes.elements.speaker`.
"""

from chalicelib.core.fields import Field

_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array",
          dict: "object"}


def strict_schema(spec, *, omit=(), require=(), path=""):
    """The strict JSON Schema of an object holding the fields of `spec`."""
    properties = {}
    for name, field in spec.items():
        where = f"{path}{name}"
        if where in omit:
            continue
        properties[name] = _field(field, where, omit, require,
                                  nullable=not field.required and where not in require)
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def _field(field: Field, path, omit, require, *, nullable=False):
    schema = {"type": _TYPES[field.kind]}
    notes = [field.doc] if field.doc else []
    if field.kind is str and field.max_length is not None:
        notes.append(f"At most {field.max_length} characters.")
    if field.choices is not None:
        schema["enum"] = list(field.choices)
    if field.kind is list:
        if isinstance(field.items, dict):
            schema["items"] = strict_schema(field.items, omit=omit, require=require,
                                            path=f"{path}.")
        elif isinstance(field.items, Field):
            schema["items"] = _field(field.items, path, omit, require)
        else:
            raise ValueError(f"{path}: a list needs `items` to have a strict schema")
        if field.min_length:
            schema["minItems"] = field.min_length
        if field.max_length is not None:
            schema["maxItems"] = field.max_length
    elif field.kind is dict:
        if field.values is None:
            raise ValueError(f"{path}: a dict needs `values` to have a strict schema")
        schema = {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["key", "value"],
            "properties": {"key": {"type": "string"},
                           "value": _field(field.values, path, omit, require)}}}
        notes.append("A map, written as a list of {key, value} pairs.")
    if notes:
        schema["description"] = " ".join(notes)
    if nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def from_strict(data, spec):
    """A model's answer to `strict_schema(spec)` as `check_object` reads it: nulls dropped,
    pair lists back into dicts. What does not have the expected shape is left as it is, for the
    validation that follows to name."""
    if not isinstance(data, dict):
        return data
    out = {}
    for name, value in data.items():
        field = spec.get(name)
        if value is None and field is not None and not field.required:
            continue
        out[name] = _back(value, field) if field is not None else value
    return out


def _back(value, field):
    if field.kind is dict and field.values is not None and isinstance(value, list):
        pairs = [item for item in value if isinstance(item, dict) and "key" in item]
        if len(pairs) == len(value):
            return {item["key"]: item.get("value") for item in pairs}
        return value
    if field.kind is list and isinstance(field.items, dict) and isinstance(value, list):
        return [from_strict(item, field.items) for item in value]
    return value
