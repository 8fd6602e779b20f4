"""The API's OpenAPI document, generated from the routes themselves: their paths, methods and
path parameters as registered, and the body specs and query parameters each route declares
(`ThreadSafeChalice.route(..., body=, query=)`), which are also what checks the requests."""

import re

from chalicelib.core.fields import Field

OPENAPI_VERSION = "3.1.0"
_KINDS = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "object"}
_PARAMETER = re.compile(r"{([^}]+)}")
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "details": {"type": "object"}}}},
}


def document(app, title="Caaartoons API", version="1"):
    paths = {}
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            spec = app.route_specs.get((method, path))
            paths.setdefault(path, {})[method.lower()] = _operation(path, method, entry, spec)
    return {"openapi": OPENAPI_VERSION, "info": {"title": title, "version": version},
            "paths": paths, "components": {"schemas": {"Error": ERROR_SCHEMA}}}


def _operation(path, method, entry, spec):
    summary = (entry.view_function.__doc__ or entry.view_name.replace("_", " ")).strip()
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in _PARAMETER.findall(path)]
    parameters += [{"name": name, "in": "query", "required": False,
                    "schema": {"type": "string"}} for name in (spec.query if spec else ())]
    error = {"description": "An error", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}
    operation = {"operationId": f"{entry.view_name}_{method.lower()}",
                 "summary": summary.splitlines()[0], "parameters": parameters,
                 "responses": {"2XX": {"description": "Done", "content": {
                     "application/json": {"schema": {"type": "object"}}}},
                               "4XX": error, "5XX": error}}
    if spec and spec.body is not None:
        operation["requestBody"] = {"required": bool(spec.body), "content": {
            "application/json": {"schema": object_schema(spec.body)}}}
    return operation


def object_schema(spec):
    """A JSON Schema for a spec of fields: exactly what `check_object` accepts."""
    return {"type": "object", "additionalProperties": False,
            "properties": {name: _field_schema(field) for name, field in spec.items()},
            "required": [name for name, field in spec.items() if field.required]}


def _field_schema(field: Field):
    schema = {"type": _KINDS[field.kind]}
    bounds = ("maxLength", "minLength") if field.kind is str else ("maxItems", "minItems")
    if field.max_length is not None:
        schema[bounds[0]] = field.max_length
    if field.min_length:
        schema[bounds[1]] = field.min_length
    if field.choices is not None:
        schema["enum"] = list(field.choices)
    if isinstance(field.items, Field):
        schema["items"] = _field_schema(field.items)
    elif field.items is not None:
        schema["items"] = object_schema(field.items)
    if field.values is not None:
        schema["additionalProperties"] = _field_schema(field.values)
    if field.doc:
        schema["description"] = field.doc
    return schema
