"""The comic on the cartoon page, in a real Chromium: the composed pages on a desktop with
their downloads, balloons moved with the mouse and with the keyboard (the worker composes the
page again and the picture changes where the balloon went), and on a 390 px phone one panel at
a time at full width, legible, turned by swipe and arrow keys."""

import io
import os
import re
import zipfile
from pathlib import Path

import pypdf
import pytest
from PIL import Image, ImageChops, ImageStat
from playwright.sync_api import expect

from tests.support.browser import STEP_MS
from tests.support.comic_page import (
    fetched,
    make_cartoon,
    picture,
    region,
    state,
    white,
)

LOADED = "img => img.complete && img.naturalWidth > 0"
SHOTS = os.environ.get("SCREENSHOTS")  # a folder to keep the screenshots in, when set


def settled(page, cartoon_id, before):
    """Wait for the recomposition (the page view says so meanwhile), then reload."""
    expect(page.locator("#progress-text")).to_have_text("Finished: 7 scenes on 2 pages.",
                                                        timeout=30000)
    page.wait_for_function("url => !document.querySelector('.page-image').src.startsWith(url)",
                           arg=before.split("?")[0], timeout=30000)
    page.reload()
    page.wait_for_function(LOADED, arg=page.locator(".page-image").first.element_handle())
    return state(page, cartoon_id)


def moved_box(box, before, after):
    dx, dy = after[0] - before[0], after[1] - before[1]
    return [box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy]


def assert_moved_on_the_page(page, old_state, old_image, new_state, number, index,
                             expected_at):
    """The stored position moved as expected, and the new page shows a balloon there (the old
    page's picture, fetched before the move, did not: the old objects go once replaced)."""
    old_panel = old_state["panels"][number - 1]
    new_panel = new_state["panels"][number - 1]
    at = new_state["scenes"][number - 1]["elements"][index]["at"]
    assert at == pytest.approx(expected_at, abs=0.012)
    assert new_panel["elements"][index]["at"] == pytest.approx(expected_at, abs=0.012)
    new_image = picture(page, new_state["pages"][new_panel["page"] - 1]["url"])
    there = new_panel["elements"][index]["box"]
    before, after = region(old_image, old_panel, there), region(new_image, new_panel, there)
    difference = ImageStat.Stat(ImageChops.difference(before, after).convert("L")).mean[0]
    assert difference > 20, difference  # the page changed where the balloon went
    assert white(after) > 0.45 and white(after) > white(before) + 0.2, (white(before),
                                                                         white(after))


def test_a_balloon_moved_with_the_mouse_is_recomposed_there(page, stack):
    cartoon_id = make_cartoon(page, stack, "mouse@example.com")
    page.set_viewport_size({"width": 1280, "height": 900})
    before = state(page, cartoon_id)
    panel = before["panels"][0]
    start = panel["elements"][1]["at"]  # Ada's balloon in the wide opening panel
    old_image = picture(page, before["pages"][0]["url"])
    handle = page.get_by_role("button", name="Balloon 2 of scene 1: 'What on earth is this ma…' "
                                              "— use arrow keys to move", exact=True)
    expect(handle).to_be_visible()
    handle.scroll_into_view_if_needed()  # below the cast's pictures: the mouse acts in view
    box = handle.bounding_box()
    stage = page.locator("#page-1 .page-stage").bounding_box()
    page_width = before["pages"][0]["width"]
    panel_css = stage["width"] * (panel["box"][2] - panel["box"][0]) / page_width
    panel_css_h = stage["height"] * (panel["box"][3] - panel["box"][1]) / before["pages"][0][
        "height"]
    across = -0.3 if start[0] > 0.5 else 0.3  # towards the middle: nothing clamps it
    dx, dy = across * panel_css, 0.35 * panel_css_h
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + dx * step / 10, y + dy * step / 10)
    page.mouse.up()
    expect(page.locator("#recomposing")).to_be_visible()
    after = settled(page, cartoon_id, before["pages"][0]["url"])
    assert_moved_on_the_page(page, before, old_image, after, 1, 1,
                             [start[0] + across, start[1] + 0.35])
    # The caption, not moved, stays where the lettering put it; the move cost nothing.
    assert "at" not in after["scenes"][0]["elements"][0]
    expect(page.locator("#who-balance")).to_have_text("20 credits")  # 30 - 7 scenes - 3 references


