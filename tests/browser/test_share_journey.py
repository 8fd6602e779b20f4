"""An owner shares a finished cartoon, a friend (another browser, signed out) reads it on a
phone, the owner stops sharing and the friend's link dies."""

import re

from playwright.sync_api import expect

from tests.support.browser import buy_pack, fill_cartoon, sign_in

LOADED = "img => img.complete && img.naturalWidth > 0"


def test_share_read_on_a_phone_then_stop_sharing(page, browser, stack, tmp_path):
    sign_in(page, stack, "sharer@example.com")
    buy_pack(page, stack, "medium")
    page.goto(stack.url + "/create.html")
    fill_cartoon(page)
    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id="))
    expect(page.locator("#share-create")).to_be_visible(timeout=60000)
    expect(page.locator("#share")).to_contain_text("Not shared")
    page.select_option("#share-expiry", "7")
    page.click("#share-create")
    expect(page.locator("#share-url")).to_be_visible()
    expect(page.locator("#share")).to_contain_text("It works until")
    url = page.locator("#share-url").input_value()
    assert re.fullmatch(r"http://localhost:\d+/api/shared/[A-Za-z0-9_-]{22}", url)
    page.screenshot(path=tmp_path / "owner.png", full_page=True)

    friend = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    phone = friend.new_page()
    blocked = []
    phone.on("console", lambda msg: blocked.append(msg.text)
             if "Content Security Policy" in msg.text else None)
    phone.goto(url)
    expect(phone.locator("h1")).to_have_text("The attic machine")
    first = phone.locator(".shared-page").first
    phone.wait_for_function(LOADED, arg=first.element_handle())
    box = first.bounding_box()
    assert box["width"] >= 340 and phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert "Case 1" in first.get_attribute("alt")  # alt text, in the browser's language
    phone.click("summary")
    expect(phone.locator(".transcript li")).to_have_count(3)
    phone.screenshot(path=tmp_path / "friend.png", full_page=True)
    assert blocked == []

    page.click("#share-stop")
    expect(page.locator("#share-create")).to_be_visible()
    phone.reload()
    expect(phone.locator("h1")).to_have_text("Ce lien ne fonctionne pas")
    assert phone.locator(".shared-page").count() == 0
    friend.close()
