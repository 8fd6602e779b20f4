"""The stack that `make run` starts, in a subprocess, and Debian's Chromium driven by Playwright."""

from pathlib import Path

import pytest

from devtools.stack import CHROMIUM, CHROMIUM_ARGS, start_stack, stop_stack
from tests.support.browser import STEP_MS


# A stack for each test module: every browser signs in from 127.0.0.1, and the sign-in limit per
# address (20 links an hour, accounts/limits.py) holds across one stack's tests.
@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = start_stack(tmp_path_factory)
    yield running
    stop_stack(running)


@pytest.fixture(scope="module")
def drawing_stack(tmp_path_factory):
    """The stack with offline drawings that take a moment each, so progress can be watched."""
    running = start_stack(tmp_path_factory, OFFLINE_DRAW_SECONDS="0.7")
    yield running
    stop_stack(running)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: `make browser` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    yield page
    context.close()
