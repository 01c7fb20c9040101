"""Enterprise self-checks (隐患自查): plans with checklists; failed items raise hazards."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import ScopedQuerySet, ScopePaths
from anjian.hazards.choices import CheckFrequency

ENTERPRISE_PATHS = ScopePaths(
    region="enterprise__scope_region_code",
    industry="enterprise__industry_id",
    enterprise="enterprise_id",
)


class CheckPlan(models.Model):
    """A checklist an enterprise runs daily, weekly, monthly or for a special campaign."""

    scope_paths = ENTERPRISE_PATHS

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="check_plans"
    )
    name = models.CharField(_("检查计划"), max_length=80)
    frequency = models.CharField(_("频次"), max_length=10, choices=CheckFrequency.choices)
    scope_note = models.CharField(_("检查范围"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自查计划")
        verbose_name_plural = _("自查计划")
        ordering = ["enterprise", "name"]

    def __str__(self) -> str:
        return self.name


class CheckItemQuerySet(models.QuerySet):
    def active(self):
        """The items on the checklist now (retired items stay for the records that used them)."""
        return self.filter(is_active=True)


class CheckItem(models.Model):
    """One line of a plan's checklist. An item that checks have used is never deleted:
    taking it off the checklist retires it (``is_active`` false, ``retired_at`` set).

    ``text`` says what should be true (合格 = yes); ``finding`` says the problem when it is
    not, as an inspector records it, and titles the hazard a failed check raises (items
    without one get a title phrased from ``text``); ``area`` is the place the item is about,
    when it is about one place — the default of each failed result's ``place``."""

    plan = models.ForeignKey(CheckPlan, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("检查内容"), max_length=300)
    finding = models.CharField(
        _("问题表述"),
        max_length=120,
        blank=True,
        help_text=_("不合格时登记的隐患名称，如“装置区、罐区、管线存在跑冒滴漏”"),
    )
    area = models.CharField(_("检查部位"), max_length=120, blank=True)
    clause = models.ForeignKey(
        "hazards.StandardClause",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对应重大隐患条款"),
    )
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("在用"), default=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    objects = CheckItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "sort_order", "id"]

    def __str__(self) -> str:
        return self.text


class CheckRecord(models.Model):
    """One run of a plan: who checked, when, and each item's result."""

    scope_paths = ENTERPRISE_PATHS

    plan = models.ForeignKey(CheckPlan, on_delete=models.PROTECT, related_name="records")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField(_("检查时间"), default=timezone.now)
    note = models.TextField(_("备注"), max_length=1000, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自查记录")
        verbose_name_plural = _("自查记录")
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.performed_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("selfcheck:record_detail", args=[self.pk])


class CheckResult(models.Model):
    """One item's result in a record. A failed one names the place the problem was found
    (``place``, the raised hazard's 隐患部位) and links the hazard it raised."""

    record = models.ForeignKey(CheckRecord, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("问题说明"), max_length=500, blank=True)
    place = models.CharField(_("检查部位"), max_length=120, blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="check_result",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "item"], name="check_result_once")]

    def __str__(self) -> str:
        return f"{self.item} {'✓' if self.passed else '✗'}"
