"""Whether a cartoon's stored strip is current: a fingerprint of what the strip shows (the
layout's version, the title, each panel's image and texts), kept on the cartoon when the worker
composes it. The API compares; only the worker composes."""

import hashlib
import json

from chalicelib.comic import LAYOUT_VERSION


def strip_inputs(cartoon, scene_items):
    panels = [[s.image_key, s.caption, s.dialogue, s.speaker] for s in scene_items]
    text = json.dumps([LAYOUT_VERSION, cartoon.title, panels])
    return hashlib.sha256(text.encode()).hexdigest()
