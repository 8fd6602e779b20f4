"""The lettering drawn by the cartoon page over each page's art, and edited there at drag speed
(issue 20), in a real Chromium at 1366 px and on a 390 px phone: the overlay's balloons sit
where the server's geometry puts them and look like the server's lettering; a balloon is
dragged, resized and given another kind by mouse, touch and keyboard, with no request until the
gesture ends; undo and redo; a refused edit comes back; after the save and the recomposition,
the downloaded page shows the edit."""

import io
import os
import tempfile
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat
from playwright.sync_api import expect

from devtools.browser import centre_of
from tests.support.browser import STEP_MS, wait_for_api
from tests.support.comic_page import make_cartoon, picture, region, state, white

SHOTS = Path(os.environ.get("SCREENSHOTS") or Path(tempfile.gettempdir()) / "caaartoons-shots")
TOLERANCE = 0.02  # of the panel: the overlay's boxes against the server's

# Each balloon drawn by the overlay: its scene, index, kind, box (page px) and lines.
DRAWN = """() => [...document.querySelectorAll('svg.lettering g.balloon')].map(g => {
  const [, scene, index] = g.id.split('-').map(Number);
  return { scene, index, kind: [...g.classList].find(c => c.startsWith('kind-')).slice(5),
           box: g.dataset.box.split(' ').map(Number),
           lines: [...g.querySelectorAll('text > tspan')].map(t => t.textContent.trimEnd()) };
})"""


def shoot(target, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(SHOTS / name))


def drawn(page, scene, index):
    return next(b for b in page.evaluate(DRAWN) if (b["scene"], b["index"]) == (scene, index))


def as_fractions(panel, box):
    left, top, right, bottom = panel["box"]
    w, h = right - left, bottom - top
    return [(box[0] - left) / w, (box[1] - top) / h, (box[2] - left) / w, (box[3] - top) / h]


def assert_matches_server(page, cartoon):
    """Every balloon the overlay draws sits in the server's box (within 2 % of its panel), with
    the server's lines, and only those are drawn."""
    balloons = page.evaluate(DRAWN)
    expected = [(p["number"], k) for p in cartoon["panels"] for k in range(len(p["elements"]))]
    assert sorted((b["scene"], b["index"]) for b in balloons) == sorted(expected)
    for b in balloons:
        placed = cartoon["panels"][b["scene"] - 1]["elements"][b["index"]]
        ours = as_fractions(cartoon["panels"][b["scene"] - 1], b["box"])
        assert ours == pytest.approx(placed["box"], abs=TOLERANCE), (b, placed)
        assert b["lines"] == [line.replace("*", "") for line in placed["lines"]], (b, placed)
        assert b["kind"] == placed["kind"]


