"""Reading the dynamic-clearing summaries for a figures page in one statement.

A figures page shows the counters per month (the trend, 同比/环比, the headline sums), per
district or street and per industry, each with the current figures (未销号, 现存重大) that
the period does not narrow. Each of those is a ``Branch``: a GROUP BY over one summary
table under the user's scope and the page's filters; ``read`` joins them with UNION ALL,
so the page pays one round trip and no ORM compilation per grouping.

A breakdown's period counters and its current figures are two branches: the first reads
only the period's months (the counters' twenty sums over a fifth of the rows for 本年),
the second every month but only the two current sums. Keys come back as text.

The rows in scope are read once per table into a WITH query that the branches group: a
street's rows lie scattered over the table, and PostgreSQL materialises a WITH query that
several branches read.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet

from anjian.hazards.models import COUNTERS

# Current figures (未销号, 现存重大): open now, whatever the period says.
CURRENT = ("open_now", "major_open_now")
COLUMNS = (*COUNTERS, *CURRENT)


@dataclass(frozen=True)
class Branch:
    name: str
    rows: QuerySet  # the summary rows under scope and filters
    key: str | None  # the grouping column (``region:<length>`` for a code prefix); None: one row
    sums: tuple[str, ...]  # which of ``COLUMNS`` it sums; the rest come back NULL
    month_from: date | None = None
    month_to: date | None = None


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


def _branch_sql(
    branch: Branch, table: str, where: tuple[str, list], connection
) -> tuple[str, list]:
    quote = connection.ops.quote_name
    expressions = {name: f"SUM({quote(name)})" for name in COUNTERS}
    expressions["open_now"] = f"SUM({quote('found')} - {quote('closed')})"
    expressions["major_open_now"] = f"SUM({quote('major')} - {quote('major_closed')})"
    if branch.key is None:
        key = "''"
    elif branch.key.startswith("region:"):
        field, length = branch.key.removeprefix("region:").split(":")
        key = f"SUBSTR({quote(field)}, 1, {int(length)})"
    else:
        key = f"CAST({quote(branch.key)} AS TEXT)"
    conditions, params = [f"({where[0]})"], [branch.name, *where[1]]
    if branch.month_from:
        conditions.append(f"{quote('month')} >= %s")
        params.append(connection.ops.adapt_datefield_value(branch.month_from))
    if branch.month_to:
        conditions.append(f"{quote('month')} <= %s")
        params.append(connection.ops.adapt_datefield_value(branch.month_to))
    sums = ", ".join(
        f"{expressions[name] if name in branch.sums else 'CAST(NULL AS BIGINT)'} AS {quote(name)}"
        for name in COLUMNS
    )
    group = f" GROUP BY {key}" if branch.key else ""
    condition = " AND ".join(conditions)
    return f"SELECT %s AS g, {key} AS k, {sums} FROM {table} WHERE {condition}{group}", params


def read(branches: list[Branch]) -> dict[str, list[dict]]:
    """Each branch's rows (``{"key": …, counter: …}``, only the counters it sums) by
    branch name, in one statement."""
    result: dict[str, list[dict]] = {branch.name: [] for branch in branches}
    if not branches:
        return result
    connection = connections[branches[0].rows.db]
    quote = connection.ops.quote_name
    parts, params = [], []
    for branch in branches:
        where = _where(branch.rows)
        if where is None:
            continue
        table = quote(branch.rows.model._meta.db_table)
        text, values = _branch_sql(branch, table, where, connection)
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
