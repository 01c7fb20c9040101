"""A time limit around one task run in the worker's main thread (SIGALRM via setitimer).

``anjian worker`` runs one task at a time in its main thread. ``time_limit`` arms a
real-time timer around it; when the timer fires, ``TimeLimitExceeded`` is raised in the
task wherever it is — a Python loop, a parser, a wait on the database — and the worker
records the task as failed and goes on with the next one. How long each task may run is
declared with the task (``config/schedule.py``, ``job_handler``); ``jobs.task_time_limit``
answers it.

Limits do not nest (there is one timer per process) and apply only in the main thread;
elsewhere (a thread, a platform without SIGALRM) the block runs without one.
"""

import signal
import threading
from contextlib import contextmanager
from datetime import timedelta

_active: object | None = None  # the limit currently armed (main thread only)


class TimeLimitExceeded(SystemExit):
    """A task ran past its time limit.

    A ``SystemExit``, not an ``Exception``: task code's ``except Exception`` must not swallow
    it, and psycopg cancels the query in flight on SystemExit (as on Ctrl-C), so the
    database connection stays usable for recording the failure.
    """

    def __init__(self, limit: timedelta):
        super().__init__(f"time limit of {limit} reached")
        self.limit = limit


def _on_alarm(signum, frame):
    if _active is not None:
        raise TimeLimitExceeded(_active.limit)


class _Limit:
    def __init__(self, limit: timedelta):
        self.limit = limit


@contextmanager
def time_limit(limit: timedelta | None):
    """Raise ``TimeLimitExceeded`` in the block once ``limit`` has passed (None: no limit)."""
    global _active
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if limit is None or not usable:
        yield
        return
    if _active is not None:
        raise RuntimeError("time limits do not nest")
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _active = _Limit(limit)
    signal.setitimer(signal.ITIMER_REAL, max(limit.total_seconds(), 0.001))
    try:
        yield
    finally:
        _active = None  # first: an alarm that is already on its way is now ignored
        signal.setitimer(signal.ITIMER_REAL, 0)
        if callable(previous):  # else leave ours installed: inert, and never SIG_DFL's kill
            signal.signal(signal.SIGALRM, previous)
