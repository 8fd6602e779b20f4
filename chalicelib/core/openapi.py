"""The API's OpenAPI document, generated from the routes themselves: their paths, methods and
path parameters as registered, and the body specs, query parameters, request headers and
answers each route declares (`ThreadSafeChalice.route(..., body=, query=, headers=, answer=)`):
the specs are also what checks the requests, and the tests' client checks every response it
receives against the answers (tests/support/contract.py)."""


from chalicelib.core.answers import Answer
from chalicelib.core.fields import Field
from chalicelib.core.patterns import Pattern

OPENAPI_VERSION = "3.1.0"
_KINDS = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array",
          dict: "object"}
_PARAMETER = Pattern(r"{([^}]+)}")
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "details": {"type": "object"}}}},
}


# Errors every route may give: a request refused before it reaches the route (CloudFront's
# origin secret, a cross-site request, a missing or wrong CSRF token, a Content-Type other
# than JSON, which Chalice refuses on every route) and an unexpected fault.
COMMON_ERRORS = (403, 415, 500)
ERROR_TEXT = {400: "The request is not valid", 401: "Not signed in", 402: "Not enough credits",
              403: "Refused", 404: "Not found", 409: "In conflict with the current state",
              413: "Too large", 415: "Not JSON", 422: "Refused by moderation or the model",
              429: "Too many requests", 500: "An unexpected fault",
              502: "A provider failed", 503: "Unavailable for a moment"}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                               "required": True, "schema": {"type": "string",
                                                            "pattern": "^[0-9]+$"}}}


def document(app, title="Caaartoons API", version="1", security=None):
    """The document; `security` is (schemes, requirements), `requirements(method, path,
    signed_in)` giving an operation's list of OpenAPI security requirements."""
    schemes, requirements = security or ({}, lambda *_: [])
    paths = {}
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            spec = app.route_specs.get((method, path))
            operation = _operation(path, method, entry, spec)
            if spec and spec.answer:
                operation["security"] = requirements(method, path, spec.answer.signed_in)
            paths.setdefault(path, {})[method.lower()] = operation
    return {"openapi": OPENAPI_VERSION, "info": {"title": title, "version": version},
            "paths": paths, "components": {"schemas": {"Error": ERROR_SCHEMA},
                                           "securitySchemes": schemes}}


def _operation(path, method, entry, spec):
    summary = (entry.view_function.__doc__ or entry.view_name.replace("_", " ")).strip()
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in _PARAMETER.findall(path)]
    parameters += [{"name": name, "in": "query", "required": False, "schema": schema}
                   for name, schema in (spec.query if spec else ())]
    parameters += list(spec.headers if spec else ())
    operation = {"operationId": f"{entry.view_name}_{method.lower()}",
                 "summary": summary.splitlines()[0], "parameters": parameters,
                 "responses": _responses(spec.answer if spec else None)}
    if spec and spec.body is not None:
        content = {"application/json": {"schema": object_schema(spec.body)}}
        operation["requestBody"] = {"required": bool(spec.body) and spec.body_required,
                                    "content": content}
    return operation


def _responses(answer):
    if answer is None:  # a route that declares nothing (the local stack's own)
        return {"2XX": {"description": "Done", "content": {
            "application/json": {"schema": {"type": "object"}}}},
                "4XX": _error(400), "5XX": _error(500)}
    done = {"description": answer.doc or "Done"}
    if answer.status != 302:
        schema = answer.body if answer.media == "application/json" else {"type": "string"}
        done["content"] = {answer.media: {"schema": schema}}
    if answer.headers:
        done["headers"] = {name: {"description": text, "required": True,
                                  "schema": {"type": "string"}}
                           for name, text in answer.headers}
    responses = {str(answer.status): done}
    for status in sorted({*answer.errors, *COMMON_ERRORS}):
        responses[str(status)] = _error(status, answer.media)
    return responses


def _error(status, media="application/json"):
    """An error's response: {"error": {"code", "message"}}, or a page for a page's route."""
    schema = {"$ref": "#/components/schemas/Error"} if media == "application/json" else {
        "type": "string"}
    if status in (403, 415, 500) and media != "application/json":
        # refused (its origin, its content type) or failed before the page is made: JSON
        media, schema = "application/json", {"$ref": "#/components/schemas/Error"}
    error = {"description": ERROR_TEXT.get(status, "An error"),
             "content": {media: {"schema": schema}}}
    if status == 429:
        error["headers"] = RETRY_AFTER
    return error


def object_schema(spec):
    """A JSON Schema for a spec of fields: exactly what `check_object` accepts (null for an
    optional field, which it takes as absent)."""
    return {"type": "object", "additionalProperties": False,
            "properties": {name: _field_schema(field) if field.required else
                           _or_null(_field_schema(field)) for name, field in spec.items()},
            "required": [name for name, field in spec.items() if field.required]}


def _or_null(schema):
    schema = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def _field_schema(field: Field):
    schema = {"type": _KINDS[field.kind]}
    bounds = ("maxLength", "minLength") if field.kind is str else ("maxItems", "minItems")
    if field.max_length is not None:
        schema[bounds[0]] = field.max_length
    if field.min_length:
        schema[bounds[1]] = field.min_length
    if field.choices is not None:  # a tuple, or a function of the settings giving one
        schema["enum"] = list(field.choices() if callable(field.choices) else field.choices)
    if field.pattern is not None:
        schema["pattern"] = field.pattern
    if field.minimum is not None:
        schema["minimum"] = field.minimum
    if field.maximum is not None:
        schema["maximum"] = field.maximum
    if field.items_schema is not None:
        schema["items"] = field.items_schema
    elif isinstance(field.items, Field):
        schema["items"] = _field_schema(field.items)
    elif field.items is not None:
        schema["items"] = object_schema(field.items)
    if field.values is not None:
        schema["additionalProperties"] = _field_schema(field.values)
    if field.doc:
        schema["description"] = field.doc
    return schema


# GET /api/openapi.json: this document.
ANSWER = Answer({"type": "object", "required": ["openapi", "info", "paths"]})
