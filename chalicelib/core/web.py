"""HTTP plumbing shared by every route: the app object, JSON bodies, errors, headers, cookies."""

import functools
import hmac
import ipaddress
import json
import logging
import re
import threading
from typing import NamedTuple

from chalice import Chalice, ChaliceUnhandledError, Response

from chalicelib.core import errors, logs
from chalicelib.core.answers import Answer
from chalicelib.core.fields import check_object
from chalicelib.core.patterns import Pattern
from chalicelib.core.settings import get_settings

MAX_BODY_BYTES = 64 * 1024
# CloudFront adds both to every /api/* request (infra/build.py): the origin secret as a custom
# origin header, the viewer's "address:port" through the origin request policy.
ORIGIN_SECRET_HEADER = "x-origin-secret"  # noqa: S105  (a header's name)
VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address"
# One IPv6 client holds a whole /64: limits count the network, not each address in it.
IPV6_LIMIT_PREFIX = 64
MAX_JSON_DEPTH = 32  # our deepest body (a cartoon) nests 3 levels
# A string (to its closing quote, or to the end if it has none) or a bracket; possessive, so
# one pass from left to right whatever the text.
_TOKENS = Pattern(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.DOTALL)
_SURROGATE = Pattern("[\ud800-\udfff]")
_log = logging.getLogger("caaartoons.web")

# Every domain error's HTTP status and default code: the one place that knows both worlds.
STATUSES = {
    errors.Invalid: (400, "bad_request"),
    errors.NotSignedIn: (401, "not_signed_in"),
    errors.InsufficientCredits: (402, "insufficient_credits"),
    errors.Forbidden: (403, "forbidden"),
    errors.NotFound: (404, "not_found"),
    errors.Conflict: (409, "conflict"),
    errors.NotAllowed: (405, "method_not_allowed"),
    errors.TooLarge: (413, "payload_too_large"),
    errors.Refused: (422, "unprocessable"),
    errors.RateLimited: (429, "rate_limited"),
    errors.ProviderFailed: (502, "provider_error"),
    errors.Unavailable: (503, "service_unavailable"),
}


class DomainErrorRaised(ChaliceUnhandledError):
    """Carries a domain error past Chalice's own handler (which turns any other exception
    into a 500) to the error middleware."""

    def __init__(self, error):
        super().__init__(error.message)
        self.error = error


def domain_errors(view):
    """Lets a view's domain errors through to the error middleware (a Blueprint's routes need
    it too: they register without ThreadSafeChalice.route)."""
    @functools.wraps(view)
    def guarded(*args, **kw):
        try:
            return view(*args, **kw)
        except errors.DomainError as error:
            raise DomainErrorRaised(error) from error

    return guarded


class RouteSpec(NamedTuple):
    """What a route accepts and answers, declared where it is registered: the spec of its JSON
    body (None for no body), its query parameters (name -> JSON Schema), the request headers it
    reads (OpenAPI parameters), and its answers (core/answers.py). `read_body` and the OpenAPI
    document both read it."""

    body: dict | None = None
    query: tuple = ()  # ((name, schema), ...)
    answer: Answer | None = None
    headers: tuple = ()
    body_required: bool = True  # False: a request without a body is read as {}


class ThreadSafeChalice(Chalice):
    """Chalice keeps the current request on the app; Lambda runs one request per instance, but
    the local stack and the tests serve threads, so each thread sees its own request. Routes
    let domain errors through to the error middleware, and declare their body and query."""

    _local = threading.local()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.route_specs = {}  # (method, path) -> RouteSpec

    def route(self, path, *, body=None, query=(), answer=None, headers=(), body_required=True,
              **kwargs):
        """`query`: names, or name -> JSON Schema; `answer`: what the route answers;
        `body_required=False`: the body may be left out (read as {})."""
        query = query if isinstance(query, dict) else {name: {"type": "string"} for name in query}
        for method in kwargs.get("methods", ["GET"]):
            self.route_specs[(method, path)] = RouteSpec(body, tuple(query.items()), answer,
                                                         tuple(headers), body_required)
        register = super().route(path, **kwargs)
        return lambda view: register(domain_errors(view))

    def method_middleware(self, event, get_response):
        """A method no route of the path has is a 405 naming those it has, before any check
        that method would meet (the CSRF token), as the router would answer it."""
        allowed = self.routes.get((event.context or {}).get("resourcePath"), {})
        if allowed and event.method not in allowed:
            raise errors.NotAllowed(event.method, sorted(allowed))
        return get_response(event)

    def read_body(self):
        """The current request's JSON body, checked against its route's declared spec."""
        request = self.current_request
        spec = self.route_specs[(request.method, request.context["resourcePath"])]
        if not request.raw_body and not spec.body_required:
            return {}
        return read_json(request, spec.body)

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


def read_json(request, spec):
    """The body as a dict holding only the fields of `spec`, each of the right type."""
    data = parse_json(request.raw_body)
    if not isinstance(data, dict):
        raise errors.Invalid(key="body_not_object", code="invalid_json")
    return check_object(data, spec)


def from_cloudfront(request):
    """Whether the request carries CloudFront's origin secret (the current or the previous
    value, so a rotation drops nothing)."""
    sent = (request.headers or {}).get(ORIGIN_SECRET_HEADER) or ""
    sent = sent.encode("utf-8", "replace")
    found = False
    for secret in get_settings().origin_secrets:  # every value compared, in constant time
        found |= hmac.compare_digest(sent, secret.encode("utf-8", "replace"))
    return found


