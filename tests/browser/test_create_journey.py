"""The create page in a real Chromium: a layout picked from its pictograms (by keyboard and by
mouse), a scene staged and lettered with a caption and two balloons, reordered, a too-long text
warned about while typing, next to its field, before any submission; a rename that follows the
character into its scenes; the cartoon created as the page showed it. And CreateForm, the
page's API for the scripts beside it."""

import json
import re

from playwright.sync_api import expect

from chalicelib.core import vocabulary
from tests.support.browser import add_text, buy_pack, fill_cast, sign_in, wait_for_api

TOO_LONG = "x" * 300  # one word: no panel can wrap it


def _cartoon(page, cartoon_id):
    return page.evaluate("id => fetch('/api/cartoons/' + id).then(r => r.json())", cartoon_id)


def _elements(scene):
    return [(e.get_attribute("data-kind"), e.locator(".element-text").input_value())
            for e in scene.locator(".element").all()]


def test_a_scene_staged_and_lettered_is_created_as_shown(page, stack, tmp_path):
    sign_in(page, stack, "letterer@example.com")
    buy_pack(page, stack, "small")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(stack.url + "/create.html")
    characters = fill_cast(page)

    # The layout: automatic by default, a radio group the arrow keys move through.
    auto = page.locator("input[name=layout][value=auto]")
    expect(auto).to_be_checked()
    auto.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=layout][value=strip]")).to_be_checked()
    page.get_by_text("Three tiers", exact=True).click()
    expect(page.locator("input[name=layout][value=tiers]")).to_be_checked()
    expect(page.locator("#scene-count")).to_have_text("(1 of 24)")

    scene = page.locator(".scene").first
    scene.locator(".scene-action").fill("Ada finds a strange machine; Bram hides.")
    scene.get_by_label("Ada", exact=True).check()
    scene.get_by_label("Bram", exact=True).check()
    ada_side = scene.get_by_label("Where Ada stands")
    bram_side = scene.get_by_label("Where Bram stands")
    expect(ada_side).to_have_value("left")  # two characters: left and right, as the engine would
    expect(bram_side).to_have_value("right")
    ada_side.select_option("right")
    expect(bram_side).to_have_value("left")  # never two on one side while a side is free

    # every kind of the registry is offered, in its order, from the options
    assert scene.locator(".element-add button").evaluate_all(
        "buttons => buttons.map(b => b.dataset.kind)") == list(vocabulary.KINDS)
    add_text(scene, "caption", "Meanwhile, in the attic…")
    add_text(scene, "speech", "What is this?", speaker="Ada")
    add_text(scene, "thought", "Not the red button again.", speaker="Bram")
    expect(scene.locator(".element-add button[data-kind=speech]")).to_be_enabled()
    scene.locator(".element").nth(2).locator(".move-up").click()
    assert _elements(scene) == [("caption", "Meanwhile, in the attic…"),
                                ("thought", "Not the red button again."),
                                ("speech", "What is this?")]

    # Too long: said beside that very text while typing, before anything is sent to be drawn.
    speech = scene.locator(".element").nth(2)
    speech.locator(".element-text").fill("What is this? " + TOO_LONG)
    problem = speech.locator(".field-problem")
    expect(problem).to_have_text(re.compile("too long for its panel: shorten it or split it"))
    expect(speech.locator(".element-text")).to_have_attribute("aria-invalid", "true")
    expect(scene.locator(".field-problem")).to_have_count(1)  # only that one
    page.screenshot(path=str(tmp_path / "create-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "create-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off
    page.set_viewport_size({"width": 1280, "height": 900})
    speech.locator(".element-text").fill("What is this?")
    expect(problem).to_have_count(0)
    expect(speech.locator(".element-text")).not_to_have_attribute("aria-invalid", "true")

    # A rename follows the character into the scene: ticked, staged and speaking as before.
    characters.nth(1).locator(".character-name").fill("")  # retyped from scratch
    characters.nth(1).locator(".character-name").fill("Bramble")
    expect(scene.get_by_label("Bramble", exact=True)).to_be_checked()
    expect(scene.get_by_label("Where Bramble stands")).to_have_value("left")
    expect(scene.locator(".element").nth(1).locator(".element-speaker option:checked")
           ).to_have_text("Bramble")

    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id="))
    cartoon_id = page.url.split("id=")[1]
    cartoon = _cartoon(page, cartoon_id)
    assert cartoon["layout"] == "tiers"
    first = cartoon["scenes"][0]
    assert first["elements"] == [
        {"kind": "caption", "text": "Meanwhile, in the attic…", "speaker": ""},
        {"kind": "thought", "text": "Not the red button again.", "speaker": "Bramble"},
        {"kind": "speech", "text": "What is this?", "speaker": "Ada"}]
    assert first["staging"] == {"Ada": "right", "Bramble": "left"}
    assert first["characters"] == ["Ada", "Bramble"]


DRAFT = {
    "title": "Tea at sunset", "context": "A garden by the sea, late summer.",
    "style": "watercolour", "quality": "low", "layout": "webtoon",
    "characters": [{"name": "Cleo", "description": "A grandmother with silver hair."},
                   {"name": "Ada", "description": "A tall inventor, green coat."}],
    "scenes": [
        {"action": "Cleo pours the tea.", "characters": ["Cleo", "Ada"],
         "staging": {"Cleo": "right", "Ada": "left"},
         "elements": [{"kind": "speech", "text": "Milk?", "speaker": "Cleo"},
                      {"kind": "caption", "text": "Later."},
                      {"kind": "speech", "text": "Please.", "speaker": "Ada"}]},
        {"action": "", "characters": ["Ada"], "staging": {"Ada": "centre"},
         "elements": [{"kind": "thought", "text": "Lovely.", "speaker": "Ada"}]},
    ],
}


def test_create_form_fill_replaces_the_form_and_a_refusal_is_shown_by_its_field(page, stack):
    sign_in(page, stack, "filler@example.com")
    buy_pack(page, stack, "small")
    page.goto(stack.url + "/create.html")
    page.evaluate("async draft => { await CreateForm.ready; CreateForm.fill(draft); }", DRAFT)
    expect(page.locator("#title")).to_have_value("Tea at sunset")
    expect(page.locator("#style")).to_have_value("watercolour")
    expect(page.locator("input[name=layout][value=webtoon]")).to_be_checked()
    expect(page.locator(".character")).to_have_count(2)
    expect(page.locator(".scene")).to_have_count(2)
    first = page.locator(".scene").first
    assert _elements(first) == [("speech", "Milk?"), ("caption", "Later."), ("speech", "Please.")]
    expect(first.locator(".element").first.locator(".element-speaker option:checked")
           ).to_have_text("Cleo")
    expect(first.get_by_label("Where Cleo stands")).to_have_value("right")
    expect(page.locator("#cost")).to_contain_text(
        "2 scenes \u00d7 1 credit + 2 reference pictures \u00d7 1 credit = 4 credits")

    # What the page would send is the draft, with the extras other scripts register.
    page.evaluate("""() => {
        CreateForm.registerExtra(() => ({ approve_cast: true }));
        CreateForm.addCharacter({ name: "Bram", description: "A grey cat.", saved_id: "ch1" });
    }""")
    body = page.evaluate("CreateForm.current()")
    assert body["approve_cast"] is True
    assert body["characters"][2] == {"name": "Bram", "description": "A grey cat.",
                                     "saved_id": "ch1"}
    del body["approve_cast"], body["characters"][2]
    assert body == json.loads(json.dumps(DRAFT))

    # The submission refuses the empty action: the words sit by that field, nothing is charged.
    page.reload()  # without the extra, which this API does not know
    page.evaluate("async draft => { await CreateForm.ready; CreateForm.fill(draft); }", DRAFT)
    balance = page.locator(".balance").inner_text()
    page.click("#create-submit")
    action = page.locator(".scene").nth(1).locator(".scene-action")
    expect(action).to_have_attribute("aria-invalid", "true")
    note = page.locator(f"#{action.get_attribute('id')}-problem")
    expect(note).to_have_text("Please fill this in.")
    expect(page.locator("#create-notice")).to_contain_text("Nothing was charged")
    assert page.locator(".balance").inner_text() == balance
    action.fill("Ada sips her tea.")
    expect(note).to_have_count(0)

    # Twenty-four scenes at most, as the options say; the cost follows.
    page.evaluate("""draft => CreateForm.fill({ ...draft,
        scenes: Array.from({ length: 24 }, (_, i) => ({ action: 'Scene ' + (i + 1),
                                                       characters: [] })) })""", DRAFT)
    expect(page.locator(".scene")).to_have_count(24)
    expect(page.locator("#add-scene")).to_be_disabled()
    expect(page.locator("#cost")).to_contain_text(
        "24 scenes \u00d7 1 credit + 2 reference pictures \u00d7 1 credit = 26 credits")


def test_a_gallery_card_shows_the_whole_first_page_as_its_cover(page, stack, tmp_path):
    sign_in(page, stack, "cover@example.com")
    buy_pack(page, stack, "medium")  # 6 scenes and 2 reference pictures: 8
    page.goto(stack.url + "/gallery.html")
    body = {**DRAFT, "layout": "tiers", "scenes": [
        {"action": f"Scene {i + 1}: tea in the garden.", "characters": ["Ada"],
         "elements": [{"kind": "caption", "text": f"Part {i + 1}"}]} for i in range(6)]}
    cartoon_id = page.evaluate("body => Api.post('/api/cartoons', body).then(a => a.cartoon_id)",
                               body)
    wait_for_api(page, "id => Api.get('/api/cartoons/' + id).then(c => c.status === 'done')",
                 cartoon_id)
    cartoon = _cartoon(page, cartoon_id)
    assert len(cartoon["pages"]) == 2  # 5 cells a page of tiers

    page.reload()
    cover = page.locator(".gallery-card img")
    expect(cover).to_have_attribute("alt", "Page 1 of Tea at sunset")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=cover.element_handle())
    # The thumbnail has page 1's shape (a tall page of tiers, not a panel nor page 2)...
    shapes = page.evaluate("""async ([thumb, pages]) => {
        const size = (src) => new Promise((ok) => { const i = new Image();
            i.onload = () => ok(i.naturalHeight / i.naturalWidth); i.src = src; });
        return [await size(thumb), await size(pages[0]), await size(pages[1])];
    }""", [cover.get_attribute("src"), [p["url"] for p in cartoon["pages"]]])
    assert abs(shapes[0] - shapes[1]) < 0.02 and shapes[0] > 1.2, shapes
    assert abs(shapes[1] - shapes[2]) > 0.1, shapes  # the pages differ, so the test could fail
    # ...and is shown whole inside its frame, not cropped to its middle.
    fits = page.evaluate("""img => {
        const frame = img.parentElement.getBoundingClientRect();
        const box = img.getBoundingClientRect();
        const scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
        const shown = getComputedStyle(img).objectFit === 'contain'
            ? [img.naturalWidth * scale, img.naturalHeight * scale] : [box.width, box.height];
        return shown[0] <= frame.width + 1 && shown[1] <= frame.height + 1;
    }""", cover.element_handle())
    assert fits
    page.screenshot(path=str(tmp_path / "gallery-1280.png"))
