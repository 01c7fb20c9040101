"""Storing one ingest batch of readings: the rows that are new go into the partitioned
``monitoring_reading`` table and the latest value per (device, metric) is kept current, in
the caller's transaction (``ingest.accept``). PostgreSQL takes the batch by COPY into
session temp tables and moves it on in single statements; other databases row by row.
A redelivered reading is stored once: ``store`` returns only the rows that were new."""

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction


def store(rows: list[tuple]) -> list[tuple]:
    """Insert ``rows`` (device id, metric id, ts, value); returns those that were new."""
    return _store_postgresql(rows) if connection.vendor == "postgresql" else _store_generic(rows)


def _latest(kept: list[tuple]) -> list[tuple]:
    """Per (device, metric): the newest reading, how many of the batch's last readings
    repeat its value (``run``), and whether the whole batch did (``whole``) — what the
    flat-line count of ``LatestReading.unchanged`` grows by."""
    by_key: dict[tuple[int, int], list] = {}
    for row in kept:
        by_key.setdefault((row[0], row[1]), []).append(row)
    result = []
    for (device_id, metric_id), items in by_key.items():
        items.sort(key=lambda r: r[2])
        last = items[-1][3]
        run = 0
        for item in reversed(items):
            if item[3] != last:
                break
            run += 1
        result.append((device_id, metric_id, items[-1][2], last, run, run == len(items)))
    return result


# ``unchanged`` counts identical samples in a row: it grows across batches while the
# value stays put, and restarts from this batch's own trailing run when it moves.
_LATEST_UPDATE = (
    "ON CONFLICT (device_id, metric_id) DO UPDATE SET ts = excluded.ts, value = excluded.value, "
    "unchanged = CASE WHEN {whole} AND monitoring_latestreading.value = excluded.value "
    "THEN monitoring_latestreading.unchanged + excluded.unchanged + 1 "
    "ELSE excluded.unchanged END "
    "WHERE monitoring_latestreading.ts < excluded.ts"
)


class _Duplicates(Exception):
    pass


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _copy_rows(cursor, table: str, rows) -> None:
    """COPY ``rows`` (already text fields) into a session temp table."""
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        copy.write("".join(rows))


def _stage(cursor) -> None:
    # Session temp tables, emptied at every commit: the batch goes in by COPY (far cheaper
    # than binding arrays) and from there into the partitioned table in one statement.
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS ingest_stage (d integer, m integer, "
        "t timestamptz, v double precision) ON COMMIT DELETE ROWS"
    )
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS ingest_latest (d integer, m integer, "
        "t timestamptz, v double precision, r integer, w boolean) ON COMMIT DELETE ROWS"
    )
    cursor.execute("TRUNCATE ingest_stage, ingest_latest")


def _store_postgresql(rows: list[tuple]) -> list[tuple]:
    """Insert the batch; returns the rows that were new. The usual batch has no duplicate
    and is inserted without RETURNING; only when the row count says some were already
    stored (a redelivery) is the insert redone to learn which."""
    with connection.cursor() as cursor:
        _stage(cursor)
        stamps: dict[datetime, str] = {}  # the metrics of one reading share their time
        for _d, _m, t, _v in rows:
            if t not in stamps:
                stamps[t] = t.isoformat()
        _copy_rows(
            cursor,
            "ingest_stage",
            (f"{d}\t{m}\t{stamps[t]}\t{v!r}\n" for d, m, t, v in rows),
        )
        insert = (
            "INSERT INTO monitoring_reading (device_id, metric_id, ts, value) "
            "SELECT d, m, t, v FROM ingest_stage ON CONFLICT DO NOTHING"
        )
        try:
            with transaction.atomic():
                cursor.execute(insert)
                if cursor.rowcount != len(rows):
                    raise _Duplicates
            kept = rows
        except _Duplicates:
            cursor.execute(
                insert + " RETURNING device_id, metric_id, "
                "(extract(epoch FROM ts) * 1000000)::bigint"
            )
            stored = set(cursor.fetchall())
            kept = [
                row for row in rows if (row[0], row[1], (row[2] - _EPOCH) // _MICROSECOND) in stored
            ]
        if kept:
            _copy_rows(
                cursor,
                "ingest_latest",
                (
                    f"{d}\t{m}\t{stamps[t]}\t{v!r}\t{r}\t{'t' if w else 'f'}\n"
                    for d, m, t, v, r, w in _latest(kept)
                ),
            )
            # Several workers update the same devices' rows: take the row locks in one
            # order first, so they queue behind each other instead of deadlocking.
            cursor.execute(
                "SELECT 1 FROM monitoring_latestreading l JOIN ingest_latest x "
                "ON l.device_id = x.d AND l.metric_id = x.m "
                "ORDER BY l.device_id, l.metric_id FOR UPDATE OF l"
            )
            # ON CONFLICT cannot see the batch's own columns (run, whole): update the keys
            # that exist, insert the rest, in one statement.
            cursor.execute(
                "WITH updated AS (UPDATE monitoring_latestreading AS l SET ts = x.t, "
                "value = x.v, unchanged = CASE WHEN x.w AND l.value = x.v "
                "THEN l.unchanged + x.r ELSE x.r - 1 END FROM ingest_latest x "
                "WHERE l.device_id = x.d AND l.metric_id = x.m AND l.ts < x.t) "
                "INSERT INTO monitoring_latestreading (device_id, metric_id, ts, value, unchanged) "
                "SELECT x.d, x.m, x.t, x.v, x.r - 1 FROM ingest_latest x WHERE NOT EXISTS "
                "(SELECT 1 FROM monitoring_latestreading l WHERE l.device_id = x.d "
                "AND l.metric_id = x.m) ON CONFLICT (device_id, metric_id) DO NOTHING"
            )
    return kept


def _store_generic(rows: list[tuple]) -> list[tuple]:
    kept = []
    with connection.cursor() as cursor:
        for row in rows:
            cursor.execute(
                "INSERT INTO monitoring_reading (device_id, metric_id, ts, value) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                list(row),
            )
            if cursor.rowcount == 1:
                kept.append(row)
        for device_id, metric_id, ts, value, run, whole in _latest(kept):
            cursor.execute(
                "INSERT INTO monitoring_latestreading (device_id, metric_id, ts, value, unchanged) "
                "VALUES (%s, %s, %s, %s, %s) " + _LATEST_UPDATE.format(whole="%s"),
                [device_id, metric_id, ts, value, run - 1, whole],
            )
    return kept