def test_a_balloon_and_its_tail_moved_with_the_keyboard(page, stack):
    cartoon_id = make_cartoon(page, stack, "keys@example.com")
    before = state(page, cartoon_id)
    start = before["panels"][1]["elements"][0]["at"]  # Bram's balloon, scene 2
    old_image = picture(page, before["pages"][0]["url"])
    handle = page.locator("#handle-2-0-at")
    expect(handle).to_have_attribute(
        "aria-label", "Balloon 1 of scene 2: 'Mrrp? A big red button!' — use arrow keys to move")
    handle.focus()
    # Escape puts it back and saves nothing.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Escape")
    expect(page.locator("#recomposing")).to_be_hidden()
    assert state(page, cartoon_id)["scenes"][1]["elements"][0].get("at") is None
    # Shift+arrows move by 5 % of the panel, arrows by 1 %; Enter saves.
    for key in ["Shift+ArrowDown"] * 6 + ["ArrowRight"] * 3:
        page.keyboard.press(key)
    if SHOTS:  # the handle, focused and moved, before it is saved
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.locator("#page-1").screenshot(path=str(Path(SHOTS) / "desktop-moving.png"))
    page.keyboard.press("Enter")
    expect(page.locator("#recomposing")).to_be_visible()
    after = settled(page, cartoon_id, before["pages"][0]["url"])
    assert_moved_on_the_page(page, before, old_image, after, 2, 0,
                             [start[0] + 0.03, start[1] + 0.30])
    # The tail's tip on its own: the balloon stays, the tip goes where it was sent.
    tip = after["panels"][1]["elements"][0]["tail"]
    at = after["panels"][1]["elements"][0]["at"]
    page.locator("#handle-2-0-tail").focus()
    for key in ["Shift+ArrowLeft"] * 3:
        page.keyboard.press(key)
    page.locator("#handle-2-0-at").focus()  # leaving the handle saves it too
    expect(page.locator("#recomposing")).to_be_visible()
    final = settled(page, cartoon_id, after["pages"][0]["url"])
    element = final["scenes"][1]["elements"][0]
    assert element["tail"] == pytest.approx([tip[0] - 0.15, tip[1]], abs=0.002)
    assert element["at"] == pytest.approx(at, abs=0.002)


def phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                               has_touch=True, device_scale_factor=3)


