"""What can go wrong, in the service's own terms. Services raise these; the HTTP layer
(`core/web.py`) maps each kind to a status and a default code in one table, so no service
knows about HTTP.

`code` is the stable, machine-readable reason the API returns (`email_taken`, `link_used`...);
a raiser names it, or the kind's default applies. `details` carries what a client can act on
(the field at fault, a shortfall). The message is the template `error.<key>` of the server's
words (core/words/en.json), `key` defaulting to the code, filled with the raiser's values:
`Invalid(code="invalid_email")`, `NotFound(key="no_such_scene")`.
"""

from chalicelib.core import words


class DomainError(Exception):
    code = None  # a kind may fix its own code; otherwise the raiser's, else the table's

    def __init__(self, message=None, *, code=None, details=None, key=None, **values):
        code = code or type(self).code
        message = message or words.text(f"error.{key or code}", **values)
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details


class Invalid(DomainError):
    """The request itself is wrong: malformed, a bad field, an unknown choice."""


class NotSignedIn(DomainError):
    """No live session."""


class Forbidden(DomainError):
    """Signed in or not, this request is refused (cross-site, a missing CSRF token)."""


class InsufficientCredits(DomainError):
    """The balance does not cover the cost."""

    def __init__(self, shortfall):
        super().__init__(words.count("error.credits_short", shortfall),
                         details={"shortfall": shortfall})
        self.shortfall = shortfall


class NotFound(DomainError):
    """Nothing of the caller's by that name (another account's things do not exist here)."""


class Conflict(DomainError):
    """The request clashes with the current state: in progress, changed, taken."""


class TooLarge(DomainError):
    """Bigger than the service accepts."""


class NotAllowed(DomainError):
    """The path has routes, none for this method; `allowed` lists the methods it has."""

    code = "method_not_allowed"

    def __init__(self, method, allowed):
        super().__init__(key="wrong_method", method=method, allowed=", ".join(allowed))
        self.allowed = tuple(allowed)


class Refused(DomainError):
    """Well-formed, but refused on its content (the moderation check)."""


class RateLimited(DomainError):
    """Too many of these for now; `retry_after` says when to try again, in seconds."""

    def __init__(self, message=None, *, retry_after, code=None, key=None):
        super().__init__(message, code=code, key=key)
        self.retry_after = max(1, int(retry_after))


class ProviderFailed(DomainError):
    """An outside service (payments) failed; nothing changed on our side."""


class Unavailable(DomainError):
    """We could not do it just now (a queue or a check did not answer); nothing was charged."""
