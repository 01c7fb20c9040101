"""危险化学品与重大危险源: the chemical catalogue, each enterprise's production and storage
units (生产单元/储存单元) with their inventories, the identification and grading each unit
was last given (GB 18218-2018, ``identification``), and the major hazard sources with their
包保责任人 and check records.

- ``Chemical``: the catalogue, city-wide (not scoped). The 85 named rows of GB 18218 table 1
  ship with the platform (``catalogue.sync_shipped``); the rest of the 危险化学品目录 is
  imported by an administrator. ``table1_row`` ties a chemical to its table 1 row (Q, β);
  ``gb18218_classes`` are its table 2 classes (J1…W11) for chemicals not in table 1.
- ``ChemicalUnit``: a unit of one enterprise. Its cached evaluation (S, R, α, grade, every
  term in ``evaluation``) is written only by ``services.evaluate_unit``, in the transaction
  that changed the inventory, so what the page shows is what the inventory says.
- ``InventoryLine``: a chemical in a unit with its design maximum quantity in tonnes
  (设计最大量, GB 18218-2018 4.2.2).
- ``MajorHazardSource``: one per unit that was ever a major hazard source; its grade follows
  the unit's evaluation; it is filed (备案) and, when the unit no longer qualifies, closed
  (核销) — never deleted.
- ``SourceDuty`` / ``DutyCheck``: the three 包保责任人 (a person holds a role from a day
  until a day: the history stays) and the checks each records.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TimeStampedModel, TransitionRecord, VersionedModel
from anjian.core.scoping import ScopedQuerySet
from anjian.enterprises.owned import EnterpriseOwned
from anjian.hazchem.choices import (
    CatalogueSource,
    DutyRole,
    Grade,
    Mixture,
    SourceState,
    UnitKind,
)
from anjian.hazchem.duty_periods import DutyPeriod

QUANTITY = {"max_digits": 14, "decimal_places": 4}  # tonnes, to 0.1 kg
FIGURE = {"max_digits": 24, "decimal_places": 6}  # S and R as stored (shown to 4 places)


class Chemical(VersionedModel):
    """One entry of the catalogue (危险化学品目录, GB 18218 table 1)."""

    name = models.CharField(_("品名"), max_length=200, unique=True)
    aliases = models.CharField(
        _("别名"), max_length=500, blank=True, help_text=_("多个别名用顿号分隔")
    )
    cas = models.CharField(_("CAS号"), max_length=16, blank=True, db_index=True)
    un_number = models.CharField(_("UN号"), max_length=8, blank=True)
    catalogue_number = models.PositiveIntegerField(
        _("目录序号"), null=True, blank=True, help_text=_("《危险化学品目录（2015版）》序号")
    )
    ghs_classes = models.CharField(
        _("危险性类别"),
        max_length=1000,
        blank=True,
        help_text=_("按《危险化学品目录》实施指南的 GHS 类别，如“易燃液体，类别2”"),
    )
    gb18218_classes = models.JSONField(
        _("GB 18218 表2类别"),
        default=list,
        blank=True,
        help_text=_("表1未列名时按表2确定临界量的类别代码，如 W5.3、J4"),
    )
    table1_row = models.PositiveSmallIntegerField(
        _("GB 18218 表1行号"), null=True, blank=True, db_index=True
    )
    highly_toxic = models.BooleanField(_("剧毒"), default=False)
    explosive_precursor = models.BooleanField(_("易制爆"), default=False)
    drug_precursor = models.BooleanField(_("易制毒"), default=False)
    key_supervised = models.BooleanField(_("重点监管"), default=False)
    special_control = models.BooleanField(_("特别管控"), default=False)
    source = models.CharField(
        _("来源"), max_length=8, choices=CatalogueSource.choices, default=CatalogueSource.ENTERED
    )
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("危险化学品")
        verbose_name_plural = _("危险化学品目录")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.cas}）" if self.cas else self.name


class UnitQuerySet(ScopedQuerySet):
    def active(self) -> "UnitQuerySet":
        return self.filter(active=True)


class ChemicalUnit(EnterpriseOwned, VersionedModel):
    """A 生产单元 or 储存单元 of one enterprise, with its cached identification and grading."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="chemical_units",
        verbose_name=_("单位"),
    )
    kind = models.CharField(_("单元类型"), max_length=12, choices=UnitKind.choices)
    name = models.CharField(_("单元名称"), max_length=120)
    boundary = models.CharField(
        _("单元边界"),
        max_length=500,
        blank=True,
        help_text=_("生产单元以切断阀为界；储罐区以防火堤为界；仓库以独立库房为界"),
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    population_500m = models.PositiveIntegerField(
        _("500米范围内常住人口"),
        default=0,
        help_text=_("厂区边界向外500米范围内的常住人口数量，用于确定校正系数α"),
    )
    active = models.BooleanField(_("在用"), default=True, editable=False)
    retired_reason = models.CharField(_("停用原因"), max_length=500, blank=True, editable=False)

    # The last evaluation (services.evaluate_unit writes these, nothing else does).
    s_value = models.DecimalField(_("S值"), null=True, blank=True, editable=False, **FIGURE)
    r_value = models.DecimalField(_("R值"), null=True, blank=True, editable=False, **FIGURE)
    alpha = models.DecimalField(
        _("α"), max_digits=4, decimal_places=2, null=True, blank=True, editable=False
    )
    is_major = models.BooleanField(_("构成重大危险源"), default=False, editable=False)
    grade = models.CharField(
        _("级别"), max_length=1, choices=Grade.choices, blank=True, editable=False
    )
    evaluation = models.JSONField(_("辨识过程"), default=dict, blank=True, editable=False)
    evaluation_error = models.CharField(
        _("无法辨识的原因"), max_length=500, blank=True, editable=False
    )
    evaluated_at = models.DateTimeField(_("辨识时间"), null=True, blank=True, editable=False)
    edition = models.CharField(_("依据标准"), max_length=40, blank=True, editable=False)
    # What the engine was last given, condensed (``evaluation.inputs_digest``): a bulk
    # re-evaluation skips a unit whose inputs are the same without computing anything.
    inputs_digest = models.CharField(max_length=32, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("危险化学品单元")
        verbose_name_plural = _("危险化学品单元")
        ordering = ["enterprise_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"],
                condition=models.Q(active=True),
                name="hazchem_unit_name_unique_active",
            )
        ]

    def __str__(self) -> str:
        return self.name


