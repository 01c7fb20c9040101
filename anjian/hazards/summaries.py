"""Reading the dynamic-clearing summaries for a figures page in one statement.

A figures page shows the counters per month (the trend, 同比/环比, the headline sums), per
district or street and per industry, each with the current figures (未销号, 现存重大, 逾期,
7天内到期) that the period does not narrow. Each of those is a ``Branch``: a GROUP BY over
one summary table under the user's scope and the page's filters; ``read`` joins them with
UNION ALL, so the page pays one round trip and no ORM compilation per grouping.

A breakdown's period counters and its current figures are two branches: the first reads
only the period's months (a few sums over a fifth of the rows for 本年), the second every
month but only the two current sums. The deadline counts come from the open-deadline
summaries, by (region, industry), summed per grouping by the caller. Keys come back as
text.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet

from anjian.hazards.models import COUNTERS

# Current figures (未销号, 现存重大): open now, whatever the period says.
CURRENT = ("open_now", "major_open_now")
# Open against a deadline now: past it, past it and 重大, due within DUE_SOON_DAYS.
DEADLINE_COUNTS = ("overdue", "overdue_major", "due_soon")
TALLY_COLUMNS = (*COUNTERS, *CURRENT)  # what the counter summaries give
COLUMNS = (*TALLY_COLUMNS, *DEADLINE_COUNTS)


@dataclass(frozen=True)
class Branch:
    name: str
    rows: QuerySet  # the summary rows under scope and filters
    # The grouping columns, joined by "|" in the key: a column name, or
    # ``region:<column>:<length>`` for a region code cut to a level; none: one row.
    key: tuple[str, ...]
    sums: tuple[str, ...]  # which of ``COLUMNS`` it sums; the rest come back NULL
    month_from: date | None = None
    month_to: date | None = None
    # For the deadline counts (rows of an open-deadline summary): today and the last day
    # that counts as due soon.
    today: date | None = None
    soon: date | None = None


def _where(rows: QuerySet) -> tuple[str, list] | None:
    """The queryset's WHERE clause and parameters; None when it can match nothing."""
    query = rows.query
    try:
        sql, params = query.get_compiler(using=rows.db).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "1 = 1", []
    return sql or "1 = 1", list(params)


def _key_sql(branch: Branch, quote) -> tuple[str, list[str]]:
    """The key as text (its parts joined by "|") and the expressions to group by: the
    parts themselves, so the text is built once per group, not per row."""
    parts = []
    for column in branch.key:
        if column.startswith("region:"):
            name, length = column.removeprefix("region:").split(":")
            field = branch.rows.model._meta.get_field(name)
            if field.max_length <= int(length):  # a district code cut to a street's: itself
                parts.append(quote(name))
            else:
                parts.append(f"SUBSTR({quote(name)}, 1, {int(length)})")
        else:
            parts.append(quote(column))
    text = " || '|' || ".join(f"CAST({part} AS TEXT)" for part in parts)
    return text or "''", parts


def _sum_sql(name: str, branch: Branch, connection) -> tuple[str, list]:
    quote = connection.ops.quote_name
    if name not in branch.sums:
        return "CAST(NULL AS BIGINT)", []
    if name == "open_now":
        return f"SUM({quote('found')} - {quote('closed')})", []
    if name == "major_open_now":
        return f"SUM({quote('major')} - {quote('major_closed')})", []
    if name in DEADLINE_COUNTS:
        today = connection.ops.adapt_datefield_value(branch.today)
        when = {
            "overdue": (f"{quote('deadline')} < %s", [today]),
            "overdue_major": (f"{quote('deadline')} < %s AND {quote('major')} = %s", [today, True]),
            "due_soon": (f"{quote('deadline')} >= %s", [today]),
        }[name]
        return f"SUM(CASE WHEN {when[0]} THEN {quote('open')} ELSE 0 END)", when[1]
    return f"SUM({quote(name)})", []


def _branch_sql(branch: Branch, where: tuple[str, list], connection) -> tuple[str, list]:
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datefield_value
    key, groups = _key_sql(branch, quote)
    params: list = [branch.name]
    sums = []
    for name in COLUMNS:
        expression, values = _sum_sql(name, branch, connection)
        sums.append(f"{expression} AS {quote(name)}")
        params.extend(values)
    conditions = [f"({where[0]})"]
    params.extend(where[1])
    if set(branch.sums) <= set(CURRENT):
        # Rows with all found closed add nothing open (nor 重大 open); the partial index
        # ``hazard_tally_open_now`` holds the others.
        conditions.append(f"{quote('found')} <> {quote('closed')}")
    for column, operator, value in (
        ("month", ">=", branch.month_from),
        ("month", "<=", branch.month_to),
        ("deadline", "<=", branch.soon),
    ):
        if value is not None:
            conditions.append(f"{quote(column)} {operator} %s")
            params.append(adapt(value))
    table = quote(branch.rows.model._meta.db_table)
    group = f" GROUP BY {', '.join(groups)}" if groups else ""
    sql = (
        f"SELECT %s AS g, {key} AS k, {', '.join(sums)} FROM {table}"
        f" WHERE {' AND '.join(conditions)}{group}"
    )
    return sql, params


def read(branches: list[Branch]) -> dict[str, list[dict]]:
    """Each branch's rows (``{"key": …, counter: …}``, only the counters it sums) by
    branch name, in one statement."""
    result: dict[str, list[dict]] = {branch.name: [] for branch in branches}
    if not branches:
        return result
    connection = connections[branches[0].rows.db]
    parts, params = [], []
    for branch in branches:
        where = _where(branch.rows)
        if where is None:
            continue
        text, values = _branch_sql(branch, where, connection)
        parts.append(text)
        params.extend(values)
    if not parts:
        return result
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        sums = {branch.name: branch.sums for branch in branches}
        for name, key, *values in cursor.fetchall():
            row = {c: v for c, v in zip(COLUMNS, values, strict=True) if c in sums[name]}
            row["key"] = key
            result[name].append(row)
    return result
