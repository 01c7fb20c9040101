"""The browser tests' machinery: Debian's headless Chromium against a real server.

``serve()`` gives a module a database of its own (SQLite in a temporary ANJIAN_VAR_DIR, or —
when DATABASE_URL points at PostgreSQL — a throwaway PostgreSQL database) with the demo
data, and starts ``anjian run`` (gunicorn and the job worker) on a free port. The demo is
built once per test process (``demo_template``, the session-scoped ``demo`` fixture of the
root conftest.py) and each server starts from a copy of it — the file copied on SQLite, a
``CREATE DATABASE … TEMPLATE`` on PostgreSQL — so a module's writes never reach another.
It does not use pytest-django's live server: that flushes the shared test world after
each test. ``anjian/web/tests/conftest.py`` makes it and ``chromium()`` the module-scoped
``server`` and ``browser`` fixtures.

``session()`` logs a demo user in; every page it opens is watched for console errors and
uncaught exceptions (``Problems``). A Content-Security-Policy violation is reported by
Chromium as a console error, so inline scripts or styles fail these tests too.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from testsupport import processes

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Anquan@2026"  # anjian demo's default password
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ENTERPRISES = 300


# --- the server -------------------------------------------------------------------


class Server:
    def __init__(self, url: str, log: Path, env: dict | None = None):
        self.url = url
        self.log = log
        self.env = env or {}

    def manage(self, code: str) -> str:
        """Run Python in the server's own database (``anjian shell -c``); its output."""
        return processes.manage(self.env, code, timeout=60)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def assert_no_server_errors(self) -> None:
        text = self.log.read_text(errors="replace")
        assert "Traceback" not in text, self.log_tail()
        assert not re.search(r'" 5\d\d ', text), self.log_tail()


@dataclass(frozen=True)
class Template:
    var_dir: Path
    database: str | None  # the PostgreSQL database's name; None on SQLite (in var_dir)


@contextmanager
def demo_template():
    """The demo installation every server of this test process starts from."""
    with tempfile.TemporaryDirectory(prefix="anjian-demo-") as tmp:
        var_dir = Path(tmp)
        with processes.installation(var_dir, label="demo") as env:
            processes.anjian(env, "migrate", "--noinput", "-v0")
            processes.anjian(env, "demo", "--enterprises", str(ENTERPRISES), "--no-progress")
            url = env.get("DATABASE_URL")
            yield Template(var_dir, urlsplit(url).path.lstrip("/") if url else None)


@contextmanager
def serve(template: Template):
    """A copy of the demo installation, served on a free port, while the block runs."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    _check_collected_static()
    with tempfile.TemporaryDirectory(prefix="anjian-browser-") as tmp:
        var_dir = Path(tmp)
        shutil.copytree(template.var_dir, var_dir, dirs_exist_ok=True)
        with processes.installation(var_dir, label="browser", template=template.database) as env:
            port = processes.free_port()
            log = var_dir / "server.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [*processes.ANJIAN, "run", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: gunicorn and the worker
                )
            running = Server(f"http://127.0.0.1:{port}", log, env)
            try:
                _wait_healthy(running, process)
                yield running
            finally:
                _stop(process)


def _check_collected_static() -> None:
    """The server serves build/collected (``make assets``), not the sources: stale copies
    would test yesterday's JavaScript."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        pytest.fail(f"no collected static files in {settings.STATIC_ROOT}: run `make assets`")
    collected = manifest.stat().st_mtime
    sources = [*settings.STATICFILES_DIRS, *Path(settings.BASE_DIR, "anjian").glob("*/static")]
    for folder in sources:
        for file in Path(folder).rglob("*"):
            if file.is_file() and file.stat().st_mtime > collected:
                pytest.fail(f"{file} is newer than the collected static files: run `make assets`")


def _wait_healthy(server: Server, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"anjian run exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"anjian run did not answer /healthz within 60 s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    with suppress(ProcessLookupError):  # anything left in the group (gunicorn workers, worker)
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)


# --- the browser ------------------------------------------------------------------


@contextmanager
def chromium():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # a loaded CI machine can take a few seconds
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Problems:
    """Console errors and uncaught exceptions a page reports."""

    def __init__(self, page):
        self.seen: list[str] = []
        self.expected: list[re.Pattern] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.seen.append(f"page error: {error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.seen.append(f"console error: {message.text} ({message.location.get('url')})")

    def expect_one(self, pattern: str) -> None:
        """Let one console error matching ``pattern`` pass (Chromium logs a 4xx page as a
        failed resource load). Console events arrive asynchronously, so this is settled
        at the end, not by timing."""
        self.expected.append(re.compile(pattern))

    def assert_none(self) -> None:
        unexpected = list(self.seen)
        for pattern in self.expected:
            for problem in unexpected:
                if problem.startswith("console error: ") and pattern.search(problem):
                    unexpected.remove(problem)
                    break
        assert not unexpected, "\n".join(unexpected)


@contextmanager
def session(browser, server: Server, username: str, viewport: dict):
    """A page logged in as ``username`` at ``viewport``; at the end, no console errors, no
    uncaught exceptions and no server errors."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = Problems(page)
    try:
        page.goto(server.url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(server.url + "/")
        try:
            yield page, problems
        except Exception:
            print("\n".join(problems.seen))  # shown with the failure: often the cause
            raise
        page.wait_for_load_state("networkidle")
        page.evaluate("0")  # a round trip: console events sent before it have arrived
        problems.assert_none()
        server.assert_no_server_errors()
    finally:
        context.close()
