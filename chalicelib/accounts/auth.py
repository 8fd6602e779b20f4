"""Sign-in by emailed link, sessions and CSRF tokens.

A link's token (256 random bits) is mailed in the URL fragment and stored only as a keyed hash;
it is consumed by one conditional write. A session is a signed cookie naming the account and a
session id that must still be in the account's live set, checked on every request.
"""

import datetime
import re
import time
import uuid
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.accounts import limits
from chalicelib.adapters import mail
from chalicelib.core import clock, logs
from chalicelib.core.crypto import keyed_hash, new_token, same
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, Unauthorized
from chalicelib.core.models import Account, EmailIndex, SignInLink, transaction
from chalicelib.core.settings import get_settings
from chalicelib.core.web import cookie_header, read_cookie

LINK_TTL = 15 * 60
SESSION_TTL = 30 * 24 * 3600
ANON_CSRF_TTL = 2 * 3600
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{43}$")
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_TLD = re.compile(r"^[a-z]{2,63}$|^xn--[a-z0-9-]{1,59}$")
LINK_PAGES = {"signin": "/confirm.html", "email-change": "/confirm-email.html"}


@dataclass(frozen=True)
class Session:
    account: Account
    session_id: str

    @property
    def account_id(self):
        return self.account.account_id


# --- addresses -----------------------------------------------------------------------------

def normalise_email(raw):
    """Strict: one @, no quotes, commas or spaces; the domain case-folded. Else 400."""
    problem = BadRequest("Please enter a valid email address.", code="invalid_email")
    if not isinstance(raw, str) or len(raw) > 254 or raw.count("@") != 1:
        raise problem
    local, domain = raw.strip().split("@")
    domain = domain.lower()
    labels = domain.split(".")
    if not (0 < len(local) <= 64 and _LOCAL.fullmatch(local) and len(labels) >= 2
            and all(_LABEL.fullmatch(label) for label in labels) and _TLD.fullmatch(labels[-1])):
        raise problem
    return f"{local}@{domain}"


def email_key(email):
    return keyed_hash("email", email)


# --- links ---------------------------------------------------------------------------------

def request_link(raw_email, ip, *, purpose="signin", account_id=None):
    """Mail a fresh single-use link. Answers alike whether or not the address has an account."""
    email = normalise_email(raw_email)
    limits.hit("link-ip-hour", ip)
    wait = "A link was just sent to this address. Please check your inbox or wait a moment."
    limits.hit("link-email-minute", email, message=wait)
    limits.hit("link-email-hour", email, message=wait)
    token = new_token()
    link = SignInLink(keyed_hash("link", token), purpose=purpose, email=email,
                      email_key=email_key(email), account_id=account_id)
    link.set_expiry(clock.now() + LINK_TTL)
    link.save(condition=SignInLink.token_hash.does_not_exist())
    url = f"{get_settings().site_url}{LINK_PAGES[purpose]}#token={token}"
    mail.send(to=email, link=url, **_link_message(purpose, url))
    logs.event("link_requested", purpose=purpose, email_key=email_key(email)[:16])


def _link_message(purpose, url):
    action = "sign in to" if purpose == "signin" else "confirm your new address for"
    text = (f"Open this link to {action} Caaartoons:\n\n{url}\n\n"
            "It works once, within 15 minutes. If you did not ask for it, ignore this mail.")
    html = (f"<p>Open this link to {action} Caaartoons:</p><p><a href=\"{url}\">{url}</a></p>"
            "<p>It works once, within 15 minutes. If you did not ask for it, ignore this "
            "mail.</p>")
    subject = "Your Caaartoons sign-in link" if purpose == "signin" else \
        "Confirm your new Caaartoons address"
    return {"subject": subject, "text": text, "html": html}


def consume_link(token, ip, *, purpose="signin"):
    """Mark the link used in one conditional write; return it, or 400 saying what to do."""
    limits.hit("verify-ip-hour", ip)
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        raise _link_error("invalid")
    now = int(clock.now())
    link = SignInLink(keyed_hash("link", token))
    try:
        link.update(actions=[SignInLink.used_at.set(now)],
                    condition=SignInLink.token_hash.exists() & SignInLink.used_at.does_not_exist()
                    & (SignInLink.expires_at > now) & (SignInLink.purpose == purpose))
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise _link_error(_why_refused(link.token_hash, now)) from None
    return link


def _why_refused(token_hash, now):
    try:
        link = SignInLink.get(token_hash, consistent_read=True)
    except SignInLink.DoesNotExist:
        return "invalid"
    return "used" if link.used_at is not None else "expired" if link.expired(now) else "invalid"


def _link_error(reason):
    messages = {
        "invalid": "This sign-in link is not valid. Please ask for a new link.",
        "used": "This sign-in link has already been used. Please ask for a new link.",
        "expired": "This sign-in link has expired. Please ask for a new link.",
    }
    return BadRequest(messages[reason], code=f"link_{reason}")


def verify_link(token, ip):
    """Sign in with a link: the account is created on first sign-in. Returns a new Session."""
    link = consume_link(token, ip, purpose="signin")
    account = get_or_create_account(link.email)
    session_id = start_session(account)
    logs.event("signed_in", account_id=account.account_id)
    return Session(account, session_id)


def get_or_create_account(email):
    key = email_key(email)
    try:
        return Account.get(EmailIndex.get(key, consistent_read=True).account_id,
                           consistent_read=True)
    except (EmailIndex.DoesNotExist, Account.DoesNotExist):
        pass
    account = Account(uuid.uuid4().hex, email=email, email_key=key, balance=0,
                      created_at=datetime.datetime.now(datetime.UTC))
    try:
        with transaction() as write:
            write.save(EmailIndex(key, account_id=account.account_id),
                             condition=EmailIndex.email_key.does_not_exist())
            write.save(account, condition=Account.account_id.does_not_exist())
    except TransactWriteError:
        # Another first sign-in for this address won the race: use its account.
        return Account.get(EmailIndex.get(key, consistent_read=True).account_id,
                           consistent_read=True)
    logs.event("account_created", account_id=account.account_id)
    return account


