"""The reporting chain's clock and the other statutory periods — pure, no database.

- The unit's head reports to the county-level authority within **1 hour** of learning of
  the accident (493号令 Art. 9); each further level within **2 hours** of being informed
  (Art. 11), up to the level the grade requires (Art. 10): 一般 → the city, 较大 → the
  province, 重大/特别重大 → the State Council's department. For 较大 and above the county
  and city also telephone the province within 1 hour (安监总局令第21号 Art. 6), so the
  province is due 1 hour after the county was informed at the latest.
- A level not yet informed is due from the previous level's due time; once the previous
  level was informed its actual time counts (a late link does not excuse the next).
- Casualty changes are reported within **30 days** (road traffic and fire: **7 days**)
  (Art. 13); a change after that window is flagged.
- Follow-up reports (续报): at least one a day, two a day for 重大 and above (21号令 Art. 11).
- The investigation report is due a number of days after the accident by grade, extendable
  once; days of technical appraisal do not count (Art. 29, RULES.md §2.3 and §18; the days
  are settings: ``ACCIDENT_INVESTIGATION_DAYS``).
- The report is replied to within 15 days (特别重大: 30) (Art. 32); the rectification
  measures are evaluated within a year of the reply (整改措施落实后评估).
"""

from datetime import date, datetime, timedelta

from anjian.accidents.choices import RANK, SEVEN_DAY_CATEGORIES, Grade, Level

UNIT_TO_COUNTY = timedelta(hours=1)
PER_LEVEL = timedelta(hours=2)
PROVINCE_BY_PHONE = timedelta(hours=1)
CHAIN = (Level.COUNTY, Level.CITY, Level.PROVINCE, Level.STATE)
TOP_LEVEL = {
    Grade.GENERAL: Level.CITY,
    Grade.LARGER: Level.PROVINCE,
    Grade.MAJOR: Level.STATE,
    Grade.EXTRAORDINARY: Level.STATE,
}
EVALUATE_WITHIN = timedelta(days=365)


def levels_for(grade: Grade) -> tuple[Level, ...]:
    """The levels a report of this grade must reach, from the county up."""
    return CHAIN[: CHAIN.index(TOP_LEVEL[grade]) + 1]


def due_times(
    known_at: datetime, grade: Grade, informed: dict[str, datetime | None]
) -> dict[str, datetime]:
    """When each required level must have been informed, given when the unit knew and
    which levels were informed when (``informed[level]``, None or absent when not yet)."""
    due: dict[str, datetime] = {}
    previous_due = previous_informed = None
    for level in levels_for(grade):
        if previous_due is None:
            due[level] = known_at + UNIT_TO_COUNTY
        else:
            due[level] = (previous_informed or previous_due) + PER_LEVEL
        if level == Level.PROVINCE and RANK[grade] >= RANK[Grade.LARGER]:
            county_time = informed.get(Level.COUNTY) or due[Level.COUNTY]
            due[level] = min(due[level], county_time + PROVINCE_BY_PHONE)
        previous_due, previous_informed = due[level], informed.get(level)
    return due


def window_days(category: str) -> int:
    return 7 if category in SEVEN_DAY_CATEGORIES else 30


def window_ends(occurred_at: datetime, category: str) -> datetime:
    """The end of the period in which casualty changes belong to the accident."""
    return occurred_at + timedelta(days=window_days(category))


def follow_ups_per_day(grade: Grade) -> int:
    return 2 if RANK[grade] >= RANK[Grade.MAJOR] else 1


def investigation_due(
    occurred_on: date,
    grade: Grade,
    days_by_grade: dict[str, int],
    *,
    extension_days: int = 0,
    appraisal_days: int = 0,
) -> date:
    return occurred_on + timedelta(days=days_by_grade[grade] + extension_days + appraisal_days)


def reply_days(grade: Grade) -> int:
    return 30 if grade == Grade.EXTRAORDINARY else 15


def evaluation_due(replied_on: date) -> date:
    return replied_on + EVALUATE_WITHIN
