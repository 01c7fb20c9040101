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
    Periodic(
        "anjian.risks.tasks.remind_reassessment",
        every=timedelta(hours=6),
        why="An enterprise's users are told 30 days before a risk point's re-assessment is "
        "due (or when it is already overdue); four times a day so a date set today is "
        "reminded today. Once per risk point and due date (reminded_for claim).",
    ),
    Periodic(
        "anjian.hazards.tasks.remind_hazard_deadlines",
        every=timedelta(hours=1),
        why="Owners are told a few days before a hazard's deadline; hourly so a deadline set "
        "today is reminded today. Once per deadline (reminded_for).",
    ),
    Periodic(
        "anjian.hazards.tasks.escalate_overdue_hazards",
        every=timedelta(minutes=15),
        why="Overdue hazards climb the ladder owner → department → 安委办 by days overdue; "
        "every 15 minutes so a rung is reached soon after midnight, each rung once.",
    ),
    Periodic(
        "anjian.hazards.tasks.schedule_hazard_revisits",
        every=timedelta(days=1),
        why="Closed major hazards (and a sample of general ones) get their 回头看 scheduled and "
        "the district reminded of revisits due within 30 days; daily is enough for dates.",
    ),
    Periodic(
        "anjian.hazards.tasks.prune_open_tally",
        every=timedelta(days=1),
        why="Rows of the open-deadline summary whose last hazard closed stay at zero; they "
        "count nothing but would accumulate one per place, industry and day. Idempotent.",
    ),
    Periodic(
        "anjian.monitoring.tasks.escalate_alarms",
        every=timedelta(minutes=1),
        why="Unacknowledged alarms are told to the street, then the district, after "
        "minutes (MONITORING_ESCALATION_MINUTES); every minute so a rung is not late. "
        "Each rung once (conditional UPDATE, dedupe keys).",
    ),
    Periodic(
        "anjian.monitoring.tasks.detect_offline_devices",
        every=timedelta(minutes=1),
        why="A device silent longer than its offline_after_seconds is flagged offline and "
        "its duty person told; every minute for a console that is minutes-accurate.",
    ),
    Periodic(
        "anjian.monitoring.tasks.maintain_reading_partitions",
        every=timedelta(days=1),
        why="Monthly partitions of the readings table exist two months ahead and those "
        "older than MONITORING_RETENTION_MONTHS are dropped; daily is plenty.",
    ),
    Periodic(
        "anjian.monitoring.tasks.detect_flat_lines",
        every=timedelta(minutes=5),
        why="A measurement that has not moved for its flat_line_samples (a stuck or faked "
        "sensor) is flagged for data quality; the count is kept by the ingest, so this "
        "reads the latest-state table only.",
    ),
]
