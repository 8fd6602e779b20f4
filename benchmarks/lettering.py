"""Lettering against the picture: a fixed corpus of panels drawn by the offline renderer, lettered,
and measured against the geometry the renderer reports (offline_art.look, the truth).

`python benchmarks/lettering.py` letters with the look (the engine as the worker runs it);
`--engine blind` letters the same corpus without it (staging only); `--panels N` changes the
corpus size (default 240, seeded). It runs unchanged on an older checkout (whose `layout` takes
no look), for the before figures. The measures are defined here, not taken from the engine, so
both are held to the same yardstick:

- faces covered: (text box, head box) pairs that overlap, goal 0;
- tails within reach: the tip just outside its speaker's head (a small gap), no further from the
  mouth than the head's own edges are, goal 100 %;
- tails crossing: a tail that enters a head (beyond its tip's gap) or another text's box;
- reading-order breaks: a text that does not read after the one sent before it (below it, or
  level with it and to its right);
- balloons over 40 % of their panel; panels that did not fit (DoesNotFit);
- the median and worst time to lay out and draw one panel (the scenes are drawn beforehand),
  wall clock and CPU (on a shared machine the CPU time is the steadier).
"""

import argparse
import inspect
import io
import itertools
import math
import random
import statistics
import sys
import time

import _offline  # noqa: F401  (the offline environment, the project on the path)
from PIL import Image

from chalicelib.adapters.images import Character, ReferenceRequest, SceneRequest
from chalicelib.comic import layouts, lettering, offline_art

NAMES = ["Ada", "Bob", "Cyrille", "Zoé", "Maximilien", "Lou", "Jean-Baptiste", "Mia"]
EN = ["Did you see what happened to the croissants this morning?", "I ate them all.",
      "We should really talk about the rent before Friday.", "Look out!",
      "Nobody told me the museum was closed on Tuesdays, and I walked all the way here.",
      "Fine.", "It's not that I don't like your cooking, it's that I don't like soup.",
      "Wait, is that my bicycle?", "The meeting ran long again, so I missed the last train home.",
      "Happy birthday! 🎉", "Why is the cat wearing my scarf?"]
FR = ["Tu as vu ce qui est arrivé aux croissants ce matin ?", "Je les ai tous mangés.",
      "Il faudrait vraiment qu'on parle du loyer avant vendredi.", "Attention !",
      "Personne ne m'a dit que le musée était fermé le mardi, et j'ai marché jusqu'ici.",
      "Bon.", "Ce n'est pas que je n'aime pas ta cuisine, c'est que je déteste la soupe.",
      "Attends, c'est mon vélo ?", "La réunion a encore traîné, j'ai raté le dernier train.",
      "Joyeux anniversaire ! 🎉", "Pourquoi le chat porte-t-il mon écharpe ?"]
CAPTIONS = {"en": ["Meanwhile, at the bakery…", "Later that day.", "The next morning, nothing "
                   "had changed, and the street was as quiet as ever."],
            "fr": ["Pendant ce temps, à la boulangerie…", "Plus tard.", "Le lendemain matin, "
                   "rien n'avait changé et la rue était aussi calme que d'habitude."]}


def _text(rng, pool, length):
    words = []
    while len(" ".join(words)) < length:
        words += rng.choice(pool).split()
    text = ""
    for word in words:
        if len(text) + len(word) + 1 > min(length, lettering.MAX_TEXT):
            break
        text = f"{text} {word}".strip()
    return text or words[0]


def corpus(count, seed=19):
    """`count` panels: (size, cast, staging, elements), the same every run."""
    rng = random.Random(seed)
    panels = []
    for _ in range(count):
        template = rng.choice(layouts.TEMPLATES[1:])
        cells = layouts.drawing_sizes(template, rng.randint(1, 8))
        size = rng.choice(cells)
        cast = rng.sample(NAMES, rng.choice([1, 2, 2, 2, 3, 3, 4]))
        language = rng.choice(["en", "fr"])
        pool = EN if language == "en" else FR
        elements = []
        for _ in range(rng.choice([1, 2, 2, 3, 3, 4])):
            kind = rng.choices(["speech", "thought", "caption"], [7, 1, 2])[0]
            length = rng.choice([12, 30, 60, 90, 140, 220, 320])
            if kind == "caption":
                elements.append({"kind": kind, "text": rng.choice(CAPTIONS[language])})
            else:
                elements.append({"kind": kind, "speaker": rng.choice(cast),
                                 "text": _text(rng, pool, length)})
        speakers = [e["speaker"] for e in elements if e.get("speaker")]
        ordered = list(dict.fromkeys(speakers + cast))
        if len(cast) <= 3 and rng.random() < 0.3:  # the owner staged them
            sides = rng.sample(lettering.SIDES, len(cast)) if len(cast) > 1 else ["centre"]
            staging = dict(zip(cast, sides, strict=True))
        else:
            staging = _default(ordered)
        panels.append((tuple(size), cast, staging, elements))
    return panels


def _default(ordered):
    try:
        return lettering.default_staging(ordered, ordered)
    except TypeError:  # an engine whose default staging takes the names only
        return lettering.default_staging(ordered)


_REFERENCES = {}


