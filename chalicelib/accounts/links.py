"""Sign-in by emailed link, and changing the address by the same kind of link.

A link's token (256 random bits) is mailed in the URL fragment and stored only as a keyed hash;
it is consumed by one conditional write, once, within LINK_TTL. Asking for a link answers alike
whether or not the address has an account.
"""

import uuid

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.accounts import limits, sessions
from chalicelib.core import clock, logs, words
from chalicelib.core.answers import BODY_ERRORS, SENT, SIGNED_IN, STATUS, ok
from chalicelib.core.conditions import lost_condition
from chalicelib.core.crypto import keyed_hash, new_token
from chalicelib.core.errors import Conflict, Invalid
from chalicelib.core.fields import Field
from chalicelib.core.models import Account, EmailIndex, SignInLink, transaction
from chalicelib.core.patterns import Pattern
from chalicelib.core.settings import get_settings

LINK_TTL = 15 * 60
TOKEN_PATTERN = Pattern(r"^[A-Za-z0-9_\-]{43}$")
_LOCAL = Pattern(r"^[A-Za-z0-9!#$%&*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&*+/=?^_`{|}~-]+)*$")
_LABEL = Pattern(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_TLD = Pattern(r"^[a-z]{2,63}$|^xn--[a-z0-9-]{1,59}$")
LINK_PAGES = {"signin": "/confirm.html", "email-change": "/confirm-email.html"}
# The shape an address must have, as the API document declares it; `normalise_email` checks
# more (label lengths, hyphens) than a JSON Schema pattern can say plainly.
EMAIL_SHAPE = r"^[A-Za-z0-9!#$%&*+/=?^_`{|}~.-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,63}$"
EMAIL_SPEC = {"email": Field(str, max_length=320, pattern=EMAIL_SHAPE)}
TOKEN_SPEC = {"token": Field(str, max_length=128, pattern=TOKEN_PATTERN.pattern)}


# --- addresses -----------------------------------------------------------------------------

def normalise_email(raw):
    """Strict: one @, no quotes, commas or spaces; the domain case-folded. Else 400. The
    local part keeps the case it was typed in: that is the form shown and mailed to."""
    problem = Invalid(code="invalid_email")
    if not isinstance(raw, str) or len(raw) > 254 or raw.count("@") != 1:
        raise problem
    local, domain = raw.strip().split("@")
    domain = domain.lower()
    labels = domain.split(".")
    if not (0 < len(local) <= 64 and _LOCAL.fullmatch(local) and len(labels) >= 2
            and all(_LABEL.fullmatch(label) for label in labels) and _TLD.fullmatch(labels[-1])):
        raise problem
    return f"{local}@{domain}"


def canonical_email(email):
    """The form addresses are compared in: lower case throughout (the local part is ASCII),
    so Ada@ and ada@ are one address, one account and one set of limits."""
    return email.lower()


def email_key(email):
    return keyed_hash("email", canonical_email(email))


def _exact_key(email):
    """The key of the address as typed: what accounts made before addresses were compared
    without regard to case are indexed under, until they move to the canonical key."""
    return keyed_hash("email", email)


def find_account(email):
    """The account of a normalised address, or None. An older account indexed under its exact
    form is found first by that form (so each of two such accounts keeps its sign-in) and is
    moved to the canonical key when that key is free."""
    exact, canonical = _exact_key(email), email_key(email)
    for key in dict.fromkeys((exact, canonical)):
        try:
            account = Account.get(EmailIndex.get(key, consistent_read=True).account_id,
                                  consistent_read=True)
        except (EmailIndex.DoesNotExist, Account.DoesNotExist):
            continue
        if account.email_key != canonical:
            move_to_canonical_key(account)
        return account
    return None


def move_to_canonical_key(account):
    """Index an older account under its address's canonical key, in one transaction; if that
    key belongs to another account (the same address in other capitals), leave it as it is
    for the operator (README: addresses that differ only by case). True if moved."""
    old, new = account.email_key, email_key(account.email)
    if old == new or account.deleting_since is not None:  # erasure deletes the key it read
        return False
    try:
        with transaction() as write:
            write.delete(EmailIndex(old), condition=EmailIndex.account_id == account.account_id)
            write.save(EmailIndex(new, account_id=account.account_id),
                       condition=EmailIndex.email_key.does_not_exist())
            write.update(account, actions=[Account.email_key.set(new)],
                         condition=(Account.email_key == old)
                         & Account.deleting_since.does_not_exist())
    except TransactWriteError:
        return False
    logs.event("email_key_moved", account_id=account.account_id)
    return True


# --- links ---------------------------------------------------------------------------------

# The limits keyed by an address (its lower-case form): an erasure forgets them.
ADDRESS_SCOPES = ("link-email-minute", "link-email-hour")


def request_link(raw_email, ip, *, purpose="signin", account_id=None, lang="en"):
    """Mail a fresh single-use link, in `lang` (en or fr). Answers alike whether or not the
    address has an account."""
    email = normalise_email(raw_email)
    limits.hit("link-ip-hour", ip)
    for scope in ADDRESS_SCOPES:
        limits.hit(scope, canonical_email(email), refusal="link_just_sent")
    token = new_token()
    link = SignInLink(keyed_hash("link", token), purpose=purpose, email=email,
                      email_key=email_key(email), account_id=account_id)
    link.set_expiry(clock.now() + LINK_TTL)
    link.save(condition=SignInLink.token_hash.does_not_exist())
    url = f"{get_settings().site_url}{LINK_PAGES[purpose]}#token={token}"
    from chalicelib.adapters import mail  # with the first mail, not the API's cold start

    mail.send(to=email, link=url, **_link_message(purpose, url, lang))
    logs.event("link_requested", purpose=purpose, email_key=email_key(email)[:16])


# Each purpose's mail, by its keys in the catalogue (core/words: mail.<key>_subject, _action).
MAIL_KEYS = {"signin": "signin", "email-change": "email_change"}


def _link_message(purpose, url, lang="en"):
    key = MAIL_KEYS[purpose]
    subject = words.text(f"mail.{key}_subject", lang)
    opening = words.text("mail.open", lang, action=words.text(f"mail.{key}_action", lang))
    once = words.text("mail.once", lang)
    text = f"{opening}\n\n{url}\n\n{once}"
    html = (f"<p>{opening}</p><p><a href=\"{url}\">{url}</a></p><p>{once}</p>")
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
        if not lost_condition(error):
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
    code = f"link_{reason}"
    return Invalid(code=code)


def verify_link(token, ip):
    """Sign in with a link: the account is created on first sign-in. Returns a new Session."""
    link = consume_link(token, ip, purpose="signin")
    account = get_or_create_account(link.email)
    session = sessions.start(account)
    logs.event("signed_in", account_id=account.account_id)
    return session


def get_or_create_account(email):
    """The address's account, made on first sign-in with the address as typed."""
    found = find_account(email)
    if found is not None:
        return found
    key = email_key(email)
    account = Account(uuid.uuid4().hex, email=email, email_key=key, balance=0,
                      created_at=clock.utc_now())
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

def request_email_change(session, raw_email, ip, lang="en"):
    """Mail a confirmation link to the new address; nothing changes until it is opened."""
    email = normalise_email(raw_email)
    if canonical_email(email) == canonical_email(session.account.email):
        raise Invalid(code="same_email")
    request_link(email, ip, purpose="email-change", account_id=session.account_id, lang=lang)


def confirm_email_change(token, ip, *, confirming=None):
    """Move the account to the new address and end its other sessions, in one transaction;
    409 if another account has the address. `confirming` is the (account id, session id) of
    the cookie that sent the confirmation, if any: that session alone stays."""
    link = consume_link(token, ip, purpose="email-change")
    account = Account.get(link.account_id, consistent_read=True)
    new_key = email_key(link.email)
    kept = confirming[1] if confirming and confirming[0] == account.account_id and \
        confirming[1] in (account.session_ids or set()) else None
    # Set, not delete: a session started since the read ends too.
    sessions_after = Account.session_ids.set({kept}) if kept else Account.session_ids.remove()
    try:
        with transaction() as write:
            write.delete(EmailIndex(account.email_key),
                         condition=EmailIndex.account_id == account.account_id)
            write.save(EmailIndex(new_key, account_id=account.account_id),
                       condition=EmailIndex.email_key.does_not_exist())
            write.update(account, actions=[Account.email.set(link.email),
                                           Account.email_key.set(new_key), sessions_after],
                         condition=Account.account_id.exists()
                         & Account.deleting_since.does_not_exist())
    except TransactWriteError:
        raise Conflict(code="email_taken") from None
    logs.event("email_changed", account_id=account.account_id, other_sessions_ended=True)
    return account.account_id


# What the routes reading those specs answer.
LINK_SENT = ok(SENT, 202, errors=(*BODY_ERRORS, 429))
VERIFIED = ok(sessions.ME, errors=(*BODY_ERRORS, 409, 429), headers=sessions.SET_COOKIE)
EMAIL_CHANGE_SENT = ok(SENT, 202, errors=(*BODY_ERRORS, SIGNED_IN, 409, 429))
EMAIL_CHANGED = ok(STATUS, errors=(*BODY_ERRORS, 409, 429))
