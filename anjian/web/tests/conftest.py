"""The browser tests' fixtures (testsupport/browser.py): per test module, a server of its
own on a copy of the demo installation (built once per test process: the root conftest's
``demo``) and a headless Chromium."""

import pytest

from testsupport.browser import chromium, serve


@pytest.fixture(scope="module")
def server(demo):
    with serve(demo) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched
