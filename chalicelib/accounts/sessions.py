"""Sessions: a signed cookie value naming the account and a session id that must still be in
the account's live set, checked on every request, so signing out (here or everywhere) and
deleting the account end it at once.

`Session` is the one shape in which the signed-in person reaches every service.
"""

from typing import NamedTuple

from itsdangerous import BadSignature, URLSafeTimedSerializer
from pynamodb.exceptions import UpdateError

from chalicelib.accounts import csrf
from chalicelib.core import clock, logs
from chalicelib.core.answers import COUNT, SIGNED_IN, STATUS, TEXT, TIME, obj, ok
from chalicelib.core.conditions import lost_condition
from chalicelib.core.crypto import new_token
from chalicelib.core.errors import Conflict, NotSignedIn
from chalicelib.core.models import Account
from chalicelib.core.settings import get_settings

SESSION_TTL = 30 * 24 * 3600


class Session(NamedTuple):
    account: Account
    session_id: str

    @property
    def account_id(self):
        return self.account.account_id


def _serializer():
    # itsdangerous signs with the last key and verifies with all: settings list newest first.
    return URLSafeTimedSerializer(list(reversed(get_settings().session_keys)), salt="session")


def start(account):
    """A new live session of the account (409 while it is being deleted)."""
    now = int(clock.now())
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
        if not lost_condition(error):
            raise
        raise Conflict(code="account_deleting") from None
    return Session(account, session_id)


def signed_value(session):
    """What the session cookie holds: the account and session ids, signed."""
    return _serializer().dumps({"a": session.account_id, "s": session.session_id})


def read_signed(value):
    """(account_id, session_id) from a well-signed, unexpired cookie value, else None."""
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=SESSION_TTL)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in "as"):
        return None
    return data["a"], data["s"]


def current(cookie_value):
    """The signed-in session, checked against the account's live sessions; else NotSignedIn."""
    ids = read_signed(cookie_value)
    if ids is None:
        raise NotSignedIn(key="sign_in")
    try:
        account = Account.get(ids[0], consistent_read=True)
    except Account.DoesNotExist:
        raise NotSignedIn(key="sign_in") from None
    if ids[1] not in (account.session_ids or set()) or account.deleting_since is not None:
        raise NotSignedIn(key="session_ended")
    return Session(account, ids[1])


def end(session):
    try:
        session.account.update(actions=[Account.session_ids.delete({session.session_id})],
                               condition=Account.account_id.exists())
    except UpdateError as error:
        if not lost_condition(error):
            raise
    logs.event("signed_out", account_id=session.account_id)


def end_everywhere(session):
    session.account.update(actions=[Account.session_ids.remove()],
                           condition=Account.account_id.exists())
    logs.event("signed_out_everywhere", account_id=session.account_id)


def describe(session):
    account = session.account
    return {"account_id": account.account_id, "email": account.email,
            "balance": int(account.balance or 0),
            "created_at": account.created_at.isoformat(),
            "csrf_token": csrf.token(session.session_id)}


# What `describe` answers (GET /api/me, and the sign-in).
ME = obj({"account_id": TEXT, "email": TEXT, "balance": COUNT, "created_at": TIME,
          "csrf_token": TEXT})
ME_ANSWER = ok(ME, errors=(SIGNED_IN,))
SET_COOKIE = (("Set-Cookie", "The session cookie: set on sign-in, cleared on sign-out."),)
SIGNED_OUT = ok(STATUS, errors=(SIGNED_IN,), headers=SET_COOKIE)
