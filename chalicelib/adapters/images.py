"""Drawing, behind one interface that speaks the project's terms: `reference(request, deadline)`
and `scene(request, deadline)`, each returning a `Picture` (PNG bytes that also carry the model,
the usage tokens and the provider cost of the call) or raising `DrawingFailed`.

- `OpenAIImages` takes an `openai.OpenAI` client: references through the generations endpoint,
  scenes through the edits endpoint with the references of exactly the characters in them.
  The model and quality come from settings: a scene's from its quality level
  (`Settings.scene_model`), a reference's from its tier (`Settings.reference_pair(level)`);
  only the parameters that model accepts are sent (core/image_models.py). Each call has an
  explicit timeout and is retried with backoff on 5xx, timeouts and broken connections, while
  the job's deadline leaves room for a whole new try. A 429 is not retried here: it raises
  `DrawingFailed("rate_limited", requeue=True, retry_after=...)` at once, and the worker puts
  the job back on the queue with that delay (worker/drawing.py). A 429 for an exhausted quota
  needs the operator: `quota_exhausted`, never retried, logged as an error (an alarm).
- `OfflineImages` draws with Pillow (comic/offline_art.py): `make run` without a key.

Every call logs `image_call`: model, size, quality, latency and the usage tokens the API
returned; never a prompt. Only the worker loads this module. The provider is built lazily by
`get_image_provider`.
"""

import base64
import email.utils
import functools
import logging
import random
import time
from dataclasses import dataclass

import openai

from chalicelib.adapters import prompts
from chalicelib.adapters.openai_client import openai_client
from chalicelib.comic import offline_art, pictures, raster
from chalicelib.core import clock, image_models, logs
from chalicelib.core.settings import get_settings

MIN_USEFUL_TIMEOUT_SECONDS = 5  # less time than this left: another try cannot finish
MAX_RETRY_AFTER_SECONDS = 60  # a longer in-process wait is not worth a Lambda's time
RETRY_JITTER = (1.0, 1.25)  # Retry-After is a minimum: jitter only ever adds to it

REASONS = {
    "timeout": "The drawing service took too long to answer.",
    "rate_limited": "The drawing service was too busy for too long.",
    "quota_exhausted": "The drawing service is not available to us right now.",
    "provider_error": "The drawing service had an error, even after several tries.",
    "moderation_blocked": ("The drawing service's safety system refused this picture. "
                           "Try describing the scene differently."),
    "refused": "The drawing service refused the request.",
    "bad_image": "The drawing service sent back an image we could not read.",
}


class DrawingFailed(Exception):
    """`retryable`: worth another try in this invocation; `requeue`: worth another try later,
    from the queue, after `retry_after` seconds (a 429)."""

    def __init__(self, code, *, retryable=False, retry_after=None, requeue=False):
        super().__init__(code)
        self.code = code
        self.reason = REASONS[code]
        self.retryable = retryable
        self.retry_after = retry_after
        self.requeue = requeue


class Picture(bytes):
    """PNG bytes, plus what drawing them cost: `model`, `usage` (token counts by kind, as the
    API reported them) and `cost` (millionths of the site's currency, from IMAGE_PRICES)."""

    model = None
    usage = None
    cost = 0

    @classmethod
    def of(cls, data, *, model=None, usage=None, cost=0):
        picture = cls(data)
        picture.model, picture.usage, picture.cost = model, usage or {}, int(cost)
        return picture


@dataclass(frozen=True)
class Character:
    name: str
    description: str


@dataclass(frozen=True)
class ReferenceRequest:
    character: Character
    style_prompt: str
    context: str
    quality: str  # the level it is drawn at: the cartoon's, never below the floor
    user: str  # a keyed hash of the account: OpenAI's safety_identifier, never the address
    size: tuple = None  # (width, height) px; None: the configured size
    note: str = ""  # the owner's note when redrawing it
    source: bytes = None  # the owner's uploaded picture, checked: the reference is an edit of it


