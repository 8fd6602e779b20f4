"""Pages: panels at their full resolution, lettered alike, the title on the first page, a long
story over several pages, and the check the API can run before anything is drawn."""

import pytest
from PIL import ImageChops

from chalicelib.comic import layouts, lettering, pages, raster
from tests.support.pictures import opened, png

TALK = [{"kind": "caption", "text": "Il était une fois…"},
        {"kind": "speech", "speaker": "Ada", "text": "Привет! 😀"},
        {"kind": "speech", "speaker": "Bob", "text": "Καλημέρα!"}]
STAGING = {"Ada": "left", "Bob": "right"}


def panels(template, count, elements=TALK):
    return [{"image": png(size, pattern=True), "elements": elements, "staging": STAGING}
            for size in layouts.drawing_sizes(template, count)]


@pytest.mark.parametrize("template", ["strip", "grid", "tiers", "webtoon"])
def test_no_panel_is_shown_smaller_than_it_was_drawn(template):
    scenes = panels(template, 5)
    composed = [opened(p) for p in pages.compose_cartoon("Title", template, scenes)]
    sizes = layouts.drawing_sizes(template, 5)
    placed = layouts.cells(template, 5)
    for (page_index, cell), size in zip(placed, sizes, strict=True):
        page = composed[page_index]
        assert round(cell.w * page.width) >= size[0] - 1
        assert round(cell.h * page.width) >= size[1] - 1


def test_a_panel_keeps_its_pixels_where_no_text_covers_them():
    scene = panels("grid", 4, elements=[])
    (page,) = [opened(p) for p in pages.compose_cartoon("", "grid", scene)]
    (cell, *_), scale = layouts.pages("grid", 4)[0].cells, page.width
    left, top = round(cell.x * scale), round(cell.y * scale)
    shown = page.crop((left + 20, top + 20, left + 1000, top + 1000))
    drawn = opened(scene[0]["image"]).convert("RGB").crop((20, 20, 1000, 1000))
    assert ImageChops.difference(shown, drawn).getbbox() is None  # not resampled at all


def test_the_title_is_on_the_first_page_only():
    scenes = panels("grid", 6, elements=[])
    first, second = (opened(p) for p in pages.compose_cartoon("A title", "grid", scenes))
    untitled = opened(pages.compose_cartoon("", "grid", scenes)[0])
    assert first.height > untitled.height
    band = first.crop((0, 0, first.width, first.height - untitled.height)).convert("L")
    assert band.getextrema()[0] < 100  # ink in the band: the title
    assert second.width == untitled.width


def test_a_24_scene_story_makes_several_pages():
    scenes = [{"image": png((64, 64))} for _ in range(24)]
    assert len(pages.compose_cartoon("Long", "tiers", scenes)) == 5


def test_every_panel_of_a_cartoon_is_lettered_at_one_size():
    crowded = [*TALK, {"kind": "thought", "speaker": "Ada",
                       "text": "A much longer thought that takes room, " * 3}]
    scenes = panels("grid", 4)
    scenes[2] = {**scenes[2], "elements": crowded}
    fraction = pages.cartoon_fraction("grid", scenes)
    assert lettering.MINIMUM <= fraction < lettering.PREFERRED
    unit = layouts.basis("grid", 4) * 1024 / layouts.cells("grid", 4)[0][1].w
    size = lettering.text_size((1024, 1024), fraction, unit)
    for scene in scenes:
        assert lettering.layout((1024, 1024), scene["elements"], STAGING, fraction,
                                unit).size == size


