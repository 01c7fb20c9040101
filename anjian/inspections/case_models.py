"""Administrative penalty cases (行政处罚案件) and the discretion table they are weighed by.

- ``DiscretionRule``: one row of the 自由裁量基准 — a violation (违法行为) with its legal
  basis and penalty basis, at one level of circumstances (情节), and the fine range it
  allows. Data, seeded from ``discretion_data`` and edited by the bureau; a row is retired,
  never deleted, so a case keeps the rule it was weighed by.
- ``Case``: 立案 → 调查 → 法制审核 (when the case needs it) → 告知 → 决定 → 执行 → 结案,
  or 移送 (行刑衔接: suspected crimes go to the police, with a record), or 不予处罚.
  The lifecycle (``lifecycle.CASE``) holds the legal-review gate: a case that needs review
  cannot be notified or decided before a reviewer other than its handlers has passed it.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TransitionRecord, VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths


class Circumstance(models.TextChoices):
    """情节 of a violation, from the lightest."""

    MINOR = "minor", _("轻微")
    ORDINARY = "ordinary", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class CaseState(models.TextChoices):
    FILED = "filed", _("已立案")
    INVESTIGATING = "investigating", _("调查取证")
    LEGAL_REVIEW = "legal_review", _("法制审核中")
    REVIEWED = "reviewed", _("法制审核通过")
    NOTIFIED = "notified", _("已告知")
    DECIDED = "decided", _("已决定")
    EXECUTED = "executed", _("已执行")
    CLOSED = "closed", _("已结案")
    TRANSFERRED = "transferred", _("已移送司法机关")
    DROPPED = "dropped", _("不予处罚")


class DiscretionRule(VersionedModel):
    """自由裁量基准: violation × circumstances → fine range (CNY) and other measures."""

    code = models.CharField(_("违法行为编码"), max_length=16)
    violation = models.CharField(_("违法行为"), max_length=200)
    violated_basis = models.CharField(_("违法依据"), max_length=300)
    penalty_basis = models.CharField(_("处罚依据"), max_length=300)
    circumstance = models.CharField(_("情节"), max_length=10, choices=Circumstance.choices)
    circumstance_note = models.CharField(_("情节描述"), max_length=300)
    fine_min = models.PositiveIntegerField(_("罚款下限（元）"), validators=[MinValueValidator(0)])
    fine_max = models.PositiveIntegerField(_("罚款上限（元）"), validators=[MinValueValidator(0)])
    other_measures = models.CharField(_("其他处罚"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("自由裁量基准")
        verbose_name_plural = _("自由裁量基准")
        ordering = ["code", "fine_min", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "circumstance"],
                condition=models.Q(is_active=True),
                name="discretion_rule_once",
            ),
            models.CheckConstraint(
                condition=models.Q(fine_min__lte=models.F("fine_max")),
                name="discretion_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.violation}（{self.get_circumstance_display()}）"


class Case(VersionedModel):
    """One administrative penalty case against a unit."""

    scope_paths = ScopePaths(
        region="enterprise__scope_region_code", industry="enterprise__industry_id"
    )

    number = models.CharField(_("立案编号"), max_length=60)
    department = models.ForeignKey(
        "regions.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("立案部门")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="penalty_cases",
        verbose_name=_("当事人"),
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("来源检查"),
    )
    title = models.CharField(_("案由"), max_length=200)
    facts = models.TextField(_("违法事实"), max_length=4000)
    handlers = models.ManyToManyField(
        "inspections.Inspector", related_name="cases", verbose_name=_("承办人")
    )
    rule = models.ForeignKey(
        DiscretionRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("适用裁量基准"),
    )
    fine = models.PositiveIntegerField(_("罚款金额（元）"), null=True, blank=True)
    fine_reason = models.CharField(
        _("裁量理由"), max_length=500, blank=True, help_text=_("金额超出基准范围时必须说明")
    )
    other_measures = models.CharField(_("其他处罚"), max_length=200, blank=True)
    needs_legal_review = models.BooleanField(
        _("须法制审核"), default=False, help_text=_("行政处罚法第五十八条规定的情形")
    )
    legal_review_reason = models.CharField(_("须审核的情形"), max_length=200, blank=True)
    legal_review_opinion = models.TextField(_("法制审核意见"), max_length=2000, blank=True)
    filed_on = models.DateField(_("立案日期"))
    decide_by = models.DateField(_("决定期限"))
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    paid_on = models.DateField(_("缴款日期"), null=True, blank=True)
    execution_note = models.CharField(_("执行情况"), max_length=500, blank=True)
    transferred_to = models.CharField(_("移送机关"), max_length=120, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=CaseState.choices, default=CaseState.FILED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("处罚案件")
        verbose_name_plural = _("处罚案件")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:case_detail", args=[self.pk])


class CaseTransition(TransitionRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("案件办理记录")
        verbose_name_plural = _("案件办理记录")
