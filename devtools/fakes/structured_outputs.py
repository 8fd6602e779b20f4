"""The schema rules of OpenAI's Structured Outputs in strict mode, as its guide documents them
("Supported schemas"), which the published OpenAPI document cannot express: the root is an
object (not `anyOf`); every object lists every property as required and sets
`additionalProperties: false`; only the supported keywords and `format` values; at most 10
levels of nesting and 5,000 properties in all; at most 1,000 enum values in all, and 15,000
characters of values for one enum of more than 250; at most 120,000 characters of property
names, definition names, enum values and consts in all.
"""

MAX_DEPTH, MAX_PROPERTIES = 10, 5000
MAX_ENUM_VALUES, LONG_ENUM, LONG_ENUM_CHARS, MAX_CHARS = 1000, 250, 15000, 120000
KEYWORDS = {
    "type", "properties", "required", "additionalProperties", "items", "enum", "const",
    "description", "anyOf", "$ref", "$defs", "definitions", "title", "pattern", "format",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems",
    "maxItems"}
FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}


def strict_problem(schema):
    """(where, why) of the first rule the schema breaks, or None."""
    if not isinstance(schema, dict) or "anyOf" in schema or schema.get("type") != "object":
        return "()", "the root schema must be an object, and not anyOf."
    totals = {"properties": 0, "enum_values": 0, "chars": 0}
    found = _problem(schema, "", 1, totals)
    if found:
        return found
    for definitions in ("$defs", "definitions"):
        for name, sub in (schema.get(definitions) or {}).items():
            totals["chars"] += len(name)
            found = _problem(sub, f"{definitions}.{name}", 1, totals)
            if found:
                return found
    if totals["properties"] > MAX_PROPERTIES:
        return "()", (f"{totals['properties']} object properties: at most {MAX_PROPERTIES} "
                      "are supported.")
    if totals["enum_values"] > MAX_ENUM_VALUES:
        return "()", f"{totals['enum_values']} enum values: at most {MAX_ENUM_VALUES}."
    if totals["chars"] > MAX_CHARS:
        return "()", (f"{totals['chars']} characters of names and values: at most "
                      f"{MAX_CHARS}.")
    return None


def _problem(schema, where, depth, totals):
    here = where or "()"
    if not isinstance(schema, dict):
        return here, "a schema must be an object."
    for keyword in schema:
        if keyword not in KEYWORDS:
            return here, f"'{keyword}' is not permitted."
    if "format" in schema and schema["format"] not in FORMATS:
        return here, f"format '{schema['format']}' is not supported."
    found = _enum_problem(schema, here, totals)
    if found:
        return found
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "object" in types:
        found = _object_problem(schema, where, depth, totals)
        if found:
            return found
    if "array" in types and isinstance(schema.get("items"), dict):
        found = _problem(schema["items"], f"{where}.items", depth, totals)
        if found:
            return found
    for i, branch in enumerate(schema.get("anyOf") or ()):
        found = _problem(branch, f"{where}.anyOf[{i}]", depth, totals)
        if found:
            return found
    return None


def _object_problem(schema, where, depth, totals):
    here = where or "()"
    if depth > MAX_DEPTH:
        return here, f"nesting depth {depth}: at most {MAX_DEPTH} levels are supported."
    properties = schema.get("properties") or {}
    if schema.get("additionalProperties") is not False:
        return here, "'additionalProperties' is required to be supplied and to be false."
    missing = [name for name in properties if name not in (schema.get("required") or [])]
    if missing:
        return here, ("'required' is required to be supplied and to be an array including "
                      f"every key in properties. Missing '{missing[0]}'.")
    totals["properties"] += len(properties)
    if totals["properties"] > MAX_PROPERTIES:
        return here, f"more than {MAX_PROPERTIES} object properties in all."
    for name, sub in properties.items():
        totals["chars"] += len(name)
        found = _problem(sub, f"{where}.{name}" if where else name, depth + 1, totals)
        if found:
            return found
    return None


def _enum_problem(schema, here, totals):
    values = list(schema.get("enum") or ())
    chars = sum(len(str(value)) for value in values)
    if "const" in schema:
        chars += len(str(schema["const"]))
    totals["enum_values"] += len(values)
    totals["chars"] += chars
    if len(values) > LONG_ENUM and chars > LONG_ENUM_CHARS:
        return here, (f"an enum of {len(values)} values with {chars} characters: at most "
                      f"{LONG_ENUM_CHARS} for an enum of more than {LONG_ENUM}.")
    return None
