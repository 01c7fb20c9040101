"""Supervision of hazards: 挂牌督办, revisits (回头看) and the overdue escalation ladder."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import ScopedQuerySet, ScopePaths
from anjian.hazards.choices import (
    EscalationTarget,
    Grade,
    ListingLevel,
    ListingState,
    RevisitResult,
    RevisitState,
)


class SupervisionListing(models.Model):
    """挂牌督办 of a major hazard by a city, district or street authority, until 摘牌."""

    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="listings")
    level = models.CharField(_("督办级别"), max_length=10, choices=ListingLevel.choices)
    authority = models.CharField(_("督办单位"), max_length=80)
    document_number = models.CharField(_("督办文号"), max_length=60)
    listed_on = models.DateField(_("挂牌日期"), default=timezone.localdate)
    deadline = models.DateField(_("督办期限"))
    requirements = models.TextField(_("督办要求"), max_length=2000, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=ListingState.choices, default=ListingState.LISTED
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("摘牌时间"), null=True, blank=True)
    sign_off_note = models.TextField(_("摘牌意见"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=models.Q(state="listed"),
                name="listing_one_active_per_hazard",
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.document_number}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == ListingState.LISTED and self.deadline < today


class Revisit(models.Model):
    """回头看: a check, after 销号, that the fix has held. Major hazards always get one;
    a sample of general hazards too."""

    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="revisits")
    due_on = models.DateField(_("应完成日期"))
    sampled = models.BooleanField(_("抽查"), default=False, help_text=_("一般隐患按比例抽取"))
    state = models.CharField(
        _("状态"), max_length=10, choices=RevisitState.choices, default=RevisitState.SCHEDULED
    )
    result = models.CharField(
        _("结论"), max_length=10, choices=RevisitResult.choices, blank=True, default=""
    )
    note = models.TextField(_("回头看情况"), max_length=2000, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    scheduled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        ordering = ["due_on", "id"]
        constraints = [
            # The sweep schedules once per hazard, however often it runs.
            models.UniqueConstraint(fields=["hazard"], name="revisit_once_per_hazard")
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.due_on}"


class EscalationRule(models.Model):
    """One rung of the overdue ladder: N days past the deadline, tell this level.

    Rules without a region apply everywhere; a district can add its own (its rules then
    replace the defaults for hazards under it). ``grade`` blank = any grade.
    """

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("适用区划"),
        help_text=_("空白为全市默认"),
    )
    grade = models.CharField(
        _("适用等级"), max_length=8, choices=Grade.choices, blank=True, default=""
    )
    days_overdue = models.PositiveSmallIntegerField(_("逾期天数"))
    target = models.CharField(_("督促对象"), max_length=12, choices=EscalationTarget.choices)

    class Meta:
        verbose_name = _("逾期督促规则")
        verbose_name_plural = _("逾期督促规则")
        ordering = ["region_id", "grade", "days_overdue"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "grade", "target"], name="escalation_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"+{self.days_overdue}d → {self.get_target_display()}"


class MeasureState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已落实")
    CANCELLED = "cancelled", _("已撤销")


class SystemMeasure(models.Model):
    """制度措施清单: a rule or measure that attacks the root of recurring hazards.

    The government side keeps it for its region (optionally an industry): the common
    problem, the measure, who leads, by when, and the hazards that prompted it.
    """

    scope_paths = ScopePaths(region="region__code", industry="industry_id")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    industry = models.ForeignKey(
        "regions.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("行业领域"),
    )
    problem = models.TextField(_("共性问题/突出隐患"), max_length=2000)
    measure = models.TextField(_("制度措施"), max_length=2000)
    lead_unit = models.CharField(_("牵头单位"), max_length=80)
    partner_units = models.CharField(_("责任单位"), max_length=200, blank=True)
    deadline = models.DateField(_("完成时限"))
    state = models.CharField(
        _("状态"), max_length=12, choices=MeasureState.choices, default=MeasureState.IN_PROGRESS
    )
    progress = models.TextField(_("落实情况"), max_length=2000, blank=True)
    hazards = models.ManyToManyField(
        "hazards.Hazard", blank=True, related_name="system_measures", verbose_name=_("关联隐患")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("制度措施")
        verbose_name_plural = _("制度措施清单")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.measure[:40]
