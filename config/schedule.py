"""Every periodic job, in one place, with the reason for its schedule.

The scheduler (``anjian worker`` runs it beside the task worker) enqueues each job
once per slot; several workers may run it, the (job, slot) unique row decides who
enqueues. Each job is idempotent, so a missed or repeated slot does no harm.
"""

from datetime import timedelta

from anjian.core.scheduler import Periodic

PERIODIC_JOBS: list[Periodic] = [
    Periodic(
        "anjian.core.tasks.clear_expired_sessions",
        every=timedelta(hours=6),
        why="Sessions expire after the idle timeout; expired rows are removed four times a day.",
    ),
    Periodic(
        "anjian.core.tasks.prune_task_results",
        every=timedelta(days=1),
        why="Finished task results are kept 30 days for diagnosis, then pruned nightly.",
    ),
    Periodic(
        "anjian.core.tasks.purge_job_files",
        every=timedelta(days=1),
        why="Uploaded and generated Excel files hold personal data; they are deleted after "
        "30 days (the job record and its report stay).",
    ),
    Periodic(
        "anjian.core.tasks.prune_login_attempts",
        every=timedelta(days=1),
        why="Login records (with addresses) older than 90 days no longer matter for throttling "
        "or investigation; keeping them longer only keeps personal data.",
    ),
]