# What the model is told besides the reference's own prompt when it starts from a picture.
FROM_PICTURE = ("Start from the attached picture, a drawing or a photo of this character: keep "
                "who it shows (face, build, hair, clothes, colours) and redraw them as this "
                "full-figure reference, in the style above. Do not copy its background.")


@dataclass(frozen=True)
class SceneRequest:
    number: int
    action: str
    characters: tuple  # of Character, in the order of `references`
    references: tuple  # of PNG bytes, one per character
    style_prompt: str
    context: str
    quality: str  # the cartoon's quality level (QUALITY_CREDITS' names)
    user: str
    staging: dict = None  # {name: "left"|"centre"|"right"}: where each character stands
    size: tuple = None  # (width, height) px: its cell's drawing size (comic/layouts.py)
    previous: bytes = None  # a redraw: the version shown, edited rather than drawn afresh
    note: str = ""  # a redraw: what the owner asked to change
    room: float = None  # the top of the picture kept plain for the texts (comic/budget.py)
    speakers: tuple = ()  # who speaks or thinks in the panel, in reading order


def _png(data):
    try:
        return raster.as_png(data)
    except ValueError:
        raise DrawingFailed("bad_image") from None


def usage_of(answer):
    """The token counts of an ImagesResponse's `usage`, by kind (zeros where it has none)."""
    usage = getattr(answer, "usage", None)
    if usage is None:
        return {}
    given = getattr(usage, "input_tokens_details", None)
    made = getattr(usage, "output_tokens_details", None)
    return {"input_tokens": usage.input_tokens or 0, "output_tokens": usage.output_tokens or 0,
            "input_text_tokens": getattr(given, "text_tokens", 0) or 0,
            "input_image_tokens": getattr(given, "image_tokens", 0) or 0,
            "output_image_tokens": getattr(made, "image_tokens", 0) or 0}


def cost_of(usage, prices):
    """Millionths of the currency: tokens x price per million tokens. Input tokens without a
    breakdown are priced as text."""
    if not usage or not prices:
        return 0
    text_in, image_in, out = prices
    image_tokens = usage.get("input_image_tokens", 0)
    text_tokens = usage.get("input_text_tokens", 0) or usage.get("input_tokens", 0) - image_tokens
    return round(text_tokens * text_in + image_tokens * image_in
                 + usage.get("output_tokens", 0) * out)


def log_call(*, kind, model, size, quality, started, outcome, usage=None, cost=0):
    logs.event("image_call", kind=kind, model=model, size=size, quality=quality,
               latency_ms=round((time.monotonic() - started) * 1000), outcome=outcome,
               cost_micros=cost, **(usage or {}))


