"""HTTP plumbing shared by every route: the app object, JSON bodies, errors, headers, cookies."""

import json
import logging
import threading
from dataclasses import dataclass

from chalice import Chalice, Response

from chalicelib.core import logs
from chalicelib.core.errors import ApiError, BadRequest, PayloadTooLarge
from chalicelib.core.settings import get_settings

MAX_BODY_BYTES = 64 * 1024
_log = logging.getLogger("caaartoons.web")


class ThreadSafeChalice(Chalice):
    """Chalice keeps the current request on the app; Lambda runs one request per instance, but
    the local stack and the tests serve threads, so each thread sees its own request."""

    _local = threading.local()

    @property
    def current_request(self):
        return getattr(self._local, "request", None)

    @current_request.setter
    def current_request(self, value):
        self._local.request = value

    @property
    def lambda_context(self):
        return getattr(self._local, "context", None)

    @lambda_context.setter
    def lambda_context(self, value):
        self._local.context = value


@dataclass(frozen=True)
class Field:
    kind: type
    required: bool = True
    max_length: int | None = None
    min_length: int = 0


def read_json(request, spec):
    """The body as a dict holding only the fields of `spec`, each of the right type."""
    body = request.raw_body or b""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The request body is over {MAX_BODY_BYTES // 1024} KiB.")
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The request body is not valid JSON.", code="invalid_json") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.", code="invalid_json")
    return check_object(data, spec)


def check_object(data, spec, path=""):
    """Like read_json for a nested object: `path` (e.g. "scenes[2].") prefixes field names in
    the error messages and in `details.field`, so a 400 names the exact field."""
    if not isinstance(data, dict):
        raise BadRequest(f"The field {path.rstrip('.')} must be an object.", code="wrong_type",
                         details={"field": path.rstrip(".")})
    unknown = sorted(set(data) - set(spec))
    if unknown:
        raise BadRequest(f"Unknown field: {path}{unknown[0]}.", code="unknown_field",
                         details={"field": f"{path}{unknown[0]}"})
    return {name: _check_field(name, field, data, path) for name, field in spec.items()
            if name in data or field.required}


def _check_field(name, field, data, path=""):
    if name not in data or data[name] is None:
        if field.required:
            raise BadRequest(f"The field {path}{name} is required.", code="missing_field",
                             details={"field": f"{path}{name}"})
        return None
    value = data[name]
    name = f"{path}{name}"
    where = {"field": name}
    if not isinstance(value, field.kind) or (field.kind is int and isinstance(value, bool)):
        raise BadRequest(f"The field {name} must be a {field.kind.__name__}.", code="wrong_type",
                         details=where)
    if field.max_length is not None and len(value) > field.max_length:
        raise BadRequest(f"The field {name} is longer than {field.max_length}.",
                         code="too_long", details=where)
    if isinstance(value, (str, list)) and len(value) < field.min_length:
        raise BadRequest(f"The field {name} is too short.", code="too_short", details=where)
    return value


def client_ip(request):
    """API Gateway's source IP; X-Forwarded-For is caller-controlled and never trusted."""
    return ((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown"


def json_response(body, status=200, headers=None):
    return Response(body=body, status_code=status,
                    headers={"Content-Type": "application/json", **(headers or {})})


def error_response(status, code, message, headers=None):
    return json_response({"error": {"code": code, "message": message}}, status, headers)


def cookie_header(value, max_age):
    settings = get_settings()
    parts = [f"{settings.cookie_name}={value}", "Path=/", f"Max-Age={int(max_age)}",
             "HttpOnly", "SameSite=Lax"]
    if settings.cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)


def read_cookie(request, name):
    for part in (request.headers.get("cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def api_headers():
    return {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "Content-Security-Policy": ("default-src 'none'; object-src 'none'; base-uri 'none'; "
                                    "frame-ancestors 'none'"),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
    }


def _normalise(response):
    """Chalice's own errors (405, 415, its 500) come as {"Code", "Message"}: reshape them."""
    body = response.body
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = "internal_error" if response.status_code >= 500 else "bad_request"
        message = body["Message"] if response.status_code < 500 else "Something went wrong."
        response.body = {"error": {"code": code, "message": message}}
    return response


def error_middleware(event, get_response):
    """Outermost: maps ApiError to its status, anything else to a logged 500, adds headers."""
    try:
        response = _normalise(get_response(event))
    except ApiError as error:
        response = error_response(error.status, error.code, error.message, error.headers)
        if error.details is not None:
            response.body["error"]["details"] = error.details
    except Exception:
        _log.exception("unhandled error")
        logs.event("unhandled_error", path=getattr(event, "path", "?"))
        response = error_response(500, "internal_error", "Something went wrong.")
    for name, value in api_headers().items():
        response.headers.setdefault(name, value)
    if isinstance(response.body, (dict, list)):
        response.headers.setdefault("Content-Type", "application/json")
    return response


def images_origins():
    """Where presigned image URLs point: moto locally, the bucket's S3 hosts in production."""
    settings = get_settings()
    endpoint = settings.get("AWS_ENDPOINT_URL")
    if endpoint:
        return [endpoint.rstrip("/")]
    bucket = settings.images_bucket
    return [f"https://{bucket}.s3.{settings.region}.amazonaws.com",
            f"https://{bucket}.s3.amazonaws.com"]


def site_headers(filename=""):
    """Headers for the static site's pages (the local server sends them; CloudFront in prod)."""
    images = " ".join(images_origins())
    confirm = filename.startswith("confirm")
    return {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "Content-Security-Policy": (
            f"default-src 'self'; img-src 'self' data: blob: {images}; "
            "style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
        "X-Content-Type-Options": "nosniff",
        # The confirm pages carry a token in the fragment: never leak the URL onwards.
        "Referrer-Policy": "no-referrer" if confirm else "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
