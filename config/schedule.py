"""Every periodic job, in one place, with the reason for its schedule.

The scheduler (``anjian worker`` runs it beside the task worker) enqueues each job
once per slot; several workers may run it, the (job, slot) unique row decides who
enqueues. Each job is idempotent, so a missed or repeated slot does no harm.

``limit`` is how long one run may take: the worker stops it there and marks it failed
(the next slot runs it again). Minute sweeps get minutes, nightly housekeeping half an
hour. They run on the sweeps queue, never behind a user's import or export.
"""

from datetime import timedelta

from anjian.core.scheduler import Periodic

PERIODIC_JOBS: list[Periodic] = [
    Periodic(
        "anjian.core.tasks.clear_expired_sessions",
        every=timedelta(hours=6),
        why="Sessions expire after the idle timeout; expired rows are removed four times a day.",
        limit=timedelta(minutes=10),
    ),
    Periodic(
        "anjian.core.tasks.prune_task_results",
        every=timedelta(days=1),
        why="Finished task results are kept 30 days for diagnosis, then pruned nightly.",
        limit=timedelta(minutes=30),
    ),
    Periodic(
        "anjian.core.tasks.purge_job_files",
        every=timedelta(days=1),
        why="Uploaded and generated Excel files hold personal data; they are deleted after "
        "30 days (the job record and its report stay).",
        limit=timedelta(minutes=30),
    ),
    Periodic(
        "anjian.core.tasks.fail_stuck_jobs",
        every=timedelta(minutes=5),
        why="A user's job whose worker was killed stays 'running' forever and its page polls "
        "for ever; past its time limit (and five minutes' grace) it is marked failed with a "
        "message. Conditional UPDATE on the running state: idempotent.",
        limit=timedelta(minutes=2),
    ),
    Periodic(
        "anjian.core.tasks.prune_login_attempts",
        every=timedelta(days=1),
        why="Login records (with addresses) older than 90 days no longer matter for throttling "
        "or investigation; keeping them longer only keeps personal data.",
        limit=timedelta(minutes=10),
    ),
    Periodic(
        "anjian.core.outbox.deliver_outbox",
        every=timedelta(minutes=1),
        why="直报: messages to upper-level systems not yet acknowledged are retried when "
        "their back-off (1, 2, 4 … minutes, at most an hour) has passed; each is also "
        "attempted at once after its commit, so this only carries the retries. Claims are "
        "leases (SKIP LOCKED): idempotent, and several workers may run it.",
        limit=timedelta(minutes=5),
    ),
    Periodic(
        "anjian.risks.tasks.remind_reassessment",
        every=timedelta(hours=6),
        why="An enterprise's users are told 30 days before a risk point's re-assessment is "
        "due (or when it is already overdue); four times a day so a date set today is "
        "reminded today. Once per risk point and due date (reminded_for claim).",
        limit=timedelta(minutes=15),
    ),
    Periodic(
        "anjian.hazards.tasks.remind_hazard_deadlines",
        every=timedelta(hours=1),
        why="Owners are told a few days before a hazard's deadline; hourly so a deadline set "
        "today is reminded today. Once per deadline (reminded_for).",
        limit=timedelta(minutes=15),
    ),
    Periodic(
        "anjian.hazards.tasks.escalate_overdue_hazards",
        every=timedelta(minutes=15),
        why="Overdue hazards climb the ladder owner → department → 安委办 by days overdue; "
        "every 15 minutes so a rung is reached soon after midnight, each rung once.",
        limit=timedelta(minutes=10),
    ),
    Periodic(
        "anjian.hazards.tasks.schedule_hazard_revisits",
        every=timedelta(days=1),
        why="Closed major hazards (and a sample of general ones) get their 回头看 scheduled and "
        "the district reminded of revisits due within 30 days; daily is enough for dates.",
        limit=timedelta(minutes=30),
    ),
    Periodic(
        "anjian.hazards.tasks.prune_open_tally",
        every=timedelta(days=1),
        why="Rows of the open-deadline summary whose last hazard closed stay at zero; they "
        "count nothing but would accumulate one per place, industry and day. Idempotent.",
        limit=timedelta(minutes=10),
    ),
    Periodic(
        "anjian.monitoring.tasks.escalate_alarms",
        every=timedelta(minutes=1),
        why="Unacknowledged alarms are told to the street, then the district, after "
        "minutes (MONITORING_ESCALATION_MINUTES); every minute so a rung is not late. "
        "Each rung once (conditional UPDATE, dedupe keys).",
        limit=timedelta(minutes=5),
    ),
    Periodic(
        "anjian.monitoring.tasks.detect_offline_devices",
        every=timedelta(minutes=1),
        why="A device silent longer than its offline_after_seconds is flagged offline and "
        "its duty person told; every minute for a console that is minutes-accurate.",
        limit=timedelta(minutes=5),
    ),
    Periodic(
        "anjian.monitoring.tasks.maintain_reading_partitions",
        every=timedelta(days=1),
        why="Monthly partitions of the readings table exist two months ahead and those "
        "older than MONITORING_RETENTION_MONTHS are dropped; daily is plenty.",
        limit=timedelta(minutes=30),
    ),
    Periodic(
        "anjian.monitoring.tasks.detect_flat_lines",
        every=timedelta(minutes=5),
        why="A measurement that has not moved for its flat_line_samples (a stuck or faked "
        "sensor) is flagged for data quality; the count is kept by the ingest, so this "
        "reads the latest-state table only.",
        limit=timedelta(minutes=5),
    ),
    Periodic(
        "anjian.monitoring.tasks.sync_broker_auth",
        every=timedelta(minutes=1),
        why="A device registered or switched off, a token renewed: the broker's logins "
        "follow within a minute (written only when they changed, then SIGHUP). Does "
        "nothing unless ANJIAN_BROKER_AUTH_DIR is set on this machine.",
        limit=timedelta(minutes=2),
    ),
    Periodic(
        "anjian.monitoring.tasks.prune_telemetry_auth_failures",
        every=timedelta(days=1),
        why="Counts of failed telemetry logins carry source addresses; after 90 days they "
        "no longer help anyone investigate, so they are deleted nightly.",
        limit=timedelta(minutes=10),
    ),
    Periodic(
        "anjian.accidents.tasks.remind_accident_reporting",
        every=timedelta(minutes=10),
        why="493号令 counts the chain in hours (1 h to the county, 2 h per level) and 21号令 "
        "asks for a follow-up every day (every half day for 重大 and above): a level past "
        "its limit or a missing follow-up is told within ten minutes. Once per level and "
        "per period (dedupe keys): idempotent.",
        limit=timedelta(minutes=5),
    ),
    Periodic(
        "anjian.accidents.tasks.remind_accident_investigations",
        every=timedelta(hours=12),
        why="Investigation reports are due in days (30/60) and measures by date: twice a "
        "day is enough to warn a week ahead and on the day they become overdue. Once per "
        "due date (dedupe keys).",
        limit=timedelta(minutes=10),
    ),
    Periodic(
        "anjian.cap.delivery.deliver_warnings",
        every=timedelta(minutes=1),
        why="预警送达: retries after back-off (1, 2, 4 … minutes, up to "
        "CAP_DELIVERY_MAX_ATTEMPTS); the first attempt is queued after each publication. "
        "Leases (SKIP LOCKED): idempotent, several workers may run it.",
        limit=timedelta(minutes=5),
    ),
    Periodic(
        "anjian.specialwork.tasks.expire_permits",
        every=timedelta(minutes=5),
        why="特殊作业票: a permit still pending, approved, at work or paused once its validity "
        "(8 h for 特级/一级动火, 24 h for 受限空间 …) has passed becomes 已过期 and its unit is "
        "told; the gates already refuse work past the validity, so five minutes only makes "
        "the state say so. Row locks with SKIP LOCKED: idempotent, several workers may run it.",
        limit=timedelta(minutes=5),
    ),
    Periodic(
        "anjian.emergency.tasks.remind_plan_deadlines",
        every=timedelta(hours=6),
        why="应急预案: keepers are told 3 working days before the filing deadline (20 working "
        "days after publication, 88号令 Art. 26) and when it has passed; the filing authority "
        "when a submission waits past it; keepers 30 days before and after the assessment "
        "due day (Art. 35). Four times a day so a deadline set today is reminded today. Once "
        "per deadline and stage (dedupe keys).",
        limit=timedelta(minutes=15),
    ),
    Periodic(
        "anjian.emergency.tasks.remind_drills",
        every=timedelta(days=1),
        why="演练: improvement tasks past their day, and in the last 30 days of each half-year "
        "the units still owing a drill (88号令 Art. 33, 708号令 Art. 8). The rules count in "
        "days and half-years, so daily is enough. Once per task, and per unit and period end "
        "(dedupe keys).",
        limit=timedelta(minutes=15),
    ),
]