class OpenAIImages:
    def __init__(self, client, *, scene_models, references, size, prices, timeout, attempts,
                 backoff, sleep=time.sleep):
        self.client = client
        # level -> (model, quality), for scenes and for references of that tier
        self.scene_models, self.references = dict(scene_models), dict(references)
        self.size, self.prices = size, dict(prices)
        self.timeout, self.attempts, self.backoff = timeout, attempts, backoff
        self.sleep = sleep

    def _params(self, request, model, quality):
        size = getattr(request, "size", None)  # a scene's is its cell's; a reference's, ours
        return {"model": model, "size": f"{size[0]}x{size[1]}" if size else self.size,
                "quality": quality, "n": 1, "safety_identifier": request.user}

    def reference(self, request, deadline):
        """A reference from its description, or (an uploaded picture) an edit of that."""
        params = self._params(request, *self.references[request.quality])
        if request.source:
            files = [("character-picture.png", request.source, "image/png")]
            prompt = f"{prompts.reference(request)}\n{FROM_PICTURE}"
            return self._call("reference", params, lambda timeout: self.client.images.edit(
                image=files, prompt=prompt, timeout=timeout, **self._fidelity(params),
                **params), deadline)
        return self._call("reference", params, lambda timeout: self.client.images.generate(
            prompt=prompts.reference(request), timeout=timeout, **params), deadline)

    @staticmethod
    def _fidelity(params):
        """High input fidelity where the model takes it: the picture's likeness is the point."""
        model = image_models.get(params["model"])
        return {"input_fidelity": "high"} if "high" in model.input_fidelity else {}

    def scene(self, request, deadline):
        """A new panel, or (a redraw) an edit of the previous one: that image goes first, then
        the references of the characters in it."""
        prompt = prompts.scene(request)
        params = self._params(request, *self.scene_models[request.quality])
        if not request.references and not request.previous:
            return self._call("scene", params, lambda timeout: self.client.images.generate(
                prompt=prompt, timeout=timeout, **params), deadline)
        files = [(f"character-{i}.png", data, "image/png")
                 for i, data in enumerate(request.references, start=1)]
        if request.previous:  # a redraw edits the panel shown: it goes in first
            files.insert(0, ("previous-panel.png", request.previous, "image/png"))
        return self._call("scene", params, lambda timeout: self.client.images.edit(
            image=files, prompt=prompt, timeout=timeout, **self._fidelity(params), **params),
            deadline)

    def _call(self, kind, params, send, deadline):
        shown = {"kind": kind, "model": params["model"], "size": params["size"],
                 "quality": params["quality"]}
        for attempt in range(1, self.attempts + 1):
            timeout = min(self.timeout, deadline - time.monotonic())
            if timeout < min(MIN_USEFUL_TIMEOUT_SECONDS, self.timeout):
                raise DrawingFailed("timeout")
            started = time.monotonic()
            try:
                answer = send(timeout)
            except Exception as error:  # the SDK's errors, mapped below
                failure = self._failure(error)
                log_call(**shown, started=started, outcome=failure.code)
            else:
                return self._picture(answer, shown, started)
            logs.event("image_attempt_failed", code=failure.code, attempt=attempt,
                       level=logging.ERROR if failure.code == "quota_exhausted" else logging.INFO)
            if failure.code == "quota_exhausted":
                logs.event("provider_quota_exhausted", level=logging.ERROR, model=params["model"])
            if not failure.retryable or attempt == self.attempts:
                raise failure
            delay = max(failure.retry_after or 0, self.backoff * 2 ** (attempt - 1))
            delay = min(delay, MAX_RETRY_AFTER_SECONDS) * random.uniform(*RETRY_JITTER)  # noqa: S311
            if time.monotonic() + delay + MIN_USEFUL_TIMEOUT_SECONDS > deadline:
                raise failure
            self.sleep(delay)
        raise DrawingFailed("provider_error")  # unreachable: the loop returns or raises

    def _picture(self, answer, shown, started):
        usage = usage_of(answer)
        cost = cost_of(usage, self.prices.get(shown["model"]))
        data = (answer.data or [None])[0]
        if data is None or not data.b64_json:
            log_call(**shown, started=started, outcome="bad_image", usage=usage, cost=cost)
            raise DrawingFailed("bad_image")
        try:
            png = _png(base64.b64decode(data.b64_json))
        except DrawingFailed:
            log_call(**shown, started=started, outcome="bad_image", usage=usage, cost=cost)
            raise
        log_call(**shown, started=started, outcome="ok", usage=usage, cost=cost)
        return Picture.of(png, model=shown["model"], usage=usage, cost=cost)

    @staticmethod
    def _failure(error):
        if isinstance(error, openai.APITimeoutError):
            return DrawingFailed("timeout", retryable=True)
        if isinstance(error, openai.APIConnectionError):
            return DrawingFailed("provider_error", retryable=True)
        if isinstance(error, openai.RateLimitError):
            if error.code == "insufficient_quota":
                return DrawingFailed("quota_exhausted")
            if should_retry(error.response) is False:
                return DrawingFailed("rate_limited")
            return DrawingFailed("rate_limited", requeue=True,
                                 retry_after=retry_after(error.response))
        if isinstance(error, openai.InternalServerError):
            return DrawingFailed("provider_error", retryable=should_retry(error.response)
                                 is not False, retry_after=retry_after(error.response))
        if isinstance(error, openai.APIStatusError):
            if error.code in ("moderation_blocked", "content_policy_violation"):
                return DrawingFailed("moderation_blocked")
            return DrawingFailed("refused")
        raise error


