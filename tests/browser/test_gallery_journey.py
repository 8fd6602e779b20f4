"""The gallery in a real Chromium: see the finished cartoon, open it, delete it."""

import re

from playwright.sync_api import expect

from tests.support.browser import buy_pack, fill_cartoon, sign_in


def test_open_and_delete_a_cartoon_from_the_gallery(page, stack):
    sign_in(page, stack, "collector@example.com")
    buy_pack(page, stack, "medium")  # 3 scenes and 2 references: 5 credits
    page.goto(stack.url + "/create.html")
    fill_cartoon(page)
    page.select_option("#quality", "low")
    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id="))
    expect(page.locator("#pages-card")).to_be_visible(timeout=60000)

    page.click("nav >> text=Gallery")
    card = page.locator(".gallery-card")
    expect(card).to_have_count(1)
    expect(card.locator(".gallery-title")).to_have_text("The attic machine")
    expect(card).to_contain_text("3 scenes")
    expect(card).to_contain_text("Finished")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=card.locator("img").element_handle())

    card.locator("text=Open").click()
    expect(page.locator("#cartoon-title")).to_have_text("The attic machine")
    page.go_back()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".gallery-card .delete").click()
    expect(page.locator("#gallery-notice")).to_contain_text("was deleted")
    expect(page.locator(".gallery-card")).to_have_count(0)
    expect(page.locator("#gallery-empty")).to_be_visible()
    page.reload()
    expect(page.locator("#gallery-empty")).to_be_visible()
