"""Redraw with a note from the dialog, in a real Chromium: the cost is stated and confirmed,
Escape closes without charging, the credit is charged once, the new version appears beside the
old one and the old one can be shown again; without credits the dialog says so."""

import os
import re

from playwright.sync_api import expect

from tests.support.browser import buy_pack, fill_cartoon, sign_in

SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=False)


def drawn_cartoon(page, stack, email, pack="medium"):
    sign_in(page, stack, email)
    buy_pack(page, stack, pack)
    page.goto(stack.url + "/create.html")
    fill_cartoon(page)
    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id=\d{13}[0-9a-f]{8}$"))
    expect(page.locator(".panel[data-state=done]")).to_have_count(3, timeout=60000)
    expect(page.locator("#pages-card")).to_be_visible(timeout=30000)


def test_redraw_a_scene_with_a_note_then_swap_back_to_the_first_version(page, drawing_stack):
    drawn_cartoon(page, drawing_stack, "redrawer@example.com")
    # three scenes and two reference pictures (1 credit each, one scene's price)
    expect(page.locator("#who-balance")).to_have_text("25 credits")
    expect(page.locator("#cartoon-meta")).to_contain_text("5 credits spent")
    first_image = page.locator("#scene-2 .panel-image").get_attribute("src").split("?")[0]
    strip_before = page.locator(".page-image").first.get_attribute("src").split("?")[0]

    # The dialog states the cost; Escape closes it and nothing is charged.
    page.locator("#scene-2 .redraw").click()
    dialog = page.locator("dialog.redraw-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".redraw-cost")).to_have_text("Redraw scene 2 for 1 credit?")
    expect(dialog.locator(".redraw-action")).to_have_value("Bram presses the big red button.")
    expect(dialog.locator(".redraw-note")).to_be_focused()
    for _ in range(6):  # Tab goes round the dialog's controls, never out of it
        page.keyboard.press("Tab")
        assert dialog.evaluate("d => d.contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator("#scene-2 .redraw")).to_be_focused()  # focus goes back to the button
    expect(page.locator("#who-balance")).to_have_text("25 credits")

    page.locator("#scene-2 .redraw").click()
    dialog.locator(".redraw-note").fill("Make the button bigger and bluer.")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "redraw-dialog-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "redraw-dialog-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    dialog.locator(".redraw-confirm").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#who-balance")).to_have_text("24 credits")

    versions = page.locator("#scene-2 .versions-strip")
    expect(versions.locator(".version")).to_have_count(2, timeout=30000)
    expect(page.locator("#scene-2")).to_have_attribute("data-state", "done")
    expect(versions.locator(".version.chosen")).to_have_attribute("data-version", "2")
    expect(versions.locator(".version.chosen .version-note")).to_have_text(
        "Make the button bigger and bluer.")
    expect(page.locator("#pages-card")).to_be_visible(timeout=30000)
    new_image = page.locator("#scene-2 .panel-image").get_attribute("src").split("?")[0]
    assert new_image != first_image
    expect(page.locator("#cartoon-meta")).to_contain_text("6 credits spent")
    page.locator("#scene-2").scroll_into_view_if_needed()
    shot(page, "versions-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#scene-2 .versions-strip").scroll_into_view_if_needed()
    shot(page, "versions-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Swap back to version 1: free, and the strip is laid out with it again.
    versions.locator(".version[data-version='1'] .use-version").click()
    expect(versions.locator(".version.chosen")).to_have_attribute("data-version", "1")
    expect(page.locator("#scene-2 .panel-image")).to_have_attribute(
        "src", re.compile(re.escape(first_image)))
    expect(page.locator("#progress-text")).to_have_text("Finished: 3 scenes on 1 page.",
                                                        timeout=30000)
    expect(page.locator(".page-image").first).to_have_attribute(
        "src", re.compile(re.escape(strip_before)), timeout=30000)
    page.reload()
    expect(page.locator("#who-balance")).to_have_text("24 credits")
    expect(page.locator("#cartoon-meta")).to_contain_text("6 credits spent")


def test_a_redraw_without_credits_says_so_in_the_dialog(page, drawing_stack):
    sign_in(page, drawing_stack, "broke@example.com")
    buy_pack(page, drawing_stack, "medium")
    page.goto(drawing_stack.url + "/create.html")
    fill_cartoon(page)
    page.select_option("#quality", "high")  # 3 scenes at 4 and two references at 4: 20 of 30
    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id="))
    expect(page.locator(".panel[data-state=done]")).to_have_count(3, timeout=60000)
    for number in (1, 2):
        page.locator(f"#scene-{number} .redraw").click()
        page.locator("dialog.redraw-dialog .redraw-confirm").click()
        expect(page.locator("dialog.redraw-dialog")).to_have_count(0)
    expect(page.locator("#who-balance")).to_have_text("2 credits")
    expect(page.locator(".panel[data-state=done]")).to_have_count(3, timeout=60000)
    page.locator("#scene-3 .redraw").click()
    dialog = page.locator("dialog.redraw-dialog")
    dialog.locator(".redraw-confirm").click()
    expect(dialog.locator("[role=alert]")).to_contain_text("credits")
    expect(dialog.locator("a.buy-credits")).to_have_attribute("href", "/credits.html")
    shot(page, "redraw-402")
    dialog.locator(".redraw-cancel").click()
    expect(dialog).to_have_count(0)
