"""Looking at a drawn panel, behind one interface in the project's terms:
`look(request, deadline) -> Seen` (a checked `figures.Look` plus what the call cost), raising
`LookFailed` (nothing usable came back: timeout, provider error, a refusal, or an answer that
does not hold up).

- `OpenAILooker` takes an `openai.OpenAI` client and calls the Responses API on a small vision
  model pinned by dated snapshot (`OPENAI_LOOK_MODEL`), with the panel as an `input_image`
  data URL and a strict Structured Outputs schema: for each named character of the panel, the
  head's box and the mouth's point as fractions of the picture, and the regions that hold
  nothing important. The names are an enum of the panel's cast. It asks OpenAI not to store the
  exchange and names the account only by a keyed hash. The answer is not trusted:
  `figures.from_json` checks it (boxes inside the picture, names only from the cast, one figure
  each) and a `BadLook` is a `LookFailed("bad_look")`.
- `OfflineLooker` answers what the offline renderer drew, exactly (comic/offline_art.look),
  for the same request: `make run` without a key, and the tests, letter against the truth.

The caller (worker/drawing.py) retries a failure once, then letters the panel by its staging.
"""

import base64
import functools
import json
import time
from dataclasses import dataclass, field

from chalicelib.adapters.openai_client import Refusal, answer_text, openai_client, structured
from chalicelib.comic import figures, offline_art
from chalicelib.core import logs
from chalicelib.core.settings import get_settings

MAX_OUTPUT_TOKENS = 2000  # a few figures' numbers and the model's brief reasoning
MIN_USEFUL_TIMEOUT_SECONDS = 3
INSTRUCTIONS = """\
You look at one panel of a comic, to help a letterer place speech balloons. For each named \
character you can see in the picture, give the box around the head (face and hair, hat \
included) and the point of the mouth, as fractions of the picture's width and height \
(0,0 is the top-left corner, 1,1 the bottom-right). Leave out a character you cannot see; \
never give one name twice. Then give up to four boxes of the picture that hold nothing \
important (plain sky, wall or floor), where text could go without hiding anything."""


class LookFailed(Exception):
    """Nothing usable came back: `code` says why (timeout, rate_limited, provider_error,
    refused, bad_look)."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class LookRequest:
    image: bytes  # the panel as drawn (PNG)
    names: tuple  # the characters of the panel: the only names an answer may give
    number: int = 0  # which panel of the cartoon (in the prompt, so a log or a test can tell)
    scene: object = None  # the images.SceneRequest it was drawn for: the offline look reads it
    user: str = ""  # a keyed hash of the account: OpenAI's safety_identifier


@dataclass
class Seen:
    """A checked look, and what finding it cost (cartoons/costs.py reads `usage` and `cost`)."""

    look: figures.Look
    model: str
    usage: dict = field(default_factory=dict)
    cost: int = 0  # millionths of the site's currency


def _box():
    return {"type": "object", "additionalProperties": False,
            "required": ["left", "top", "right", "bottom"],
            "properties": {side: {"type": "number", "minimum": 0, "maximum": 1}
                           for side in ("left", "top", "right", "bottom")}}


def schema(names):
    """The strict JSON schema of an answer about a panel whose cast is `names`."""
    point = {"type": "object", "additionalProperties": False, "required": ["x", "y"],
             "properties": {axis: {"type": "number", "minimum": 0, "maximum": 1}
                            for axis in ("x", "y")}}
    figure = {"type": "object", "additionalProperties": False,
              "required": ["name", "head", "mouth"],
              "properties": {"name": {"type": "string", "enum": list(names)}, "head": _box(),
                             "mouth": point}}
    return {"type": "object", "additionalProperties": False, "required": ["figures", "empty"],
            "properties": {"figures": {"type": "array", "items": figure,
                                       "maxItems": len(names)},
                           "empty": {"type": "array", "items": _box(), "maxItems": 4}}}


def prompt(request):
    return (f"Panel {request.number}. The characters who may be in it: "
            + ", ".join(request.names) + ".")


def _sides(box):
    if not isinstance(box, dict):
        return box
    return [box.get(side) for side in ("left", "top", "right", "bottom")]


def checked(data, names):
    """The model's answer as a `figures.Look`, checked; raises LookFailed("bad_look")."""
    if not isinstance(data, dict):
        raise LookFailed("bad_look", "the answer is not a JSON object")
    try:
        found = [{"name": f.get("name"), "head": _sides(f.get("head")),
                  "mouth": [f["mouth"].get("x"), f["mouth"].get("y")]
                  if isinstance(f.get("mouth"), dict) else f.get("mouth")}
                 if isinstance(f, dict) else f for f in data.get("figures") or []]
        return figures.from_json({"figures": found,
                                  "empty": [_sides(b) for b in data.get("empty") or []],
                                  "source": "look"}, cast=set(names))
    except figures.BadLook as bad:
        raise LookFailed("bad_look", str(bad)) from None


class OpenAILooker:
    def __init__(self, client, *, model, price, timeout):
        self.client, self.model, self.price, self.timeout = client, model, price, timeout

    def look(self, request, deadline):
        timeout = min(self.timeout, deadline - time.monotonic())
        if timeout < MIN_USEFUL_TIMEOUT_SECONDS:
            raise LookFailed("timeout", "no time left")
        image = "data:image/png;base64," + base64.b64encode(request.image).decode()
        started = time.monotonic()
        response, usage = structured(
            self.client, model=self.model, instructions=INSTRUCTIONS,
            messages=[{"role": "user", "content": [
                {"type": "input_text", "text": prompt(request)},
                {"type": "input_image", "image_url": image, "detail": "high"}]}],
            name="panel_look", schema=schema(request.names), max_output_tokens=MAX_OUTPUT_TOKENS,
            timeout=timeout, user=request.user, failed=LookFailed, event="look")
        cost = round(usage["input_tokens"] * self.price[0]
                     + usage["output_tokens"] * self.price[1])
        logs.event("look_call", model=response.model or self.model, status=response.status,
                   ms=int((time.monotonic() - started) * 1000), cost_micros=cost, **usage)
        spent = Seen(figures.Look(), response.model or self.model, usage, cost)
        try:
            spent.look = checked(_answer(response), request.names)
        except LookFailed as failure:
            failure.seen = spent  # a failed look still cost what it cost
            raise
        return spent


def _answer(response):
    try:
        text = answer_text(response)
    except Refusal as refusal:
        declined = "content_filter" if str(refusal) == "content_filter" else "the model declined"
        raise LookFailed("refused", declined) from None
    try:
        return json.loads(text)
    except ValueError:
        raise LookFailed("bad_look", "the answer is not JSON") from None


class OfflineLooker:
    """What the offline renderer drew, exactly: it knows where it put every figure."""

    model = "offline"

    def look(self, request, deadline):
        scene = request.scene
        return Seen(offline_art.look(scene, scene.staging, scene.size), self.model)


def looker_for(settings):
    if settings.openai_api_key:
        return OpenAILooker(openai_client(settings), model=settings.look_model,
                            price=settings.look_price, timeout=settings.look_timeout_seconds)
    return OfflineLooker()


@functools.lru_cache(maxsize=1)
def get_looker():
    return looker_for(get_settings())
