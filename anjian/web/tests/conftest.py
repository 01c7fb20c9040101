"""The browser tests' fixtures (testsupport/browser.py): per test module, a demo server of
its own and a headless Chromium."""

import pytest

from testsupport.browser import chromium, serve


@pytest.fixture(scope="module")
def server():
    with serve() as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched
