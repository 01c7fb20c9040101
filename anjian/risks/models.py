"""Risk points, their LEC / LS assessments and control measures (风险分级管控).

A risk point (风险点) is a workshop or area, a piece of equipment, an activity or a post of
one enterprise. Each assessment (RiskAssessment) multiplies the method's factors and grades
the score with the band table in force at that moment (RiskBandTable, versioned: a new
version never changes what older assessments used). The point caches its latest inherent
and residual grades; its *current* grade is the residual one once the measures have been
assessed, else the inherent one. Risk points are never deleted: they are retired with a
reason. The industry library (RiskLibraryEntry) holds typical points an enterprise starts
from.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import phone_validator
from anjian.core.models import VersionedModel
from anjian.core.scoping import ScopedQuerySet
from anjian.enterprises.owned import EnterpriseOwned
from anjian.risks import grading
from anjian.risks.choices import (
    LEVEL_RANK,
    METHOD_FACTORS,
    METHOD_SHORT,
    AccidentType,
    BoundaryRule,
    ControlLevel,
    DueState,
    FactorClass,
    Level,
    MeasureKind,
    Method,
    PointKind,
    PointStatus,
    Stage,
)

# Emergency numbers on the notice card: a phone, a landline or a short internal number.
emergency_phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{3,8})$",
    _("请输入手机号、带区号的固定电话或3–8位内部短号，如 021-65012345、8110"),
)
accident_types_validator = RegexValidator(
    r"^(0[1-9]|1\d|20)(,(0[1-9]|1\d|20))*$",
    _("事故类型应为 GB 6441 的两位代码（01–20），多个用逗号分隔"),
)

FACTOR_VALUE = {"max_digits": 8, "decimal_places": 2, "null": True, "blank": True}
SCORE = {"max_digits": 12, "decimal_places": 3}


def split_codes(value: str) -> list[str]:
    return [code for code in (value or "").split(",") if code]


def accident_type_labels(value: str) -> list[str]:
    labels = dict(AccidentType.choices)
    return [str(labels.get(code, code)) for code in split_codes(value)]


class RiskBandTableQuerySet(models.QuerySet):
    def current(self, method: str) -> "RiskBandTable":
        """The version in force for ``method``: the highest published one."""
        table = self.filter(method=method).order_by("-version").first()
        if table is None:
            raise RiskBandTable.DoesNotExist(f"no band table for {method}")
        return table


class RiskBandTable(models.Model):
    """One published version of the grading configuration of a method (LEC or LS).

    ``bands``: ``[{"level": "red", "limit": "320"}, …, {"level": "blue", "limit": null}]``,
    highest first; ``factors``: ``{"L": [["10", "完全可以预料"], …], …}`` — the values an
    assessor may choose and what each means (the LEC C descriptions differ between sources,
    RULES.md §4.2, so they live here). Rows are never edited: publishing makes a new version.
    """

    method = models.CharField(_("评估方法"), max_length=8, choices=Method.choices)
    version = models.PositiveIntegerField(_("版本"))
    boundary_rule = models.CharField(_("边界值归属"), max_length=8, choices=BoundaryRule.choices)
    bands = models.JSONField(_("分级标准"))
    factors = models.JSONField(_("取值及说明"))
    source = models.TextField(_("依据/来源"), max_length=2000)
    edition = models.CharField(_("版本说明"), max_length=200)
    note = models.TextField(_("备注"), max_length=2000, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    objects = RiskBandTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险分级标准")
        verbose_name_plural = _("风险分级标准")
        ordering = ["method", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "version"], name="risk_band_table_one_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{METHOD_SHORT[Method(self.method)]} 分级标准 v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A published band table is never edited; publish a new version.")
        super().save(*args, **kwargs)

    def spec(self) -> grading.BandSpec:
        return grading.spec_from(self.bands, method=self.method, boundary_rule=self.boundary_rule)

    def factor_choices(self, factor: str) -> list[tuple[str, str]]:
        """(value, "value — description") pairs for one factor, as the assess form lists them."""
        return [
            (grading.fmt(value), f"{grading.fmt(value)} — {label}")
            for value, label in self.factors.get(factor, [])
        ]

    def factor_values(self, factor: str) -> list[str]:
        return [grading.fmt(value) for value, _label in self.factors.get(factor, [])]

    @property
    def factor_names(self) -> tuple[str, ...]:
        return METHOD_FACTORS[Method(self.method)]

    def ranges(self) -> list[tuple[str, str]]:
        return grading.band_ranges(self.spec())


class RiskLibraryEntry(models.Model):
    """A typical risk point of an industry (or of a key object such as 粉尘涉爆), with its
    usual hazard factors, accident types, typical factor values and measures.

    An entry applies to an enterprise whose industry code is in ``industry_codes`` or that
    carries one of ``flags`` (the registry's key-object flags); ``is_generic`` entries are
    the fallback for industries the library does not cover yet.
    """

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    topic = models.CharField(_("类别"), max_length=40)
    industry_codes = models.CharField(_("适用行业代码"), max_length=300, blank=True)
    flags = models.CharField(_("适用重点对象"), max_length=200, blank=True)
    is_generic = models.BooleanField(_("通用"), default=False)
    name = models.CharField(_("风险点名称"), max_length=100)
    kind = models.CharField(_("风险点类型"), max_length=16, choices=PointKind.choices)
    location_hint = models.CharField(_("典型部位"), max_length=120, blank=True)
    hazard_factors = models.TextField(_("主要危险有害因素"), max_length=2000)
    factor_class = models.CharField(
        _("危险有害因素类别"), max_length=1, choices=FactorClass.choices
    )
    accident_types = models.CharField(
        _("可能导致的事故类型"), max_length=80, validators=[accident_types_validator]
    )
    method = models.CharField(_("推荐评估方法"), max_length=8, choices=Method.choices)
    l_value = models.DecimalField(_("典型 L 值"), **FACTOR_VALUE)
    e_value = models.DecimalField(_("典型 E 值"), **FACTOR_VALUE)
    c_value = models.DecimalField(_("典型 C 值"), **FACTOR_VALUE)
    s_value = models.DecimalField(_("典型 S 值"), **FACTOR_VALUE)
    control_level = models.CharField(_("建议管控层级"), max_length=16, choices=ControlLevel.choices)
    measures = models.JSONField(_("典型管控措施"), default=list)
    basis = models.CharField(_("参考依据"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("风险点库条目")
        verbose_name_plural = _("风险点库")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.topic}·{self.name}"

    @property
    def industry_code_list(self) -> list[str]:
        return split_codes(self.industry_codes)

    @property
    def flag_list(self) -> list[str]:
        return split_codes(self.flags)

    @property
    def accident_type_labels(self) -> list[str]:
        return accident_type_labels(self.accident_types)

    def applies_to(self, enterprise) -> bool:
        if enterprise.industry.code in self.industry_code_list:
            return True
        return any(getattr(enterprise, flag, False) for flag in self.flag_list)

    def typical_factors(self) -> dict[str, object]:
        values = {"L": self.l_value, "E": self.e_value, "C": self.c_value, "S": self.s_value}
        return {name: values[name] for name in METHOD_FACTORS[Method(self.method)]}

    def typical_score(self):
        return grading.score(self.method, self.typical_factors())


class RiskPointQuerySet(ScopedQuerySet):
    def active(self) -> "RiskPointQuerySet":
        return self.filter(status=PointStatus.ACTIVE)

    def due_by(self, day) -> "RiskPointQuerySet":
        """Active points whose re-assessment is due on or before ``day`` (overdue included)."""
        return self.active().filter(reassess_due__lte=day)


class RiskPoint(EnterpriseOwned, VersionedModel):
    """A 风险点 of one enterprise, with its cached grades (see the module docstring).

    Invariants for any writer: ``scope_region_code`` and ``industry`` are copied from the
    enterprise (``EnterpriseOwned``: scoping never joins the registry, and an enterprise
    that moves takes its points along); a retired point has a reason; the cached grades
    change only through ``risks.services.risk_point_assess``.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="risk_points",
        verbose_name=_("单位"),
    )
    name = models.CharField(_("风险点名称"), max_length=100)
    kind = models.CharField(_("风险点类型"), max_length=16, choices=PointKind.choices)
    location = models.CharField(_("所在位置/部位"), max_length=120, blank=True)
    hazard_factors = models.TextField(
        _("主要危险有害因素"),
        max_length=2000,
        help_text=_("按 GB/T 13861 辨识的人、物、环境、管理方面的危险有害因素"),
    )
    factor_class = models.CharField(
        _("危险有害因素类别"),
        max_length=1,
        choices=FactorClass.choices,
        help_text=_("GB/T 13861-2022 大类"),
    )
    accident_types = models.CharField(
        _("可能导致的事故类型"),
        max_length=80,
        validators=[accident_types_validator],
        help_text=_("GB 6441 事故类别，可多选"),
    )
    control_level = models.CharField(_("管控层级"), max_length=16, choices=ControlLevel.choices)
    owner_name = models.CharField(_("管控责任人"), max_length=40)
    owner_phone = models.CharField(_("责任人电话"), max_length=20, validators=[phone_validator])
    emergency_phone = models.CharField(
        _("应急联系电话"),
        max_length=20,
        blank=True,
        validators=[emergency_phone_validator],
        help_text=_("印在风险告知卡上；不填则使用单位安全管理人员电话"),
    )
    reassess_due = models.DateField(
        _("下次评估日期"), null=True, blank=True, help_text=_("到期前30天提醒本单位用户")
    )
    library_entry = models.ForeignKey(
        RiskLibraryEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("来自风险点库"),
    )
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=PointStatus.choices,
        default=PointStatus.ACTIVE,
        editable=False,
    )
    retired_at = models.DateTimeField(_("注销时间"), null=True, blank=True, editable=False)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("注销人"),
    )
    retire_reason = models.CharField(_("注销原因"), max_length=500, blank=True, editable=False)

    # Cached from the latest assessment of each stage (risk_point_assess writes them).
    inherent_method = models.CharField(
        _("固有风险评估方法"), max_length=8, choices=Method.choices, blank=True, editable=False
    )
    inherent_score = models.DecimalField(
        _("固有风险分值"), null=True, blank=True, editable=False, **SCORE
    )
    inherent_level = models.CharField(
        _("固有风险等级"), max_length=8, choices=Level.choices, blank=True, editable=False
    )
    residual_method = models.CharField(
        _("剩余风险评估方法"), max_length=8, choices=Method.choices, blank=True, editable=False
    )
    residual_score = models.DecimalField(
        _("剩余风险分值"), null=True, blank=True, editable=False, **SCORE
    )
    residual_level = models.CharField(
        _("剩余风险等级"), max_length=8, choices=Level.choices, blank=True, editable=False
    )
    current_level = models.CharField(
        _("风险等级"), max_length=8, choices=Level.choices, blank=True, editable=False
    )
    current_rank = models.PositiveSmallIntegerField(default=0, editable=False)
    last_assessed_at = models.DateTimeField(_("最近评估"), null=True, blank=True, editable=False)
    # The due date the re-assessment reminder was last sent for (the sweep's claim).
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("创建人"),
    )

    objects = RiskPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        ordering = ["-current_rank", "enterprise_id", "name", "id"]
        indexes = [
            # The list, the regional register (current_rank ≥ 3) and the concentration
            # figures: scope prefix first, then the grade.
            models.Index(
                fields=["scope_region_code", "current_rank"],
                name="risk_point_scope_rank",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
            models.Index(fields=["enterprise", "status"], name="risk_point_enterprise"),
            # The re-assessment reminder sweep and the "due" filter.
            models.Index(
                fields=["reassess_due"],
                name="risk_point_due_active",
                condition=models.Q(status="active"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope_region_code=""), name="risk_point_scope_region_set"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="retired") | ~models.Q(retire_reason=""),
                name="risk_point_retired_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(current_rank__lte=4), name="risk_point_rank_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risks:risk_point_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.accident_types:
            codes = split_codes(self.accident_types)
            if len(codes) != len(set(codes)):
                raise ValidationError({"accident_types": _("事故类型不能重复")})

    def refresh_derived_fields(self) -> None:
        """Copy the enterprise's scope columns and recompute the current grade."""
        self.copy_enterprise_scope()
        self.current_level = self.residual_level or self.inherent_level or ""
        self.current_rank = LEVEL_RANK.get(self.current_level, 0)

    @property
    def is_active(self) -> bool:
        return self.status == PointStatus.ACTIVE

    @property
    def accident_type_list(self) -> list[str]:
        return split_codes(self.accident_types)

    @property
    def accident_type_labels(self) -> list[str]:
        return accident_type_labels(self.accident_types)

    @property
    def current_score(self):
        return self.residual_score if self.residual_level else self.inherent_score

    @property
    def current_method(self) -> str:
        return self.residual_method if self.residual_level else self.inherent_method

    @property
    def current_stage(self) -> str:
        if self.residual_level:
            return Stage.RESIDUAL
        return Stage.INHERENT if self.inherent_level else ""

    def due_state(self, today=None) -> str:
        if self.reassess_due is None:
            return "none"
        today = today or timezone.localdate()
        if self.reassess_due < today:
            return "overdue"
        if (self.reassess_due - today).days <= DueState.SOON_DAYS:
            return "soon"
        return "ok"

    @property
    def card_phone(self) -> str:
        return (
            self.emergency_phone
            or self.enterprise.safety_manager_phone
            or self.enterprise.principal_phone
        )


class RiskAssessment(models.Model):
    """One LEC or LS evaluation of a risk point, graded by the band table version it names.

    Append-only: a new assessment supersedes an older one of the same stage; none is edited.
    """

    risk_point = models.ForeignKey(
        RiskPoint, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("风险点")
    )
    method = models.CharField(_("评估方法"), max_length=8, choices=Method.choices)
    stage = models.CharField(_("评估阶段"), max_length=10, choices=Stage.choices)
    l_value = models.DecimalField(_("L 值"), validators=[MinValueValidator(0)], **FACTOR_VALUE)
    e_value = models.DecimalField(_("E 值"), validators=[MinValueValidator(0)], **FACTOR_VALUE)
    c_value = models.DecimalField(_("C 值"), validators=[MinValueValidator(0)], **FACTOR_VALUE)
    s_value = models.DecimalField(_("S 值"), validators=[MinValueValidator(0)], **FACTOR_VALUE)
    score = models.DecimalField(_("风险值"), **SCORE)
    level = models.CharField(_("风险等级"), max_length=8, choices=Level.choices)
    band_table = models.ForeignKey(
        RiskBandTable,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("所用分级标准"),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("评估人"),
    )
    assessed_at = models.DateTimeField(_("评估时间"), default=timezone.now)
    note = models.TextField(_("评估说明"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("风险评估")
        verbose_name_plural = _("风险评估")
        ordering = ["-assessed_at", "-id"]
        indexes = [
            models.Index(fields=["risk_point", "-assessed_at"], name="risk_assessment_point")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        method="lec",
                        l_value__isnull=False,
                        e_value__isnull=False,
                        c_value__isnull=False,
                        s_value__isnull=True,
                    )
                    | models.Q(
                        method="ls",
                        l_value__isnull=False,
                        s_value__isnull=False,
                        e_value__isnull=True,
                        c_value__isnull=True,
                    )
                ),
                name="risk_assessment_factors_match_method",
            )
        ]

    def __str__(self) -> str:
        return f"{self.risk_point} {self.get_method_display()} {self.score}"

    def factor_values(self) -> list[tuple[str, object]]:
        values = {"L": self.l_value, "E": self.e_value, "C": self.c_value, "S": self.s_value}
        return [(name, values[name]) for name in METHOD_FACTORS[Method(self.method)]]

    @property
    def formula(self) -> str:
        letter = "D" if self.method == Method.LEC else "R"
        factors = " × ".join(grading.fmt(value) for _name, value in self.factor_values())
        return f"{letter} = {factors} = {grading.fmt(self.score)}"


class ControlMeasure(VersionedModel):
    """A control measure (管控措施) of a risk point: kind, what is done, level and owner.

    Deactivated (with a reason), never deleted, so the card and the history stay true.
    """

    risk_point = models.ForeignKey(
        RiskPoint, on_delete=models.PROTECT, related_name="measures", verbose_name=_("风险点")
    )
    kind = models.CharField(_("措施类型"), max_length=16, choices=MeasureKind.choices)
    text = models.TextField(_("措施内容"), max_length=1000)
    level = models.CharField(_("管控层级"), max_length=16, choices=ControlLevel.choices)
    owner_name = models.CharField(_("责任人"), max_length=40)
    owner_phone = models.CharField(
        _("责任人电话"), max_length=20, blank=True, validators=[phone_validator]
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("有效"), default=True, editable=False)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("停用人"),
    )
    deactivate_reason = models.CharField(_("停用原因"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("管控措施")
        verbose_name_plural = _("管控措施")
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["risk_point", "is_active"], name="risk_measure_point")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_active=True) | ~models.Q(deactivate_reason=""),
                name="risk_measure_inactive_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]
