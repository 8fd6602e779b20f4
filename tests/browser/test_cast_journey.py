"""The cast on the cartoon page, in a real Chromium with the offline renderer: the references
appear first, one is redrawn with a note after a confirmation showing its cost, one is saved to
the library, and approving the cast draws the scenes."""

import tempfile
from pathlib import Path

from playwright.sync_api import expect

from devtools.cartoons import cartoon_body
from tests.support.browser import buy_pack, sign_in

SHOTS = Path(tempfile.gettempdir()) / "caaartoons-shots"  # looked at by hand, not committed
LOADED = "img => img.complete && img.naturalWidth > 0"


def test_the_cast_is_shown_redrawn_saved_and_approved(page, drawing_stack):
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    sign_in(page, drawing_stack, "caster@example.com")
    buy_pack(page, drawing_stack, "medium")  # 30 credits
    body = cartoon_body(3, approve_cast=True)
    answer = page.evaluate("body => Api.post('/api/cartoons', body)", body)
    assert answer["balance"] == 30 - 3 - 3 * 1  # a reference costs one scene: 1 credit
    page.goto(drawing_stack.url + answer["url"])

    cast = page.locator("#cast")
    expect(cast).to_be_visible()
    expect(cast.locator(".cast-card")).to_have_count(3)
    expect(cast.locator(".cast-card[data-state=done]")).to_have_count(3, timeout=30000)
    for name in ("Ada", "Bram", "Cleo"):
        image = cast.locator(f"img[alt^='Reference picture of {name}']")
        expect(image).to_be_visible()
        page.wait_for_function(LOADED, arg=image.element_handle())
    approve = cast.locator("[data-approve]")
    expect(approve).to_have_text("Approve the cast")
    # no scene is drawn while the cast waits
    assert page.evaluate(f"() => Api.get('/api/cartoons/{answer['cartoon_id']}')")[
        "progress"]["queued"] == 3

    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "cast-waiting-desktop.png"), full_page=True)

    # Redraw Bram with a note: the cost is shown and confirmed before anything is charged.
    bram = cast.locator(".cast-card[data-index='1']")
    before = bram.locator("img").get_attribute("src").split("?")[0]
    bram.locator("[data-redraw]").click()
    expect(bram.locator("[data-cost]")).to_contain_text("costs 1 credit")
    bram.locator("textarea").fill("Make the scarf blue.")
    confirm = bram.locator("[data-confirm-redraw]")
    expect(confirm).to_have_text("Confirm: redraw for 1 credit")
    page.screenshot(path=str(SHOTS / "cast-redraw-confirm-desktop.png"), full_page=True)
    confirm.click()
    expect(page.locator("#who-balance")).to_have_text("23 credits")
    # the new picture replaces the old one once drawn, and the redraw form is closed
    page.wait_for_function(
        "before => { const i = document.querySelector(\"#cast .cast-card[data-index='1'] img\");"
        " return i && i.src.split('?')[0] !== before; }", arg=before, timeout=30000)
    expect(bram).to_have_attribute("data-state", "done")
    expect(bram.locator("textarea")).to_be_hidden()
    assert "nullnull" not in cast.inner_text()
    expect(cast.locator("[data-approve]")).to_be_enabled()

    # Save Ada to the library.
    ada = cast.locator(".cast-card[data-index='0']")
    ada.locator("[data-save]").click()
    expect(ada.locator("[data-notice]")).to_contain_text("is in your library")
    saved = page.evaluate("() => Api.get('/api/characters')")
    assert [c["name"] for c in saved["characters"]] == ["Ada"]

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "cast-waiting-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    cast.locator("[data-approve]").click()
    expect(cast.locator("[data-cast-notice]")).to_contain_text("Cast approved")
    expect(cast.locator("[data-approve]")).to_have_count(0)
    page.reload()
    expect(page.locator(".panel[data-state=done]")).to_have_count(3, timeout=60000)
    expect(page.locator("#who-balance")).to_have_text("23 credits")
    assert blocked == []


def test_the_library_picker_adds_a_saved_character_and_the_choice_is_sent(
        page, drawing_stack):
    sign_in(page, drawing_stack, "picker@example.com")
    buy_pack(page, drawing_stack, "medium")
    body = cartoon_body(1, approve_cast=True)
    answer = page.evaluate("body => Api.post('/api/cartoons', body)", body)
    page.goto(drawing_stack.url + answer["url"])
    expect(page.locator("#cast .cast-card[data-state=done]")).to_have_count(3, timeout=30000)
    page.locator("#cast .cast-card[data-index='2'] [data-save]").click()
    expect(page.locator("#cast .cast-card[data-index='2'] [data-notice]")).to_contain_text(
        "library")

    # The picker adds to the real create form (create.js's CreateForm), saved_id and all.
    page.goto(drawing_stack.url + "/create.html")
    card = page.locator("#library-picker .library-card")
    expect(card).to_have_count(1)
    expect(card.locator("img[alt='Saved reference picture of Cleo']")).to_be_visible()
    card.locator("[data-add]").click()
    expect(page.locator(".character-name").first).to_have_value("Cleo")
    body = page.evaluate("() => CreateForm.current()")
    assert body["characters"][0]["name"] == "Cleo" and body["characters"][0]["saved_id"]
    assert body["approve_cast"] is True
    page.check("#cast-choice input[value=at-once]")
    assert page.evaluate("() => CreateForm.current()")["approve_cast"] is False
    page.screenshot(path=str(SHOTS / "library-picker-desktop.png"), full_page=True)
