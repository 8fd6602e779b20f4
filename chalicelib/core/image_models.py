"""What each image model accepts, as the pinned openai SDK (3.51.0) documents it in
`openai.types.ImageModel` and the docstrings of `images.generate` / `images.edit`: its quality
names, whether it takes arbitrary `WIDTHxHEIGHT` sizes (or only the standard three) and which
`input_fidelity` values. Settings refuse, at start-up, a model, a quality or a size that the
chosen model does not accept; the image adapter sends only the parameters a model accepts.

Models OpenAI has shut down are not here, and settings naming one are refused with the date
(SHUT_DOWN): the SDK lists `gpt-image-1`, `dall-e-2` and `dall-e-3` as shut down, and OpenAI's
deprecations page lists `gpt-image-1-mini`, `gpt-image-1.5` and `chatgpt-image-latest` as shut
down on 1 December 2026, though the pinned SDK still names them.
"""

from typing import NamedTuple

from chalicelib.core.patterns import Pattern

STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536")
BASE_QUALITIES = ("low", "medium", "high")
# "gpt-image-2.5-sunburst and -flare, including their 2026-09-08 snapshots, also support xhigh
# and max" (the SDK's `quality` docstring).
EXTENDED_QUALITIES = (*BASE_QUALITIES, "xhigh", "max")
SIZE = Pattern(r"^([1-9][0-9]{1,4})x([1-9][0-9]{1,4})$")
MAX_EDGE, MAX_PIXELS = 3840, 3840 * 2160  # "the maximum supported resolution is 3840x2160"
SIDE_STEP, MAX_RATIO = 16, 3
# Model -> the day OpenAI shut it down (None: before the pinned SDK, which says so itself).
SHUT_DOWN = {"gpt-image-1": None, "dall-e-2": None, "dall-e-3": None,
             "gpt-image-1-mini": "2026-12-01", "gpt-image-1.5": "2026-12-01",
             "chatgpt-image-latest": "2026-12-01"}


class ImageModel(NamedTuple):
    name: str
    qualities: tuple
    arbitrary_sizes: bool  # any WIDTHxHEIGHT within the limits, or only STANDARD_SIZES
    input_fidelity: tuple = ()  # the values `images.edit` takes; empty: omit the parameter

    def accepts_size(self, size):
        if size in STANDARD_SIZES:
            return True
        match = SIZE.match(size or "")
        if not self.arbitrary_sizes or not match:
            return False
        width, height = int(match[1]), int(match[2])
        return (width % SIDE_STEP == 0 and height % SIDE_STEP == 0
                and 1 / MAX_RATIO <= width / height <= MAX_RATIO
                and max(width, height) <= MAX_EDGE and width * height <= MAX_PIXELS)


def _models():
    models = [
        # The size docstring names 2 and 2.5 (with snapshots) for arbitrary sizes, not 2.6.
        ImageModel("gpt-image-2.6-sunburst", BASE_QUALITIES, False),
        ImageModel("gpt-image-2.6-flare", BASE_QUALITIES, False),
    ]
    for name in ("gpt-image-2", "gpt-image-2-2026-04-21"):
        models.append(ImageModel(name, BASE_QUALITIES, True))
    for variant in ("sunburst", "flare"):
        for name in (f"gpt-image-2.5-{variant}", f"gpt-image-2.5-{variant}-2026-09-08"):
            models.append(ImageModel(name, EXTENDED_QUALITIES, True))
    return {model.name: model for model in models}


MODELS = _models()
SNAPSHOT = Pattern(r"-\d{4}-\d{2}-\d{2}$")


def get(name):
    return MODELS.get(name)


def why_unknown(name):
    """Why a model is not in the table, in words for a settings error."""
    if name in SHUT_DOWN:
        day = SHUT_DOWN[name]
        return f"{name} was shut down by OpenAI{f' on {day}' if day else ''}"
    return f"{name!r} is not an image model of the pinned SDK"


def is_snapshot(name):
    """A dated snapshot (pinned: it does not change under us), not a moving alias."""
    return bool(SNAPSHOT.search(name))