def origin_middleware(event, get_response):
    """Only CloudFront may call the API: anything else (the execute-api URL called directly)
    gets a 403 before any route or limit runs."""
    if not from_cloudfront(event):
        raise errors.Forbidden(key="not_through_site", code="origin_refused")
    return get_response(event)


def parse_json(body, *, max_bytes=MAX_BODY_BYTES):
    """The one JSON reader for what callers send: at most `max_bytes`, nested at most
    MAX_JSON_DEPTH deep (checked before parsing, which would otherwise recurse without bound),
    and no lone surrogate in any string (it cannot be stored or sent on as UTF-8)."""
    body = body or b""
    if len(body) > max_bytes:
        raise errors.TooLarge(key="body_too_large", kib=max_bytes // 1024)
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        if _depth(text) > MAX_JSON_DEPTH:
            raise errors.Invalid(key="json_nested", depth=MAX_JSON_DEPTH, code="json_too_deep")
        data = json.loads(text or "null")
    except (ValueError, UnicodeDecodeError):  # ValueError also covers ints of 4,300+ digits
        raise errors.Invalid(key="not_json", code="invalid_json") from None
    if _has_lone_surrogate(data):
        raise errors.Invalid(key="lone_surrogate", code="invalid_unicode")
    return data


def _depth(text):
    """How deep brackets nest outside strings (an upper bound for malformed text)."""
    depth = deepest = 0
    for piece in _TOKENS.findall(text):
        if piece[0] == '"':
            continue
        depth += 1 if piece in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _has_lone_surrogate(value):
    if isinstance(value, str):
        return bool(_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


def client_ip(request):
    """The viewer's address CloudFront saw, trusted only with the origin secret; API Gateway's
    sourceIp (a CloudFront edge) otherwise. X-Forwarded-For is caller-controlled, never read.
    IPv6 addresses count by their /64."""
    source = ((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown"
    viewer = (request.headers or {}).get(VIEWER_ADDRESS_HEADER)
    if not viewer or not from_cloudfront(request):
        return source
    address = _viewer_ip(viewer)
    if address is None:
        return source
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_LIMIT_PREFIX}", strict=False))
    return str(address)


def _viewer_ip(value):
    """`198.51.100.10:46532`, `2001:db8::1:46532` or `[2001:db8::1]:46532` -> the address."""
    host = value.strip().rpartition(":")[0].strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def preferred_language(request, languages=("en", "fr")):
    """The first of `languages` the request's Accept-Language names (the site sends the
    visitor's choice), else the first of them."""
    for part in (request.headers.get("accept-language") or "").split(","):
        tag = part.split(";")[0].strip().lower().split("-")[0]
        if tag in languages:
            return tag
    return languages[0]


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


def status_of(error):
    """A domain error's (status, default code): the first of its kinds in STATUSES."""
    return next(STATUSES[kind] for kind in type(error).__mro__ if kind in STATUSES)


def error_headers(error):
    """What an error's answer carries besides its body: when to try again, if limited."""
    if isinstance(error, errors.RateLimited):
        return {"Retry-After": str(error.retry_after)}
    if isinstance(error, errors.NotAllowed):
        return {"Allow": ", ".join(error.allowed)}
    return {}


def html_response(html, headers, error=None):
    """A page for a person: 200, or the status and headers of the domain error it tells of."""
    status = status_of(error)[0] if error else 200
    return Response(body=html, status_code=status, headers={**headers, **error_headers(error)})


def domain_error_response(error):
    status, code = status_of(error)
    response = error_response(status, error.code or code, error.message, error_headers(error))
    if error.details is not None:
        response.body["error"]["details"] = error.details
    return response


def error_middleware(event, get_response):
    """Outermost: maps a domain error to its status, anything else to a logged 500, adds
    headers."""
    try:
        response = _normalise(get_response(event))
    except DomainErrorRaised as raised:  # from a route
        response = domain_error_response(raised.error)
    except errors.DomainError as error:  # from a middleware
        response = domain_error_response(error)
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
    endpoint = settings.aws_endpoint_url
    if endpoint:
        return [endpoint.rstrip("/")]
    bucket = settings.images_bucket
    return [f"https://{bucket}.s3.{settings.region}.amazonaws.com",
            f"https://{bucket}.s3.amazonaws.com"]


# How long browsers keep the site's files. Pages, scripts and styles are revalidated on every
# load (`no-cache`: a conditional GET, answered 304 from the ETag while the file is unchanged),
# so a deploy never runs yesterday's scripts against today's API; pictures and the favicon are
# kept a day. In prod this is the S3 objects' metadata (infra/deploy_site.sh), which CloudFront
# passes on and honours (build.py's site cache policy); the local server sends the same.
SITE_REVALIDATED = (".html", ".js", ".css")
SITE_KEPT = "public, max-age=86400"


def site_cache_control(filename):
    """The Cache-Control of one of the site's files (a clean URL serves a page)."""
    revalidated = filename.endswith(SITE_REVALIDATED) or "." not in filename
    return "no-cache" if revalidated else SITE_KEPT


def site_headers(filename=""):
    """Headers for the static site's pages (the local server sends them; CloudFront in prod)."""
    images = " ".join(images_origins())
    confirm = filename.startswith("confirm")
    return {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "Content-Security-Policy": (
            f"default-src 'self'; img-src 'self' data: blob: {images}; "
            # connect-src: the create page sends a character's picture straight to the bucket
            f"style-src 'self'; script-src 'self'; connect-src 'self' {images}; "
            "form-action 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
        "X-Content-Type-Options": "nosniff",
        # The confirm pages carry a token in the fragment: never leak the URL onwards.
        "Referrer-Policy": "no-referrer" if confirm else "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
