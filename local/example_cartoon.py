"""The home page's example cartoon: four panels drawn here with Pillow (no image API), lettered
and laid out by the service's own composer (chalicelib/comic), as a cartoon of ours would be.

`python -m local.example_cartoon` writes site/img/example-cartoon.en.webp and .fr.webp (its
texts in each language); tests/site checks that the committed pictures are what this makes.
"""

import io
import random
from pathlib import Path
from types import SimpleNamespace

from PIL import Image, ImageDraw

from chalicelib.comic import layouts, offline_art, pages, raster

IMAGES = Path(__file__).resolve().parent.parent / "site" / "img"
WIDTH = 1100  # what the home page shows at most
CAST = {"Lou": "the lighthouse keeper, round glasses", "Mia": "a young sailor, red cap"}

# What each panel shows, and its texts in each language the site speaks.
SCENES = [
    {"staging": {"Lou": "centre"}, "sea": "calm",
     "texts": [("caption", "", "Every night, Lou climbs the lighthouse.",
                "Chaque soir, Lou monte en haut du phare."),
               ("speech", "Lou", "Time to light the lamp!", "C'est l'heure d'allumer !")]},
    {"staging": {"Mia": "left", "Lou": "right"}, "sea": "fog",
     "texts": [("shout", "Mia", "Lou! A boat is lost in the fog!",
                "Lou ! Un bateau est perdu dans la brume !"),
               ("speech", "Lou", "Then we shine brighter.", "Alors on brille plus fort.")]},
    {"staging": {}, "sea": "beam",
     "texts": [("caption", "", "The beam sweeps across the sea… and finds them.",
                "Le faisceau balaie la mer… et les trouve.")]},
    {"staging": {"Mia": "left", "Lou": "right"}, "sea": "dawn",
     "texts": [("speech", "Mia", "They made it home! 🎉", "Ils sont rentrés ! 🎉"),
               ("thought", "Lou", "Best night of the year.", "La plus belle nuit de l'année.")]},
]
TITLES = {"en": "The lighthouse", "fr": "Le phare"}
SKIES = {"calm": ((24, 32, 74), (92, 64, 130)), "fog": ((70, 78, 100), (150, 156, 170)),
         "beam": ((16, 22, 58), (60, 48, 110)), "dawn": ((250, 176, 120), (255, 226, 170))}


def _figure(name):
    """The character's figure cut out of its offline reference, the same in every panel."""
    data = offline_art.reference(SimpleNamespace(
        character=SimpleNamespace(name=name, description=CAST[name])))
    figure = Image.open(io.BytesIO(data)).convert("RGB").crop(offline_art.FIGURE_BOX)
    return figure, figure.convert("L").point(lambda v: 0 if v >= 236 else 255)


def _backdrop(size, mood, seed):
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = SKIES[mood]
    horizon = int(height * 0.68)
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t)
                                                   for a, b in zip(top, bottom, strict=True)))
    stars = random.Random(seed)  # noqa: S311 -- where stars go in a drawing, not a secret
    if mood in ("calm", "beam"):
        for _ in range(60):
            x, y = stars.randrange(width), stars.randrange(int(horizon * 0.9))
            draw.ellipse((x, y, x + 3, y + 3), fill=(255, 250, 220))
    sea = (40, 80, 130) if mood != "dawn" else (70, 130, 170)
    draw.rectangle((0, horizon, width, height), fill=sea)
    for y in range(horizon + 12, height, 26):
        for x in range(-40 + (y * 7) % 40, width, 80):
            draw.arc((x, y, x + 40, y + 14), 200, 340, fill=(210, 230, 245), width=3)
    return image, draw, horizon


