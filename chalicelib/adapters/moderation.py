"""Moderation of what people type, before anything is charged, and of the pictures they upload
(`flagged_image`, in the worker): `OpenAIModeration` (the moderations endpoint, an
`openai.OpenAI` client passed in; a picture goes as an `image_url` input of the omni-moderation
model) or `OfflineModeration`, which passes everything unless told otherwise (there is nothing
to protect offline; production refuses to start without OPENAI_API_KEY). The moderator is built
lazily by `get_moderator`.
"""

import base64
import functools
import time

from chalicelib.adapters.openai_client import openai_client
from chalicelib.core.settings import get_settings

# Moderation runs inside an API request, and API Gateway gives up after ~29 s: two tries of
# at most 8 s and one short wait between them always end well inside that. The SDK's own
# retries are off (it would honour a Retry-After of up to 120 s).
MODERATION_TIMEOUT_SECONDS = 8
MODERATION_ATTEMPTS = 2
MAX_MODERATION_WAIT_SECONDS = 3


class ModerationUnavailable(Exception):
    pass


class OpenAIModeration:
    def __init__(self, client, *, model, sleep=time.sleep):
        self.client, self.model, self.sleep = client, model, sleep

    def flagged(self, texts):
        """Indexes of the texts the moderation endpoint flags. One more try after a 429 or a
        5xx only if the server's wait (Retry-After, retry-after-ms) is short; never past
        MODERATION_ATTEMPTS x MODERATION_TIMEOUT_SECONDS + MAX_MODERATION_WAIT_SECONDS."""
        return self._flagged(list(texts))

    def flagged_image(self, png):
        """Whether the moderation endpoint flags a PNG picture (sent inline as a data URL)."""
        url = "data:image/png;base64," + base64.b64encode(png).decode()
        return bool(self._flagged([{"type": "image_url", "image_url": {"url": url}}]))

    def _flagged(self, inputs):
        import openai  # the API's cold start skips the SDK until a text is moderated

        for attempt in range(1, MODERATION_ATTEMPTS + 1):
            try:
                answer = self.client.with_options(max_retries=0).moderations.create(
                    model=self.model, input=inputs, timeout=MODERATION_TIMEOUT_SECONDS)
            except openai.OpenAIError as error:
                wait = _short_wait(error)
                if wait is None or attempt == MODERATION_ATTEMPTS:
                    raise ModerationUnavailable(type(error).__name__) from None
                self.sleep(wait)
            else:
                return [i for i, result in enumerate(answer.results) if result.flagged]
        raise ModerationUnavailable("unreachable")  # the loop returns or raises


def _short_wait(error):
    """How long to wait before another try, or None when another try is not worth it."""
    import openai  # loaded by flagged() already

    response = getattr(error, "response", None)
    if isinstance(error, openai.APITimeoutError):
        return None  # one slow answer already took a third of the request's time
    if isinstance(error, openai.RateLimitError) and error.code == "insufficient_quota":
        return None
    if not isinstance(error, (openai.RateLimitError, openai.InternalServerError,
                              openai.APIConnectionError)):
        return None
    headers = getattr(response, "headers", None) or {}
    if headers.get("x-should-retry") == "false":
        return None
    wait = _retry_after(headers)
    if wait is None:  # no wait asked for: a short pause; a date we do not read: give up
        return None if headers.get("retry-after") else 0.5
    return wait if wait <= MAX_MODERATION_WAIT_SECONDS else None


def _retry_after(headers):
    for name, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        try:
            return max(0.0, float(headers.get(name, "")) / divisor)
        except ValueError:
            continue
    return None


class OfflineModeration:
    """Offline there is no moderation service: every text and picture passes (documented in
    README), unless `flags_image` (a test's predicate on the PNG) says otherwise."""

    def __init__(self, flags_image=None):
        self.flags_image = flags_image

    def flagged(self, texts):
        return []

    def flagged_image(self, png):
        return bool(self.flags_image and self.flags_image(png))


def moderator_for(settings):
    if settings.openai_api_key:
        return OpenAIModeration(openai_client(settings), model=settings.moderation_model)
    return OfflineModeration()


@functools.lru_cache(maxsize=1)
def get_moderator():
    return moderator_for(get_settings())