# --- changing the address (rectification) ---------------------------------------------------

def request_email_change(session, raw_email, ip):
    """Mail a confirmation link to the new address; nothing changes until it is opened."""
    email = normalise_email(raw_email)
    if email == session.account.email:
        raise BadRequest("That is already your address.", code="same_email")
    request_link(email, ip, purpose="email-change", account_id=session.account_id)


def confirm_email_change(token, ip):
    """Move the account to the new address in one transaction; 409 if another account has it."""
    link = consume_link(token, ip, purpose="email-change")
    account = Account.get(link.account_id, consistent_read=True)
    new_key = email_key(link.email)
    try:
        with transaction() as write:
            write.delete(EmailIndex(account.email_key),
                         condition=EmailIndex.account_id == account.account_id)
            write.save(EmailIndex(new_key, account_id=account.account_id),
                       condition=EmailIndex.email_key.does_not_exist())
            write.update(account, actions=[Account.email.set(link.email),
                                           Account.email_key.set(new_key)],
                         condition=Account.account_id.exists()
                         & Account.deleting_since.does_not_exist())
    except TransactWriteError:
        raise Conflict("That address belongs to another account, or this account is being "
                       "deleted.", code="email_taken") from None
    logs.event("email_changed", account_id=account.account_id)
    return account.account_id


# --- sessions ------------------------------------------------------------------------------

def _serializer():
    # itsdangerous signs with the last key and verifies with all: settings list newest first.
    return URLSafeTimedSerializer(list(reversed(get_settings().session_keys)), salt="session")


def start_session(account):
    now = int(time.time())
    session_id = f"{now}.{new_token()}"
    stale = {sid for sid in (account.session_ids or set())
             if int(sid.split(".", 1)[0]) < now - SESSION_TTL}
    if stale:
        account.update(actions=[Account.session_ids.delete(stale)],
                       condition=Account.account_id.exists())
    try:
        account.update(actions=[Account.session_ids.add({session_id})],
                       condition=Account.account_id.exists()
                       & Account.deleting_since.does_not_exist())
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise Conflict("This account is being deleted.", code="account_deleting") from None
    return session_id


def session_cookie(session):
    value = _serializer().dumps({"a": session.account_id, "s": session.session_id})
    return cookie_header(value, SESSION_TTL)


def clear_cookie():
    return cookie_header("", 0)


def read_session_cookie(request):
    """(account_id, session_id) from a well-signed, unexpired cookie, else None."""
    value = read_cookie(request, get_settings().cookie_name)
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=SESSION_TTL)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in "as"):
        return None
    return data["a"], data["s"]


def current_session(request):
    """The signed-in session, checked against the account's live sessions; else 401."""
    ids = read_session_cookie(request)
    if ids is None:
        raise Unauthorized("Please sign in.")
    try:
        account = Account.get(ids[0], consistent_read=True)
    except Account.DoesNotExist:
        raise Unauthorized("Please sign in.") from None
    if ids[1] not in (account.session_ids or set()) or account.deleting_since is not None:
        raise Unauthorized("Your session has ended. Please sign in again.")
    return Session(account, ids[1])


def end_session(session):
    try:
        session.account.update(actions=[Account.session_ids.delete({session.session_id})],
                               condition=Account.account_id.exists())
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    logs.event("signed_out", account_id=session.account_id)


def end_all_sessions(session):
    session.account.update(actions=[Account.session_ids.remove()],
                           condition=Account.account_id.exists())
    logs.event("signed_out_everywhere", account_id=session.account_id)


# --- CSRF ----------------------------------------------------------------------------------

def csrf_token(session_id):
    return keyed_hash("csrf", session_id)


def anonymous_csrf_token():
    return URLSafeTimedSerializer(get_settings().hash_key, salt="csrf-anon").dumps("anon")


def check_csrf(request):
    """Refuse cross-site requests, then demand the token bound to the session (or, signed
    out, a fresh anonymous one: a custom header cross-site pages cannot send without CORS)."""
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if (site and site not in ("same-origin", "none")) or (
            origin and origin != get_settings().site_origin):
        raise Forbidden("Cross-site requests are refused.", code="cross_site")
    token = request.headers.get("x-csrf-token") or ""
    if not token:
        raise Forbidden("The CSRF token is missing. Reload the page.", code="csrf_missing")
    ids = read_session_cookie(request)
    if ids is not None:
        if not same(token, csrf_token(ids[1])):
            raise Forbidden("The CSRF token is wrong. Reload the page.", code="csrf_invalid")
        return
    try:
        URLSafeTimedSerializer(get_settings().hash_key, salt="csrf-anon").loads(
            token, max_age=ANON_CSRF_TTL)
    except BadSignature:
        raise Forbidden("The CSRF token is wrong. Reload the page.", code="csrf_invalid") \
            from None


CSRF_EXEMPT = {"/api/stripe/webhook"}  # authenticated by Stripe's signature instead
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def csrf_middleware(event, get_response):
    if event.method not in SAFE_METHODS and event.path not in CSRF_EXEMPT:
        check_csrf(event)
    return get_response(event)


def describe(session):
    account = session.account
    return {"account_id": account.account_id, "email": account.email,
            "balance": int(account.balance or 0),
            "created_at": account.created_at.isoformat(),
            "csrf_token": csrf_token(session.session_id)}
