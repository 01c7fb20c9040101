"""双随机一公开: the two pools, the matters checked, the draws and the tasks they give.

- ``Inspector``: one entry of a department's 执法检查人员名录库 — an official with a valid
  执法证. Only entries whose certificate is valid on the day of a draw are drawn.
- ``InspectorConflict``: a declared 回避 (kin, former employer …) of one inspector with one
  enterprise; withdrawn, never deleted.
- ``CheckMatter``: one item of the department's 随机抽查事项清单 — what is checked, on which
  legal basis, at enterprises of which industries (its target pool).
- ``Draw``: one draw, stored with its complete record (``records.dumps``: seed, both
  pools, rules, fingerprints, result) so anyone can re-run it; a draw that is voided stays,
  with its reason, and the next one is numbered as the next attempt.
- ``InspectionTask``: one drawn target with its inspectors; its outcome is published.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TimeStampedModel, TransitionRecord, VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths
from anjian.inspections.choices import DrawState, Outcome, TaskState
from anjian.inspections.draw import MIN_INSPECTORS


class Inspector(VersionedModel):
    """An official in a department's 执法检查人员名录库, with the 执法证 that allows it."""

    scope_paths = ScopePaths(region="department__region__code")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspector",
        verbose_name=_("人员账号"),
    )
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="inspectors",
        verbose_name=_("所属部门"),
    )
    certificate_number = models.CharField(
        _("执法证号"), max_length=40, unique=True, help_text=_("行政执法证件编号")
    )
    certificate_valid_until = models.DateField(
        _("执法证有效期至"), help_text=_("过期后不再参与抽取")
    )
    home_regions = models.ManyToManyField(
        "regions.Region",
        blank=True,
        related_name="+",
        verbose_name=_("居住或曾工作的街镇/社区"),
        help_text=_("抽取时回避这些区域内的检查对象"),
    )
    in_pool = models.BooleanField(
        _("纳入名录库"), default=True, help_text=_("调离、长期病休等不参加抽取时取消勾选")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录库")
        ordering = ["department_id", "certificate_number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_number}）"

    @property
    def name(self) -> str:
        return self.user.name or self.user.username

    def certificate_valid_on(self, day) -> bool:
        return self.certificate_valid_until >= day

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspector_detail", args=[self.pk])


class InspectorConflict(TimeStampedModel):
    """A declared 回避 of one inspector with one enterprise (withdrawn, never deleted).
    Read and written only through its inspector, which is scoped."""

    inspector = models.ForeignKey(
        Inspector, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("执法人员")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("回避的单位"),
    )
    reason = models.CharField(_("回避理由"), max_length=200, help_text=_("如：近亲属在该单位任职"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )

    class Meta:
        verbose_name = _("回避登记")
        verbose_name_plural = _("回避登记")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "enterprise"],
                condition=Q(withdrawn_at__isnull=True),
                name="inspector_conflict_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} 回避 {self.enterprise}"


class CheckMatter(VersionedModel):
    """One item of a department's 随机抽查事项清单."""

    scope_paths = ScopePaths(region="department__region__code")

    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="check_matters",
        verbose_name=_("实施部门"),
    )
    name = models.CharField(_("抽查事项"), max_length=120)
    basis = models.TextField(_("抽查依据"), max_length=2000, help_text=_("法律法规及条款"))
    industries = models.ManyToManyField(
        "regions.Industry", related_name="+", verbose_name=_("抽查对象行业")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("随机抽查事项")
        verbose_name_plural = _("随机抽查事项清单")
        ordering = ["department_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="check_matter_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Draw(VersionedModel):
    """One double-random draw with the record that lets anyone re-run it."""

    scope_paths = ScopePaths(region="department__region__code")

    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="draws",
        verbose_name=_("实施部门"),
    )
    matter = models.ForeignKey(
        CheckMatter, on_delete=models.PROTECT, related_name="draws", verbose_name=_("抽查事项")
    )
    title = models.CharField(_("抽查任务名称"), max_length=120)
    attempt = models.PositiveSmallIntegerField(
        _("第几次抽取"), default=1, help_text=_("同一任务作废后重新抽取时递增")
    )
    street = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("限定街镇"),
    )
    grades = models.CharField(
        _("限定监管等级"), max_length=8, blank=True, help_text=_("如 AB；空为不限")
    )
    count = models.PositiveIntegerField(_("抽取对象数"), validators=[MinValueValidator(1)])
    per_target = models.PositiveSmallIntegerField(
        _("每个对象的检查人员数"),
        default=MIN_INSPECTORS,
        validators=[MinValueValidator(MIN_INSPECTORS), MaxValueValidator(5)],
    )
    weighted = models.BooleanField(_("按风险加权"), default=False)
    drawn_on = models.DateField(_("抽取日期"), default=timezone.localdate)
    publish_by = models.DateField(_("公示期限"), help_text=_("抽取结果产生之日起的工作日期限"))
    seed = models.CharField(_("随机种子"), max_length=64)
    engine = models.CharField(_("抽取算法"), max_length=32)
    target_fingerprint = models.CharField(_("检查对象名录指纹"), max_length=64)
    inspector_fingerprint = models.CharField(_("执法人员名录指纹"), max_length=64)
    rules_fingerprint = models.CharField(_("抽取规则指纹"), max_length=64)
    target_pool_size = models.PositiveIntegerField(_("检查对象名录数"))
    inspector_pool_size = models.PositiveIntegerField(_("执法人员名录数"))
    record = models.TextField(_("抽取记录"), help_text=_("anjian-draw-record-1 格式，可独立复核"))
    state = models.CharField(
        _("状态"), max_length=12, choices=DrawState.choices, default=DrawState.DRAWN
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("抽取人"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "title", "attempt"], name="draw_unique_attempt"
            )
        ]

    def __str__(self) -> str:
        suffix = f"（第{self.attempt}次抽取）" if self.attempt > 1 else ""
        return f"{self.title}{suffix}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:draw_detail", args=[self.pk])


