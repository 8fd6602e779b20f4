"""A stand-in that speaks Resend's HTTP API for sending mail (POST /emails)."""

import uuid

from tests.support.fakes.http import FakeServer

API_KEY = "re_test_local_key"


def route(request):
    if request.headers.get("Authorization") != f"Bearer {API_KEY}":
        return 401, {}, {"statusCode": 401, "name": "validation_error",
                         "message": "API key is invalid"}
    if request.method != "POST" or request.path != "/emails":
        return 404, {}, {"statusCode": 404, "name": "not_found", "message": "Not found"}
    body = request.json or {}
    missing = [f for f in ("from", "to", "subject") if not body.get(f)]
    if missing or not (body.get("html") or body.get("text")):
        return 422, {}, {"statusCode": 422, "name": "missing_required_field",
                         "message": f"Missing `{(missing or ['html'])[0]}` field."}
    return 200, {}, {"id": str(uuid.uuid4())}


def resend_server():
    return FakeServer(route)