def swipe(page, session, from_x, to_x, y):
    """A real touch swipe, as a finger makes it (Chromium's input pipeline, not a JS event)."""
    session.send("Input.dispatchTouchEvent",
                 {"type": "touchStart", "touchPoints": [{"x": from_x, "y": y}]})
    for step in range(1, 9):
        session.send("Input.dispatchTouchEvent", {
            "type": "touchMove", "touchPoints": [{"x": from_x + (to_x - from_x) * step / 8,
                                                  "y": y}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def shot(page, tmp_path, name):
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def test_a_phone_reads_one_legible_panel_at_a_time(browser, stack, tmp_path):
    context = phone(browser)
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    cartoon_id = make_cartoon(page, stack, "phone@example.com")
    header_folds_into_one_row(page)
    viewport = page.locator("meta[name=viewport]").get_attribute("content")
    assert "user-scalable" not in viewport and "maximum-scale" not in viewport  # pinch zoom
    expect(page.locator("#reader")).to_be_visible()
    expect(page.locator("#pages-card")).to_be_hidden()
    expect(page.locator("#reader-count")).to_have_text("1 / 7")
    cartoon = state(page, cartoon_id)
    image = page.locator("#reader-image")
    session = context.new_cdp_session(page)
    sizes = []
    for number in range(1, 8):
        expect(image).to_have_attribute("data-scene", str(number))
        page.wait_for_function(LOADED, arg=image.element_handle())
        shown = image.evaluate("i => ({left: i.getBoundingClientRect().left, "
                               "width: i.getBoundingClientRect().width, "
                               "natural: i.naturalWidth, page: document.documentElement."
                               "scrollWidth})")
        assert shown["left"] == 0 and shown["width"] == 390 and shown["page"] == 390
        reader = cartoon["panels"][number - 1]["reader"]
        assert shown["natural"] == reader["width"]
        text_css = reader["text_px"] * shown["width"] / shown["natural"]
        assert text_css >= 14, (number, text_css)
        sizes.append(round(text_css, 1))
        if number == 1:
            shot(page, tmp_path, "phone-390.png")
        if number < 7:
            if number % 2:
                box = image.bounding_box()
                swipe(page, session, 330, 60, box["y"] + box["height"] / 2)
            else:
                page.keyboard.press("ArrowRight")
            expect(page.locator("#reader-count")).to_have_text(f"{number + 1} / 7")
    print("text CSS px at 390 px, panel by panel:", sizes)
    # On the page, the wide panels letter at the small panels' size: cropped, too small.
    wide = cartoon["panels"][0]
    assert wide["text_px"] * 390 / (wide["box"][2] - wide["box"][0]) < 13.5
    box = image.bounding_box()
    swipe(page, session, 60, 330, box["y"] + box["height"] / 2)
    expect(page.locator("#reader-count")).to_have_text("6 / 7")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#reader-count")).to_have_text("5 / 7")
    page.click("#reader-prev")
    expect(page.locator("#reader-count")).to_have_text("4 / 7")
    page.click("#reader-next")
    expect(page.locator("#reader-count")).to_have_text("5 / 7")
    reads_in_full_screen(page, session, tmp_path)
    context.close()


def header_folds_into_one_row(page):
    """On a phone the header is one row of 56 px at most: the brand, the balance, a menu
    button that opens the rest below it."""
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 56
    expect(page.locator("#who-balance")).to_be_visible()
    expect(page.locator(".main-nav")).to_be_hidden()
    menu = page.locator("#menu-button")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(page.locator(".main-nav")).to_be_visible()
    expect(page.locator("#sign-out")).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    assert header.bounding_box()["height"] <= 56  # the menu opens over the page
    page.keyboard.press("Escape")
    expect(page.locator(".main-nav")).to_be_hidden()
    expect(menu).to_be_focused()


def reads_in_full_screen(page, session, tmp_path):
    """The full-screen mode: the reader fills the screen; swipes and keys turn the panels and
    the counter follows; the button (or Escape) comes back."""
    reader, image = page.locator("#reader"), page.locator("#reader-image")
    page.click("#reader-full")
    expect(reader).to_have_class(re.compile(r"\breader-full\b"))
    expect(page.locator("#reader-full")).to_have_text("Close")
    assert reader.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    page.wait_for_function(LOADED, arg=image.element_handle())
    assert image.bounding_box()["width"] == 390  # still the full width: 14 CSS px or more
    shot(page, tmp_path, "phone-390-full-screen.png")
    box = image.bounding_box()
    swipe(page, session, 330, 60, box["y"] + box["height"] / 2)
    expect(page.locator("#reader-count")).to_have_text("6 / 7")
    expect(image).to_have_attribute("data-scene", "6")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#reader-count")).to_have_text("7 / 7")
    shot(page, tmp_path, "phone-390-full-screen-wide.png")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#reader-count")).to_have_text("6 / 7")
    page.click("#reader-full")
    expect(reader).not_to_have_class(re.compile(r"\breader-full\b"))
    expect(page.locator("#reader-full")).to_have_text("Full screen")
    assert page.evaluate("document.fullscreenElement") is None


def test_the_desktop_shows_the_pages_and_every_download_works(page, stack, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    cartoon_id = make_cartoon(page, stack, "desk@example.com")
    expect(page.locator("#reader")).to_be_hidden()
    expect(page.locator(".comic-page")).to_have_count(2)
    for image in page.locator(".page-image").element_handles():
        page.wait_for_function(LOADED, arg=image)
    widths = page.locator(".page-image").evaluate_all(
        "images => images.map(i => i.getBoundingClientRect().width)")
    assert min(widths) > 900  # large, one under another
    shot(page, tmp_path, "desktop-1280.png")
    cartoon = state(page, cartoon_id)
    links = page.locator("#downloads a")
    expect(links).to_have_count(8)  # 2 pages, 2 books and their 2 print editions, CBZ, EPUB
    pngs = []
    for index in range(2):
        response = fetched(page, links.nth(index).get_attribute("href"))
        assert response.body().startswith(b"\x89PNG\r\n\x1a\n")
        assert "attachment" in response.headers["content-disposition"]
        assert Image.open(io.BytesIO(response.body())).size == (
            cartoon["pages"][index]["width"], cartoon["pages"][index]["height"])
        pngs.append(response.body())
    for selector, paper in (("#download-pdf", (595, 842)), ("#download-pdf-letter", (612, 792))):
        body = fetched(page, page.locator(selector).get_attribute("href")).body()
        assert body.startswith(b"%PDF-")
        document = pypdf.PdfReader(io.BytesIO(body))
        # the book: a title page, then the panels composed for paper
        assert len(document.pages) >= 2 and document.metadata.title == "The attic machine"
        assert "The attic machine" in document.pages[0].extract_text()
        for pdf_page in document.pages:
            assert tuple(sorted(round(float(v)) for v in pdf_page.mediabox[2:])) == paper
    body = fetched(page, page.locator("#download-cbz").get_attribute("href")).body()
    assert body.startswith(b"PK\x03\x04")
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert [archive.read(n) for n in ("page-001.png", "page-002.png")] == pngs
    # The texts are edited on the scene's card: up to four, and one that cannot be lettered
    # legibly is refused with the reason shown next to it.
    card = page.locator("#scene-5")
    for _ in range(3):
        card.locator(".add-element").click()
    expect(card.locator(".element-row")).to_have_count(4)
    expect(card.locator(".add-element")).to_be_disabled()
    long_text = " ".join(["sunflowers"] * 36)
    for row in range(1, 4):
        card.locator(".edit-text").nth(row).fill(long_text)
    # flagged as it is typed (the check the edit runs), and "Save" waits meanwhile
    refused = card.locator(".element-row").nth(1).locator("[data-element-notice]")
    expect(refused).to_have_text("This scene has more text than its panel has room for above "
                                 "the characters: shorten it or move some to another scene.")
    expect(card.locator(".edit-text").nth(1)).to_have_attribute("aria-invalid", "true")
    expect(card.locator("button[type=submit]")).to_be_disabled()
    card.locator(".remove-element").nth(3).click()
    card.locator(".remove-element").nth(2).click()
    expect(card.locator(".add-element")).to_be_enabled()
    long_text = " ".join(["sunflowers"] * 12)  # what a panel has room for
    card.locator(".edit-text").nth(1).fill(long_text)
    expect(refused).to_be_hidden()
    card.locator("button[type=submit]").click()
    expect(card.locator("[data-notice]").last).to_contain_text("Saved")
    expect(page.locator("#progress-text")).to_have_text("Finished: 7 scenes on 2 pages.",
                                                        timeout=30000)
    texts = [e["text"] for e in state(page, cartoon_id)["scenes"][4]["elements"]]
    assert texts == ["They landed softly among the sunflowers.", long_text]