def test_fit_problems_name_the_scene_and_the_text():
    scenes = [{"elements": TALK, "staging": STAGING},
              {"elements": [{"kind": "caption", "text": "Fine"},
                            {"kind": "speech", "speaker": "Ada",
                             "text": "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2}],
               "staging": STAGING}]
    problems = pages.fit_problems("strip", scenes)
    assert [(p["scene"], p["index"], p["code"]) for p in problems] == [(1, 1, "does_not_fit")]
    assert pages.fit_problems("strip", scenes[:1]) == []


def test_every_page_of_a_cartoon_has_one_width_so_they_print_alike():
    scenes = panels("tiers", 7, elements=[])  # a full page, then a short one of wide panels
    widths = {opened(p).width for p in pages.compose_cartoon("T", "tiers", scenes)}
    assert len(widths) == 1
    strip = [opened(p) for p in pages.compose_cartoon("T", "strip", panels("strip", 5, []))]
    assert strip[1].width <= 1.5 * (1024 / layouts.pages("strip", 5)[1].cells[0].w + 1)
    assert all(p.width * p.height <= raster.MAX_PIXELS for p in strip)  # readable again


def test_the_geometry_says_where_each_cell_and_balloon_landed():
    scenes = panels("tiers", 7)
    moved = [{**TALK[0]}, {**TALK[1], "at": [0.5, 0.6], "tail": [0.3, 0.9]}, {**TALK[2]}]
    scenes[2] = {**scenes[2], "elements": moved}
    composed = pages.compose("Title", "tiers", scenes)
    geometry = composed.geometry
    images = [opened(p) for p in composed.pngs]
    assert [(p["width"], p["height"]) for p in geometry["pages"]] == [i.size for i in images]
    assert [s["number"] for s in geometry["scenes"]] == list(range(1, 8))
    for scene, (page_index, cell) in zip(geometry["scenes"], layouts.cells("tiers", 7),
                                         strict=True):
        page = geometry["pages"][page_index]
        left, top, right, bottom = scene["box"]
        assert scene["page"] == page_index + 1
        assert abs(left - cell.x * page["width"]) <= 1 and abs(right - left - cell.w *
                                                                page["width"]) <= 2
        assert scene["rect"] == [round(left / page["width"], 4), round(top / page["height"], 4),
                                 round(right / page["width"], 4),
                                 round(bottom / page["height"], 4)]
        given = [{k: v for k, v in e.items() if k in ("kind", "text", "speaker")}
                 for e in scenes[scene["number"] - 1]["elements"]]
        fresh = lettering.layout((right - left, bottom - top), given,
                                 STAGING, geometry["fraction"],
                                 layouts.basis("tiers", 7) * page["width"])
        if scene["number"] != 3:  # the same layout the page was lettered with
            assert [e["at"] for e in scene["elements"]] == [p["at"] for p in fresh.positions()]
            assert scene["text_px"] == fresh.size
        for element in scene["elements"]:
            box = element["box"]
            assert 0 <= box[0] < box[2] <= 1 and 0 <= box[1] < box[3] <= 1
            assert box[0] <= element["at"][0] <= box[2] and box[1] <= element["at"][1] <= box[3]
    placed = geometry["scenes"][2]["elements"][1]
    assert placed["at"] == [0.5, 0.6] and placed["tail"] == [0.3, 0.9]  # kept where it was put




def test_the_geometry_holds_each_texts_lines_and_the_width_its_owner_gave():
    scenes = panels("grid", 2)
    scenes[1] = {**scenes[1], "elements": [{**TALK[0], "width": 0.3}, TALK[1]]}
    geometry = pages.compose("", "grid", scenes).geometry
    first, second = geometry["scenes"]
    assert [e["width"] for e in first["elements"]] == [None, None, None]
    owned = second["elements"][0]
    assert owned["width"] == 0.3 and abs(owned["box"][2] - owned["box"][0] - 0.3) < 0.002
    assert " ".join(owned["lines"]) == TALK[0]["text"] and len(owned["lines"]) >= 2
    assert [" ".join(e["lines"]) for e in first["elements"]] == [e["text"] for e in TALK]


def test_each_page_is_also_kept_before_its_lettering():
    scenes = [{**panel, "image": png(layouts.drawing_sizes("grid", 4)[0])}  # flat: no WebP noise
              for panel in panels("grid", 4)]
    composed = pages.compose("A title", "grid", scenes)
    (art,), (page,) = composed.arts, composed.pngs
    art, page = opened(art).convert("RGB"), opened(page)
    assert art.size == page.size
    differs = ImageChops.difference(art, page).convert("L").point(lambda v: 255 * (v > 40))
    for scene in composed.geometry["scenes"]:  # the lettering is what differs, nothing else
        left, top, right, bottom = scene["box"]
        for element in scene["elements"]:
            x1, y1, x2, y2 = element["box"]
            w, h = right - left, bottom - top
            box = (round(left + x1 * w), round(top + y1 * h), round(left + x2 * w),
                   round(top + y2 * h))
            assert differs.crop(box).getbbox() is not None  # a balloon, on the page only
            differs.paste(0, box)
    tails = sum(1 for s in composed.geometry["scenes"] for e in s["elements"] if e.get("tail"))
    # what is left: the tails (thin wedges)
    assert tails and differs.histogram()[255] < 0.005 * page.width * page.height
