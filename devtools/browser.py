"""Steps a person takes in the site, in a Playwright page against a local stack
(devtools/stack.py): shared by the browser tests (tests/support/browser.py) and the benchmarks
that measure the site in a browser."""


def sign_in(page, stack, email):
    """The whole sign-in as a person does it: ask, read the mail, open the link, confirm."""
    page.goto(stack.url + "/")
    page.fill("#email", email)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#check-email:not([hidden])")
    page.goto(stack.link_for(email))
    page.click("#confirm-button")
    page.wait_for_selector("#who-email", state="attached")  # folded away on a phone


def buy_pack(page, stack, pack="medium"):
    """Buy a pack as a person does: the credits page, the local checkout, the success page."""
    page.goto(stack.url + "/credits.html")
    page.click(f"button[data-pack={pack}]")
    page.wait_for_url("**/local-checkout.html?session_id=*")
    page.click("#pay")
    page.wait_for_url("**/credits-success.html?session_id=*")
    page.wait_for_selector("#success-notice:not([hidden])")


def centre_of(page, selector):
    """The CSS px centre of an element, scrolled into view: where a finger or a mouse presses."""
    target = page.locator(selector)
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
