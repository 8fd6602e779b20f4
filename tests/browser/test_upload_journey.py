"""A character started from a picture, in a real Chromium against `make run`'s stack: the
create page sends a PNG straight to (moto's) S3 with the presigned POST, shows its thumbnail,
and the submission names the upload."""

import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.support.browser import sign_in
from tests.support.pictures import png

SHOTS = Path(tempfile.gettempdir()) / "caaartoons-shots"  # looked at by hand, not committed


def test_a_png_is_uploaded_from_the_create_page_and_shown(page, stack):
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, stack, "uploader@example.com")
    page.goto(stack.url + "/create.html")
    row = page.locator(".character").first
    row.locator(".character-name").fill("Mona")
    field = row.locator(".picture-field")
    expect(field).to_contain_text("Start from a picture")
    expect(field.locator("input[type=file]")).to_have_attribute(
        "accept", "image/png,image/jpeg,image/webp")

    field.locator("input[type=file]").set_input_files(
        files=[{"name": "mona.png", "mimeType": "image/png",
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

    # The wrong type is refused on the page, before anything is sent.
    field.locator("input[type=file]").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    expect(field.locator(".notice")).to_contain_text("PNG, JPEG or WebP")
    assert row.get_attribute("data-upload") is None
