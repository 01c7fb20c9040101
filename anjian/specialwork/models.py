"""特殊作业票 (GB 30871-2022): an enterprise's permits for 动火, 受限空间, 盲板抽堵, 高处, 吊装,
临时用电, 动土 and 断路 work, with their gas analyses, approvals and timelines.

- ``Permit``: one permit of one enterprise (``EnterpriseOwned``: scoped by its enterprise's
  region and industry). Its grade, the reasons for it, the rest days it covers and its end
  of validity are computed by ``services`` from the facts entered (``gb30871``), never typed;
  the state moves only through ``lifecycle.PERMIT``. Where the work is may name one of the
  enterprise's 危化品单元 or 重大危险源 (string foreign keys: this app does not import hazchem).
- ``GasAnalysis``: one sample (when, where, readings, the analyst); pass or fail and each
  check are computed when it is recorded.
- ``Approval``: one signature of table B.1 (stage, role, person, time, opinion); those of a
  permit sent back for changes are withdrawn, not deleted.
- ``ApproverMapping``: who in the enterprise holds a role of table B.1 (B.1 note 1); when it
  names a platform account, only that account records the role's signature.
- ``PermitTransition``: the timeline (transitions, analyses, approvals, work records).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TimeStampedModel, TransitionRecord, VersionedModel
from anjian.core.scoping import ScopedQuerySet
from anjian.enterprises.owned import EnterpriseOwned
from anjian.specialwork.choices import (
    LIVE_STATES,
    OPEN_STATES,
    ApproverRole,
    Grade,
    HotPlace,
    Kind,
    Stage,
    State,
    ToxicUnit,
)

PERCENT = {"max_digits": 7, "decimal_places": 3, "null": True, "blank": True}
AMOUNT = {"max_digits": 12, "decimal_places": 3, "null": True, "blank": True}
PREFIXES = {  # the permit number's letters (作业票编号)
    Kind.HOT: "DH",
    Kind.CONFINED: "SX",
    Kind.BLINDING: "MB",
    Kind.HEIGHT: "GC",
    Kind.LIFTING: "DZ",
    Kind.POWER: "LD",
    Kind.DIGGING: "DT",
    Kind.ROAD: "DL",
}


class PermitQuerySet(ScopedQuerySet):
    def open(self) -> "PermitQuerySet":
        """Approved and not ended: work may go on under them now (the officials' map)."""
        return self.filter(state__in=OPEN_STATES)


class Permit(EnterpriseOwned, VersionedModel):
    """A 特殊作业安全作业票 and what its rules were computed from."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="work_permits",
        verbose_name=_("单位"),
    )
    number = models.CharField(_("作业票编号"), max_length=24, unique=True, editable=False)
    kind = models.CharField(_("作业类别"), max_length=10, choices=Kind.choices)
    grade = models.CharField(
        _("作业级别"), max_length=8, choices=Grade.choices, blank=True, editable=False
    )
    grade_reasons = models.JSONField(_("定级依据"), default=list, editable=False)
    edition = models.CharField(_("依据标准"), max_length=20, editable=False)

    # The facts the grade and the rules depend on (gb30871.Facts).
    hot_place = models.CharField(_("动火部位"), max_length=16, choices=HotPlace.choices, blank=True)
    shutdown_approved = models.BooleanField(_("已停车置换隔离，经批准按二级管理"), default=False)
    night_work = models.BooleanField(_("夜间作业"), default=False)
    strong_wind = models.BooleanField(_("五级风以上室外动火"), default=False)
    other_special = models.BooleanField(_("其他特殊情况"), default=False)
    rest_days = models.JSONField(_("作业时段内的节假日、公休日"), default=list, editable=False)
    height_m = models.DecimalField(
        _("作业高度（米）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    height_hazards = models.JSONField(_("客观危险因素"), default=list, blank=True)
    load_t = models.DecimalField(_("吊物质量（吨）"), **AMOUNT)
    hazard_area = models.BooleanField(_("在运行装置的火灾爆炸危险场所内用电"), default=False)
    long_use = models.BooleanField(_("特殊情况，用电期限至30天"), default=False)
    deep_near_lines = models.BooleanField(_("深度超过1.2米且可能有可燃有毒管线"), default=False)
    oxygen_rich = models.BooleanField(_("富氧环境或氧气设备"), default=False)

    # Where and what.
    unit = models.ForeignKey(
        "hazchem.ChemicalUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("危化品单元"),
    )
    source = models.ForeignKey(
        "hazchem.MajorHazardSource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("重大危险源"),
    )
    place = models.CharField(_("作业地点"), max_length=200)
    content = models.TextField(_("作业内容"), max_length=2000)
    planned_start = models.DateTimeField(_("计划开始时间"))
    planned_end = models.DateTimeField(_("计划结束时间"))
    valid_until = models.DateTimeField(_("有效期至"), editable=False)
    guardian = models.CharField(_("监护人"), max_length=40)
    workers = models.JSONField(_("作业人员"), default=list)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("申请人"),
    )

    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    started_at = models.DateTimeField(_("开始作业时间"), null=True, blank=True, editable=False)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)

    objects = PermitQuerySet.as_manager()

    class Meta:
        verbose_name = _("特殊作业票")
        verbose_name_plural = _("特殊作业票")
        ordering = ["-planned_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gt=models.F("planned_start")),
                name="specialwork_permit_end_after_start",
            ),
        ]
        indexes = [
            # The expiry sweep: the live permits past their validity.
            models.Index(
                fields=["valid_until"],
                condition=models.Q(state__in=LIVE_STATES),
                name="specialwork_permit_live",
            ),
            models.Index(fields=["scope_region_code", "planned_start"], name="specialwork_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.grade_label}"

    def get_absolute_url(self) -> str:
        return reverse("specialwork:permit_detail", args=[self.pk])

    @property
    def grade_label(self) -> str:
        """ "特级动火作业", "Ⅱ级高处作业", "受限空间作业" …"""
        grade = self.get_grade_display() if self.grade else ""
        return f"{grade}{self.get_kind_display()}"


class PermitTransition(TransitionRecord):
    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("作业票办理记录")
        verbose_name_plural = _("作业票办理记录")


class GasAnalysis(TimeStampedModel):
    """One gas sample of a permit's work (气体分析), judged when it is recorded."""

    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="analyses")
    taken_at = models.DateTimeField(_("取样时间"))
    point = models.CharField(_("取样部位"), max_length=100)
    lel_percent = models.DecimalField(_("可燃介质爆炸下限（%）"), **PERCENT)
    flammable_percent = models.DecimalField(_("可燃气体浓度（%，体积分数）"), **PERCENT)
    oxygen_percent = models.DecimalField(_("氧含量（%，体积分数）"), **PERCENT)
    toxic_name = models.CharField(_("有毒物质"), max_length=40, blank=True)
    toxic_value = models.DecimalField(_("有毒物质浓度"), **AMOUNT)
    toxic_limit = models.DecimalField(_("有毒物质容许浓度"), **AMOUNT)
    toxic_unit = models.CharField(
        _("浓度单位"), max_length=8, choices=ToxicUnit.choices, blank=True
    )
    passed = models.BooleanField(_("合格"), editable=False)
    checks = models.JSONField(_("判定"), default=list, editable=False)
    analyst = models.CharField(_("分析人"), max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("气体分析")
        verbose_name_plural = _("气体分析")
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["permit", "taken_at"], name="specialwork_analysis_time")]


