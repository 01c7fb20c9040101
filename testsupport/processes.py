"""Real processes for the tests that need them: a server, an ingest worker, a broker.

Such tests cannot use the test database (each test's transaction is invisible to another
process, and pytest-django's live server flushes the shared world): they build a
database of their own — SQLite in a temporary ANJIAN_VAR_DIR, or, when DATABASE_URL
points at PostgreSQL, a throwaway PostgreSQL database — and run ``anjian`` commands in it.
"""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ANJIAN = [sys.executable, "-m", "anjian"]
# Settings of the developer's shell that must not leak into a throwaway installation.
PRIVATE = ("REDIS_URL", "ANJIAN_BIND", "ANJIAN_SECRET_KEY", "ANJIAN_MEDIA_ROOT")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(check, *, timeout: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise TimeoutError(f"{what}: not within {timeout:g} s")


@contextmanager
def fresh_database(env: dict[str, str], *, label: str, template: str | None = None):
    """An empty database for ``env`` (the environment is pointed at it) — or, on
    PostgreSQL, a copy of the database ``template`` (on SQLite the caller copies the file:
    it lives in ANJIAN_VAR_DIR)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        env.pop("DATABASE_URL", None)  # SQLite in ANJIAN_VAR_DIR
        yield
        return
    import psycopg

    parts = urlsplit(url)
    name = f"anjian_{label}_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def installation(var_dir: Path, *, label: str, template: str | None = None):
    """The environment of a throwaway installation in ``var_dir`` with its own database
    (on PostgreSQL a copy of ``template`` when given)."""
    env = {**os.environ, "ANJIAN_VAR_DIR": str(var_dir)}
    for name in PRIVATE:
        env.pop(name, None)
    with fresh_database(env, label=label, template=template):
        yield env


def anjian(env: dict[str, str], *command: str, timeout: float = 300) -> str:
    """Run one ``anjian`` command in the installation; its output (fails loudly)."""
    done = subprocess.run(
        [*ANJIAN, *command], env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise AssertionError(f"anjian {' '.join(command)}:\n{done.stdout}{done.stderr}")
    return done.stdout


def manage(env: dict[str, str], code: str, *, timeout: float = 120) -> str:
    """Run Python in the installation's database (``anjian shell -c``); its output."""
    return anjian(env, "shell", "-c", code, timeout=timeout).strip()
