"""Whether a cartoon's stored pages are current: a fingerprint of what they show (the layout's
version, the title, the layout, each panel's image, lettering elements, staging and look), kept on
the cartoon when the worker composes them. The API compares; only the worker composes.

A cartoon composed before pages existed has only a strip, fingerprinted as version 1 did (each
panel's image and shorthand texts): while that still matches, its strip is served as it is;
its next edit or redraw composes its pages."""

import hashlib
import json

from chalicelib.cartoons.scenes import elements_of
from chalicelib.comic import LAYOUT_VERSION

STRIP_ONLY_VERSION = 1


def strip_inputs(cartoon, scene_items):
    # What the look found is lettered against; a panel drawn before the look step has none
    # and keeps its fingerprint.
    panels = [[s.image_key, elements_of(s), s.staging, *([s.look] if s.look else [])]
              for s in scene_items]
    text = json.dumps([LAYOUT_VERSION, cartoon.title, cartoon.layout or "auto", panels],
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def strip_only_inputs(cartoon, scene_items):
    panels = [[s.image_key, s.caption, s.dialogue, s.speaker] for s in scene_items]
    text = json.dumps([STRIP_ONLY_VERSION, cartoon.title, panels])
    return hashlib.sha256(text.encode()).hexdigest()


def is_current(cartoon, scene_items):
    """True when what is stored shows what the scenes hold now."""
    if cartoon.strip_inputs == strip_inputs(cartoon, scene_items):
        return True
    return (not cartoon.page_keys and cartoon.strip_inputs is not None
            and cartoon.strip_inputs == strip_only_inputs(cartoon, scene_items))
