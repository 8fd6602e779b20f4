"""Steps a person takes in the browser, shared by the journeys."""

import time

from playwright.sync_api import expect

from devtools.browser import buy_pack, sign_in  # noqa: F401 (the journeys' steps)

# How long one step (a click, a navigation, an expectation) may take before the test fails. A
# step goes on the moment it is done, so this costs nothing on a quiet machine; on a loaded one
# (CI shares its cores) the stack and Chromium can take several times their usual time.
STEP_MS = 30_000
expect.set_options(timeout=STEP_MS)


def wait_for_api(page, predicate, arg=None, timeout=60):
    """Wait until `predicate` (a JS function of `arg` returning a promise of a truth, usually
    through the page's Api module) holds: asked every quarter second, so the test goes on the
    moment the server says so, however busy the machine. (wait_for_function would take the
    promise itself for a truth.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate, arg):
        assert time.monotonic() < deadline, f"still not so after {timeout} s: {predicate}"
        page.wait_for_timeout(250)


def fill_cast(page):
    """The journeys' title, setting, quality and two characters, Ada and Bram (their rows)."""
    page.fill("#title", "The attic machine")
    page.fill("#context", "A sleepy seaside town in the 1950s, warm summer light.")
    page.select_option("#quality", "low")
    characters = page.locator(".character")
    characters.nth(0).locator(".character-name").fill("Ada")
    characters.nth(0).locator(".character-description").fill("A tall inventor, green coat.")
    page.click("#add-character")
    characters.nth(1).locator(".character-name").fill("Bram")
    characters.nth(1).locator(".character-description").fill("A small grey cat, red scarf.")
    return characters


def fill_cartoon(page, at_once=True):
    """The three-scene cartoon of the journeys. `at_once`: "Draw everything at once", as the
    journeys that are about something else choose; otherwise the cast waits for approval."""
    fill_cast(page)
    page.select_option("#style", "ligne-claire")
    page.click("#add-scene")
    page.click("#add-scene")
    scenes = page.locator(".scene")
    expect(scenes).to_have_count(3)
    for index, (action, cast) in enumerate([
            ("Ada finds a strange machine in the attic.", ["Ada"]),
            ("Bram presses the big red button.", ["Bram"]),
            ("Ada and Bram float over the town.", ["Ada", "Bram"])]):
        scene = scenes.nth(index)
        scene.locator(".scene-action").fill(action)
        for name in cast:
            scene.get_by_label(name, exact=True).check()
    add_text(scenes.nth(0), "caption", "Meanwhile, in the attic…")
    add_text(scenes.nth(0), "speech", "What is this?", speaker="Ada")
    if at_once:
        page.check("#cast-choice input[value=at-once]")


def approve_cast(page):
    """On the cartoon page: wait for the characters' pictures, then approve the cast."""
    button = page.locator("#cast [data-approve]")
    expect(button).to_be_enabled(timeout=60000)
    button.click()


def add_text(scene, kind, text, speaker=None):
    """Add a caption, speech or thought balloon to a scene of the create page, as a person does:
    the add button, the words, and who says them."""
    scene.locator(f".element-add button[data-kind={kind}]").click()
    element = scene.locator(".element").last
    element.locator(".element-text").fill(text)
    if speaker:
        element.locator(".element-speaker").select_option(label=speaker)
    return element
