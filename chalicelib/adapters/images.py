"""Drawing, behind one interface that speaks the project's terms: `reference(request, deadline)`
and `scene(request, deadline)`, each returning PNG bytes or raising `DrawingFailed`.

- `OpenAIImages` takes an `openai.OpenAI` client: references through the generations endpoint,
  scenes through the edits endpoint with the references of exactly the characters in them.
  Each call has an explicit timeout and is retried with backoff on 429, 5xx, timeouts and
  broken connections, but only while the job's deadline leaves room for a whole new try.
- `OfflineImages` draws with Pillow (comic/offline_art.py): `make run` without a key.

Only the worker loads this module. The provider is built lazily by `get_image_provider`.
"""

import base64
import functools
import random
import time
from dataclasses import dataclass

import openai

from chalicelib.adapters import prompts
from chalicelib.adapters.openai_client import openai_client
from chalicelib.comic import offline_art, raster
from chalicelib.core import logs
from chalicelib.core.settings import get_settings

MIN_USEFUL_TIMEOUT_SECONDS = 5  # less time than this left: another try cannot finish
MAX_RETRY_AFTER_SECONDS = 60

REASONS = {
    "timeout": "The drawing service took too long to answer.",
    "rate_limited": "The drawing service was too busy, even after several tries.",
    "provider_error": "The drawing service had an error, even after several tries.",
    "moderation_blocked": ("The drawing service's safety system refused this picture. "
                           "Try describing the scene differently."),
    "refused": "The drawing service refused the request.",
    "bad_image": "The drawing service sent back an image we could not read.",
}


class DrawingFailed(Exception):
    def __init__(self, code, *, retryable=False, retry_after=None):
        super().__init__(code)
        self.code = code
        self.reason = REASONS[code]
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class Character:
    name: str
    description: str


@dataclass(frozen=True)
class ReferenceRequest:
    character: Character
    style_prompt: str
    context: str
    quality: str
    user: str  # a keyed hash of the account: OpenAI's safety_identifier, never the address
    size: tuple = None  # (width, height) px; None: the configured size
    note: str = ""  # the owner's note when redrawing it


@dataclass(frozen=True)
class SceneRequest:
    number: int
    action: str
    characters: tuple  # of Character, in the order of `references`
    references: tuple  # of PNG bytes, one per character
    style_prompt: str
    context: str
    quality: str
    user: str
    staging: dict = None  # {name: "left"|"centre"|"right"}: where each character stands
    size: tuple = None  # (width, height) px: its cell's drawing size (comic/layouts.py)


def _png(data):
    try:
        return raster.as_png(data)
    except ValueError:
        raise DrawingFailed("bad_image") from None


class OpenAIImages:
    def __init__(self, client, *, model, size, timeout, attempts, backoff, sleep=time.sleep):
        self.client = client
        self.model, self.size = model, size
        self.timeout, self.attempts, self.backoff = timeout, attempts, backoff
        self.sleep = sleep

    def _common(self, request):
        size = getattr(request, "size", None)  # a scene's is its cell's; a reference's, ours
        return {"model": self.model, "size": f"{size[0]}x{size[1]}" if size else self.size,
                "quality": request.quality, "n": 1, "safety_identifier": request.user}

    def reference(self, request, deadline):
        return self._call(lambda timeout: self.client.images.generate(
            prompt=prompts.reference(request), timeout=timeout, **self._common(request)),
            deadline)

    def scene(self, request, deadline):
        prompt = prompts.scene(request)
        if not request.references:
            return self._call(lambda timeout: self.client.images.generate(
                prompt=prompt, timeout=timeout, **self._common(request)), deadline)
        files = [(f"character-{i}.png", data, "image/png")
                 for i, data in enumerate(request.references, start=1)]
        extra = {"input_fidelity": "high"} if self.model.startswith("gpt-image-1.5") else {}
        return self._call(lambda timeout: self.client.images.edit(
            image=files, prompt=prompt, timeout=timeout, **extra, **self._common(request)),
            deadline)

    def _call(self, send, deadline):
        for attempt in range(1, self.attempts + 1):
            timeout = min(self.timeout, deadline - time.monotonic())
            if timeout < min(MIN_USEFUL_TIMEOUT_SECONDS, self.timeout):
                raise DrawingFailed("timeout")
            try:
                answer = send(timeout)
                data = (answer.data or [None])[0]
                if data is None or not data.b64_json:
                    raise DrawingFailed("bad_image")
                return _png(base64.b64decode(data.b64_json))
            except DrawingFailed:
                raise
            except Exception as error:  # the SDK's errors, mapped below
                failure = self._failure(error)
            logs.event("image_attempt_failed", code=failure.code, attempt=attempt)
            if not failure.retryable or attempt == self.attempts:
                raise failure
            delay = failure.retry_after or self.backoff * 2 ** (attempt - 1)
            delay = min(delay, MAX_RETRY_AFTER_SECONDS) * random.uniform(0.8, 1.0)  # noqa: S311
            if time.monotonic() + delay + MIN_USEFUL_TIMEOUT_SECONDS > deadline:
                raise failure
            self.sleep(delay)
        raise DrawingFailed("provider_error")  # unreachable: the loop returns or raises

    @staticmethod
    def _failure(error):
        if isinstance(error, openai.APITimeoutError):
            return DrawingFailed("timeout", retryable=True)
        if isinstance(error, openai.APIConnectionError):
            return DrawingFailed("provider_error", retryable=True)
        if isinstance(error, openai.RateLimitError):
            return DrawingFailed("rate_limited", retryable=True,
                                 retry_after=_retry_after(error.response))
        if isinstance(error, openai.InternalServerError):
            return DrawingFailed("provider_error", retryable=True)
        if isinstance(error, openai.APIStatusError):
            if error.code in ("moderation_blocked", "content_policy_violation"):
                return DrawingFailed("moderation_blocked")
            return DrawingFailed("refused")
        raise error


def _retry_after(response):
    try:
        value = float(response.headers.get("retry-after", ""))
    except (AttributeError, ValueError):
        return None
    return value if 0 < value <= MAX_RETRY_AFTER_SECONDS else None


class OfflineImages:
    """Draws without any provider: a labelled composition, marked as an offline preview."""

    def __init__(self, *, delay=0.0, sleep=time.sleep):
        self.delay, self.sleep = delay, sleep

    def reference(self, request, deadline):
        self.sleep(self.delay)
        return offline_art.reference(request)

    def scene(self, request, deadline):
        self.sleep(self.delay)
        return offline_art.scene(request, staging=request.staging, size=request.size)


def image_provider_for(settings):
    if settings.openai_api_key:
        return OpenAIImages(openai_client(settings), model=settings.image_model,
                            size=settings.image_size, timeout=settings.image_timeout_seconds,
                            attempts=settings.image_attempts,
                            backoff=settings.retry_backoff_seconds)
    delay = settings.offline_draw_seconds
    if delay is None:
        delay = 0.8 if settings.stage == "local" else 0.0
    return OfflineImages(delay=delay)


@functools.lru_cache(maxsize=1)
def get_image_provider():
    return image_provider_for(get_settings())
