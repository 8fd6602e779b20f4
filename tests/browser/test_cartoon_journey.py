"""A person signs in (with credits), creates a three-scene cartoon drawn offline, watches it
finish, sees the strip, edits a caption for free and redraws a scene, in a real Chromium."""

import re

from playwright.sync_api import expect

from tests.support.browser import approve_cast, buy_pack, fill_cartoon, sign_in

LOADED = "img => img.complete && img.naturalWidth > 0"


def test_create_a_cartoon_watch_it_finish_and_see_the_strip(page, drawing_stack):
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    sign_in(page, drawing_stack, "artist@example.com")
    buy_pack(page, drawing_stack, "medium")
    expect(page.locator("#who-balance")).to_have_text("30 credits")
    page.click("nav >> text=Create")
    expect(page.locator("#style option")).to_have_count(13)  # a dozen presets and your own
    fill_cartoon(page, at_once=False)
    # the scenes, and each character's reference picture at one scene's price
    expect(page.locator("#cost")).to_contain_text(
        "3 scenes \u00d7 1 credit + 2 reference pictures \u00d7 1 credit = 5 credits")
    page.select_option("#quality", "high")
    expect(page.locator("#cost")).to_contain_text(
        "3 scenes \u00d7 4 credits + 2 reference pictures \u00d7 4 credits = 20 credits")
    page.select_option("#quality", "low")
    page.click("#create-submit")

    page.wait_for_url(re.compile(r"/cartoon\.html\?id=\d{13}[0-9a-f]{8}$"))
    expect(page.locator("#cartoon-title")).to_have_text("The attic machine")
    expect(page.locator("#progress-text")).to_contain_text("approve the cast", timeout=30000)
    approve_cast(page)
    expect(page.locator("#progress-text")).to_contain_text(
        re.compile("of 3 scenes drawn|Finished"), timeout=30000)
    # three scenes, and the two characters' references at one scene's price (1 credit each)
    expect(page.locator("#who-balance")).to_have_text("25 credits")
    expect(page.locator(".panel")).to_have_count(3)

    expect(page.locator(".panel[data-state=done]")).to_have_count(3, timeout=60000)
    expect(page.locator("#pages-card")).to_be_visible(timeout=30000)
    expect(page.locator("#progress-text")).to_have_text("Finished: 3 scenes on 1 page.")
    assert page.locator("#progress").evaluate("p => p.value === p.max")
    page.wait_for_function("img => img.complete && img.naturalWidth > 1000",
                           arg=page.locator(".page-image").first.element_handle())
    for image in page.locator(".panel-image").element_handles():
        page.wait_for_function(LOADED, arg=image)
    # What the look found (offline: where the renderer drew each figure), per panel.
    look = page.locator("#scene-1 details.panel-look")
    expect(look.locator("summary")).to_have_text(
        re.compile(r"Where the offline drawing put \d+ figures?"))
    look.locator("summary").click()
    expect(look.locator(".panel-look-figures li").first).to_contain_text(
        re.compile(r"^\w+: head 0\.\d+ to 0\.\d+ across, 0\.\d+ to 0\.\d+ down; mouth at "))
    strip_src = page.locator(".page-image").first.get_attribute("src")
    assert strip_src.startswith("http://127.0.0.1:")  # moto's S3, through a presigned URL
    assert "X-Amz-Signature=" in strip_src
    assert "response-content-disposition=attachment" in page.locator(
        ".download-page").first.get_attribute("href")

    # A caption edit is free and composes the page again.
    first = page.locator("#scene-1")
    first.locator(".edit-text").first.fill("Much later, in the attic…")
    first.locator("button[type=submit]").click()
    expect(page.locator("#scene-1 [data-notice]")).to_contain_text("Saved")
    # The worker lays the page out again; the page follows it until it is back.
    expect(page.locator("#progress-text")).to_have_text("Finished: 3 scenes on 1 page.")
    expect(page.locator(".page-image").first).not_to_have_attribute("src", strip_src)
    expect(page.locator("#who-balance")).to_have_text("25 credits")

    # A redraw costs the scene's credit and the scene comes back drawn.
    page.locator("#scene-2 .redraw").click()
    page.locator("dialog.redraw-dialog .redraw-confirm").click()  # the cost, confirmed
    expect(page.locator("#who-balance")).to_have_text("24 credits")
    expect(page.locator("#scene-2")).to_have_attribute("data-state", "done", timeout=30000)
    expect(page.locator("#pages-card")).to_be_visible(timeout=30000)
    assert blocked == []


def test_the_create_page_explains_a_refused_field_and_a_shortfall(page, drawing_stack):
    sign_in(page, drawing_stack, "short@example.com")
    buy_pack(page, drawing_stack, "small")
    page.goto(drawing_stack.url + "/create.html")
    fill_cartoon(page)
    page.locator(".scene").nth(1).locator(".scene-action").fill("")
    page.click("#create-submit")
    expect(page.locator("#create-notice")).to_contain_text("fix the field marked in red")
    action = page.locator(".scene").nth(1).locator(".scene-action")
    assert action.get_attribute("aria-invalid") == "true"
    # the refusal in plain words, beside the field it names (scenes[1].action)
    expect(page.locator(f"#{action.get_attribute('id')}-problem")).to_have_text(
        "Please fill this in.")
    page.locator(".scene").nth(1).locator(".scene-action").fill("Bram sleeps.")
    page.select_option("#quality", "high")
    for _ in range(3):
        page.click("#add-scene")
    for index in range(3, 6):
        page.locator(".scene").nth(index).locator(".scene-action").fill("More happens.")
    expect(page.locator("#cost")).to_contain_text("= 32 credits. You have 10 credits.")
    expect(page.locator("#buy-credits")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())  # scenes 4 to 6 have nobody in them
    page.click("#create-submit")
    # 24 for the scenes and 8 for the two references: 22 more than the 10 held
    expect(page.locator("#create-notice")).to_contain_text("You need 22 more credits")
    expect(page.locator("#who-balance")).to_have_text("10 credits")
