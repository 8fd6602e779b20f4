"""A character started from a picture, in a real Chromium against `make run`'s stack: the
create page refuses a file of the wrong type itself, sends a PNG straight to (moto's) S3 with
the presigned POST, shows its thumbnail, and the cartoon's reference is drawn from it (offline:
tinted with its colour), with no description."""

import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.support.browser import buy_pack, sign_in
from tests.support.pictures import png

SHOTS = Path(tempfile.gettempdir()) / "caaartoons-shots"  # looked at by hand, not committed


def test_a_png_is_uploaded_from_the_create_page_and_drawn_from(page, stack):
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, stack, "uploader@example.com")
    buy_pack(page, stack, "small")
    page.goto(stack.url + "/create.html")
    page.fill("#title", "Mona's walk")
    page.fill("#context", "A green park in spring.")
    page.select_option("#quality", "low")
    row = page.locator(".character").first
    row.locator(".character-name").fill("Mona")
    field = row.locator(".picture-field")
    expect(field).to_contain_text("Start from a picture")
    picker = field.locator("input[type=file]")
    expect(picker).to_have_attribute("accept", "image/png,image/jpeg,image/webp")

    # The wrong type is refused on the page, before anything is sent.
    picker.set_input_files(files=[{"name": "notes.txt", "mimeType": "text/plain",
                                   "buffer": b"hello"}])
    expect(field.locator(".notice")).to_contain_text("PNG, JPEG or WebP")
    assert row.get_attribute("data-upload") is None

    picker.set_input_files(files=[{"name": "mona.png", "mimeType": "image/png",
                                   "buffer": png((300, 400), (40, 150, 90))}])
    expect(field.locator(".notice")).to_contain_text("Picture ready", timeout=20000)
    thumb = field.locator(".picture-thumb")
    expect(thumb).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 300",
                           arg=thumb.element_handle())
    upload_id = row.get_attribute("data-upload")
    assert upload_id and len(upload_id) == 21
    expect(row.locator(".character-description")).not_to_have_attribute("required", "")
    assert not blocked, blocked

    SHOTS.mkdir(exist_ok=True)
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "upload-desktop.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "upload-phone.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows
    page.set_viewport_size({"width": 1366, "height": 900})

    scene = page.locator(".scene").first
    scene.locator(".scene-action").fill("Mona walks in the park.")
    expect(scene.get_by_label("Mona", exact=True)).to_be_checked()
    page.check("#cast-choice input[value=at-once]")
    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id="))
    cartoon_id = page.url.split("id=")[1]
    page.wait_for_function(
        "id => Api.get('/api/cartoons/' + id).then(c => c.cast[0].state === 'done')",
        arg=cartoon_id, polling=500, timeout=60000)
    cartoon = page.evaluate("id => Api.get('/api/cartoons/' + id)", cartoon_id)
    assert cartoon["cast"][0]["description"] == ""
    page.reload()
    reference = page.locator("#cast img[alt^='Reference picture of Mona']")
    expect(reference).to_be_visible(timeout=30000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=reference.element_handle())
    page.locator("#cast").screenshot(path=str(SHOTS / "upload-cast.png"))
    assert not blocked, blocked
