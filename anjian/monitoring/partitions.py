"""The readings table on PostgreSQL: partitioned by month on ``ts``.

``ensure()`` creates the partitions from the retention cutoff to a few months ahead and
drops those wholly older than the cutoff (``MONITORING_RETENTION_MONTHS``); a daily job
runs it (config/schedule.py). Readings older than the cutoff are refused at ingest, so no
reading can fall outside a partition. SQLite keeps one plain table and ``ensure`` only
deletes old rows.
"""

from datetime import UTC, date, datetime

from django.conf import settings
from django.db import connection

from anjian.monitoring.models import Reading

TABLE = "monitoring_reading"
MONTHS_AHEAD = 2


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def retention_months() -> int:
    return settings.MONITORING_RETENTION_MONTHS


def cutoff(today: date | None = None) -> datetime:
    """The first moment still kept: the start of the month ``retention`` months back."""
    today = today or datetime.now(UTC).date()
    first = _add_months(today.replace(day=1), -(retention_months() - 1))
    return datetime(first.year, first.month, 1, tzinfo=UTC)


def partition_name(month: date) -> str:
    return f"{TABLE}_y{month.year}m{month.month:02d}"


def create_table_sql() -> str:
    return (
        f"CREATE TABLE {TABLE} ("
        " device_id integer NOT NULL,"
        " metric_id integer NOT NULL,"
        " ts timestamp with time zone NOT NULL,"
        " value double precision NOT NULL,"
        " PRIMARY KEY (device_id, metric_id, ts)"
        ") PARTITION BY RANGE (ts)"
    )


def _existing(cursor) -> set[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
        [TABLE],
    )
    return {row[0] for row in cursor.fetchall()}


def ensure(today: date | None = None, using=None) -> dict:
    """Create missing monthly partitions, drop expired ones; returns what it did."""
    conn = using or connection
    start = cutoff(today).date()
    if conn.vendor != "postgresql":
        deleted, _ = Reading.objects.filter(ts__lt=cutoff(today)).delete()
        return {"created": [], "dropped": [], "deleted": deleted}
    today = today or datetime.now(UTC).date()
    last = _add_months(today.replace(day=1), MONTHS_AHEAD)
    created, dropped = [], []
    with conn.cursor() as cursor:
        existing = _existing(cursor)
        month = start
        while month <= last:
            name = partition_name(month)
            if name not in existing:
                upper = _add_months(month, 1)
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {TABLE} "
                    f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') "
                    f"TO ('{upper.isoformat()} 00:00:00+00')"
                )
                created.append(name)
            month = _add_months(month, 1)
        for name in sorted(existing):
            year, month_number = int(name[-7:-3]), int(name[-2:])
            if _add_months(date(year, month_number, 1), 1) <= start:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
                dropped.append(name)
    return {"created": created, "dropped": dropped, "deleted": 0}
