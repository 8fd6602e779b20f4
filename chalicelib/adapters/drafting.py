"""Writing a cartoon's script from an idea, behind one interface in the project's terms:
`draft(request) -> DraftAnswer`, raising `DraftRefused` (the model declined) or `DraftFailed`
(nothing usable came back: timeout, rate limit, provider error).

- `OpenAIDrafter` takes an `openai.OpenAI` client and calls the Responses API with Structured
  Outputs in strict mode: the JSON schema comes with the request (cartoons/drafting.py derives it
  from the cartoon's own spec). It asks OpenAI not to store the exchange (`store=False`) and
  names the account only by a keyed hash (`safety_identifier`).
- `OfflineDrafter` writes a deterministic draft from the idea's own words, in the same strict
  shape: `make run` without a key, and the browser tests.

What comes back is not trusted: the caller validates it exactly like a submission. The drafter
is built lazily by `get_drafter`; the SDK is imported only when a draft is asked for.
"""

import functools
import hashlib
import json
import re
import time
from dataclasses import dataclass, field

from chalicelib.adapters.openai_client import Refusal, answer_text, openai_client, structured
from chalicelib.core import logs, vocabulary
from chalicelib.core.settings import get_settings

MAX_OUTPUT_TOKENS = 6000  # a 12-scene script and the model's reasoning fit in it
INSTRUCTIONS = """\
You write the script of a short comic from a reader's idea, for an artist who draws one picture \
per scene. Fill every field of the JSON schema.
- Cast: 1 to 4 characters unless the idea needs more. Each description is visual only (build, \
face, hair, clothes, colours) so the artist draws the same person in every panel.
- Scenes: each action says what the panel shows (who does what, where, the framing) in one or two \
sentences. List the characters seen in it, and stage each of them: left, centre or right.
- Texts: 1 to 3 per panel, in reading order, each of one kind:
{kinds}
  A text of a kind with a speaker names one of that panel's characters (a voice from off panel \
may name anyone, in the picture or not); a caption or a sound effect has none. Speech is the usual \
kind: use a thought, a whisper, a shout or a voice from off panel where the story calls for it, \
and a sound effect for a noise worth drawing (a word or two, in capitals). Keep each text under \
90 characters: they must fit in a balloon.
- Tell the idea as a small story with a beginning, a turn and a punchline. Keep it suitable for \
all ages.
- Write the title, the context and every text in the language asked for.""".format(
    kinds="\n".join(f"  - {key}: {kind['doc']}" for key, kind in vocabulary.KINDS.items()))


class DraftRefused(Exception):
    """The model declined to write this draft (its refusal, or its content filter)."""


class DraftFailed(Exception):
    """Nothing usable came back: `code` says why (timeout, rate_limited, provider_error)."""

    def __init__(self, code, detail=""):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class DraftRequest:
    idea: str
    schema: dict  # the strict JSON schema the answer must follow
    language: str = "en"  # a BCP 47 tag
    style: str = ""  # the person's choice (a preset key or their words), or "" for the model's
    style_prompt: str = ""  # what the style means, for a preset key
    scenes: int | None = None  # how many, or None for "4 to 6"
    layout: str = ""
    user: str = ""  # a keyed hash of the account: OpenAI's safety_identifier
    timeout: float = 20.0
    # A second try: the previous answer and what was wrong with it.
    previous: str = ""
    problem: str = ""


@dataclass
class DraftAnswer:
    data: object  # the parsed JSON (None if the text was not JSON)
    text: str
    model: str
    usage: dict = field(default_factory=dict)  # input_tokens, output_tokens


def prompt(request):
    """The user's message: the idea and the choices the person made."""
    lines = [f"The idea: {request.idea}", f"Language of every text: {request.language}"]
    count = request.scenes or "4 to 6"
    lines.append(f"Number of scenes: {count}")
    if request.style:
        lines.append(f"Drawing style (keep it as the style field): {request.style}"
                     + (f" ({request.style_prompt})" if request.style_prompt != request.style
                        else ""))
    else:
        lines.append("Drawing style: choose one that suits the idea, in a few words.")
    if request.layout:
        lines.append(f"Layout: {request.layout}")
    return "\n".join(lines)


class OpenAIDrafter:
    def __init__(self, client, *, model):
        self.client, self.model = client, model

    def draft(self, request):
        messages = [{"role": "user", "content": prompt(request)}]
        if request.problem:
            messages += [{"role": "assistant", "content": request.previous},
                         {"role": "user", "content": "That draft was refused: "
                          f"{request.problem} Send the whole draft again, corrected."}]
        started = time.monotonic()
        response, usage = structured(
            self.client, model=self.model, instructions=INSTRUCTIONS, messages=messages,
            name="cartoon_draft", schema=request.schema, max_output_tokens=MAX_OUTPUT_TOKENS,
            timeout=request.timeout, user=request.user, failed=DraftFailed, event="draft")
        logs.event("draft_call", model=response.model or self.model, status=response.status,
                   ms=int((time.monotonic() - started) * 1000), **usage)
        try:
            text = answer_text(response)
        except Refusal as refusal:
            raise DraftRefused(str(refusal)) from None
        return DraftAnswer(_json(text), text, response.model or self.model, usage)


def _json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


# --- offline -----------------------------------------------------------------------------------

