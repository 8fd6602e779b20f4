"""Domain errors that map to a JSON error response `{"error": {"code", "message"}}`."""

from chalice import ChaliceUnhandledError


class ApiError(ChaliceUnhandledError):
    """Raised by routes and services; the middleware turns it into a JSON response.

    It derives from ChaliceUnhandledError so Chalice lets it reach the middleware untouched.
    """

    status = 400
    code = "bad_request"

    def __init__(self, message, *, code=None, status=None, headers=None, details=None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.headers = headers or {}
        self.details = details


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "not_signed_in"


class PaymentRequired(ApiError):
    status, code = 402, "insufficient_credits"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class Unprocessable(ApiError):
    status, code = 422, "unprocessable"


class TooManyRequests(ApiError):
    status, code = 429, "rate_limited"

    def __init__(self, message, *, retry_after, code=None):
        super().__init__(message, code=code,
                         headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = max(1, int(retry_after))