class Approval(TimeStampedModel):
    """One signature of table B.1: a countersignature or the approval, by the person holding
    the role, with the time and opinion; ``withdrawn`` when the permit went back to draft."""

    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="approvals")
    stage = models.CharField(_("环节"), max_length=12, choices=Stage.choices)
    role = models.CharField(_("审批角色"), max_length=12, choices=ApproverRole.choices)
    person = models.CharField(_("签字人"), max_length=40)
    at = models.DateTimeField(_("签字时间"))
    agreed = models.BooleanField(_("同意"))
    opinion = models.CharField(_("意见"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    withdrawn = models.BooleanField(_("已撤回"), default=False, editable=False)

    class Meta:
        verbose_name = _("审批意见")
        verbose_name_plural = _("审批意见")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "stage", "role"],
                condition=models.Q(withdrawn=False),
                name="specialwork_one_signature_per_step",
            )
        ]


class ApproverMapping(TimeStampedModel):
    """Who holds a role of table B.1 in one enterprise (B.1 note 1). Read and written
    through the enterprise (in the writer's scope), like a permit's analyses."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("审批角色"), max_length=12, choices=ApproverRole.choices)
    person = models.CharField(_("姓名（职务）"), max_length=60)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("平台账号"),
    )

    class Meta:
        verbose_name = _("审批人设置")
        verbose_name_plural = _("审批人设置")
        ordering = ["enterprise_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "role"], name="specialwork_one_mapping_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.person}"
