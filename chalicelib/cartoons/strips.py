"""Whether a cartoon's stored pages are current: a fingerprint of what they show (the layout's
version, the title, the layout, each panel's image, lettering elements and staging), kept on
the cartoon when the worker composes them. The API compares; only the worker composes."""

import hashlib
import json

from chalicelib.cartoons.scenes import elements_of
from chalicelib.comic import LAYOUT_VERSION


def strip_inputs(cartoon, scene_items):
    panels = [[s.image_key, elements_of(s), s.staging] for s in scene_items]
    text = json.dumps([LAYOUT_VERSION, cartoon.title, cartoon.layout or "auto", panels],
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