def retry_after(response):
    """Seconds the server asks us to wait, as the SDK reads them: `retry-after-ms`, then
    `retry-after` in seconds, then `retry-after` as an HTTP date. None if absent or unusable."""
    headers = getattr(response, "headers", None) or {}
    for name, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        try:
            value = float(headers.get(name, ""))
        except ValueError:
            continue
        return value / divisor if 0 < value / divisor < float("inf") else None
    try:
        when = email.utils.parsedate_to_datetime(headers.get("retry-after", ""))
    except (TypeError, ValueError, IndexError):
        return None
    seconds = when.timestamp() - clock.now()
    return seconds if seconds > 0 else None


def should_retry(response):
    """The server's `x-should-retry`: True, False, or None when it does not say."""
    value = (getattr(response, "headers", None) or {}).get("x-should-retry")
    return {"true": True, "false": False}.get(value)


# Output tokens of a 1024x1024 image by quality, as OpenAI's image pricing counts them;
# other sizes scale with their area.
OUTPUT_TOKENS = {"low": 272, "medium": 1056, "high": 4160, "xhigh": 6240, "max": 8320}


def offline_usage(prompt, quality, size, images=0):
    """Token counts shaped like the API's, for the offline renderer: its calls log and add up
    like real ones, at a cost of nothing (its model, "offline", has no price)."""
    width, height = size
    text = max(1, len(prompt) // 4)
    output = round(OUTPUT_TOKENS.get(quality, 1056) * width * height / (1024 * 1024))
    image_in = 323 * images  # a low-fidelity input image
    return {"input_tokens": text + image_in, "output_tokens": output,
            "input_text_tokens": text, "input_image_tokens": image_in,
            "output_image_tokens": output}


class OfflineImages:
    """Draws without any provider: a labelled composition, marked as an offline preview."""

    def __init__(self, *, delay=0.0, sleep=time.sleep, scene_models=None, references=None,
                 size=(1024, 1024)):
        self.delay, self.sleep = delay, sleep
        self.scene_models, self.references = scene_models or {}, references or {}
        self.size = size

    def _picture(self, kind, png, prompt, quality, size, images=0):
        started = time.monotonic() - self.delay
        usage = offline_usage(prompt, quality, size, images)
        log_call(kind=kind, model="offline", size=f"{size[0]}x{size[1]}", quality=quality,
                 started=started, outcome="ok", usage=usage)
        return Picture.of(png, model="offline", usage=usage)

    def reference(self, request, deadline):
        self.sleep(self.delay)
        png = offline_art.reference(request)
        quality = self.references.get(request.quality, (None, request.quality))[1]
        if request.source:  # drawn "from" the picture: the figure tinted with its colours
            png = pictures.tinted(png, pictures.average_colour(request.source))
        return self._picture("reference", png, prompts.reference(request), quality,
                             request.size or self.size, 1 if request.source else 0)

    def scene(self, request, deadline):
        self.sleep(self.delay)
        png = offline_art.scene(request, staging=request.staging, size=request.size)
        quality = self.scene_models.get(request.quality, (None, request.quality))[1]
        return self._picture("scene", png, prompts.scene(request), quality,
                             request.size or self.size, len(request.references))


def _size(text):
    width, _, height = text.partition("x")
    return int(width), int(height)


def image_provider_for(settings):
    if settings.openai_api_key:
        return OpenAIImages(openai_client(settings), scene_models=settings.scene_models,
                            references=settings.reference_pairs(), size=settings.image_size,
                            prices=settings.image_prices,
                            timeout=settings.image_timeout_seconds,
                            attempts=settings.image_attempts,
                            backoff=settings.retry_backoff_seconds)
    delay = settings.offline_draw_seconds
    if delay is None:
        delay = 0.8 if settings.stage == "local" else 0.0
    return OfflineImages(delay=delay, scene_models=settings.scene_models,
                         references=settings.reference_pairs(),
                         size=_size(settings.image_size))


@functools.lru_cache(maxsize=1)
def get_image_provider():
    return image_provider_for(get_settings())