def overlay_catches_up(page, cartoon, timeout=30):
    """Until the page, polling on its own, draws the server's geometry of `cartoon`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            assert_matches_server(page, cartoon)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(250)


def wait_settled(page, cartoon_id, check, timeout=90):
    """Until the server has recomposed with the edit: `check(cartoon)` holds on what it serves
    once its pages are done (asked every quarter second)."""
    deadline = time.monotonic() + timeout
    while True:
        cartoon = state(page, cartoon_id)
        done = cartoon["status"] == "done" and cartoon["pages"] and all(
            p["art_url"] for p in cartoon["pages"])
        if done and check(cartoon):
            return cartoon
        assert time.monotonic() < deadline, cartoon["panels"]
        page.wait_for_timeout(250)


def patches(page):
    """The PATCHes the page sends, as they go."""
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "PATCH" else None)
    return sent


def css_per_panel(page, cartoon, number):
    """CSS px per panel width and height (the page is drawn scaled to the column)."""
    panel = cartoon["panels"][number - 1]
    page_px = cartoon["pages"][panel["page"] - 1]["width"]
    stage = page.locator(f"#page-{panel['page']} .page-stage").bounding_box()
    scale = stage["width"] / page_px
    left, top, right, bottom = panel["box"]
    return scale * (right - left), scale * (bottom - top)


def mouse_drag(page, x, y, dx, dy, steps=12):
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, steps + 1):
        page.mouse.move(x + dx * step / steps, y + dy * step / steps)
    page.mouse.up()


def test_the_overlay_letters_the_pages_as_the_server_does(page, stack):
    """At 1366 px: the art without lettering, the lettering in SVG where the server put it, in
    the lettering face, as real text in reading order; and it looks like the server's page."""
    page.set_viewport_size({"width": 1366, "height": 900})
    cartoon_id = make_cartoon(page, stack, "overlay-look@example.com")
    cartoon = state(page, cartoon_id)
    assert all(p["art_url"] for p in cartoon["pages"])
    expect(page.locator("#page-1 svg.lettering")).to_be_visible()
    assert "/pages/" in page.locator("#page-1 .page-image").get_attribute("src")
    assert page.evaluate("() => document.fonts.check('20px Lettering')")
    assert_matches_server(page, cartoon)
    # Read in order: scene by scene, each balloon's text as typed.
    text = page.locator("#page-1 svg.lettering").text_content()
    assert text.index("Summer, 1956. The attic at Ada's.") < text.index(
        "What on earth is this machine?") < text.index("Mrrp? A big red button!")
    expect(page.locator("#lettering-hint")).to_be_visible()
    # Next to the server's own lettered page, each balloon looks the same (same place, lines,
    # face): the overlay's pixels in a balloon's box differ little from the page PNG's.
    stage = page.locator("#page-1 .page-stage")
    stage.scroll_into_view_if_needed()
    shoot(stage, "overlay-desktop-page1.png")
    # the art's rectangle (inside the stage's border), with the overlay drawn over it
    ours = Image.open(io.BytesIO(page.locator("#page-1 .page-image").screenshot())).convert("L")
    theirs = picture(page, cartoon["pages"][0]["url"]).convert("L").resize(ours.size)
    scale = ours.size[0] / cartoon["pages"][0]["width"]
    for panel in [p for p in cartoon["panels"] if p["page"] == 1]:
        for placed in panel["elements"]:
            box = [round(v * scale) for v in _page_box(panel, placed["box"])]
            same = unlike(ours, theirs, box, 0)
            # the same box a tenth of its height lower: clearly unlike
            off = unlike(ours, theirs, box, round((box[3] - box[1]) / 10))
            assert same < 8 and off > 3 * same, (panel["number"], placed["kind"], same, off)
    assert_wraps_as_the_engine(page, cartoon["panels"][0])


# Texts the browser must wrap exactly as the engine does when the owner resizes a box: French
# spacing (no line starts with its punctuation), *emphasis*, a lone asterisk, Cyrillic.
WRAPPED = [("speech", "Quoi ? Tu plaisantes : encore une panne ! « Incroyable » 100 %"),
           ("thought", "I *really* mean it, *every single word* of it * twice"),
           ("shout", "Привет ! Как *дела* ? Всё хорошо : спасибо !"),
           ("caption", "Plus tard ; bien plus tard… *beaucoup* plus tard.")]


def assert_wraps_as_the_engine(page, panel):
    """The overlay's wrapping (js/cartoon-overlay-text.js) against the engine's for a width the
    owner gives: the same lines, markup and no-break spaces included, at several widths."""
    from chalicelib.comic import lettering

    size = panel["text_px"]
    panel_size = (panel["box"][2] - panel["box"][0], panel["box"][3] - panel["box"][1])
    for kind, text in WRAPPED:
        for width in (0.3, 0.45, 0.7):
            ours = page.evaluate(
                """async ([kind, text, size, width, panelW]) => {
                  const m = await import('/js/cartoon-overlay-text.js');
                  const shape = m.shapeAt(kind, text, size, width, panelW);
                  return shape && shape.lines; }""",
                [kind, text, size, width, panel_size[0]])
            engine = lettering._shape_at(kind, text, panel_size, size, width)
            assert ours == (list(engine[0][2]) if engine else None), (kind, text, width)


def unlike(ours, theirs, box, lower):
    """How unlike our balloon in `box` is to theirs `lower` px lower: the mean difference of
    their grey levels once softened (a browser and Pillow smooth a glyph's edge differently),
    at the best of the nearest whole-pixel alignments (the page is scaled to the screen)."""
    soft = ImageFilter.GaussianBlur(1.5)
    a = ours.crop(box).filter(soft)
    return min(ImageStat.Stat(ImageChops.difference(a, theirs.crop(
        [box[0] + dx, box[1] + lower + dy, box[2] + dx, box[3] + lower + dy]).filter(soft))).mean[0]
        for dx in (-1, 0, 1) for dy in (-1, 0, 1))

def _page_box(panel, box):
    left, top, right, bottom = panel["box"]
    w, h = right - left, bottom - top
    return [left + box[0] * w, top + box[1] * h, left + box[2] * w, top + box[3] * h]


