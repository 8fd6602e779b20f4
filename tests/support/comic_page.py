"""The cartoon page in a browser, as the journeys on it share it: a finished 7-scene `tiers`
cartoon made by a signed-in owner (its texts and casts), the page's view of it, and the pictures
it links to, read and measured."""

import io

from PIL import Image, ImageStat
from playwright.sync_api import expect

from devtools.browser import buy_pack, sign_in
from devtools.cartoons import tiers_body


def make_cartoon(page, stack, email):
    """A signed-in owner with a finished 7-scene `tiers` cartoon, its page open."""
    sign_in(page, stack, email)
    buy_pack(page, stack, "medium")
    answer = page.evaluate("body => Api.post('/api/cartoons', body)", tiers_body())
    page.goto(f"{stack.url}/cartoon.html?id={answer['cartoon_id']}")
    expect(page.locator("#progress-text")).to_have_text("Finished: 7 scenes on 2 pages.",
                                                        timeout=60000)
    # The cast's pictures above the pages load too: let the page settle before measuring it.
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    return answer["cartoon_id"]


def state(page, cartoon_id):
    return page.evaluate("id => Api.get(`/api/cartoons/${id}`)", cartoon_id)


def fetched(page, url):
    response = page.request.get(url)  # Playwright's client: not the page, so no CSP to pass
    assert response.ok, url
    return response


def picture(page, url):
    return Image.open(io.BytesIO(fetched(page, url).body())).convert("RGB")


def region(image, panel, box):
    """The part of the page image where `box` (fractions of the panel) sits."""
    left, top, right, bottom = panel["box"]
    width, height = right - left, bottom - top
    return image.crop((round(left + box[0] * width), round(top + box[1] * height),
                       round(left + box[2] * width), round(top + box[3] * height)))


def white(image):
    """The share of pure white pixels (a balloon's fill; the offline art has none)."""
    mask = image.convert("L").point(lambda v: 255 if v >= 250 else 0)
    return ImageStat.Stat(mask).mean[0] / 255