class InventoryLine(VersionedModel):
    """A chemical in a unit with its design maximum quantity q in tonnes."""

    unit = models.ForeignKey(
        ChemicalUnit, on_delete=models.PROTECT, related_name="lines", verbose_name=_("单元")
    )
    chemical = models.ForeignKey(
        Chemical, on_delete=models.PROTECT, related_name="+", verbose_name=_("危险化学品")
    )
    max_quantity = models.DecimalField(_("设计最大量（吨）"), **QUANTITY)
    mixture = models.CharField(
        _("纯物质/混合物"), max_length=8, choices=Mixture.choices, default=Mixture.NO
    )
    own_classes = models.JSONField(
        _("混合物自身的表2类别"), default=list, blank=True, help_text=_("按自身危险性类别时填写")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("储存/在线量")
        verbose_name_plural = _("储存/在线量")
        ordering = ["unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "chemical", "mixture"], name="hazchem_line_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(max_quantity__gt=0), name="hazchem_line_quantity_positive"
            ),
        ]


class UnitEvaluation(models.Model):
    """One identification and grading of a unit, as it was (the history of its grade)."""

    unit = models.ForeignKey(ChemicalUnit, on_delete=models.PROTECT, related_name="evaluations")
    at = models.DateTimeField(_("辨识时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200)
    s_value = models.DecimalField(_("S值"), **FIGURE)
    r_value = models.DecimalField(_("R值"), null=True, blank=True, **FIGURE)
    is_major = models.BooleanField(_("构成重大危险源"))
    grade = models.CharField(_("级别"), max_length=1, choices=Grade.choices, blank=True)
    evaluation = models.JSONField(_("辨识过程"), default=dict)
    edition = models.CharField(_("依据标准"), max_length=40)

    class Meta:
        verbose_name = _("辨识分级记录")
        verbose_name_plural = _("辨识分级记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_id} S={self.s_value} {self.get_grade_display()}"


class SourceQuerySet(ScopedQuerySet):
    def current(self) -> "SourceQuerySet":
        return self.exclude(state=SourceState.CLOSED)


class MajorHazardSource(EnterpriseOwned, VersionedModel):
    """A 重大危险源: the unit it is, its grade (the unit's), filing and closing."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="major_hazard_sources",
        verbose_name=_("单位"),
    )
    unit = models.OneToOneField(
        ChemicalUnit, on_delete=models.PROTECT, related_name="source", verbose_name=_("单元")
    )
    number = models.CharField(_("编号"), max_length=24, unique=True, editable=False)
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=SourceState.choices,
        default=SourceState.IDENTIFIED,
        editable=False,
    )
    grade = models.CharField(_("级别"), max_length=1, choices=Grade.choices, editable=False)
    qualifies = models.BooleanField(
        _("仍构成重大危险源"), default=True, editable=False, help_text=_("随单元辨识结果")
    )
    identified_on = models.DateField(_("辨识日期"), editable=False)
    filing_due_on = models.DateField(
        _("备案期限"), null=True, blank=True, editable=False, help_text=_("辨识之日起15日内")
    )
    filed_on = models.DateField(_("备案日期"), null=True, blank=True, editable=False)
    filing_number = models.CharField(_("备案编号"), max_length=60, blank=True, editable=False)
    filed_grade = models.CharField(
        _("备案级别"), max_length=1, choices=Grade.choices, blank=True, editable=False
    )
    assessment_due_on = models.DateField(
        _("下次评估期限"), null=True, blank=True, editable=False, help_text=_("每三年")
    )
    monitoring_required = models.BooleanField(_("须在线监测"), default=True)
    closed_on = models.DateField(_("核销日期"), null=True, blank=True, editable=False)
    closed_reason = models.CharField(_("核销原因"), max_length=500, blank=True, editable=False)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("重大危险源")
        verbose_name_plural = _("重大危险源")
        ordering = ["grade", "number"]

    def __str__(self) -> str:
        return f"{self.unit.name}（{self.get_grade_display()}重大危险源）"

    def get_absolute_url(self) -> str:
        return reverse("hazchem:source_detail", args=[self.pk])


class SourceTransition(TransitionRecord):
    source = models.ForeignKey(
        MajorHazardSource, on_delete=models.PROTECT, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("重大危险源办理记录")
        verbose_name_plural = _("重大危险源办理记录")


class SourceDuty(VersionedModel):
    """A person holding one of the three 包保 roles of a source, from ``since`` until
    ``until`` (open: holds it now; the handover day belongs to both terms). One holder per
    role at a time; a term is ended, never deleted (``services_duties``)."""

    source = models.ForeignKey(MajorHazardSource, on_delete=models.PROTECT, related_name="duties")
    role = models.CharField(_("包保角色"), max_length=12, choices=DutyRole.choices)
    name = models.CharField(_("姓名"), max_length=40)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("平台账号"),
    )
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("截止日期"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("登记人"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("结束登记人"),
    )
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("包保责任人")
        verbose_name_plural = _("包保责任人")
        ordering = ["source_id", "role", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "role"],
                condition=models.Q(until__isnull=True),
                name="hazchem_one_holder_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class DutyCheck(TimeStampedModel):
    """A check a 包保责任人 made of the source (履职记录)."""

    source = models.ForeignKey(MajorHazardSource, on_delete=models.PROTECT, related_name="checks")
    duty = models.ForeignKey(SourceDuty, on_delete=models.PROTECT, related_name="checks")
    role = models.CharField(_("包保角色"), max_length=12, choices=DutyRole.choices)
    checked_on = models.DateField(_("检查日期"))
    findings = models.TextField(_("检查情况"), max_length=4000)
    hazards_found = models.PositiveIntegerField(_("发现隐患数"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("包保履职记录")
        verbose_name_plural = _("包保履职记录")
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["source", "role", "checked_on"])]


class DutyRule(models.Model):
    """How often one 包保 role checks its source, city-wide (RULES.md §14 rates the
    frequencies L: they are configuration). Never changed or deleted: a change is a new row
    with the next ``version`` (the unique pair makes two concurrent changes conflict); the
    newest row of a role is in force, the older ones are its history (who, when, why).
    Without a row the shipped default applies (``duty_periods.DEFAULT_RULES``, version 0)."""

    role = models.CharField(_("包保角色"), max_length=12, choices=DutyRole.choices)
    version = models.PositiveIntegerField(_("版本"))
    period = models.CharField(_("检查周期"), max_length=8, choices=DutyPeriod.choices)
    checks = models.PositiveSmallIntegerField(_("每周期至少检查次数"))
    basis = models.CharField(_("依据或说明"), max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("设置人"),
    )
    set_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("包保检查频次")
        verbose_name_plural = _("包保检查频次")
        ordering = ["role", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["role", "version"], name="hazchem_duty_rule_version"),
            models.CheckConstraint(
                condition=(models.Q(period=DutyPeriod.NONE, checks=0))
                | (~models.Q(period=DutyPeriod.NONE) & models.Q(checks__gte=1)),
                name="hazchem_duty_rule_checks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} v{self.version}"