def test_mouse_drag_resize_kind_undo_redo_then_the_download_shows_it(page, stack):
    page.set_viewport_size({"width": 1366, "height": 900})
    cartoon_id = make_cartoon(page, stack, "overlay-mouse@example.com")
    before = state(page, cartoon_id)
    sent = patches(page)
    start = before["panels"][0]["elements"][1]  # Ada's balloon in the wide opening panel
    pw, ph = css_per_panel(page, before, 1)
    across = -0.25 if start["at"][0] > 0.5 else 0.25
    # A drag: the overlay follows at once, nothing is sent until the mouse is released.
    x, y = centre_of(page, "#handle-1-1-at")
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + across * pw * step / 10, y + 0.3 * ph * step / 10)
    moving = as_fractions(before["panels"][0], drawn(page, 1, 1)["box"])
    assert moving[0] == pytest.approx(start["box"][0] + across, abs=0.01)
    assert moving[1] == pytest.approx(start["box"][1] + 0.3, abs=0.01)
    assert sent == []
    page.mouse.up()
    undo, redo = page.locator("#lettering-undo"), page.locator("#lettering-redo")
    expect(undo).to_have_attribute("data-steps", "1")  # saved: it can be undone
    assert len(sent) == 1
    # Resize: its right edge dragged in; the text rewraps to more lines at once.
    lines_before = drawn(page, 1, 1)["lines"]
    x, y = centre_of(page, "#handle-1-1-width")
    mouse_drag(page, x, y, -0.06 * pw, 0)
    narrower = drawn(page, 1, 1)
    assert len(narrower["lines"]) > len(lines_before), narrower
    expect(undo).to_have_attribute("data-steps", "2")
    # Kind: the toolbar on the selected balloon.
    page.locator("#handle-1-1-at").focus()
    toolbar = page.locator("#page-1 .lettering-toolbar")
    expect(toolbar).to_be_visible()
    shoot(page.locator("#page-1 .page-stage"), "overlay-desktop-toolbar.png")
    toolbar.locator(".kind-choice[data-kind=thought]").click()
    expect(page.locator("#balloon-1-1")).to_have_class("balloon kind-thought")
    expect(toolbar.locator(".kind-choice[data-kind=thought]")).to_have_attribute(
        "aria-pressed", "true")
    expect(undo).to_have_attribute("data-steps", "3")
    saved = state(page, cartoon_id)["scenes"][0]["elements"][1]
    assert saved["kind"] == "thought"
    assert saved["width"] == pytest.approx(narrower_width(before, narrower), abs=0.01)
    # Undo three times: the kind, the width, the place; redo once: the place again.
    for _ in range(3):
        undo.click()
    expect(undo).to_be_disabled()
    back = as_fractions(before["panels"][0], drawn(page, 1, 1)["box"])
    assert back == pytest.approx(start["box"], abs=0.005)
    assert drawn(page, 1, 1)["kind"] == "speech"
    redo.click()
    redone = as_fractions(before["panels"][0], drawn(page, 1, 1)["box"])
    assert redone == pytest.approx(moving, abs=0.005)
    wait_for_api(page, "async ([id, x]) => {"
                 " const e = (await Api.get(`/api/cartoons/${id}`)).scenes[0].elements[1];"
                 " return e.kind === 'speech' && !e.width && e.at"
                 "   && Math.abs(e.at[0] - x) < 0.02; }",
                 [cartoon_id, start["at"][0] + across])
    # Saved, recomposed and reloaded: the server's geometry, the overlay and the downloaded page
    # all show the balloon where it was dragged.
    after = wait_settled(page, cartoon_id, lambda c: c["panels"][0]["elements"][1]["at"][0]
                         == pytest.approx(start["at"][0] + across, abs=0.02))
    page.reload()
    expect(page.locator("#balloon-1-1")).to_be_attached()
    assert_matches_server(page, after)
    new_page = picture(page, after["pages"][0]["url"])
    there = after["panels"][0]["elements"][1]["box"]
    assert white(region(new_page, after["panels"][0], there)) > 0.45
    old_page = picture(page, after["pages"][0]["art_url"])  # the art alone has no balloon there
    assert white(region(old_page, after["panels"][0], there)) < 0.2


def narrower_width(cartoon, balloon):
    panel = cartoon["panels"][0]
    return (balloon["box"][2] - balloon["box"][0]) / (panel["box"][2] - panel["box"][0])