def _scene(number, size, cast, staging):
    characters = tuple(Character(name, "A person") for name in cast)
    for c in characters:
        if c.name not in _REFERENCES:
            _REFERENCES[c.name] = offline_art.reference(
                ReferenceRequest(c, "s", "ctx", "low", "u"))
    request = SceneRequest(number, "Talking", characters,
                           tuple(_REFERENCES[c.name] for c in characters), "s",
                           f"Street {number % 7}", "low", "u", staging, size)
    image = Image.open(io.BytesIO(offline_art.scene(request, staging, size))).convert("RGB")
    return image, offline_art.look(request, staging, size)


def _px(figure, size):
    width, height = size
    head = (figure.head[0] * width, figure.head[1] * height, figure.head[2] * width,
            figure.head[3] * height)
    return head, (figure.mouth[0] * width, figure.mouth[1] * height)


def _overlap(a, b, inset=0.0):
    return (min(a[2], b[2]) - max(a[0], b[0]) > inset
            and min(a[3], b[3]) - max(a[1], b[1]) > inset)


def _segment_enters(a, b, box, steps=24):
    return any(box[0] < a[0] + (b[0] - a[0]) * k / steps < box[2]
               and box[1] < a[1] + (b[1] - a[1]) * k / steps < box[3] for k in range(steps + 1))


def _tail_points(placed):
    tail = getattr(placed, "tail", None)
    return list(tail) if tail else [placed.base[0], placed.tip, placed.base[1]]


def measure(drawn, look, size, elements):
    out = {"faces": 0, "tails": 0, "reach": 0, "crossing": 0, "order": 0, "big": 0}
    heads = {f.name: _px(f, size) for f in look.figures}
    area = size[0] * size[1]
    for i, placed in enumerate(drawn.placed):
        box = placed.box
        out["faces"] += sum(_overlap(box, head) for head, _ in heads.values())
        out["big"] += (box[2] - box[0]) * (box[3] - box[1]) > 0.4 * area
        if i and not _reads_after(box, drawn.placed[i - 1].box):
            out["order"] += 1
        if placed.tip is None:
            continue
        out["tails"] += 1
        gap = 0.15 * placed.size + 4
        truth = heads.get(placed.element.speaker)
        if truth:
            (left, top, right, bottom), mouth = truth
            near = (left - gap <= placed.tip[0] <= right + gap
                    and top - gap <= placed.tip[1] <= bottom + gap)
            reach = max(mouth[0] - left, right - mouth[0], mouth[1] - top) + gap
            out["reach"] += near and math.dist(placed.tip, mouth) <= reach
        points = _tail_points(placed)
        others = [p.box for p in drawn.placed if p is not placed]
        shrunk = [(h[0] + 2, h[1] + 2, h[2] - 2, h[3] - 2) for h, _ in heads.values()]
        out["crossing"] += any(_segment_enters(a, b, box) for a, b in itertools.pairwise(points)
                               for box in shrunk + others)
    return out


def _reads_after(box, before):
    return box[1] >= before[3] - 0.5 or (box[1] >= before[1] - 0.5 and box[0] >= before[2] - 0.5)


def run(engine, count):
    takes_look = "look" in inspect.signature(lettering.layout).parameters
    if engine == "look" and not takes_look:
        sys.exit("this checkout's lettering takes no look: use --engine blind")
    totals = {"faces": 0, "tails": 0, "reach": 0, "crossing": 0, "order": 0, "big": 0,
              "misfit": 0, "texts": 0}
    times, cpu = [], []
    panels = corpus(count)
    for number, (size, cast, staging, elements) in enumerate(panels, 1):
        image, look = _scene(number, size, cast, staging)
        started, used = time.perf_counter(), time.process_time()
        try:
            drawn = (lettering.letter(image, elements, staging, look=look) if engine == "look"
                     else lettering.letter(image, elements, staging))
        except lettering.DoesNotFit:
            totals["misfit"] += 1
            continue
        finally:
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        totals["texts"] += len(drawn.placed)
        for key, value in measure(drawn, look, size, elements).items():
            totals[key] += value
    return totals, times, cpu, len(panels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["look", "blind"], default="look")
    parser.add_argument("--panels", type=int, default=240)
    args = parser.parse_args()
    totals, times, cpu, panels = run(args.engine, args.panels)
    tails = totals["tails"] or 1
    print(f"lettering ({args.engine}): {panels} panels, {totals['texts']} texts lettered, "
          f"{totals['tails']} tails")
    print(f"  faces covered:          {totals['faces']} (goal 0)")
    print(f"  tails within reach:     {100 * totals['reach'] / tails:.1f} % (goal 100 %)")
    print(f"  tails crossing a head or another text: {totals['crossing']}")
    print(f"  reading-order breaks:   {totals['order']} (goal 0)")
    print(f"  balloons over 40 %:     {totals['big']} (goal 0)")
    print(f"  panels that did not fit: {totals['misfit']}")
    print(f"  time to letter a panel: median {1000 * statistics.median(times):.1f} ms, "
          f"worst {1000 * max(times):.1f} ms (CPU: median {1000 * statistics.median(cpu):.1f} ms, "
          f"worst {1000 * max(cpu):.1f} ms)")


if __name__ == "__main__":
    main()
