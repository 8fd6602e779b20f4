"""A person types one sentence on the create page, clicks "Draft it for me" and gets the whole
form filled in by the offline drafter (title, cast, scenes), free; then edits it and draws it."""

import re

from playwright.sync_api import expect

from tests.support.browser import buy_pack, sign_in
from tests.support.cartoons import references_cost

IDEA = "A lighthouse keeper befriends a lonely whale during a winter storm"
SHOTS = "/tmp/h4-draft-shots"  # noqa: S108  (looked at by hand; not an artefact)


def test_draft_it_for_me_fills_the_form_for_free_and_the_draft_can_be_drawn(page, stack):
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    sign_in(page, stack, "drafter@example.com")
    buy_pack(page, stack, "medium")
    page.goto(stack.url + "/create.html")
    expect(page.locator("#who-balance")).to_have_text("30 credits")
    expect(page.locator("#draft-button")).to_have_text("Draft it for me")

    page.click("#draft-button")  # nothing typed yet: said next to the idea, nothing sent
    expect(page.locator("#draft-notice")).to_contain_text("Type an idea first")
    expect(page.locator("#draft-idea")).to_have_attribute("aria-invalid", "true")
    page.fill("#draft-scenes", "13")
    page.fill("#draft-idea", IDEA)
    page.click("#draft-button")
    expect(page.locator("#draft-notice")).to_contain_text("between 1 and 12")

    page.fill("#draft-scenes", "5")
    page.click("#draft-button")
    expect(page.locator("#draft-notice")).to_contain_text("Drafted:")
    expect(page.locator(".scene")).to_have_count(5)
    title = page.locator("#title").input_value()
    assert re.search(r"Lighthouse|Keeper|Whale", title), title
    assert "lighthouse keeper" in page.locator("#context").input_value()
    names = page.locator(".character-name")
    assert names.count() >= 2 and all(names.nth(i).input_value() for i in range(names.count()))
    first = page.locator(".scene").nth(0)
    assert "lighthouse" in first.locator(".scene-action").input_value()
    assert first.locator(".scene-cast input:checked").count() == 2
    texts = first.locator(".element-text")
    assert texts.count() >= 1 and all(texts.nth(i).input_value() for i in range(texts.count()))
    speakers = first.locator(".element-speaker")
    cast = [names.nth(i).input_value() for i in range(names.count())]
    said_by = [speakers.nth(i).evaluate("s => s.selectedOptions[0].textContent")
               for i in range(speakers.count())]  # the options' values are row keys
    assert said_by and all(name in cast for name in said_by)
    expect(page.locator("#cost")).to_contain_text("5 scenes")
    expect(page.locator("#who-balance")).to_have_text("30 credits")  # drafting is free

    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#draft-tools").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/draft-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/draft-phone.png", full_page=True)

    # The person changes a line, then draws the draft: only now is anything paid.
    page.locator(".scene").nth(0).locator(".scene-action").fill(
        "The lighthouse keeper waves at a whale from the rocks.")
    page.select_option("#quality", "low")
    page.check("#cast-choice input[value=at-once]")
    total = int(page.locator("#cost").get_attribute("data-total"))
    cast = page.locator(".character-name").count()
    # five Draft scenes, and each character's reference picture at one scene's price
    assert total == 5 + references_cost(cast, "low")
    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id="))
    expect(page.locator("#who-balance")).to_have_text(f"{30 - total} credits")
    expect(page.locator(".panel")).to_have_count(5)
    assert blocked == []
