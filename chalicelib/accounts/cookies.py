"""The session's HTTP edge: the signed-in session read from a request's cookie, the cookie
headers, and the CSRF middleware. The rest of accounts/ knows nothing of requests."""

from chalicelib.accounts import csrf, sessions
from chalicelib.core.settings import get_settings
from chalicelib.core.web import cookie_header, read_cookie


def current_session(request):
    """The signed-in Session, or NotSignedIn (a 401)."""
    return sessions.current(read_cookie(request, get_settings().cookie_name))


def cookie_ids(request):
    """(account id, session id) of a well-signed session cookie, unchecked, or None."""
    return sessions.read_signed(read_cookie(request, get_settings().cookie_name))


def session_cookie(session):
    return cookie_header(sessions.signed_value(session), sessions.SESSION_TTL)


def clear_cookie():
    return cookie_header("", 0)


def csrf_middleware(event, get_response):
    if csrf.needed(event.method, event.path):
        ids = cookie_ids(event)
        csrf.check(fetch_site=event.headers.get("sec-fetch-site"),
                   origin=event.headers.get("origin"),
                   sent=event.headers.get("x-csrf-token") or "",
                   session_id=ids[1] if ids else None)
    return get_response(event)


def security_schemes():
    """The API document's security schemes: the session cookie and the CSRF header."""
    return {"session": {"type": "apiKey", "in": "cookie", "name": get_settings().cookie_name,
                        "description": "The signed session cookie set by POST "
                                       "/api/auth/verify."},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                     "description": "On every request that changes something: the csrf_token "
                                    "of the session (GET /api/me), or signed out an anonymous "
                                    "one (GET /api/auth/csrf)."}}


def security_requirements(method, path, signed_in):
    """What an operation requires: the cookie if it needs a session, the CSRF header on the
    requests the middleware checks."""
    needs = (["session"] if signed_in else []) + (["csrf"] if csrf.needed(method, path) else [])
    return [{name: [] for name in needs}] if needs else []
