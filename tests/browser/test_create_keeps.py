"""The create page keeps an unfinished cartoon on this device (through a reload and a trip to
buy credits), ticks the characters an action names, asks before drawing a scene with nobody
in it, and forgets the draft once it is drawn; a cartoon page without a cartoon says so."""

import re

from playwright.sync_api import expect

from tests.support.browser import buy_pack, sign_in


def test_an_unfinished_cartoon_survives_a_reload_and_buying_credits(page, stack):
    sign_in(page, stack, "keeper@example.com")
    page.goto(stack.url + "/create.html")
    page.fill("#title", "The lost umbrella")
    page.fill("#context", "A rainy Paris street, 1920s.")
    character = page.locator(".character").first
    character.locator(".character-name").fill("Zoé")
    character.locator(".character-description").fill("A girl in a yellow raincoat.")
    scene = page.locator(".scene").first
    box = scene.get_by_label("Zoé", exact=True)
    scene.locator(".scene-action").fill("Under the rain, zoé looks for her umbrella.")
    expect(box).to_be_checked()  # named in the action (any case, accents kept)
    box.uncheck()
    scene.locator(".scene-action").fill("Under the rain, Zoé looks for her red umbrella.")
    expect(box).not_to_be_checked()  # unticked by hand: the person's choice stands
    box.check()
    # The draft is kept 300 ms after the last change: wait until it holds the ticked box.
    page.wait_for_function("""() => Object.keys(localStorage).some((key) => {
        if (!key.startsWith('caaartoons.create-draft.')) return false;
        const scene = JSON.parse(localStorage.getItem(key)).scenes[0];
        return scene.action.includes('red umbrella') && scene.characters.includes('Zoé');
    })""", polling=100)

    page.reload()
    expect(page.locator("#title")).to_have_value("The lost umbrella")
    expect(page.locator("#create-notice")).to_contain_text("is back")
    expect(page.locator(".character-name").first).to_have_value("Zoé")
    expect(page.locator(".scene-action").first).to_have_value(
        "Under the rain, Zoé looks for her red umbrella.")
    expect(page.locator(".scene").first.get_by_label("Zoé", exact=True)).to_be_checked()

    buy_pack(page, stack, "small")
    page.goto(stack.url + "/create.html")
    expect(page.locator("#context")).to_have_value("A rainy Paris street, 1920s.")
    page.click("#add-scene")
    page.locator(".scene").nth(1).locator(".scene-action").fill("The empty street at dawn.")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#create-submit")
    expect(page.locator("#create-submit")).to_be_enabled()
    assert asked and "Scene 2 has nobody in it" in asked[0]
    assert page.url.endswith("/create.html")  # nothing sent, nothing charged
    expect(page.locator("#who-balance")).to_have_text("10 credits")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id="))
    page.goto(stack.url + "/create.html")
    expect(page.locator("#title")).to_have_value("")  # drawn: the kept draft is gone
    expect(page.locator("#create-notice")).to_be_hidden()


def test_a_cartoon_page_without_a_cartoon_says_so_and_stops(page, stack):
    sign_in(page, stack, "lost@example.com")
    page.clock.install()  # the page's timers run when the test says, not on the wall clock
    calls = []
    page.on("request", lambda request: calls.append(request.url)  # the cartoon, not its options
            if "/api/cartoons/" in request.url and "/options" not in request.url else None)
    for address in ("/cartoon.html", "/cartoon.html?id=nonsense"):
        page.goto(stack.url + address)
        expect(page.locator("#cartoon-notice")).to_contain_text("does not name a cartoon")
        expect(page.locator("#cartoon-notice a")).to_have_attribute("href", "/gallery.html")
    page.goto(stack.url + "/cartoon.html?id=1700000000000abcdef01")
    expect(page.locator("#cartoon-notice")).to_contain_text("no such cartoon")
    page.clock.run_for(600_000)  # ten minutes of the page's timers: any retry would have run
    page.evaluate("() => fetch('/api/me')")  # a round trip: a request sent before it is seen
    assert len(calls) == 1


