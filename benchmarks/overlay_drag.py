"""The cartoon page's lettering overlay at drag speed: the time from a drag step (a pointermove
on a balloon's handle) to the overlay drawn, in a real Chromium against the local stack (the
one `make run` starts, with its offline drawings). Goal: under 16 ms, a frame.

`python benchmarks/overlay_drag.py [--steps N] [--phone]` makes a 7-scene cartoon, opens its
page (1366 px wide, or a 390 px phone with touch), then drags a balloon N steps around a loop
and drags its right edge N steps in and out (the text rewraps at each step). The page times
each step itself (js/cartoon-overlay.js): `handled`, the handler moving and drawing the
balloon; `frame`, to the requestAnimationFrame of the frame that shows it; `painted`, to a task
queued from that frame, once it is painted. Printed: the median and 95th percentile of each,
per gesture.
"""

import argparse
import math
import statistics
import sys
import tempfile
from pathlib import Path

import _offline  # noqa: F401  (the project on the path)
from playwright.sync_api import sync_playwright

from devtools.browser import buy_pack, centre_of, sign_in
from devtools.cartoons import tiers_body
from devtools.stack import CHROMIUM, CHROMIUM_ARGS, start_stack, stop_stack

GOAL_MS = 16

COLLECT = """() => { window.__drawn = [];
  document.addEventListener('lettering-drawn', e => window.__drawn.push(e.detail)); }"""


class Folders:
    """What start_stack asks of pytest's tmp_path_factory."""

    def mktemp(self, name):
        return Path(tempfile.mkdtemp(prefix=f"{name}-"))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def open_cartoon(page, url):
    sign_in(page, Folders.stack, "bench@example.com")
    buy_pack(page, Folders.stack, "medium")
    answer = page.evaluate("body => Api.post('/api/cartoons', body)", tiers_body())
    page.goto(f"{url}/cartoon.html?id={answer['cartoon_id']}")
    page.wait_for_function("() => document.querySelector('#progress-text').textContent"
                           ".startsWith('Finished')", timeout=120_000)
    page.wait_for_selector("#handle-1-1-at", state="attached")


def drag(page, selector, path):
    """Press on the handle, move along `path` (offsets in CSS px), release; the page's timings."""
    page.evaluate("() => { window.__drawn = []; }")
    x, y = centre_of(page, selector)
    page.mouse.move(x, y)
    page.mouse.down()
    for dx, dy in path:
        page.mouse.move(x + dx, y + dy)
    page.wait_for_function("n => window.__drawn.length >= n", arg=len(path) - 2)
    page.mouse.up()
    return page.evaluate("() => window.__drawn")


def touch_drag(page, session, selector, path):
    page.evaluate("() => { window.__drawn = []; }")
    x, y = centre_of(page, selector)
    session.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                              "touchPoints": [{"x": x, "y": y}]})
    for dx, dy in path:
        session.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                                  "touchPoints": [{"x": x + dx, "y": y + dy}]})
    page.wait_for_function("n => window.__drawn.length >= n", arg=len(path) - 2)
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    return page.evaluate("() => window.__drawn")


def report(name, timings):
    print(f"{name}: {len(timings)} steps")
    for field in ("handled", "frame", "painted"):
        values = [t[field] for t in timings]
        print(f"  {field:8} median {statistics.median(values):6.2f} ms   "
              f"p95 {percentile(values, 0.95):6.2f} ms   max {max(values):6.2f} ms")
    worst = percentile([t["painted"] for t in timings], 0.95)
    print(f"  goal {GOAL_MS} ms (p95 painted): {'met' if worst < GOAL_MS else 'NOT met'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--phone", action="store_true", help="390 px, by touch")
    args = parser.parse_args()
    Folders.stack = stack = start_stack(Folders())
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            options = ({"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                        "has_touch": True, "device_scale_factor": 3} if args.phone
                       else {"viewport": {"width": 1366, "height": 900}})
            context = browser.new_context(**options)
            page = context.new_page()
            page.set_default_timeout(60_000)
            open_cartoon(page, stack.url)
            if args.phone:
                page.click("#lettering-toggle")
            page.evaluate(COLLECT)
            turn = [2 * math.pi * k / 100 for k in range(1, args.steps + 1)]
            loop = [(40 * math.sin(a), 30 * (1 - math.cos(a))) for a in turn]
            edge = [(-25 * math.sin(math.pi * k / 50), 0) for k in range(1, args.steps + 1)]
            if args.phone:
                session = context.new_cdp_session(page)
                moved = touch_drag(page, session, "#handle-1-1-at", loop)
                resized = touch_drag(page, session, "#handle-1-1-width", edge)
            else:
                moved = drag(page, "#handle-1-1-at", loop)
                resized = drag(page, "#handle-1-1-width", edge)
            where = "390 px phone, touch" if args.phone else "1366 px, mouse"
            print(f"Chromium {browser.version}, {where}")
            report("balloon moved", moved)
            report("balloon resized (text rewrapped)", resized)
            browser.close()
    finally:
        stop_stack(stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
