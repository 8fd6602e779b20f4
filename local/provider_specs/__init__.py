"""The parts of OpenAI's, Stripe's and Resend's published OpenAPI documents that the project
uses (openai.json, stripe.json, resend.json: see README.md for their source commits, and
extract.py to re-extract them), and one check of a request against them.

The stand-ins (local/checkout.py, devtools/fakes/) refuse what `problem` finds, as the
real services do: an unknown parameter (Stripe: at any depth), a missing one, a wrong type, a
value outside an enum, a string too long, a count out of range. newer.json declares, once, what
the project uses that the published documents do not show yet, with the SDK that shows it.

The documents are OpenAPI (3.0 for Stripe's), checked here as JSON Schema 2020-12: `nullable`
becomes a union with null. Stripe's form encoding carries every value as a string, so `coerce`
first turns "500" into 500 and "false" into False where the schema wants a number or a boolean
(and leaves "abc" a string, which the check then refuses). A `oneOf` with a `discriminator`
is checked as `anyOf`: in OpenAPI the discriminator, not "exactly one", picks its branch.
"""

import dataclasses
import functools
import json
import pathlib
import re

import jsonschema
import referencing
import referencing.jsonschema

HERE = pathlib.Path(__file__).parent
PROVIDERS = ("openai", "stripe", "resend")
_INTEGER, _NUMBER = re.compile(r"-?[0-9]+"), re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclasses.dataclass(frozen=True)
class Problem:
    """What the provider would refuse: where (the path of names and indexes), why, and a kind
    (unknown, missing, type or value) each stand-in turns into its provider's own code."""
    where: tuple
    message: str
    kind: str


@functools.cache
def newer():
    return json.loads((HERE / "newer.json").read_text())


@functools.cache
def document(provider):
    """The vendored document, with newer.json's declarations applied, as JSON Schema."""
    doc = json.loads((HERE / f"{provider}.json").read_text())
    for declared in newer()[provider]:
        if "at" not in declared:  # a note: nothing to add to the document
            continue
        *parents, last = declared["at"].strip("/").split("/")
        node = doc
        for name in parents:
            node = node[int(name)] if isinstance(node, list) else node.setdefault(
                name.replace("~1", "/"), {})
        if "add" in declared:
            node[last] = [*node.get(last, []), *declared["add"]]
        else:
            node[last] = declared["value"]
    return _json_schema(doc, closed=provider == "stripe")


def _json_schema(node, *, closed):
    """OpenAPI's `nullable` as JSON Schema; with `closed`, every object that lists its
    properties refuses others (Stripe refuses unknown keys at any depth)."""
    if isinstance(node, list):
        return [_json_schema(item, closed=closed) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value, closed=closed) if key != "properties" else
           {name: _json_schema(sub, closed=closed) for name, sub in value.items()}
           for key, value in node.items() if key != "nullable"}
    if "discriminator" in out and "oneOf" in out:
        # OpenAPI's discriminator picks the branch, so JSON Schema's "exactly one" is not the
        # rule the API applies: a user message with a list of parts is both an
        # EasyInputMessage and an Item (InputMessage), and the API takes it.
        out["anyOf"] = out.pop("oneOf")
    if closed and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _pointer(*names):
    return "#/" + "/".join(str(n).replace("~", "~0").replace("/", "~1") for n in names)


@functools.cache
def _validator(provider, operation, content_type):
    """A validator of the body of `operation` ("POST /v1/checkout/sessions"): the documented
    schema, and at its top no parameter it does not define."""
    doc = document(provider)
    resource = referencing.Resource.from_contents(
        doc, default_specification=referencing.jsonschema.DRAFT202012)
    registry = referencing.Registry().with_resource(f"urn:{provider}", resource)
    schema = {"$ref": f"urn:{provider}" + _pointer(
        "operations", operation, "requestBody", "content", content_type, "schema"),
        "unevaluatedProperties": False}
    return jsonschema.Draft202012Validator(schema, registry=registry)


def body_schema(provider, operation, content_type):
    """The documented body schema of an operation, its references resolved against the doc."""
    return _resolve(provider, document(provider)["operations"][operation]["requestBody"]
                    ["content"][content_type]["schema"])


def _resolve(provider, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        schema = document(provider)["components"]["schemas"][name]
    return schema


def coerce(provider, value, schema):
    """A form-encoded value (strings, dicts, lists) typed as the schema wants it, where it can
    be: "500" for an integer is 500, "false" for a boolean is False; anything else is left as
    it is, for the check to refuse."""
    schema = _resolve(provider, schema)
    if not isinstance(schema, dict):
        return value
    for branches in (schema.get("anyOf"), schema.get("oneOf"), schema.get("allOf")):
        for branch in branches or ():
            typed = coerce(provider, value, branch)
            if type(typed) is not type(value) or typed != value:
                return typed
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if isinstance(value, str):
        if "integer" in types and _INTEGER.fullmatch(value):
            return int(value)
        if "number" in types and _NUMBER.fullmatch(value):
            return float(value)
        if "boolean" in types and value in ("true", "false"):
            return value == "true"
        return value
    if isinstance(value, list) and "items" in schema:
        return [coerce(provider, item, schema["items"]) for item in value]
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        return {key: coerce(provider, item, properties.get(key, extra if isinstance(
            extra, dict) else {})) for key, item in value.items()}
    return value


def problem(provider, operation, body, content_type="application/json"):
    """The first thing in `body` the provider would refuse for `operation`, or None."""
    errors = list(_validator(provider, operation, content_type).iter_errors(body))
    if not errors:
        return None
    # A parameter that fails its own schema also goes unevaluated at the top: name the failure.
    errors = [e for e in errors if e.validator != "unevaluatedProperties"] or errors
    error = jsonschema.exceptions.best_match(errors)
    where = tuple(error.absolute_path)
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        unknown = re.findall(r"'([^']+)'", error.message.partition("(")[2])
        return Problem((*where, *unknown[:1]), error.message, "unknown")
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        return Problem((*where, missing[1] if missing else "?"), error.message, "missing")
    return Problem(where, error.message, "type" if error.validator == "type" else "value")


def path_problem(provider, operation, name, value):
    """The provider's refusal of a path parameter (Stripe: an id longer than it allows)."""
    for parameter in document(provider)["operations"][operation]["parameters"]:
        if parameter["in"] == "path" and parameter["name"] == name:
            try:
                jsonschema.validate(value, parameter["schema"],
                                    cls=jsonschema.Draft202012Validator)
            except jsonschema.ValidationError as error:
                return Problem((name,), error.message, "value")
    return None


def source(provider):
    """Where a vendored document came from: repository, file, commit, date."""
    return json.loads((HERE / f"{provider}.json").read_text())["x-vendored"]