def test_the_keyboard_moves_resizes_and_undoes(page, stack):
    page.set_viewport_size({"width": 1366, "height": 900})
    cartoon_id = make_cartoon(page, stack, "overlay-keys@example.com")
    before = state(page, cartoon_id)
    sent = patches(page)
    start = before["panels"][1]["elements"][0]  # Bram's balloon, scene 2
    handle = page.locator("#handle-2-0-at")
    expect(handle).to_have_attribute(
        "aria-label", "Balloon 1 of scene 2: 'Mrrp? A big red button!' — use arrow keys to move")
    # Tab goes from a balloon's handles to its toolbar, then to the next balloon.
    page.locator("#handle-1-1-tail").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('.lettering-toolbar') !== null")
    for _ in range(8):
        if page.evaluate("() => document.activeElement.id") == "handle-2-0-at":
            break
        page.keyboard.press("Tab")
    expect(handle).to_be_focused()
    # Escape puts it back and sends nothing.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Escape")
    assert as_fractions(before["panels"][1], drawn(page, 2, 0)["box"]) == pytest.approx(
        start["box"], abs=0.002)
    # Shift+arrows move by 5 % of the panel, arrows by 1 %, + widens, - narrows; Enter saves.
    for key in ["Shift+ArrowDown"] * 4 + ["ArrowRight"] * 3 + ["+"] * 6 + ["-"]:
        page.keyboard.press(key)
    predicted = drawn(page, 2, 0)  # the browser's own wrapping, before the server sees it
    moved = as_fractions(before["panels"][1], predicted["box"])
    assert (moved[1] + moved[3]) / 2 == pytest.approx(start["at"][1] + 0.2, abs=0.01)
    assert moved[2] - moved[0] > start["box"][2] - start["box"][0] + 0.05
    shoot(page.locator("#page-1 .page-stage"), "overlay-desktop-keyboard.png")
    assert sent == []
    page.keyboard.press("Enter")
    undo = page.locator("#lettering-undo")
    expect(undo).to_have_attribute("data-steps", "1")
    # Ctrl+Z undoes it, Shift+Ctrl+Z redoes it.
    page.keyboard.press("Control+z")
    expect(undo).to_have_attribute("data-steps", "0")
    assert as_fractions(before["panels"][1], drawn(page, 2, 0)["box"]) == pytest.approx(
        start["box"], abs=0.005)
    page.keyboard.press("Control+Shift+z")
    assert as_fractions(before["panels"][1], drawn(page, 2, 0)["box"]) == pytest.approx(
        moved, abs=0.005)
    after = wait_settled(page, cartoon_id, lambda c: c["scenes"][1]["elements"][0].get("width")
                         and c["panels"][1]["elements"][0].get("width"))
    # The engine, given the width, wrapped and placed the text as the browser had predicted.
    server = after["panels"][1]["elements"][0]
    assert server["lines"] == predicted["lines"]
    assert server["box"] == pytest.approx(moved, abs=TOLERANCE)
    page.reload()
    expect(page.locator("#balloon-2-0")).to_be_attached()
    assert_matches_server(page, after)
    # The kind, from the keyboard: Tab from the balloon's handles to its toolbar, Enter.
    page.locator("#handle-2-0-tail").focus()
    page.keyboard.press("Tab")
    for _ in range(3):
        if page.evaluate("() => document.activeElement.dataset.kind") == "thought":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#balloon-2-0")).to_have_class("balloon kind-thought")
    expect(undo).to_have_attribute("data-steps", "1")  # the page was opened again: one edit
    # Words typed in a scene's texts are lettered at once; saved, the edit can be undone too.
    caption = page.locator("#scene-5 .edit-text").first
    words = "They landed softly among the sunflowers, and then it rained for a whole week."
    caption.fill(words)
    expect(page.locator("#balloon-5-0 text")).to_have_text(words)  # read as typed
    assert sent == [f for f in sent if "/scenes/2" in f]  # typing sends nothing
    assert len(drawn(page, 5, 0)["lines"]) >= 2  # wrapped, as the engine wraps it
    shoot(page.locator("#page-1 .page-stage"), "overlay-desktop-typed.png")
    page.locator("#scene-5 .texts-form button[type=submit]").click()
    expect(page.locator("#scene-5 [data-notice]")).to_contain_text("Saved")  # as the owner sees
    expect(undo).to_have_attribute("data-steps", "2")
    assert state(page, cartoon_id)["scenes"][4]["elements"][0]["text"] == words
    undo.click()
    wait_for_api(page, "async id => (await Api.get(`/api/cartoons/${id}`)).scenes[4]"
                 ".elements[0].text.endsWith('sunflowers.')", cartoon_id)
    assert " ".join(drawn(page, 5, 0)["lines"]) == "They landed softly among the sunflowers."


