"""The dynamic-clearing summaries (动态清零): counters maintained by the services.

``HazardTally``: one row per (scope region code, industry, month found). Every service that
changes a hazard applies, in the same transaction, the difference between the hazard's
contribution before and after (``hazards.tally``), so the figures are exact at every
commit. ``HazardOpenTally``: the hazards open against a deadline, one row per (scope region
code, industry, deadline, major); overdue and due-soon are sums over its rows before or
after today, so they stay exact as the days pass without any job touching them. Each has a
district roll-up that city and district figures read. ``anjian hazards tally --rebuild``
recomputes all four from the ledger.
"""

from django.db import models

from anjian.core.scoping import ScopePaths
from anjian.hazards.choices import Source
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import code_length

COUNTERS = (
    "found",  # valid hazards found (void ones excluded)
    "voided",
    "registered",  # found and 上账 (every state but 待上账)
    "closed",
    "closed_on_time",
    "close_days",  # sum of days from found to closed, over closed hazards
    "major",
    "major_closed",
    "on_spot",
    *(f"found_{s}" for s in Source.values),
    *(f"closed_{s}" for s in Source.values),
)


# Not ``scope_paths``: no page lists tally rows; the figures selectors filter with these.
TALLY_SCOPE_PATHS = ScopePaths(region="scope_region_code", industry="industry_id")
DISTRICT_TALLY_SCOPE_PATHS = ScopePaths(region="district_code", industry="industry_id")


class TallyCounters(models.Model):
    found = models.IntegerField(default=0)
    voided = models.IntegerField(default=0)
    registered = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    close_days = models.IntegerField(default=0)
    major = models.IntegerField(default=0)
    major_closed = models.IntegerField(default=0)
    on_spot = models.IntegerField(default=0)
    found_self_check = models.IntegerField(default=0)
    found_inspection = models.IntegerField(default=0)
    found_patrol = models.IntegerField(default=0)
    found_tipoff = models.IntegerField(default=0)
    found_alarm = models.IntegerField(default=0)
    found_other = models.IntegerField(default=0)
    closed_self_check = models.IntegerField(default=0)
    closed_inspection = models.IntegerField(default=0)
    closed_patrol = models.IntegerField(default=0)
    closed_tipoff = models.IntegerField(default=0)
    closed_alarm = models.IntegerField(default=0)
    closed_other = models.IntegerField(default=0)

    class Meta:
        abstract = True


class HazardTally(TallyCounters):
    scope_region_code = models.CharField(max_length=24)
    industry = models.ForeignKey("regions.Industry", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope_region_code", "industry", "month"], name="hazard_tally_key"
            )
        ]
        indexes = [
            # Covering: a street's or district's figures are an index-only scan in code
            # order, not a visit to each of the pages its rows lie scattered over
            # (PostgreSQL; SQLite keeps the key columns only).
            models.Index(
                fields=["scope_region_code", "month"],
                name="hazard_tally_scope_month",
                opclasses=["varchar_pattern_ops", "date_ops"],
                include=["industry", *COUNTERS],
            ),
            # What is open now (未销号, 现存重大) sums the rows with something open: a few
            # recent months of a district's five years of rows (``summaries``).
            models.Index(
                fields=["scope_region_code"],
                name="hazard_tally_open_now",
                opclasses=["varchar_pattern_ops"],
                include=["industry", "found", "closed", "major", "major_closed"],
                condition=~models.Q(found=models.F("closed")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_region_code}/{self.industry_id}/{self.month:%Y-%m}"


class HazardDistrictTally(TallyCounters):
    """The same counters rolled up to the district (区): what city and district figures read.

    A city's figures sum a few thousand rows here instead of the street-level table's
    hundred thousand; street and grid scopes read ``HazardTally``. Kept by the same
    ``tally.apply`` in the same transaction.
    """

    district_code = models.CharField(max_length=code_length(RegionLevel.DISTRICT))
    industry = models.ForeignKey("regions.Industry", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "industry", "month"], name="hazard_district_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district_code}/{self.industry_id}/{self.month:%Y-%m}"


class HazardOpenTally(models.Model):
    """Hazards open against a deadline (上账 to 待验收) per place, industry, deadline and grade.

    ``open`` may fall to zero when the last such hazard closes; the nightly
    ``prune_open_tally`` sweep deletes those rows and folds the rows whose deadline has
    passed into one per (region, industry, grade) at ``tally.PAST_DEADLINES``.
    """

    scope_region_code = models.CharField(max_length=24)
    industry = models.ForeignKey("regions.Industry", on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField()
    major = models.BooleanField()
    open = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope_region_code", "industry", "deadline", "major"],
                name="hazard_open_tally_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["scope_region_code", "deadline"],
                name="hazard_open_tally_scope",
                opclasses=["varchar_pattern_ops", "date_ops"],
                include=["industry", "major", "open"],  # covering, as HazardTally's
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_region_code}/{self.industry_id}/{self.deadline}: {self.open}"


class HazardDistrictOpenTally(models.Model):
    """``HazardOpenTally`` rolled up to the district, for city and district figures."""

    district_code = models.CharField(max_length=code_length(RegionLevel.DISTRICT))
    industry = models.ForeignKey("regions.Industry", on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField()
    major = models.BooleanField()
    open = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "industry", "deadline", "major"],
                name="hazard_district_open_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.district_code}/{self.industry_id}/{self.deadline}: {self.open}"