NAMES = ("Ada", "Basil", "Clara", "Dmitri", "Esme", "Felix", "Greta", "Hugo", "Iris", "Jules",
         "Kenji", "Lena", "Milo", "Nina", "Oscar", "Pia")
LOOKS = ("tall, with round glasses, a green coat and a red scarf",
         "short and round, with a grey beard, a yellow raincoat and rubber boots",
         "wiry, with curly black hair, a striped blue jumper and big trainers",
         "elderly, with a silver bun, a purple cardigan and a walking stick",
         "broad-shouldered, with a shaved head, an orange boiler suit and a tool belt",
         "small, with two brown plaits, a red dress and a yellow backpack")
ARTICLES = frozenset(re.findall(r"\w+", "a an the this that my his her their our un une le la "
                                       "les des du mon ma ce cette"))
STOPWORDS = frozenset(re.findall(r"\w+", """
a an the and or but of in on at to for with from by as is are was were be been
it its this that these those who whom which what when where why how into onto over under about
after before then than so very too not no yes his her their our your my we you they he she them
him us i me one two some any all each every just only also has have had do does did can could
will would should may might must there here up down out off again once during while until
un une le la les des du de et ou où à au aux en dans sur sous avec pour par contre qui que est
sont ce cette
"""))
LAYOUT_FOR = {4: "grid", 5: "tiers", 6: "grid"}


def things(idea):
    """What the idea is about, from its own words: the one or two words after each article
    ("a lonely whale" -> "lonely whale"), else its longer words."""
    words = re.findall(r"[^\W\d_][\w'-]*", idea)
    found = []
    for i, word in enumerate(words[:-1]):
        if word.casefold() in ARTICLES:
            phrase = []
            for nxt in words[i + 1:i + 3]:
                if nxt.casefold() in STOPWORDS or len(nxt) > 20:
                    break
                phrase.append(nxt)
            if phrase and " ".join(phrase) not in found:
                found.append(" ".join(phrase))
    if not found:
        found = [w for w in words if w.casefold() not in STOPWORDS and 2 < len(w) <= 20]
    return found[:6] or ["idea"]


class OfflineDrafter:
    """A deterministic draft from the idea's words: same idea, same draft, in the strict shape
    the model answers in (staging as {key, value} pairs, nulls where a field is not given)."""

    model = "offline-drafter"

    def draft(self, request):
        seed = hashlib.sha256(f"{request.idea}|{request.scenes}|{request.style}".encode()).digest()
        about = things(request.idea)
        cast_size = 2 + seed[0] % 2
        first = seed[1] % len(NAMES)
        names = [NAMES[(first + 5 * i) % len(NAMES)] for i in range(cast_size)]
        characters = [{"name": name, "description": f"{name} is "
                       f"{LOOKS[(seed[2] + i) % len(LOOKS)]}."}
                      for i, name in enumerate(names)]
        count = request.scenes or 4 + seed[3] % 3
        scenes = [self._scene(i, count, names, about) for i in range(count)]
        title = " and ".join(" ".join(w[:1].upper() + w[1:] for w in phrase.split())
                             for phrase in about[:2])
        data = {
            "title": _clip(f"The {title}" if not title.startswith("The ") else title, 120),
            "context": _clip(f"{request.idea.strip().rstrip('.!?')}. Told as a short, warm "
                             "and funny comic.", 1000),
            "style": request.style or "newspaper",
            "layout": request.layout or LAYOUT_FOR.get(count, "auto"),
            "characters": characters,
            "scenes": scenes,
        }
        text = json.dumps(data)
        return DraftAnswer(data, text, self.model,
                           {"input_tokens": 0, "output_tokens": 0})

    @staticmethod
    def _scene(i, count, names, about):
        thing = about[i % len(about)]
        a, b = names[i % len(names)], names[(i + 1) % len(names)]
        if i == 0:
            action = f"Wide shot: {a} and {b} come upon the {thing}."
            elements = [("caption", f"It all starts with the {thing}.", None),
                        ("speech", f"{b}, look at the {thing}!", a)]
            present = [a, b]
        elif i == count - 1:
            action = f"Close-up of {a} and {b} laughing together, the {thing} behind them."
            elements = [("speech", "Same time tomorrow?", b),
                        ("speech", f"Only if the {thing} comes too.", a)]
            present = [a, b]
        elif i % 2:
            action = f"{a} tries to deal with the {thing} alone, and it goes wrong."
            elements = [("thought", f"How hard can the {thing} be?", a)]
            present = [a]
        else:
            action = f"{a} explains the {thing} to {b}, who is not convinced."
            elements = [("caption", "A little later.", None),
                        ("speech", f"Trust me, the {thing} is the key.", a)]
            present = [a, b]
        sides = ("left", "right") if len(present) > 1 else ("centre",)
        return {
            "action": _clip(action, 600),
            "characters": present,
            "staging": [{"key": name, "value": side}
                        for name, side in zip(present, sides, strict=True)],
            "elements": [{"kind": kind, "text": _clip(text, 90), "speaker": speaker}
                         for kind, text, speaker in elements],
        }


def _clip(text, limit):
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def drafter_for(settings):
    if settings.openai_api_key:
        return OpenAIDrafter(openai_client(settings), model=settings.draft_model)
    return OfflineDrafter()


@functools.lru_cache(maxsize=1)
def get_drafter():
    return drafter_for(get_settings())
