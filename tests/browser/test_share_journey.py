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
    blocked, fetched = [], []
    phone.on("console", lambda msg: blocked.append(msg.text)
             if "Content Security Policy" in msg.text else None)
    phone.on("request", lambda request: fetched.append(request.url))
    phone.goto(url)
    expect(phone.locator("h1")).to_have_text("The attic machine")
    # On a phone: the scenes' reader pictures, edge to edge and in order; the pages hidden.
    panels = phone.locator(".shared-panel")
    expect(panels).to_have_count(3)
    expect(phone.locator(".shared-page").first).to_be_hidden()
    width = phone.evaluate("document.documentElement.clientWidth")
    for index in range(3):
        panel = panels.nth(index)
        panel.scroll_into_view_if_needed()
        phone.wait_for_function(LOADED, arg=panel.element_handle())
        expect(panel).to_be_visible()
        box = panel.bounding_box()
        assert (round(box["x"]), round(box["width"])) == (0, width)  # edge to edge
        assert panel.get_attribute("alt").startswith(f"Scène {index + 1}\u00a0:")  # its words
        # Its lettering, at the width it is shown, is at least 14 CSS px.
        shown = phone.evaluate("img => img.getBoundingClientRect().width / img.naturalWidth",
                               panel.element_handle())
        text_px = panel.get_attribute("data-text-px")
        if text_px:
            assert int(text_px) * shown >= 14, (text_px, shown)
    tops = [panels.nth(i).bounding_box()["y"] for i in range(3)]
    assert tops == sorted(tops)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert not [u for u in fetched if "/pages/" in u and "/page-" in u]  # hidden: not fetched
    phone.click("summary")
    expect(phone.locator(".transcript li")).to_have_count(3)
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=tmp_path / "friend.png", full_page=True)
    assert blocked == []

    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = wide.new_page()
    desk_fetched = []
    desk.on("request", lambda request: desk_fetched.append(request.url))
    desk.goto(url)
    first = desk.locator(".shared-page").first
    desk.wait_for_function(LOADED, arg=first.element_handle())
    expect(first).to_be_visible()
    assert first.bounding_box()["width"] >= 900
    assert first.get_attribute("alt").startswith("Page 1 of")
    expect(desk.locator(".shared-panel").first).to_be_hidden()
    assert not [u for u in desk_fetched if "/reader-" in u]  # hidden: not fetched
    desk.screenshot(path=tmp_path / "friend-desktop.png", full_page=True)
    wide.close()

    page.click("#share-stop")
    expect(page.locator("#share-create")).to_be_visible()
    phone.reload()
    expect(phone.locator("h1")).to_have_text("Ce lien ne fonctionne pas")
    assert phone.locator(".shared-page").count() == 0
    friend.close()
