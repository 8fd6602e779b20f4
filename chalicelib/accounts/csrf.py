"""CSRF: every state-changing request carries a token bound to the session (or, signed out,
a fresh anonymous one: a custom header that cross-site pages cannot send without CORS), and
cross-site requests are refused on their Origin and Sec-Fetch-Site headers."""

from itsdangerous import BadSignature, URLSafeTimedSerializer

from chalicelib.core.answers import TEXT, obj, ok
from chalicelib.core.crypto import keyed_hash, same
from chalicelib.core.errors import Forbidden
from chalicelib.core.settings import get_settings

ANON_CSRF_TTL = 2 * 3600
EXEMPT_PATHS = {"/api/stripe/webhook"}  # authenticated by Stripe's signature instead
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def needed(method, path):
    return method not in SAFE_METHODS and path not in EXEMPT_PATHS


def token(session_id):
    return keyed_hash("csrf", session_id)


def anonymous_token():
    return URLSafeTimedSerializer(get_settings().hash_key, salt="csrf-anon").dumps("anon")


def check(*, fetch_site, origin, sent, session_id):
    """Refuse a cross-site request, then demand the token of the session (`session_id`, or
    None when signed out)."""
    if (fetch_site and fetch_site not in ("same-origin", "none")) or (
            origin and origin != get_settings().site_origin):
        raise Forbidden(key="cross_site_refused", code="cross_site")
    if not sent:
        raise Forbidden(key="csrf_token_missing", code="csrf_missing")
    if session_id is not None:
        if not same(sent, token(session_id)):
            raise Forbidden(key="csrf_token_wrong", code="csrf_invalid")
        return
    try:
        URLSafeTimedSerializer(get_settings().hash_key, salt="csrf-anon").loads(
            sent, max_age=ANON_CSRF_TTL)
    except BadSignature:
        raise Forbidden(key="csrf_token_wrong", code="csrf_invalid") from None


# GET /api/auth/csrf: a token for a signed-out request that changes something.
ANONYMOUS = ok(obj({"csrf_token": TEXT}))
