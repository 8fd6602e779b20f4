"""A person signs in with an emailed link and signs out, in a real Chromium."""

from playwright.sync_api import expect

from tests.support.browser import sign_in


def test_sign_in_then_sign_out(page, stack):
    email = "journey@example.com"
    page.goto(stack.url + "/")
    expect(page.locator("#signin")).to_be_visible()
    page.fill("#email", email)
    page.click("#signin-form button[type=submit]")
    expect(page.locator("#check-email")).to_be_visible()
    expect(page.locator("#sent-to")).to_have_text(email)

    link = stack.link_for(email)
    assert "/confirm.html#token=" in link
    page.goto(link)
    # Opening the link signs nobody in: the page waits for the confirmation.
    expect(page.locator("#confirm-button")).to_be_visible()
    assert "#token" not in page.url  # the token left the address bar at once
    page.click("#confirm-button")

    expect(page.locator("#who-email")).to_have_text(email)
    expect(page.locator("#who-balance")).to_have_text("0 credits")
    expect(page.locator("#welcome")).to_be_visible()

    page.click("#sign-out")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#who-email")).to_have_count(0)


def test_a_used_link_says_to_ask_for_a_new_one(page, stack):
    sign_in(page, stack, "twice@example.com")
    page.context.clear_cookies()
    page.goto(stack.link_for("twice@example.com"))
    page.click("#confirm-button")
    expect(page.locator("#confirm-notice")).to_contain_text("already been used")
    expect(page.locator("#new-link")).to_be_visible()


def test_a_malformed_address_gets_a_clear_message(page, stack):
    page.goto(stack.url + "/")
    page.fill("#email", "not-an-address@")
    page.evaluate("document.querySelector('#email').type = 'text'")
    page.click("#signin-form button[type=submit]")
    expect(page.locator("#signin-notice")).to_contain_text("valid email address")