class DrawTransition(TransitionRecord):
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("抽取处理记录")
        verbose_name_plural = _("抽取处理记录")


class InspectionTask(VersionedModel):
    """One target of a draw with the inspectors drawn for it.

    An enterprise never sees its tasks (unannounced inspections): the scope has no
    enterprise path, so an enterprise user's queryset is empty.
    """

    scope_paths = ScopePaths(
        region="enterprise__scope_region_code", industry="enterprise__industry_id"
    )

    draw = models.ForeignKey(
        Draw,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("来源抽取"),
    )
    department = models.ForeignKey(
        "regions.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("实施部门")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="inspection_tasks",
        verbose_name=_("检查对象"),
    )
    inspectors = models.ManyToManyField(Inspector, related_name="tasks", verbose_name=_("检查人员"))
    position = models.PositiveIntegerField(_("抽取顺序"), default=0)
    unannounced = models.BooleanField(
        _("四不两直"), default=True, help_text=_("不发通知、不打招呼、直奔基层、直插现场")
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=TaskState.choices, default=TaskState.ASSIGNED
    )
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    outcome = models.CharField(
        _("检查结果"), max_length=12, choices=Outcome.choices, blank=True, default=""
    )
    outcome_note = models.CharField(_("结果说明"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["draw_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:task_detail", args=[self.pk])


class InspectionTaskTransition(TransitionRecord):
    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("检查任务处理记录")
        verbose_name_plural = _("检查任务处理记录")


class DocumentSerial(models.Model):
    """The last serial number a department issued of one kind of document in one year
    (RULES.md §17.2: 检查记录, 责令整改指令书, 整改复查意见书 … each numbered on its own).
    Advanced only by ``numbering.take`` inside the transaction that stores the document,
    so a document that is not stored gives its number back: no duplicates, no gaps."""

    department = models.ForeignKey(
        "regions.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("文书代字"), max_length=8)
    last = models.PositiveIntegerField(_("已用到的序号"))

    class Meta:
        verbose_name = _("文书编号")
        verbose_name_plural = _("文书编号")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "code"], name="document_serial_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.year} {self.code} {self.last}"


from anjian.inspections.case_models import (  # noqa: E402, F401
    Case,
    CaseTransition,
    DiscretionRule,
)
from anjian.inspections.plan_models import (  # noqa: E402, F401
    InspectionPlan,
    PlanEntry,
    PlanPolicy,
    PlanTransition,
)
from anjian.inspections.record_models import (  # noqa: E402, F401
    ChecklistEntry,
    ChecklistTemplate,
    EnforcementDocument,
    Evidence,
    Inspection,
    InspectionMark,
    InspectionTransition,
    RecordEntry,
    Visit,
)
