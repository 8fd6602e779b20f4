"""site/js/balloon-shapes.js draws every kind as the server does: for each kind of the
registry, the SVG parts the overlay draws cover the same place as comic/balloons.py's parts
(bounds within 1 % of the panel, part by part), tails, necks and patches included; and the
twin knows exactly the registry's kinds, outlines and tails."""

import json
import subprocess
from pathlib import Path

import pytest

from chalicelib.comic import balloons, placement
from chalicelib.core import vocabulary

SHAPES = (Path(__file__).resolve().parents[2] / "site" / "js" / "balloon-shapes.js").as_uri()
PANEL = (1024, 768)
SIZE = 40
BOX = (300.0, 90.0, 640.0, 230.0)
TIP = (420.0, 330.0)  # below the box: a tail to a speaker


def _js(calls):
    """balloonParts for each of `calls` (kind, box, size, tip, extra), run by node."""
    source = (f'import {{ balloonParts, STYLES }} from "{SHAPES}";\n'
              f"const calls = {json.dumps(calls)};\n"
              "process.stdout.write(JSON.stringify({styles: STYLES, parts: calls.map("
              "([k, b, s, t, e]) => balloonParts(k, b, s, t, e))}));")
    done = subprocess.run(["node", "--input-type=module", "-e", source], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr[-800:]
    return json.loads(done.stdout)


def _svg_bounds(part):
    attrs = part["attrs"]
    if part["tag"] == "rect":
        return (attrs["x"], attrs["y"], attrs["x"] + attrs["width"], attrs["y"] + attrs["height"])
    if part["tag"] == "circle":
        return (attrs["cx"] - attrs["r"], attrs["cy"] - attrs["r"], attrs["cx"] + attrs["r"],
                attrs["cy"] + attrs["r"])
    points = [tuple(map(float, p.split(","))) for p in attrs["points"].split()]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _server(kind):
    """(the server's parts, the twin's call) for a balloon of `kind` on BOX: its tail to TIP,
    to the panel's edge for a voice from off panel, none for a caption or a sound effect."""
    tail = balloons.STYLES[kind].tail
    tip = base = None
    bend = 0.0
    if tail in ("wedge", "bubbles"):
        tip, base = TIP, placement.root(BOX, TIP, SIZE)
        bend = placement.bend_of(base, tip) if tail == "wedge" else 0.0
    elif tail == "edge":
        tip = placement.edge_tip(BOX, PANEL)
        base = placement.edge_root(BOX, tip, SIZE)
    parts = balloons.parts(kind, BOX, SIZE, tip, base, bend)
    extra = {"panel": list(PANEL), "angle": balloons.SOUND_ANGLE}
    return parts, [kind, list(BOX), SIZE, None if tail == "edge" else tip, extra]


def test_the_twin_knows_the_registrys_kinds_outlines_and_tails():
    styles = _js([])["styles"]
    assert styles == {key: {"outline": kind["outline"], "tail": kind["tail"]}
                      for key, kind in vocabulary.KINDS.items()}


@pytest.mark.parametrize("kind", list(vocabulary.KINDS))
def test_each_kind_is_drawn_where_the_server_draws_it(kind):
    parts, call = _server(kind)
    drawn = _js([call])["parts"][0]
    assert [(p["tag"], p["role"]) for p in drawn] == [(p.tag, p.role) for p in parts]
    tolerance = 0.01 * max(PANEL)
    for ours, theirs in zip(parts, drawn, strict=True):
        assert ours.bounds() == pytest.approx(_svg_bounds(theirs), abs=tolerance), kind


def test_a_joined_balloon_is_drawn_with_the_servers_neck_and_no_tail():
    first, second = (100.0, 90.0, 400.0, 220.0), (100.0, 270.0, 420.0, 400.0)
    parts = balloons.parts("speech", second, SIZE, joined=first)
    drawn = _js([["speech", list(second), SIZE, None, {"joined": list(first)}]])["parts"][0]
    assert [p.role for p in parts] == ["balloon", "balloon", "join", "join"]  # neck, box
    assert [p["role"] for p in drawn] == [p.role for p in parts]
    for ours, theirs in zip(parts, drawn, strict=True):
        assert ours.bounds() == pytest.approx(_svg_bounds(theirs), abs=0.01 * max(PANEL))
    neck = parts[0].bounds()
    assert neck[1] < first[3] and neck[3] > second[1]  # it spans the gap between the two


def test_the_outlines_keep_to_their_box_and_dashes_to_the_whisper():
    """The cloud's bumps and the burst's spikes reach (near) the box and stay in it; a
    whisper's outline and tail are dashed in both drawings."""
    near = 0.35 * SIZE
    for kind in ("thought", "shout"):
        left, top, right, bottom = balloons.outline_part(kind, BOX, SIZE).bounds()
        assert BOX[0] - 1 <= left < BOX[0] + near and BOX[2] - near < right <= BOX[2] + 1
        assert BOX[1] - 1 <= top < BOX[1] + near and BOX[3] - near < bottom <= BOX[3] + 1
    drawn = _js([_server("whisper")[1]])["parts"][0]
    assert [bool(p["attrs"].get("stroke-dasharray")) for p in drawn] == [
        p.dashed for p in balloons.parts("whisper", BOX, SIZE, TIP,
                                         placement.root(BOX, TIP, SIZE), 0.0)]
