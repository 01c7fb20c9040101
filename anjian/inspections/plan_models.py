"""年度/季度监督检查计划: how often each unit is inspected, proposed from its grade.

- ``PlanPolicy``: a region's 分级分类 frequencies (visits a year per supervision grade),
  the extra visit for a unit with a 重大风险 point, and the cap on visits by one authority
  to one unit in a year. These are **local policy**, not national rules (RULES.md §11: no
  national frequency table exists); the nearest region's policy applies, else
  ``DEFAULT_POLICY``.
- ``InspectionPlan``: one department's plan for a year (``quarter`` 0) or a quarter; a
  lifecycle on the kernel (draft → submitted → approved; returned to draft with a reason).
- ``PlanEntry``: one unit in a plan: the visits the policy proposes, the visits planned
  (a change needs a reason), and the departments that join the visits (联合检查: one
  visit, several departments).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TransitionRecord, VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths


class PlanState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")


PLAN_STATE_COLOURS = {
    PlanState.DRAFT: "yellow",
    PlanState.SUBMITTED: "blue",
    PlanState.APPROVED: "green",
}

VISITS = [MinValueValidator(0), MaxValueValidator(24)]


class PlanPolicy(VersionedModel):
    """A region's inspection frequencies (local policy). Read by anyone planning (they are
    not confidential); written only by a user whose scope covers the region."""

    region = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("适用区划")
    )
    grade_a = models.PositiveSmallIntegerField(_("A类（次/年）"), validators=VISITS)
    grade_b = models.PositiveSmallIntegerField(_("B类（次/年）"), validators=VISITS)
    grade_c = models.PositiveSmallIntegerField(_("C类（次/年）"), validators=VISITS)
    grade_d = models.PositiveSmallIntegerField(_("D类（次/年）"), validators=VISITS)
    major_risk_extra = models.PositiveSmallIntegerField(
        _("存在重大风险加检（次/年）"), validators=VISITS
    )
    yearly_cap = models.PositiveSmallIntegerField(
        _("同一部门对同一单位每年检查上限（次）"),
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    basis = models.CharField(
        _("政策依据"), max_length=200, help_text=_("本地文件名称文号；本频次为地方政策")
    )

    class Meta:
        verbose_name = _("检查频次政策")
        verbose_name_plural = _("检查频次政策")

    def __str__(self) -> str:
        return f"{self.region_id} {self.basis}"

    def visits_for(self, grade: str) -> int:
        return {"A": self.grade_a, "B": self.grade_b, "C": self.grade_c, "D": self.grade_d}.get(
            grade, 0
        )


# Used where no region up the tree has a policy of its own: the usual local practice of
# 分级分类监管 (A quarterly, B twice a year, C once a year, D by random checks only).
DEFAULT_POLICY = PlanPolicy(
    grade_a=4,
    grade_b=2,
    grade_c=1,
    grade_d=0,
    major_risk_extra=1,
    yearly_cap=6,
    basis=str(_("平台默认（地方政策未配置）")),
)


class InspectionPlan(VersionedModel):
    scope_paths = ScopePaths(region="department__region__code")

    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="inspection_plans",
        verbose_name=_("编制部门"),
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("季度"), default=0, validators=[MaxValueValidator(4)], help_text=_("0 为年度计划")
    )
    title = models.CharField(_("计划名称"), max_length=120)
    state = models.CharField(
        _("状态"), max_length=12, choices=PlanState.choices, default=PlanState.DRAFT
    )
    policy_basis = models.CharField(_("频次依据"), max_length=200)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("编制人"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("监督检查计划")
        verbose_name_plural = _("监督检查计划")
        ordering = ["-year", "-quarter", "department_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "quarter"], name="plan_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "度")

    def get_absolute_url(self) -> str:
        return reverse("inspections:plan_detail", args=[self.pk])


class PlanEntry(models.Model):
    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="entries", verbose_name=_("计划")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    grade = models.CharField(_("监管等级"), max_length=1)
    major_risk = models.BooleanField(_("存在重大风险"), default=False)
    proposed_visits = models.PositiveSmallIntegerField(_("建议次数"), validators=VISITS)
    visits = models.PositiveSmallIntegerField(_("计划次数"), validators=VISITS)
    reason = models.CharField(_("调整理由"), max_length=200, blank=True)
    joint_departments = models.ManyToManyField(
        "regions.Department", blank=True, related_name="+", verbose_name=_("联合检查部门")
    )

    class Meta:
        verbose_name = _("计划检查对象")
        verbose_name_plural = _("计划检查对象")
        ordering = ["plan_id", "-visits", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.enterprise_id} × {self.visits}"


class PlanTransition(TransitionRecord):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("计划审批记录")
        verbose_name_plural = _("计划审批记录")