def _lighthouse(draw, x, horizon, height, lit):
    base, tip = horizon + 30, int(height * 0.36)
    draw.polygon([(x - 46, base), (x + 46, base), (x + 26, tip), (x - 26, tip)],
                 fill=(245, 245, 240), outline=raster.INK, width=4)
    for band in range(3):
        y = tip + (base - tip) * (band * 2 + 1) // 7
        draw.rectangle((x - 40 + band * 6, y, x + 40 - band * 6, y + (base - tip) // 7),
                       fill=(200, 50, 45))
    draw.rectangle((x - 30, tip - 46, x + 30, tip), fill=(255, 226, 110) if lit else (90, 90, 100),
                   outline=raster.INK, width=4)
    draw.polygon([(x - 36, tip - 46), (x + 36, tip - 46), (x, tip - 80)], fill=raster.INK)
    return tip - 23


def _boat(draw, x, y, scale=1.0):
    draw.polygon([(x - 60 * scale, y), (x + 60 * scale, y), (x + 40 * scale, y + 26 * scale),
                  (x - 40 * scale, y + 26 * scale)], fill=(120, 70, 40), outline=raster.INK,
                 width=3)
    draw.line([(x, y), (x, y - 90 * scale)], fill=raster.INK, width=4)
    sail = [(x + 4, y - 86 * scale), (x + 4, y - 10 * scale), (x + 55 * scale, y - 10 * scale)]
    draw.polygon(sail, fill=(250, 250, 245), outline=raster.INK)


def panel(number, scene, size):
    width, height = size
    image, draw, horizon = _backdrop(size, scene["sea"], number)
    mood = scene["sea"]
    where = {"calm": 0.82, "fog": 0.6, "beam": 0.2, "dawn": 0.64}[mood]  # clear of the cast
    lamp = _lighthouse(draw, int(width * where), horizon, height, lit=mood != "dawn")
    if mood == "beam":
        source = int(width * 0.2)
        draw.polygon([(source, lamp), (width, lamp - 60), (width, lamp + 140)],
                     fill=(255, 236, 150))
        _boat(draw, int(width * 0.72), horizon + 8, 1.1)
    if mood == "fog":
        for i in range(5):
            y = horizon - 40 + i * 30
            draw.rounded_rectangle((-20 + i * 37, y, width * 0.7 + i * 40, y + 34), radius=17,
                                   fill=(200, 204, 214))
    if mood == "dawn":
        draw.ellipse((width * 0.3, horizon - 70, width * 0.46, horizon + 70), fill=(255, 214, 90))
        draw.rectangle((0, horizon, width, height), fill=(70, 130, 170))
        _boat(draw, int(width * 0.38), horizon + 14, 0.8)
    sides = {"left": 1 / 6, "centre": 1 / 2, "right": 5 / 6}
    for name, side in scene["staging"].items():
        figure, mask = _figure(name)
        scale = height / offline_art.SIDE * 0.62
        shape = (int(figure.width * scale), int(figure.height * scale))
        x = int(width * sides[side] - shape[0] / 2)
        image.paste(figure.resize(shape), (x, height - shape[1] - int(height * 0.04)),
                    mask.resize(shape))
    draw.rectangle((0, 0, width - 1, height - 1), outline=raster.INK, width=4)
    return raster.to_png(image)


def elements(scene, lang):
    return [{"kind": kind, "text": en if lang == "en" else fr, **({"speaker": who} if who else {})}
            for kind, who, en, fr in scene["texts"]]


def make(lang):
    sizes = layouts.drawing_sizes("grid", len(SCENES))
    panels = [{"image": panel(n, scene, size), "elements": elements(scene, lang),
               "staging": scene["staging"]}
              for n, (scene, size) in enumerate(zip(SCENES, sizes, strict=True), start=1)]
    (page,) = pages.compose_cartoon(TITLES[lang], "grid", panels)
    return raster.thumbnail_webp(page, side=WIDTH)


def path(lang):
    return IMAGES / f"example-cartoon.{lang}.webp"


def main():
    IMAGES.mkdir(parents=True, exist_ok=True)
    for lang in TITLES:
        path(lang).write_bytes(make(lang))
        print(f"wrote {path(lang)} ({path(lang).stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