def test_a_refused_edit_comes_back_and_says_why(page, stack):
    """A balloon dropped on a caption the owner placed: the server refuses it; the reason shows
    by the balloon, and the overlay returns to the last saved state."""
    page.set_viewport_size({"width": 1366, "height": 900})
    cartoon_id = make_cartoon(page, stack, "overlay-refused@example.com")
    page.locator("#handle-1-0-at").focus()  # the caption placed by its owner: it stays put
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    before = wait_settled(page, cartoon_id, lambda c: "at" in c["scenes"][0]["elements"][0])
    overlay_catches_up(page, before)
    caption = before["panels"][0]["elements"][0]
    balloon = before["panels"][0]["elements"][1]
    pw, ph = css_per_panel(page, before, 1)
    page.locator("#handle-1-1-at").focus()  # its toolbar, not the caption's, shows
    saved = drawn(page, 1, 1)["box"]  # as last saved
    x, y = centre_of(page, "#handle-1-1-at")
    mouse_drag(page, x, y, (caption["at"][0] - balloon["at"][0]) * pw,
               (caption["at"][1] - balloon["at"][1]) * ph)
    notice = page.locator("#page-1 .overlay-problem")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Balloon 2 of scene 1")
    assert drawn(page, 1, 1)["box"] == pytest.approx(saved, abs=1)  # back, page px
    assert "at" not in state(page, cartoon_id)["scenes"][0]["elements"][1]
    page.click("#lettering-undo")  # what can be undone is the caption's move, not the refused one
    wait_for_api(page, "async id => !(await Api.get(`/api/cartoons/${id}`)).scenes[0].elements[0]"
                 ".at", cartoon_id)


def phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                               has_touch=True, device_scale_factor=3)


def touch_drag(session, x, y, dx, dy, steps=10):
    """A finger's drag (Chromium's touch input, as a phone sends it)."""
    session.send("Input.dispatchTouchEvent",
                 {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, steps + 1):
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x + dx * step / steps, "y": y + dy * step / steps}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_a_phone_edits_the_lettering_by_touch(browser, stack):
    context = phone(browser)
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    try:
        cartoon_id = make_cartoon(page, stack, "overlay-phone@example.com")
        before = state(page, cartoon_id)
        expect(page.locator("#pages-card")).to_be_hidden()  # the reader shows instead
        page.click("#lettering-toggle")
        expect(page.locator("#pages-card")).to_be_visible()
        expect(page.locator("#page-1 svg.lettering")).to_be_visible()
        assert_matches_server(page, before)
        session = context.new_cdp_session(page)
        start = before["panels"][1]["elements"][0]  # Bram's balloon, scene 2
        pw, ph = css_per_panel(page, before, 2)
        shoot(page, "overlay-phone-before.png")  # (a full-page shot scrolls: before aiming)
        x, y = centre_of(page, "#handle-2-0-at")
        touch_drag(session, x, y, 0.15 * pw, 0.25 * ph)
        moved = as_fractions(before["panels"][1], drawn(page, 2, 0)["box"])
        assert (moved[1] + moved[3]) / 2 == pytest.approx(start["at"][1] + 0.25, abs=0.02)
        expect(page.locator("#lettering-undo")).to_be_enabled()
        # The width, by its handle; the kind, by a tap on the toolbar.
        x, y = centre_of(page, "#handle-2-0-width")
        lines = drawn(page, 2, 0)["lines"]
        touch_drag(session, x, y, -0.1 * pw, 0)
        assert len(drawn(page, 2, 0)["lines"]) > len(lines)
        page.locator("#handle-2-0-at").focus()
        page.locator("#page-1 .kind-choice[data-kind=thought]").tap()
        expect(page.locator("#balloon-2-0")).to_have_class("balloon kind-thought")
        shoot(page, "overlay-phone-edited.png")
        after = wait_settled(page, cartoon_id, lambda c: c["panels"][1]["elements"][0]["kind"]
                             == "thought" and c["panels"][1]["elements"][0].get("width"))
        assert after["panels"][1]["elements"][0]["at"][1] == pytest.approx(
            start["at"][1] + 0.25, abs=0.03)
        page.reload()
        page.click("#lettering-toggle")
        expect(page.locator("#balloon-2-0")).to_be_attached()
        assert_matches_server(page, after)
        shoot(page.locator("#page-1 .page-stage"), "overlay-phone-page1.png")
    finally:
        context.close()
