"""A stand-in that speaks Resend's HTTP API for sending mail (POST /emails).

Every request is checked against the part of Resend's published OpenAPI document the project
uses (local/provider_specs): an unknown field, a missing one, a wrong type, more than 50
recipients each get Resend's 422 (`{"statusCode", "name", "message"}`).
"""

import json
import uuid

from devtools.fakes.http import FakeServer
from local import provider_specs

API_KEY = "re_test_local_key"


def _refusal(name, message):
    return 422, {}, {"statusCode": 422, "name": name, "message": message}


def route(request):
    if request.headers.get("Authorization") != f"Bearer {API_KEY}":
        return 401, {}, {"statusCode": 401, "name": "validation_error",
                         "message": "API key is invalid"}
    if request.method != "POST" or request.path != "/emails":
        return 404, {}, {"statusCode": 404, "name": "not_found", "message": "Not found"}
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _refusal("validation_error", "The body is not a JSON object.")
    found = provider_specs.problem("resend", "POST /emails", body)
    if found and found.kind == "missing":
        return _refusal("missing_required_field", f"Missing `{found.where[-1]}` field.")
    if found:
        where = ".".join(str(step) for step in found.where)
        return _refusal("validation_error", f"Invalid `{where}` field: {found.message}")
    # What the document cannot say: a message needs a body, unless a template gives one.
    if not (body.get("html") or body.get("text") or body.get("template")):
        return _refusal("missing_required_field", "Missing `html` or `text` field.")
    return 200, {}, {"id": str(uuid.uuid4())}


def resend_server():
    return FakeServer(route)