def test_a_long_unbroken_title_never_widens_the_page(page, stack):
    sign_in(page, stack, "longword@example.com")
    buy_pack(page, stack, "small")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(stack.url + "/create.html")
    page.fill("#title", "Supercalifragilistic" * 5)
    page.fill("#context", "A workshop.")
    character = page.locator(".character").first
    character.locator(".character-name").fill("Ada")
    character.locator(".character-description").fill("A tall inventor.")
    page.locator(".scene-action").first.fill("Ada waves.")
    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id="))
    expect(page.locator("#cartoon-title")).to_contain_text("Supercali")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(stack.url + "/gallery.html")
    expect(page.locator(".gallery-card")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_who_appears_is_ticked_from_the_keyboard_without_losing_the_focus(page, stack):
    sign_in(page, stack, "ticker@example.com")
    page.goto(stack.url + "/create.html")
    characters = page.locator(".character")
    characters.nth(0).locator(".character-name").fill("Ada")
    page.click("#add-character")
    characters.nth(1).locator(".character-name").fill("Bram")
    scene = page.locator(".scene").first
    ada, bram = scene.get_by_label("Ada", exact=True), scene.get_by_label("Bram", exact=True)
    ada.focus()
    page.keyboard.press("Space")
    expect(ada).to_be_checked()
    expect(ada).to_be_focused()  # not dropped to the page's body
    page.keyboard.press("Tab")
    expect(bram).to_be_focused()
    page.keyboard.press("Space")
    expect(bram).to_be_checked()
    expect(ada).to_be_checked()  # Tab then Space never unticks the box before
    expect(bram).to_be_focused()
    # The staging that appears with them can be set from the keyboard too.
    page.keyboard.press("Tab")
    expect(scene.get_by_label("Where Ada stands")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(bram).not_to_be_checked()
    expect(bram).to_be_focused()
    expect(ada).to_be_checked()

    # A character named after the action that names them is ticked too, once the name is typed.
    scene.locator(".scene-action").fill("Ada and Cleo look at the sea.")
    page.click("#add-character")
    characters.nth(2).locator(".character-name").fill("Cleo")
    characters.nth(2).locator(".character-name").press("Tab")
    expect(scene.get_by_label("Cleo", exact=True)).to_be_checked()
    expect(bram).not_to_be_checked()


def test_every_problem_the_page_knows_is_shown_at_once_before_anything_is_sent(page, stack):
    sign_in(page, stack, "rules@example.com")
    buy_pack(page, stack, "small")
    page.goto(stack.url + "/create.html")
    sent = []
    page.on("request", lambda request: sent.append(request.url)
            if request.method == "POST" and request.url.endswith("/api/cartoons") else None)
    characters = page.locator(".character")
    characters.nth(0).locator(".character-name").fill("Ada")
    page.click("#add-character")
    characters.nth(1).locator(".character-name").fill("ada")  # the same name, another case
    characters.nth(1).locator(".character-description").fill("A grey cat.")
    scene = page.locator(".scene").first
    scene.locator(".scene-action").fill("Ada looks up.")
    scene.locator(".element-add button[data-kind=caption]").click()  # left empty
    page.click("#create-submit")

    problems = {
        "#title": "Please fill this in.",
        "#context": "Please fill this in.",
        ".character:nth-child(1) .character-description": "Please fill this in.",
        ".character:nth-child(2) .character-name":
            "Two characters have this name: give each a different one.",
        ".scene .element-text": "Please fill this in.",
    }
    for selector, words in problems.items():
        field = page.locator(selector)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{field.get_attribute('id')}-problem")).to_have_text(words)
    expect(page.locator(".field-problem")).to_have_count(len(problems))
    expect(page.locator("#create-notice")).to_have_text(
        "Please fix the 5 fields marked in red, then draw again. Nothing was charged.")
    expect(page.locator("#title")).to_be_focused()  # the first of them
    assert sent == []  # no round trip: the page knew the rules (lengths from the options)

    # Each mark goes as its own field is fixed; the others stay.
    page.fill("#title", "The attic")
    expect(page.locator("#title-problem")).to_have_count(0)
    expect(page.locator(".field-problem")).to_have_count(len(problems) - 1)
