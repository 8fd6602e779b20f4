"""A person buys credits through the local checkout, in a real Chromium, and sees them."""

from playwright.sync_api import expect

from tests.support.browser import sign_in


def test_buy_a_pack_and_see_the_balance_and_the_purchase(page, stack):
    sign_in(page, stack, "buyer@example.com")
    expect(page.locator("#who-balance")).to_have_text("0 credits")
    page.click(".main-nav >> text=Credits")
    expect(page).to_have_url(stack.url + "/credits.html")
    expect(page.locator("#credits-balance")).to_have_text("0 credits")
    expect(page.locator("#no-purchases")).to_be_visible()
    expect(page.locator("#local-note")).to_be_visible()
    medium = page.locator(".pack", has=page.locator("button[data-pack=medium]"))
    expect(medium.locator(".price")).to_have_text("€12.00")

    medium.locator("button").click()
    page.wait_for_url("**/local-checkout.html?session_id=cs_local_*")
    expect(page.locator("#checkout-amount")).to_have_text("€12.00")
    expect(page.locator("#checkout-email")).to_have_text("buyer@example.com")
    delivered = []

    def watch_webhook(route):  # read the webhook's answer before the page navigates on
        response = route.fetch()
        delivered.append((route.request.headers, response.status, response.json()))
        route.fulfill(response=response)

    page.route("**/api/stripe/webhook", watch_webhook)
    page.click("#pay")
    page.wait_for_url("**/credits-success.html?session_id=cs_local_*")
    ((headers, status, answer),) = delivered
    assert headers["stripe-signature"].startswith("t=") and ",v1=" in headers["stripe-signature"]
    assert status == 200 and answer["outcome"] == "granted"  # the real webhook granted them
    expect(page.locator("#success-title")).to_have_text("Thank you!")
    expect(page.locator("#success-notice")).to_contain_text("Your balance is 30 credits")
    expect(page.locator("#who-balance")).to_have_text("30 credits")

    page.click("text=Your credits")
    expect(page.locator("#credits-balance")).to_have_text("30 credits")
    purchase = page.locator("#purchases tr.purchase")
    expect(purchase).to_have_count(1)
    expect(purchase).to_contain_text("30 credits")
    expect(purchase).to_contain_text("€12.00")
    expect(purchase).to_contain_text("Paid")
    entry = page.locator("#ledger tr.entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("+30")
    expect(entry).to_contain_text("Bought 30\u00a0credits (medium pack)")  # what happened, in words


def test_cancelling_the_checkout_charges_nothing(page, stack):
    sign_in(page, stack, "canceller@example.com")
    page.goto(stack.url + "/credits.html")
    page.click("button[data-pack=small]")
    page.wait_for_url("**/local-checkout.html?session_id=*")
    page.click("#cancel")
    page.wait_for_url("**/credits-cancelled.html")
    expect(page.locator("#cancelled-title")).to_have_text("Checkout cancelled")
    expect(page.locator("#who-balance")).to_have_text("0 credits")
    page.goto(stack.url + "/credits.html")
    expect(page.locator("#purchases tr.purchase")).to_contain_text("Not completed")
    expect(page.locator("#credits-balance")).to_have_text("0 credits")
